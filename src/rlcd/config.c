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
#include "metrics_addr.h"
#include "parse.h"
#include "rlc.h"
#include "duration.h"
#include "value.h"

/* A configuration is a few kilobytes; anything this big is a wrong -c. */
#define CONFIG_SIZE_MAX (1u << 20)
/* "section:key" as iniparser keys it; its lines are at most 1024 bytes. */
#define FULL_KEY_MAX 2050

static const char *const rlcd_keys[] = { "segment", "mode",      "group",
					 "clients", "heartbeat", "metrics", NULL };
static const char *const limit_keys[] = { "scope",        "algorithm",      "capacity",
					  "interval",     "slots",          "buffer",
					  "reserve-high", "reserve-normal", "reserve-low",
					  "latency",      "clock-error",    "header",
					  NULL };
static const char *const exchange_keys[] = { "clock-offset",     "dialect",
					     "breaker-failures", "breaker-cooldown",
					     "breaker-probe-timeout", NULL };
static const char *const account_keys[] = { NULL };
static const char *const mode_keys[] = { "buffer", "lowest", "reserve", "duration", NULL };

/* The sections of rlc.ini(5) that name things: their word, form and keys. */
static const struct {
	const char *word;
	enum section_kind kind;
	unsigned words;
	const char *form;
	const char *const *keys; /* NULL: endpoint.c judges every key */
} kinds[] = {
	{ "limit", SECTION_LIMIT, 1, "[limit NAME]", limit_keys },
	{ "exchange", SECTION_EXCHANGE, 1, "[exchange NAME]", exchange_keys },
	{ "account", SECTION_ACCOUNT, 2, "[account EXCHANGE NAME]", account_keys },
	{ "mode", SECTION_MODE, 2, "[mode EXCHANGE NAME]", mode_keys },
	{ "endpoint", SECTION_ENDPOINT, 3, "[endpoint EXCHANGE METHOD PATH]", NULL },
};
#define KINDS (sizeof(kinds) / sizeof(kinds[0]))
#define SECTIONS_EXPECTED                                                                    \
	"[rlcd], [exchange NAME], [limit NAME], [account EXCHANGE NAME], [mode EXCHANGE NAME] "   \
	"or [endpoint EXCHANGE METHOD PATH]"

int cfg_fail(const struct parse *p, const struct section *s, const char *key, const char *fmt,
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

int cfg_no_memory(const struct parse *p)
{
	snprintf(p->why, p->len, "%s: out of memory", p->file);
	return -ENOMEM;
}

int cfg_lookup(const struct parse *p, const struct section *s, const char *key, const char **val)
{
	char full[FULL_KEY_MAX];

	*val = NULL;
	if (!s)
		return 0;
	snprintf(full, sizeof(full), "%s:%s", s->key, key);
	*val = iniparser_getstring(p->ini.dict, full, NULL);
	if (*val && (*val)[0] == '\0')
		return cfg_fail(p, s, key, "is empty; give a value or remove the line");
	return 0;
}

int cfg_name_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-");

	return n > 0 && s[n] == '\0' && n < RLC_NAME_MAX;
}

int cfg_word_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-");

	return n > 0 && s[n] == '\0' && n < RLC_NAME_MAX;
}

uint32_t cfg_choice(const char *val, const char *const *names, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(val, names[i]) == 0)
			return i;
	return RLC_NONE;
}

int cfg_duration(const struct parse *p, const struct section *s, const char *key, uint64_t lo,
		 uint64_t hi, uint64_t *ns)
{
	char why[256], low[RLC_DURATION_TEXT_MAX], high[RLC_DURATION_TEXT_MAX];
	const char *val;
	uint64_t n;
	int err;

	if ((err = cfg_lookup(p, s, key, &val)) || !val)
		return err;
	if (rlc_duration_parse(val, &n, why, sizeof(why)))
		return cfg_fail(p, s, key, "%s", why);
	if (n < lo || n > hi) {
		rlc_duration_format(low, sizeof(low), lo, 0);
		rlc_duration_format(high, sizeof(high), hi, 0);
		return cfg_fail(p, s, key, "\"%s\" is outside %s..%s", val, low, high);
	}
	*ns = n;
	return 0;
}

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;

	return m < c ? m : c;
}

unsigned cfg_distance(const char *a, const char *b)
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
	char list[256] = "";
	size_t i;

	for (i = 0; s->keys[i]; i++)
		if (cfg_distance(key, s->keys[i]) <= 2)
			return cfg_fail(p, s, key, "unknown key; did you mean %s?", s->keys[i]);
	if (!s->keys[0])
		return cfg_fail(p, s, key, "unknown key; this section takes no keys");
	for (i = 0; s->keys[i]; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 s->keys[i]);
	return cfg_fail(p, s, key, "unknown key; this section takes %s", list);
}

/* Split what follows the kind word into s->word[]; 0, or -1 when too many or too long. */
static int split_words(struct section *s, const char *rest)
{
	size_t n;

	s->words = 0;
	for (rest += strspn(rest, " \t"); *rest; rest += strspn(rest, " \t")) {
		n = strcspn(rest, " \t");
		if (s->words == SECTION_WORDS || n >= RLC_NAME_MAX)
			return -1;
		memcpy(s->word[s->words], rest, n);
		s->word[s->words++][n] = '\0';
		rest += n;
	}
	return 0;
}

/* [limit NAME]: the name is the whole rest, blanks and all, so that they are refused. */
static int limit_header(const struct parse *p, struct section *s, const char *name)
{
	name += strspn(name, " \t");
	snprintf(s->shown, sizeof(s->shown), "limit%s%.60s", *name ? " " : "", name);
	if (*name == '\0')
		return cfg_fail(p, s, NULL, "the limit has no name (line %u); write [limit NAME]",
				s->line);
	if (!cfg_name_ok(name))
		return cfg_fail(p, s, NULL, "bad limit name (line %u): " NAME_RULE, s->line);
	s->words = 1;
	strcpy(s->word[0], name);
	return 0;
}

/* Section `i` of the text: which kind it is and the words of its header. */
static int read_header(const struct parse *p, unsigned i, struct section *s)
{
	const struct rlc_ini_section *is = &p->ini.sections[i];
	size_t k, n, used;

	*s = (struct section){ .key = is->name, .line = is->line, .index = i };
	if (strcmp(is->name, "rlcd") == 0) {
		s->kind = SECTION_RLCD;
		s->keys = rlcd_keys;
		strcpy(s->shown, "rlcd");
		return 0;
	}
	for (k = 0; k < KINDS; k++) {
		n = strlen(kinds[k].word);
		if (strncmp(is->name, kinds[k].word, n) == 0 &&
		    (is->name[n] == '\0' || is->name[n] == ' ' || is->name[n] == '\t'))
			break;
	}
	if (k == KINDS) {
		snprintf(s->shown, sizeof(s->shown), "%.60s", is->name);
		return cfg_fail(p, s, NULL, "unknown section (line %u); expected " SECTIONS_EXPECTED,
				is->line);
	}
	s->kind = kinds[k].kind;
	s->keys = kinds[k].keys;
	if (s->kind == SECTION_LIMIT)
		return limit_header(p, s, is->name + n);
	if (split_words(s, is->name + n) != 0 || s->words != kinds[k].words) {
		snprintf(s->shown, sizeof(s->shown), "%.150s", is->name);
		return cfg_fail(p, s, NULL, "is not of the form %s (line %u)", kinds[k].form,
				is->line);
	}
	used = (size_t)snprintf(s->shown, sizeof(s->shown), "%s", kinds[k].word);
	for (n = 0; n < s->words; n++)
		used += (size_t)snprintf(s->shown + used, sizeof(s->shown) - used, " %s", s->word[n]);
	return s->kind == SECTION_ENDPOINT ? cfg_endpoint_header(p, s) : 0;
}

/* Do two sections define the same thing? */
static int same_thing(const struct section *a, const struct section *b)
{
	unsigned w;

	if (a->kind != b->kind || a->words != b->words)
		return 0;
	for (w = 0; w < a->words; w++)
		if (strcmp(a->word[w], b->word[w]) != 0)
			return 0;
	return 1;
}

/* Every section, its kind and header words; refuse the unknown and the repeated. */
static int read_sections(struct parse *p)
{
	const struct rlc_ini *ini = &p->ini;
	unsigned i, j;
	int err;

	p->sections = calloc(ini->count ? ini->count : 1, sizeof(*p->sections));
	if (!p->sections)
		return cfg_no_memory(p);
	for (i = 0; i < ini->count; i++) {
		struct section *s = &p->sections[i];

		if ((err = read_header(p, i, s)))
			return err;
		/* iniparser would merge the two silently; the second must not win */
		for (j = 0; j < i; j++) {
			if (!same_thing(&p->sections[j], s))
				continue;
			if (s->kind == SECTION_RLCD)
				return cfg_fail(p, s, NULL, "appears twice (line %u and line %u)",
						p->sections[j].line, s->line);
			return cfg_fail(p, &p->sections[j], NULL,
					"%s defined twice (line %u and line %u)",
					kinds[s->kind - SECTION_LIMIT].word, p->sections[j].line,
					s->line);
		}
		if (s->kind == SECTION_RLCD)
			p->rlcd = s;
	}
	return 0;
}

/* Is `s` the section of key `full`, whose section part is `n` bytes long? */
static int owns(const struct section *s, const char *full, size_t n)
{
	return s->key && strncmp(s->key, full, n) == 0 && s->key[n] == '\0';
}

/* Every key must belong to a section that takes it. */
static int check_keys(const struct parse *p)
{
	const dictionary *d = p->ini.dict;
	const struct section *s = NULL;
	ssize_t i;
	unsigned j;

	for (i = 0; i < d->size; i++) {
		const char *full = d->key[i], *colon = full ? strchr(full, ':') : NULL;
		size_t n;

		if (!colon)
			continue; /* a section's own entry */
		n = (size_t)(colon - full);
		if (n == 0)
			return cfg_fail(p, NULL, NULL,
					"%s: key outside any section; put it under [rlcd] or "
					"[limit NAME]",
					colon + 1);
		/* keys mostly follow their section: try the last one first */
		if (!s || !owns(s, full, n))
			for (s = NULL, j = 0; !s && j < p->ini.count; j++)
				if (owns(&p->sections[j], full, n))
					s = &p->sections[j];
		if (!s)
			return cfg_fail(p, NULL, NULL, "%s: key outside any known section", full);
		if (!s->keys)
			continue; /* an endpoint's limit keys: endpoint.c resolves each */
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
		const struct section *s = k->section < ini->count ? &p->sections[k->section] : NULL;

		if (k->quote == RLC_INI_QUOTE_OPEN)
			return cfg_fail(p, s, k->name,
				    "line %u: unbalanced quote: the value opens %c and does not close "
				    "it",
				    k->line, k->mark);
		if (k->quote == RLC_INI_QUOTE_TRAILING)
			return cfg_fail(p, s, k->name, "line %u: text after the closing quote", k->line);
		for (j = i; j-- > 0 && ini->keys[j].section == k->section;)
			if (strcmp(ini->keys[j].name, k->name) == 0)
				return cfg_fail(p, s, k->name, "given twice (line %u and line %u); keep one",
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
		return cfg_fail(p, p->rlcd, "group", "\"%.40s...\" is too long", val);
	errno = 0;
	gr = getgrnam(val);
	if (!gr && errno != 0 && errno != ENOENT && errno != ESRCH)
		return cfg_fail(p, p->rlcd, "group", "cannot look up \"%s\": %s", val,
			    strerror(errno));
	if (!gr)
		return cfg_fail(p, p->rlcd, "group", "group \"%s\" does not exist", val);
	strcpy(cfg->group, val);
	cfg->gid = gr->gr_gid;
	/* else rlcd would create the segment and then fail to chown it */
	may = may_chown_to(cfg->gid);
	if (may < 0)
		return may == -ENOMEM ? cfg_no_memory(p)
				      : cfg_fail(p, p->rlcd, "group", "cannot list this process's groups: %s",
					     strerror(-may));
	if (!may)
		return cfg_fail(p, p->rlcd, "group",
			    "rlcd must be root or a member of group \"%s\" to give the segment to "
			    "it, and uid %u is neither",
			    val, (unsigned)geteuid());
	return 0;
}

static int read_rlcd(const struct parse *p, struct rlc_config *cfg)
{
	const struct section *s = p->rlcd;
	char why[256];
	const char *val;
	uint64_t n;
	int err;

	if ((err = cfg_lookup(p, s, "segment", &val)))
		return err;
	if (val && rlc_segment_name_check(val, why, sizeof(why)))
		return cfg_fail(p, s, "segment", "%s", why);
	if (val)
		strcpy(cfg->segment, val);
	if ((err = cfg_lookup(p, s, "mode", &val)))
		return err;
	if (val && rlc_parse_mode(val, &cfg->mode, why, sizeof(why)))
		return cfg_fail(p, s, "mode", "%s", why);
	if (cfg->mode & 07000)
		return cfg_fail(p, s, "mode",
			    "%#o sets the setuid, setgid or sticky bit, which mean nothing on a "
			    "segment; use e.g. 0660",
			    (unsigned)cfg->mode);
	/* any local user could then rewrite every count */
	if (cfg->mode & 0002)
		return cfg_fail(p, s, "mode",
			    "%#o lets every user write the segment, which is writable state shared "
			    "by every bot: any local user could take or block the whole budget; use "
			    "0660 with a group (or 0664 to let everyone read it)",
			    (unsigned)cfg->mode);
	if ((cfg->mode & 0600) != 0600)
		return cfg_fail(p, s, "mode",
			    "%#o leaves the owner without read and write, which rlcd needs to "
			    "adopt the segment after a restart",
			    (unsigned)cfg->mode);
	if ((err = cfg_lookup(p, s, "group", &val)))
		return err;
	if (val && (err = read_group(p, cfg, val)))
		return err;
	if ((err = cfg_lookup(p, s, "clients", &val)))
		return err;
	if (val && rlc_parse_uint(val, 1, RLC_CLIENTS_MAX, &n, why, sizeof(why)))
		return cfg_fail(p, s, "clients", "%s", why);
	if (val)
		cfg->clients = (uint32_t)n;
	if ((err = cfg_lookup(p, s, "metrics", &val)))
		return err;
	if (val && rlc_metrics_addr_parse(val, &cfg->metrics, why, sizeof(why)))
		return cfg_fail(p, s, "metrics", "%s", why);
	return cfg_duration(p, s, "heartbeat", RLC_HEARTBEAT_MIN_NS, RLC_HEARTBEAT_MAX_NS,
			    &cfg->heartbeat_ns);
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

/*
 * trial_layout() on the whole of `cfg`, naming the limit at fault: the
 * first one refused in a segment of its own, outside any exchange.
 */
static int check_layout(const struct parse *p, const struct rlc_config *cfg)
{
	char why[512], alone[512];
	struct rlc_config one;
	struct rlc_limit_config lc;
	uint32_t i;
	int err = trial_layout(cfg, why, sizeof(why));

	if (err == 0 || err == -ENOMEM)
		return err ? cfg_no_memory(p) : 0;
	rlc_config_defaults(&one);
	one.clients = cfg->clients;
	one.limits_count = 1;
	one.limits = &lc;
	for (i = 0; i < cfg->limits_count; i++) {
		lc = cfg->limits[i];
		lc.exchange = lc.account = RLC_NONE;
		lc.kind = RLC_SCOPE_OTHER;
		lc.observe = RLC_OBSERVE_NONE; /* a usage header needs the exchange */
		err = trial_layout(&one, alone, sizeof(alone));
		if (err == -ENOMEM)
			return cfg_no_memory(p);
		if (err)
			return cfg_fail(p, p->decl_of[p->limit_decl[i]], NULL,
					"clients would refuse the segment this configuration lays "
					"out: %s",
					why);
	}
	return cfg_fail(p, NULL, NULL,
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

/* Each section's reader in turn: what one refers to is read before it. */
static int read_all_sections(struct parse *p, struct rlc_config *cfg)
{
	int err;

	if ((err = read_sections(p)) || (err = check_keys(p)) || (err = check_lines(p)) ||
	    (err = read_rlcd(p, cfg)) || (err = cfg_read_exchanges(p, cfg)) ||
	    (err = cfg_read_modes(p, cfg)) || (err = cfg_read_limits(p, cfg)) ||
	    (err = cfg_read_accounts(p, cfg)) || (err = cfg_place_limits(p, cfg)) ||
	    (err = cfg_read_endpoints(p, cfg)))
		return err;
	if (rlc_layout_size(cfg) == 0)
		return cfg_fail(p, NULL, NULL,
				"too big for one segment: %" PRIu32 " limits, %" PRIu32
				" clients (a segment holds at most %u limits, %u ring slots, %u "
				"names in all)",
				cfg->limits_count, cfg->clients, RLC_LIMITS_MAX, RLC_SLOTS_MAX,
				RLC_NAMES_MAX);
	return check_layout(p, cfg);
}

int rlc_config_parse(struct rlc_config *cfg, const char *text, size_t size, const char *file,
		     char *why, size_t len)
{
	struct parse p = { .file = file, .why = why, .len = len };
	int err;

	rlc_config_defaults(cfg);
	err = rlc_ini_parse(&p.ini, text, size, file, why, len);
	if (!err)
		err = read_all_sections(&p, cfg);
	free(p.sections);
	free(p.decls);
	free(p.decl_of);
	free(p.template_of);
	free(p.limit_decl);
	free(p.exchange_of);
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
			/* CONFIG_SIZE_MAX bytes read: the file is not smaller */
			if (used >= CONFIG_SIZE_MAX) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			cap = cap * 2 > CONFIG_SIZE_MAX + 1 ? CONFIG_SIZE_MAX + 1 : cap * 2;
			grown = realloc(buf, cap);
			if (!grown)
				break;
			buf = grown;
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
		escape_controls(why, len);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(why, len, "%s: not a regular file (%s)", path, file_kind(st.st_mode));
		escape_controls(why, len);
		return -EINVAL;
	}
	text = read_all(fd, &size);
	err = text ? 0 : -errno;
	close(fd);
	if (!text) {
		snprintf(why, len, "%s: %s", path,
			 err == -EFBIG ? "larger than a configuration can be (1 MiB)"
				       : strerror(-err));
		escape_controls(why, len);
		return err;
	}
	err = rlc_config_parse(cfg, text, size, path, why, len);
	free(text);
	return err;
}

void rlc_config_free(struct rlc_config *cfg)
{
	free(cfg->limits);
	free(cfg->exchanges);
	free(cfg->accounts);
	free(cfg->endpoints);
	cfg->limits = NULL;
	cfg->exchanges = NULL;
	cfg->accounts = NULL;
	cfg->endpoints = NULL;
	cfg->limits_count = cfg->exchanges_count = cfg->accounts_count = cfg->endpoints_count = 0;
}
