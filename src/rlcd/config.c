/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iniparser.h>

#include "ini.h"
#include "layout.h"
#include "rlc.h"
#include "duration.h"
#include "value.h"

/* A configuration is a few kilobytes; anything this big is a wrong -c. */
#define CONFIG_SIZE_MAX (1u << 20)
/* "section:key" as iniparser keys it; its lines are at most 1024 bytes. */
#define FULL_KEY_MAX 2050

static const char *const rlcd_keys[] = { "segment", "mode", "group", "clients", "heartbeat", NULL };
static const char *const limit_keys[] = { "scope",    "algorithm", "capacity",
					  "interval", "slots",     "buffer",   NULL };

/* One section as config.c sees it. */
struct section {
	const char *key;   /* iniparser's name, the prefix of its keys */
	char shown[80];    /* as messages print it: "rlcd", "limit NAME" */
	const char *const *keys;
	unsigned line;     /* of its header */
};

struct parse {
	const char *file;
	char *why;
	size_t len;
	struct rlc_ini ini;
	struct section rlcd;      /* .key NULL when there is no [rlcd] */
	struct section *limits;   /* one per cfg->limits[i] */
	const struct section **of; /* of[i]: what ini.sections[i] is */
};

/* "FILE: [SECTION] KEY: message"; section or key may be NULL. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int fail(const struct parse *p, const struct section *s, const char *key, const char *fmt,
		...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s && key)
		snprintf(p->why, p->len, "%s: [%s] %s: %s", p->file, s->shown, key, msg);
	else if (s)
		snprintf(p->why, p->len, "%s: [%s]: %s", p->file, s->shown, msg);
	else
		snprintf(p->why, p->len, "%s: %s", p->file, msg);
	return -EINVAL;
}

static int no_memory(const struct parse *p)
{
	snprintf(p->why, p->len, "%s: out of memory", p->file);
	return -ENOMEM;
}

/*
 * The value of `key` in `s` in *val, NULL when absent.  Returns 0, or
 * -EINVAL for an empty value: "key =" is more likely a slip than a wish for
 * the default.
 */
static int lookup(const struct parse *p, const struct section *s, const char *key,
		  const char **val)
{
	char full[FULL_KEY_MAX];

	*val = NULL;
	if (!s->key)
		return 0;
	snprintf(full, sizeof(full), "%s:%s", s->key, key);
	*val = iniparser_getstring(p->ini.dict, full, NULL);
	if (*val && (*val)[0] == '\0')
		return fail(p, s, key, "is empty; give a value or remove the line");
	return 0;
}

/* Limit and scope names: what rlctl prints and rlc_limit_id() matches. */
static int name_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-");

	return n > 0 && s[n] == '\0' && n < RLC_NAME_MAX;
}

#define NAME_RULE "use a-z 0-9 . _ - only, at most 63 characters"

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;

	return m < c ? m : c;
}

/* Edit distance between two short keys, for "did you mean"; UINT_MAX if long. */
static unsigned distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned row[33], diag, up;

	if (la > 32 || lb > 32)
		return UINT_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = (unsigned)i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			row[j] = min3(up + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1]));
			diag = up;
		}
	}
	return row[lb];
}

static int unknown_key(const struct parse *p, const struct section *s, const char *key)
{
	char list[128] = "";
	size_t i;

	for (i = 0; s->keys[i]; i++)
		if (distance(key, s->keys[i]) <= 2)
			return fail(p, s, key, "unknown key; did you mean %s?", s->keys[i]);
	for (i = 0; s->keys[i]; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 s->keys[i]);
	return fail(p, s, key, "unknown key; this section takes %s", list);
}

/* The limit sections, in file order, and their names; refuse the rest. */
static int read_sections(struct parse *p, struct rlc_config *cfg)
{
	const struct rlc_ini *ini = &p->ini;
	unsigned i, j;

	p->limits = calloc(ini->count ? ini->count : 1, sizeof(*p->limits));
	p->of = calloc(ini->count ? ini->count : 1, sizeof(*p->of));
	cfg->limits = calloc(ini->count ? ini->count : 1, sizeof(*cfg->limits));
	if (!p->limits || !p->of || !cfg->limits)
		return no_memory(p);
	for (i = 0; i < ini->count; i++) {
		const struct rlc_ini_section *is = &ini->sections[i];
		struct section *s = &p->limits[cfg->limits_count];
		struct rlc_limit_config *lc = &cfg->limits[cfg->limits_count];
		const char *name;

		if (strcmp(is->name, "rlcd") == 0) {
			if (p->rlcd.key)
				return fail(p, &p->rlcd, NULL,
					    "appears twice (line %u and line %u)", p->rlcd.line,
					    is->line);
			p->rlcd = (struct section){ is->name, "rlcd", rlcd_keys, is->line };
			p->of[i] = &p->rlcd;
			continue;
		}
		/* "limit", blanks, the name: iniparser keeps inner blanks as written */
		name = strncmp(is->name, "limit", 5) == 0 ? is->name + 5 : "-";
		if (*name != '\0' && *name != ' ' && *name != '\t') {
			struct section shown = { is->name, "", NULL, is->line };

			snprintf(shown.shown, sizeof(shown.shown), "%.60s", is->name);
			return fail(p, &shown, NULL,
				    "unknown section (line %u); expected [rlcd] or [limit NAME]",
				    is->line);
		}
		name += strspn(name, " \t");
		*s = (struct section){ is->name, "", limit_keys, is->line };
		snprintf(s->shown, sizeof(s->shown), "limit%s%.60s", *name ? " " : "", name);
		if (*name == '\0')
			return fail(p, s, NULL,
				    "the limit has no name (line %u); write [limit NAME]",
				    is->line);
		if (!name_ok(name))
			return fail(p, s, NULL, "bad limit name (line %u): " NAME_RULE, is->line);
		for (j = 0; j < cfg->limits_count; j++)
			if (strcmp(cfg->limits[j].name, name) == 0)
				return fail(p, s, NULL, "limit defined twice (line %u and line %u)",
					    p->limits[j].line, is->line);
		strcpy(lc->name, name);
		p->of[i] = s;
		cfg->limits_count++;
	}
	if (cfg->limits_count == 0)
		return fail(p, NULL, NULL,
			    "no [limit NAME] section: rlcd needs at least one limit");
	return 0;
}

/* Is `s` the section of key `full`, whose section part is `n` bytes long? */
static int owns(const struct section *s, const char *full, size_t n)
{
	return s->key && strncmp(s->key, full, n) == 0 && s->key[n] == '\0';
}

/* Every key must belong to a section that takes it. */
static int check_keys(const struct parse *p, const struct rlc_config *cfg)
{
	const dictionary *d = p->ini.dict;
	const struct section *s = NULL;
	ssize_t i;
	uint32_t j;

	for (i = 0; i < d->size; i++) {
		const char *full = d->key[i], *colon = full ? strchr(full, ':') : NULL;
		size_t n;

		if (!colon)
			continue; /* a section's own entry */
		n = (size_t)(colon - full);
		if (n == 0)
			return fail(p, NULL, NULL,
				    "%s: key outside any section; put it under [rlcd] or "
				    "[limit NAME]",
				    colon + 1);
		/* keys mostly follow their section: try the last one first */
		if (!s || !owns(s, full, n)) {
			s = owns(&p->rlcd, full, n) ? &p->rlcd : NULL;
			for (j = 0; !s && j < cfg->limits_count; j++)
				if (owns(&p->limits[j], full, n))
					s = &p->limits[j];
		}
		if (!s)
			return fail(p, NULL, NULL, "%s: key outside any known section", full);
		for (j = 0; s->keys[j] && strcmp(s->keys[j], colon + 1) != 0; j++)
			;
		if (!s->keys[j])
			return unknown_key(p, s, colon + 1);
	}
	return 0;
}

/*
 * What the dictionary cannot show: a key given twice in one section (it
 * keeps the last) and a quote left open or followed by text (it keeps
 * what lies inside).  Runs after check_keys(), so every key is one of its
 * section's few, and the walk back over a section's keys stays short.
 */
static int check_lines(const struct parse *p)
{
	const struct rlc_ini *ini = &p->ini;
	unsigned i, j;

	for (i = 0; i < ini->keys_count; i++) {
		const struct rlc_ini_key *k = &ini->keys[i];
		const struct section *s = k->section < ini->count ? p->of[k->section] : NULL;

		if (k->quote == RLC_INI_QUOTE_OPEN)
			return fail(p, s, k->name,
				    "line %u: unbalanced quote: the value opens %c and does not close "
				    "it",
				    k->line, k->mark);
		if (k->quote == RLC_INI_QUOTE_TRAILING)
			return fail(p, s, k->name, "line %u: text after the closing quote", k->line);
		for (j = i; j-- > 0 && ini->keys[j].section == k->section;)
			if (strcmp(ini->keys[j].name, k->name) == 0)
				return fail(p, s, k->name, "given twice (line %u and line %u); keep one",
					    ini->keys[j].line, k->line);
	}
	return 0;
}

/*
 * May this process give its own file to group `gid`?  chown(2) lets root
 * give it to any group, and anyone else only to a group it is in.
 * Returns 1, 0, or -errno.
 */
static int may_chown_to(gid_t gid)
{
	gid_t *groups;
	int n, i, member = 0;

	if (geteuid() == 0 || getegid() == gid)
		return 1;
	n = getgroups(0, NULL);
	if (n <= 0)
		return n < 0 ? -errno : 0;
	groups = calloc((size_t)n, sizeof(*groups));
	if (!groups)
		return -ENOMEM;
	n = getgroups(n, groups);
	for (i = 0; i < n; i++)
		member |= groups[i] == gid;
	free(groups);
	return n < 0 ? -errno : member;
}

static int read_group(const struct parse *p, struct rlc_config *cfg, const char *val)
{
	struct group *gr;
	int may;

	if (strlen(val) >= sizeof(cfg->group))
		return fail(p, &p->rlcd, "group", "\"%.40s...\" is too long", val);
	errno = 0;
	gr = getgrnam(val);
	if (!gr && errno != 0 && errno != ENOENT && errno != ESRCH)
		return fail(p, &p->rlcd, "group", "cannot look up \"%s\": %s", val,
			    strerror(errno));
	if (!gr)
		return fail(p, &p->rlcd, "group", "group \"%s\" does not exist", val);
	strcpy(cfg->group, val);
	cfg->gid = gr->gr_gid;
	/* else rlcd would create the segment and then fail to chown it */
	may = may_chown_to(cfg->gid);
	if (may < 0)
		return may == -ENOMEM ? no_memory(p)
				      : fail(p, &p->rlcd, "group", "cannot list this process's groups: %s",
					     strerror(-may));
	if (!may)
		return fail(p, &p->rlcd, "group",
			    "rlcd must be root or a member of group \"%s\" to give the segment to "
			    "it, and uid %u is neither",
			    val, (unsigned)geteuid());
	return 0;
}

static int read_rlcd(const struct parse *p, struct rlc_config *cfg)
{
	const struct section *s = &p->rlcd;
	char why[256], lo[16], hi[16];
	const char *val;
	uint64_t n;
	int err;

	if ((err = lookup(p, s, "segment", &val)))
		return err;
	if (val && rlc_segment_name_check(val, why, sizeof(why)))
		return fail(p, s, "segment", "%s", why);
	if (val)
		strcpy(cfg->segment, val);
	if ((err = lookup(p, s, "mode", &val)))
		return err;
	if (val && rlc_parse_mode(val, &cfg->mode, why, sizeof(why)))
		return fail(p, s, "mode", "%s", why);
	if (cfg->mode & 07000)
		return fail(p, s, "mode",
			    "%#o sets the setuid, setgid or sticky bit, which mean nothing on a "
			    "segment; use e.g. 0660",
			    (unsigned)cfg->mode);
	/* any local user could then rewrite every count */
	if (cfg->mode & 0002)
		return fail(p, s, "mode",
			    "%#o lets every user write the segment, which is writable state shared "
			    "by every bot: any local user could take or block the whole budget; use "
			    "0660 with a group (or 0664 to let everyone read it)",
			    (unsigned)cfg->mode);
	if ((cfg->mode & 0600) != 0600)
		return fail(p, s, "mode",
			    "%#o leaves the owner without read and write, which rlcd needs to "
			    "adopt the segment after a restart",
			    (unsigned)cfg->mode);
	if ((err = lookup(p, s, "group", &val)))
		return err;
	if (val && (err = read_group(p, cfg, val)))
		return err;
	if ((err = lookup(p, s, "clients", &val)))
		return err;
	if (val && rlc_parse_uint(val, 1, RLC_CLIENTS_MAX, &n, why, sizeof(why)))
		return fail(p, s, "clients", "%s", why);
	if (val)
		cfg->clients = (uint32_t)n;
	if ((err = lookup(p, s, "heartbeat", &val)))
		return err;
	if (val && rlc_duration_parse(val, &cfg->heartbeat_ns, why, sizeof(why)))
		return fail(p, s, "heartbeat", "%s", why);
	if (cfg->heartbeat_ns < RLC_HEARTBEAT_MIN_NS || cfg->heartbeat_ns > RLC_HEARTBEAT_MAX_NS) {
		rlc_duration_format(lo, sizeof(lo), RLC_HEARTBEAT_MIN_NS, 0);
		rlc_duration_format(hi, sizeof(hi), RLC_HEARTBEAT_MAX_NS, 0);
		return fail(p, s, "heartbeat", "\"%s\" is outside %s..%s", val, lo, hi);
	}
	return 0;
}

/* scope = the limit name minus its last dotted component, unless given. */
static int read_scope(const struct parse *p, const struct section *s,
		      struct rlc_limit_config *lc)
{
	const char *val, *dot;
	size_t i;
	int err;

	if ((err = lookup(p, s, "scope", &val)))
		return err;
	if (!val) {
		dot = strrchr(lc->name, '.');
		if (!dot || dot == lc->name)
			return fail(p, s, "scope",
				    "missing, and the limit name has no dotted prefix to take it "
				    "from; add e.g. scope = exchange.ip");
		memcpy(lc->scope, lc->name, (size_t)(dot - lc->name));
		return 0;
	}
	/* iniparser lower-cases names but not values; scopes are names too */
	for (i = 0; val[i] && i < sizeof(lc->scope) - 1; i++)
		lc->scope[i] = (char)(val[i] >= 'A' && val[i] <= 'Z' ? val[i] - 'A' + 'a' : val[i]);
	if (val[i] != '\0' || !name_ok(lc->scope))
		return fail(p, s, "scope", "\"%s\" is not a scope name: " NAME_RULE, val);
	return 0;
}

static int read_limit(const struct parse *p, const struct section *s,
		      struct rlc_limit_config *lc)
{
	char why[256];
	const char *val;
	uint64_t n;
	uint32_t effective;
	uint64_t step;
	int err;

	if ((err = read_scope(p, s, lc)) || (err = lookup(p, s, "algorithm", &val)))
		return err;
	lc->algorithm = RLC_ALGO_WINDOW;
	if (val && strcasecmp(val, "bucket") == 0)
		lc->algorithm = RLC_ALGO_BUCKET;
	else if (val && strcasecmp(val, "window") != 0)
		return fail(p, s, "algorithm", "\"%s\" is neither window nor bucket", val);
	if ((err = lookup(p, s, "capacity", &val)))
		return err;
	if (!val)
		return fail(p, s, "capacity", "missing; every limit needs its N");
	/* the segment's range, not uint32_t's: a window word holds 24 bits */
	if (rlc_parse_uint(val, 1, RLC_COUNT_MAX, &n, why, sizeof(why)))
		return fail(p, s, "capacity", "%s", why);
	lc->capacity = (uint32_t)n;
	if ((err = lookup(p, s, "interval", &val)))
		return err;
	if (!val)
		return fail(p, s, "interval", "missing; every limit needs its W, e.g. 1m");
	if (rlc_duration_parse(val, &lc->interval_ns, why, sizeof(why)))
		return fail(p, s, "interval", "%s", why);
	if ((err = lookup(p, s, "slots", &val)))
		return err;
	if (val && lc->algorithm == RLC_ALGO_BUCKET)
		return fail(p, s, "slots",
			    "a bucket has no slots; remove the line or make it a window");
	lc->slots = lc->algorithm == RLC_ALGO_WINDOW ? RLC_CONFIG_SLOTS : 0;
	if (val && rlc_parse_uint(val, 2, RLC_SLOTS_PER_LIMIT_MAX, &n, why, sizeof(why)))
		return fail(p, s, "slots", "%s", why);
	if (val)
		lc->slots = (uint32_t)n;
	if ((err = lookup(p, s, "buffer", &val)))
		return err;
	if (val && rlc_parse_ppm(val, &lc->buffer_ppm, why, sizeof(why)))
		return fail(p, s, "buffer", "%s", why);
	/* the ranges and the derived values: layout.c keeps those rules */
	if (rlc_limit_derive(lc, &effective, &step, why, sizeof(why)))
		return fail(p, NULL, NULL, "%s", why);
	return 0;
}

/*
 * Lay `cfg` out in zeroed private memory, publish it there and validate it
 * as every client will: whatever the validator refuses is then refused by
 * --check and by the start alike, by the code that will lay out the real
 * segment, rather than by every bot once rlcd has published it.  Returns
 * 0, -ENOMEM, or the validator's -errno with its reason in `why`.
 */
static int trial_layout(const struct rlc_config *cfg, char *why, size_t len)
{
	size_t size = rlc_layout_size(cfg);
	/* aligned_alloc wants a multiple of the alignment */
	void *base = aligned_alloc(RLC_CACHELINE,
				   (size + RLC_CACHELINE - 1) / RLC_CACHELINE * RLC_CACHELINE);
	int err;

	if (!base)
		return -ENOMEM;
	memset(base, 0, size);
	err = rlc_layout_init(base, size, cfg, rlc_now_ns(), why, len);
	if (!err) {
		rlc_layout_publish(base);
		err = rlc_segment_check(base, size, why, len);
	}
	free(base);
	return err;
}

/* trial_layout() on the whole of `cfg`, naming the limit at fault. */
static int check_layout(const struct parse *p, const struct rlc_config *cfg)
{
	char why[512], alone[512];
	struct rlc_config one = *cfg;
	uint32_t i;
	int err = trial_layout(cfg, why, sizeof(why));

	if (err == 0 || err == -ENOMEM)
		return err ? no_memory(p) : 0;
	/* the first limit refused in a segment of its own is the one */
	one.limits_count = 1;
	for (i = 0; i < cfg->limits_count; i++) {
		one.limits = &cfg->limits[i];
		err = trial_layout(&one, alone, sizeof(alone));
		if (err == -ENOMEM)
			return no_memory(p);
		if (err)
			return fail(p, &p->limits[i], NULL,
				    "clients would refuse the segment this configuration lays out: %s",
				    why);
	}
	return fail(p, NULL, NULL,
		    "clients would refuse the segment this configuration lays out: %s", why);
}

/*
 * Rewrite the message in `why` with every byte outside printable ASCII as
 * \xNN.  Messages quote the file, and a hostile file must not write
 * terminal escapes (C0 and C1 controls, DEL) into a terminal or a log.
 * Works in place from the end, dropping whole escapes that do not fit.
 */
static void escape_controls(char *why, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t kept, out = 0;

	if (len == 0)
		return;
	for (kept = 0; why[kept]; kept++) {
		unsigned char c = (unsigned char)why[kept];
		size_t w = c >= 0x20 && c < 0x7f ? 1 : 4;

		if (out + w >= len)
			break;
		out += w;
	}
	why[out] = '\0';
	while (kept-- > 0) {
		unsigned char c = (unsigned char)why[kept];

		if (c >= 0x20 && c < 0x7f) {
			why[--out] = (char)c;
			continue;
		}
		out -= 4;
		why[out] = '\\';
		why[out + 1] = 'x';
		why[out + 2] = hex[c >> 4];
		why[out + 3] = hex[c & 15];
	}
}

void rlc_config_defaults(struct rlc_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = RLC_CONFIG_MODE;
	cfg->clients = RLC_CONFIG_CLIENTS;
	cfg->heartbeat_ns = RLC_CONFIG_HEARTBEAT_NS;
}

int rlc_config_parse(struct rlc_config *cfg, const char *text, size_t size, const char *file,
		     char *why, size_t len)
{
	struct parse p = { .file = file, .why = why, .len = len };
	uint32_t i;
	int err;

	rlc_config_defaults(cfg);
	err = rlc_ini_parse(&p.ini, text, size, file, why, len);
	if (!err)
		err = read_sections(&p, cfg);
	if (!err)
		err = check_keys(&p, cfg);
	if (!err)
		err = check_lines(&p);
	if (!err)
		err = read_rlcd(&p, cfg);
	for (i = 0; !err && i < cfg->limits_count; i++)
		err = read_limit(&p, &p.limits[i], &cfg->limits[i]);
	if (!err && rlc_layout_size(cfg) == 0)
		err = fail(&p, NULL, NULL,
			   "too big for one segment: %" PRIu32 " limits, %" PRIu32
			   " clients (a segment holds at most %u limits, %u ring slots in all)",
			   cfg->limits_count, cfg->clients, RLC_LIMITS_MAX, RLC_SLOTS_MAX);
	if (!err)
		err = check_layout(&p, cfg);
	free(p.limits);
	free(p.of);
	rlc_ini_free(&p.ini);
	if (err) {
		rlc_config_free(cfg);
		escape_controls(why, len);
	}
	return err;
}

/* The whole of `fd` in a NUL-terminated buffer, or NULL with errno set. */
static char *read_all(int fd, size_t *size)
{
	size_t cap = 4096, used = 0;
	char *buf = malloc(cap), *grown;
	ssize_t n;

	while (buf) {
		if (used + 1 == cap) {
			if (cap >= CONFIG_SIZE_MAX) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			grown = realloc(buf, cap * 2);
			if (!grown)
				break;
			buf = grown;
			cap *= 2;
		}
		n = read(fd, buf + used, cap - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (n == 0) {
			buf[used] = '\0';
			*size = used;
			return buf;
		}
		used += (size_t)n;
	}
	free(buf);
	return NULL;
}

/* What a file that is not a regular file is, for messages. */
static const char *file_kind(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a fifo";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "of an unknown type";
}

int rlc_config_load(struct rlc_config *cfg, const char *path, char *why, size_t len)
{
	struct stat st;
	size_t size = 0;
	char *text;
	int fd, err;

	rlc_config_defaults(cfg);
	/* O_NONBLOCK: opening a fifo for reading would wait for a writer */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		snprintf(why, len, "%s: %s", path, strerror(-err));
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(why, len, "%s: not a regular file (%s)", path, file_kind(st.st_mode));
		return -EINVAL;
	}
	text = read_all(fd, &size);
	err = text ? 0 : -errno;
	close(fd);
	if (!text) {
		snprintf(why, len, "%s: %s", path,
			 err == -EFBIG ? "larger than a configuration can be (1 MiB)"
				       : strerror(-err));
		return err;
	}
	err = rlc_config_parse(cfg, text, size, path, why, len);
	free(text);
	return err;
}

void rlc_config_free(struct rlc_config *cfg)
{
	free(cfg->limits);
	cfg->limits = NULL;
	cfg->limits_count = 0;
}
