/* SPDX-License-Identifier: MIT */
/*
 * Prometheus text exposition format 0.0.4 into a buffer of fixed size:
 * families with HELP and TYPE, samples with escaped label values, exact
 * decimal numbers.  A sample that does not fit marks the buffer full and
 * is dropped whole: the renderer then answers 500, never a cut text.
 */
#ifndef RLCD_METRICS_EXPO_H
#define RLCD_METRICS_EXPO_H

#include <stddef.h>
#include <stdint.h>

struct expo {
	char *buf;
	size_t cap, len;
	int full; /* something did not fit */
};

/* At most this many labels on a sample, and this long a sample line:
 * names are at most 63 bytes, and escaping at most doubles a value. */
#define EXPO_LABELS_MAX 6
#define EXPO_LINE_MAX 640

struct expo_label {
	const char *name;
	const char *value; /* NULL is written as "" */
};

/* "# HELP NAME HELP\n# TYPE NAME TYPE\n"; type is gauge, counter or histogram. */
void expo_family(struct expo *e, const char *name, const char *type, const char *help);

/*
 * One sample "NAME{L="V",...} VALUE\n" of `n` labels (n <= EXPO_LABELS_MAX)
 * and an extra one (`extra`, may be NULL) after them, which is how a
 * histogram's le or an outcome joins the series' own labels.
 */
void expo_u64(struct expo *e, const char *name, const struct expo_label *l, unsigned n,
	      const struct expo_label *extra, uint64_t v);
void expo_s64(struct expo *e, const char *name, const struct expo_label *l, unsigned n,
	      const struct expo_label *extra, int64_t v);
/* A count of nanoseconds as seconds, exactly: 1.500000000. */
void expo_ns(struct expo *e, const char *name, const struct expo_label *l, unsigned n,
	     const struct expo_label *extra, int64_t ns);

#endif /* RLCD_METRICS_EXPO_H */
