/* SPDX-License-Identifier: MIT */
#include "metrics_expo.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* printf onto the end, all or nothing. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void put(struct expo *e, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (e->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(e->buf + e->len, e->cap - e->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= e->cap - e->len)
		e->full = 1;
	else
		e->len += (size_t)n;
}

void expo_family(struct expo *e, const char *name, const char *type, const char *help)
{
	put(e, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/*
 * `v` as a label value: '\\', '"' and newline escaped as the format says;
 * a byte outside printable ASCII (a client names itself as it likes, and
 * the format wants UTF-8) as '?'.
 */
static void escaped(char *out, const char *v)
{
	size_t o = 0;

	for (; v && *v; v++) {
		unsigned char c = (unsigned char)*v;

		if (c == '\\' || c == '"' || c == '\n') {
			out[o++] = '\\';
			out[o++] = c == '\n' ? 'n' : (char)c;
		} else {
			out[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
		}
	}
	out[o] = '\0';
}

/* "NAME{...}" of a sample in out; "" if it would not fit. */
static void head(char *out, size_t cap, const char *name, const struct expo_label *l,
		 unsigned n, const struct expo_label *extra)
{
	size_t o = (size_t)snprintf(out, cap, "%s", name), base = o;
	char cut[64], v[2 * sizeof(cut)];
	unsigned i;

	for (i = 0; i <= n && o < cap; i++) {
		const struct expo_label *one = i < n ? &l[i] : extra;

		if (!one)
			continue;
		/* label values are names, at most 63 bytes: longer ones are cut */
		snprintf(cut, sizeof(cut), "%s", one->value ? one->value : "");
		escaped(v, cut);
		o += (size_t)snprintf(out + o, cap - o, "%s%s=\"%s\"", o == base ? "{" : ",",
				      one->name, v);
	}
	if (o < cap && o > base)
		o += (size_t)snprintf(out + o, cap - o, "}");
	if (o >= cap)
		out[0] = '\0';
}

/* One sample line, its value already text. */
static void sample(struct expo *e, const char *name, const struct expo_label *l, unsigned n,
		   const struct expo_label *extra, const char *value)
{
	char h[EXPO_LINE_MAX];

	head(h, sizeof(h), name, l, n, extra);
	if (!h[0])
		e->full = 1;
	put(e, "%s %s\n", h, value);
}

void expo_u64(struct expo *e, const char *name, const struct expo_label *l, unsigned n,
	      const struct expo_label *extra, uint64_t v)
{
	char t[24];

	snprintf(t, sizeof(t), "%" PRIu64, v);
	sample(e, name, l, n, extra, t);
}

void expo_s64(struct expo *e, const char *name, const struct expo_label *l, unsigned n,
	      const struct expo_label *extra, int64_t v)
{
	char t[24];

	snprintf(t, sizeof(t), "%" PRId64, v);
	sample(e, name, l, n, extra, t);
}

void expo_ns(struct expo *e, const char *name, const struct expo_label *l, unsigned n,
	     const struct expo_label *extra, int64_t ns)
{
	/* the magnitude as unsigned: -INT64_MIN does not fit int64_t */
	uint64_t m = ns < 0 ? 0u - (uint64_t)ns : (uint64_t)ns;
	char t[32];

	snprintf(t, sizeof(t), "%s%" PRIu64 ".%09" PRIu64, ns < 0 ? "-" : "", m / 1000000000u,
		 m % 1000000000u);
	sample(e, name, l, n, extra, t);
}
