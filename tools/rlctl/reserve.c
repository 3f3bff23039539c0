/* SPDX-License-Identifier: MIT */
#include "reserve.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "output.h"
#include "rlc.h"
#include "rlctl.h"
#include "segment.h"

#define NAME_TEXT_MAX OUTPUT_ESCAPED_MAX(RLC_NAME_MAX - 1)
#define RESERVE_WAIT_MAX_NS (UINT64_C(86400) * RLC_NS_PER_SEC)

static const char *const prio_names[RLC_PRIOS] = { "critical", "high", "normal", "low" };

/* --priority's value: an enum rlc_priority, RLC_PRIO_ENDPOINT when absent, or -2 after saying why. */
static int priority_parse(const char *text)
{
	int p;

	if (!text)
		return RLC_PRIO_ENDPOINT;
	for (p = 0; p < (int)RLC_PRIOS; p++)
		if (strcmp(text, prio_names[p]) == 0)
			return p;
	output_error("--priority '%s': not critical, high, normal or low", text);
	return -2;
}

/* --wait's value in *ns (0 without it): 0, or the usage status after saying why. */
static int wait_parse(const char *text, uint64_t *ns)
{
	char why[256], max[RLC_DURATION_TEXT_MAX];

	*ns = 0;
	if (!text)
		return 0;
	if (rlc_duration_parse(text, ns, why, sizeof(why)) != 0) {
		output_error("--wait: %s", why);
		return RLCTL_EXIT_USAGE;
	}
	if (*ns > RESERVE_WAIT_MAX_NS) {
		output_error("--wait '%s': out of range: at most %s", text,
			     rlc_duration_format(max, sizeof(max), RESERVE_WAIT_MAX_NS, 0));
		return RLCTL_EXIT_USAGE;
	}
	return 0;
}

/* Split the "name=value" operands into p[]: 0, or the usage status. */
static int params_parse(const struct reserve_args *r, struct rlc_param *p)
{
	int i;

	for (i = 0; i < r->params_count; i++) {
		char *eq = strchr(r->params[i], '=');

		if (!eq || eq == r->params[i]) {
			output_error("parameter '%s': not name=value; try 'rlctl --help'",
				     r->params[i]);
			return RLCTL_EXIT_USAGE;
		}
		*eq = '\0';
		p[i].name = r->params[i];
		p[i].value = eq + 1;
	}
	return 0;
}

/* The id of endpoint METHOD PATH of exchange x, or -1 after naming the valid ones. */
static int endpoint_find(const struct rlc *h, int x, const struct reserve_args *r)
{
	const struct rlc_exchange_view *v = &h->cat.exchanges[x];
	char list[OUTPUT_LIST_MAX] = "";
	uint32_t i;
	int id = rlc_endpoint_id(h, x, r->method, r->path);

	if (id >= 0)
		return id;
	for (i = v->endpoints_first; i < v->endpoints_first + v->endpoints_count; i++)
		output_list_add(list, h->cat.endpoints[i].name);
	if (*list)
		output_error("endpoint '%s %s' is not an endpoint of exchange %s; its endpoints: %s",
			     r->method, r->path, v->name, list);
	else
		output_error("endpoint '%s %s': exchange %s has no endpoints", r->method, r->path,
			     v->name);
	return -1;
}

/*
 * The account to count on: an rlc_account_id, or RLC_ACCOUNT_ONLY; or
 * -2 after naming the valid ones, with the exit status in *status.
 */
static int account_find(const struct rlc *h, int x, uint32_t endpoint, const char *name,
			int *status)
{
	const struct rlc_exchange_view *v = &h->cat.exchanges[x];
	char list[OUTPUT_LIST_MAX] = "";
	uint32_t i;
	int id;

	if (!name && (!h->cat.endpoints[endpoint].account_links || v->accounts_count == 1))
		return RLC_ACCOUNT_ONLY;
	if (name && (id = rlc_account_id(h, x, name)) >= 0)
		return id;
	for (i = v->accounts_first; i < v->accounts_first + v->accounts_count; i++)
		output_list_add(list, h->cat.accounts[i].name);
	if (name) {
		output_error("account '%s' is not an account of exchange %s; its accounts: %s", name,
			     v->name, *list ? list : "none");
		*status = RLCTL_EXIT_UNKNOWN;
	} else {
		output_error("exchange %s has %s accounts: give --account; its accounts: %s",
			     v->name, v->accounts_count ? "several" : "no", *list ? list : "none");
		*status = RLCTL_EXIT_USAGE;
	}
	return -2;
}

/* "granted at priority P: LIMIT WEIGHT, LIMIT WEIGHT" on stdout. */
static void granted_line(const struct rlc *h, const struct rlc_grant *g)
{
	char name[NAME_TEXT_MAX];
	uint32_t i;

	printf("granted at priority %s:", prio_names[g->priority < RLC_PRIOS ? g->priority : 0]);
	for (i = 0; i < g->count; i++)
		printf("%s %s %u", i ? "," : "",
		       output_escape(name, sizeof(name), h->limits[g->id[i]].name), g->weight[i]);
	printf(g->count ? "\n" : " no limit counts it\n");
}

/* Say why the reserve was refused; the exit status. */
static int refusal(const struct rlc *h, const struct reserve_args *r, const struct rlc_grant *g,
		   int err)
{
	char left[RLC_DURATION_TEXT_MAX], how[64] = "by hand";
	const char *limit = "", *scope = "its IP or account";
	struct rlc_block b;
	int s;

	rlc_duration_format(left, sizeof(left), g->retry_ns, 2);
	if (g->refused_by >= 0 && (uint32_t)g->refused_by < h->limits_count) {
		limit = h->limits[g->refused_by].name;
		scope = h->scopes[h->limits[g->refused_by].scope];
	}
	switch (err) {
	case -EAGAIN:
	case -ETIMEDOUT:
		output_error("%s %s %s: refused by %s at priority %s: full, retry in %s",
			     r->exchange, r->method, r->path, *limit ? limit : "a limit",
			     prio_names[g->priority < RLC_PRIOS ? g->priority : 0], left);
		return RLCTL_EXIT_REFUSED;
	case -ECONNREFUSED:
		if ((s = rlc_scope_id(h, scope)) >= 0 && rlc_block_get(h, (uint32_t)s, &b) == 0 &&
		    b.status) {
			if (b.has_code)
				snprintf(how, sizeof(how), "after HTTP %d, code %d", b.status,
					 (int)b.code);
			else
				snprintf(how, sizeof(how), "after HTTP %d", b.status);
		}
		output_error("%s %s %s: scope %s blocked (%s) for %s more", r->exchange, r->method,
			     r->path, scope, how, left);
		return RLCTL_EXIT_BLOCKED;
	case -EHOSTDOWN:
		output_error("%s %s %s: scope %s: circuit breaker open, retry in %s", r->exchange,
			     r->method, r->path, scope, left);
		return RLCTL_EXIT_BLOCKED;
	case -E2BIG:
		output_error("%s %s %s: can never fit %s at priority %s", r->exchange, r->method,
			     r->path, *limit ? limit : "its limits",
			     prio_names[g->priority < RLC_PRIOS ? g->priority : 0]);
		return RLCTL_EXIT_USAGE;
	case -EINVAL:
		output_error("%s %s %s: invalid request: %s", r->exchange, r->method, r->path,
			     strerror(-err));
		return RLCTL_EXIT_USAGE;
	default:
		output_error("%s %s %s: %s", r->exchange, r->method, r->path,
			     err == -EBADMSG ? "corrupt limit, or segment truncated" : strerror(-err));
		return RLCTL_EXIT_SEGMENT;
	}
}

/* Resolve the names on open handle h and reserve; the exit status. */
static int reserve_on(struct rlc *h, const char *label, const struct reserve_args *r,
		      const struct rlc_param *p, int priority, uint64_t wait_ns)
{
	struct rlc_grant g;
	int x, e, a, status = RLCTL_EXIT_UNKNOWN, err;

	if ((x = segment_exchange_find(h, label, r->exchange)) < 0 ||
	    (e = endpoint_find(h, x, r)) < 0 ||
	    (a = account_find(h, x, (uint32_t)e, r->account, &status)) == -2)
		return status;
	if (r->wait)
		err = rlc_reserve_wait(h, (uint32_t)e, p, (unsigned)r->params_count, a, priority,
				       rlc_now_ns() + wait_ns, &g);
	else
		err = rlc_reserve(h, (uint32_t)e, p, (unsigned)r->params_count, a, priority, &g);
	if (err)
		return refusal(h, r, &g, err);
	granted_line(h, &g);
	return RLCTL_EXIT_OK;
}

int reserve_run(const char *segment, const struct reserve_args *r)
{
	char label[SEGMENT_LABEL_MAX];
	struct rlc_param *p;
	const char *name;
	uint64_t wait_ns;
	struct rlc h;
	int status, priority = priority_parse(r->priority);

	if (priority == -2)
		return RLCTL_EXIT_USAGE;
	if ((status = wait_parse(r->wait, &wait_ns)) != 0)
		return status;
	if (!(p = calloc((size_t)r->params_count + 1, sizeof(*p)))) {
		output_error("%s", strerror(ENOMEM));
		return RLCTL_EXIT_SEGMENT;
	}
	if ((status = params_parse(r, p)) == 0 &&
	    (status = segment_choose(segment, &name, label)) == 0 &&
	    (status = segment_open(&h, name, label, 0)) == 0) {
		status = reserve_on(&h, label, r, p, priority, wait_ns);
		rlc_close(&h);
		status = output_close(status);
	}
	free(p);
	return status;
}
