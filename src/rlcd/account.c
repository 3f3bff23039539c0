/* SPDX-License-Identifier: MIT */
/*
 * [account EXCHANGE NAME] of rlc.ini(5), and the limits in segment order:
 * every limit that is no account's first, in file order, then each
 * account's copy of its exchange's EX.account.X templates, account by
 * account, as EX.NAME.X in scope EX.NAME.  Two accounts, two budgets.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

#define DEFAULT_ACCOUNT "main"

/* Does exchange `e` have account templates? */
static int has_templates(const struct parse *p, uint32_t e)
{
	uint32_t i;

	for (i = 0; i < p->decls_count; i++)
		if (p->template_of[i] && p->decls[i].exchange == e)
			return 1;
	return 0;
}

/* An [account] section's own checks, before it is placed. */
static int account_ok(const struct parse *p, const struct rlc_config *cfg,
		      const struct section *s)
{
	uint32_t e;
	int err;

	if ((err = cfg_section_exchange(p, s, cfg, &e)))
		return err;
	if (!cfg_word_ok(s->word[1]))
		return cfg_fail(p, s, NULL, "bad account name (line %u): " WORD_RULE, s->line);
	/* EX.ip.X and EX.account.X already mean something else */
	if (strcmp(s->word[1], "ip") == 0 || strcmp(s->word[1], "account") == 0)
		return cfg_fail(p, s, NULL,
				"an account may not be named %s, which limit names use for the "
				"exchange's %s limits (line %u)",
				s->word[1], s->word[1][0] == 'i' ? "IP" : "account", s->line);
	return 0;
}

static int add_account(const struct parse *p, const struct section *s, struct rlc_config *cfg,
		       uint32_t e, const char *name)
{
	struct rlc_account_config *a = &cfg->accounts[cfg->accounts_count];

	if (cfg->accounts_count == RLC_ACCOUNTS_MAX)
		return s ? cfg_fail(p, s, NULL, "more than %u accounts (line %u)", RLC_ACCOUNTS_MAX,
				    s->line)
			 : cfg_fail(p, NULL, NULL, "more than %u accounts", RLC_ACCOUNTS_MAX);
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->exchange = e;
	cfg->accounts_count++;
	return 0;
}

int cfg_read_accounts(const struct parse *p, struct rlc_config *cfg)
{
	unsigned i, n = 0;
	uint32_t e, before;
	int err;

	for (i = 0; i < p->ini.count; i++)
		if (p->sections[i].kind == SECTION_ACCOUNT) {
			if ((err = account_ok(p, cfg, &p->sections[i])))
				return err;
			n++;
		}
	cfg->accounts = calloc(n + cfg->exchanges_count + 1, sizeof(*cfg->accounts));
	if (!cfg->accounts)
		return cfg_no_memory(p);
	/* grouped by exchange: an exchange's accounts are one span of the table */
	for (e = 0; e < cfg->exchanges_count; e++) {
		before = cfg->accounts_count;
		for (i = 0; i < p->ini.count; i++) {
			const struct section *s = &p->sections[i];

			if (s->kind == SECTION_ACCOUNT && strcmp(s->word[0], cfg->exchanges[e].name) == 0 &&
			    (err = add_account(p, s, cfg, e, s->word[1])))
				return err;
		}
		if (cfg->accounts_count == before && has_templates(p, e) &&
		    (err = add_account(p, NULL, cfg, e, DEFAULT_ACCOUNT)))
			return err;
	}
	return 0;
}

/* Template `d` laid out for account `a` as cfg->limits[i]. */
static int instantiate(struct parse *p, struct rlc_config *cfg, uint32_t d, uint32_t a,
		       uint32_t i)
{
	const struct rlc_limit_config *t = &p->decls[d];
	const struct rlc_account_config *acct = &cfg->accounts[a];
	const char *ex = cfg->exchanges[acct->exchange].name;
	/* EX.account.X: X follows the second dot */
	const char *rest = strchr(strchr(t->name, '.') + 1, '.') + 1;
	struct rlc_limit_config *lc = &cfg->limits[i];
	int n;

	*lc = *t;
	n = snprintf(lc->name, sizeof(lc->name), "%s.%s.%s", ex, acct->name, rest);
	if (n < 0 || (size_t)n >= sizeof(lc->name))
		return cfg_fail(p, p->decl_of[d], NULL,
				"account %s's copy of this limit, %s.%s.%s, is longer than %u "
				"characters; shorten the limit or the account name",
				acct->name, ex, acct->name, rest, RLC_NAME_MAX - 1);
	/* EX.NAME, a prefix of the name that fitted */
	n = (int)(strlen(ex) + 1 + strlen(acct->name));
	memcpy(lc->scope, lc->name, (size_t)n);
	lc->scope[n] = '\0';
	lc->account = a;
	p->limit_decl[i] = d;
	return 0;
}

/*
 * Is the scope of plain limit `i` one that belongs to an exchange's IP or
 * an account?  Those hold only the limits their names put there, so that
 * an account's limits are exactly its copies of the templates.
 */
static int scope_free(const struct parse *p, const struct rlc_config *cfg, uint32_t i)
{
	const struct rlc_limit_config *lc = &cfg->limits[i];
	const struct section *s = p->decl_of[p->limit_decl[i]];
	const char *name;
	uint32_t a, e;

	if (lc->kind == RLC_SCOPE_IP)
		return 0;
	for (e = 0; e < cfg->exchanges_count; e++) {
		name = cfg->exchanges[e].name;
		if (strncmp(lc->scope, name, strlen(name)) != 0 || lc->scope[strlen(name)] != '.')
			continue;
		if (strcmp(lc->scope + strlen(name) + 1, "ip") == 0)
			return cfg_fail(p, s, "scope",
					"%s is the IP scope of exchange %s; name the limit "
					"%s.ip.NAME to put it there",
					lc->scope, name, name);
		for (a = 0; a < cfg->accounts_count; a++)
			if (cfg->accounts[a].exchange == e &&
			    strcmp(lc->scope + strlen(name) + 1, cfg->accounts[a].name) == 0)
				return cfg_fail(p, s, "scope",
						"%s is the scope of account %s; name the limit "
						"%s.account.NAME to give every account of %s its own",
						lc->scope, cfg->accounts[a].name, name, name);
	}
	return 0;
}

/* No account's copy may take the name of a limit of the file. */
static int names_unique(const struct parse *p, const struct rlc_config *cfg, uint32_t plain)
{
	uint32_t i, j;

	for (i = plain; i < cfg->limits_count; i++)
		for (j = 0; j < plain; j++)
			if (strcmp(cfg->limits[i].name, cfg->limits[j].name) == 0)
				return cfg_fail(p, p->decl_of[p->limit_decl[j]], NULL,
						"has the name of account %s's copy of [limit %s]",
						cfg->accounts[cfg->limits[i].account].name,
						p->decls[p->limit_decl[i]].name);
	return 0;
}

int cfg_place_limits(struct parse *p, struct rlc_config *cfg)
{
	uint32_t d, a, n = 0, plain;
	int err;

	for (d = 0; d < p->decls_count; d++)
		n += !p->template_of[d];
	plain = n;
	for (a = 0; a < cfg->accounts_count; a++)
		for (d = 0; d < p->decls_count; d++)
			n += p->template_of[d] && p->decls[d].exchange == cfg->accounts[a].exchange;
	if (n == 0)
		return cfg_fail(p, NULL, NULL,
				"no [limit NAME] section: rlcd needs at least one limit");
	cfg->limits = calloc(n, sizeof(*cfg->limits));
	p->limit_decl = calloc(n, sizeof(*p->limit_decl));
	if (!cfg->limits || !p->limit_decl)
		return cfg_no_memory(p);
	for (d = 0; d < p->decls_count; d++)
		if (!p->template_of[d]) {
			p->limit_decl[cfg->limits_count] = d;
			cfg->limits[cfg->limits_count++] = p->decls[d];
		}
	for (a = 0; a < cfg->accounts_count; a++) {
		cfg->accounts[a].limits_first = cfg->limits_count;
		for (d = 0; d < p->decls_count; d++) {
			if (!p->template_of[d] || p->decls[d].exchange != cfg->accounts[a].exchange)
				continue;
			if ((err = instantiate(p, cfg, d, a, cfg->limits_count)))
				return err;
			cfg->limits_count++;
		}
		cfg->accounts[a].limits_count = cfg->limits_count - cfg->accounts[a].limits_first;
	}
	for (d = 0; d < plain; d++)
		if ((err = scope_free(p, cfg, d)))
			return err;
	return names_unique(p, cfg, plain);
}
