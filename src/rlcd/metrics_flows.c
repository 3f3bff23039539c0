/* SPDX-License-Identifier: MIT */
#include "metrics_flows.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A client's or an endpoint's figures, whichever it is. */
struct flow {
	struct expo_label l[3];
	unsigned n;
	uint64_t grants, refusals, waits, wait_ns, weight, refunded;
	struct rlc_outcome_counts out;
};

/* The prefix "rlc_client" or "rlc_endpoint" and what its series are. */
struct flows {
	const char *prefix;
	int clients; /* 1: clients (weight and refunded too); 0: endpoints */
	struct flow *all;
	uint32_t count;
};

static void family(struct expo *e, char *name, size_t cap, const struct flows *fl,
		   const char *suffix, const char *type, const char *help)
{
	snprintf(name, cap, "%s_%s", fl->prefix, suffix);
	expo_family(e, name, type, help);
}

/* One counter family of every flow: `field` picks it out of each. */
static void flow_counter(struct expo *e, const struct flows *fl, const char *suffix,
			 const char *help, size_t field)
{
	char name[64];
	uint32_t i;

	family(e, name, sizeof(name), fl, suffix, "counter", help);
	for (i = 0; i < fl->count; i++) {
		const uint64_t *v = (const uint64_t *)((const char *)&fl->all[i] + field);

		if (field == offsetof(struct flow, wait_ns))
			expo_ns(e, name, fl->all[i].l, fl->all[i].n, NULL,
				*v > INT64_MAX ? INT64_MAX : (int64_t)*v);
		else
			expo_u64(e, name, fl->all[i].l, fl->all[i].n, NULL, *v);
	}
}

static void render_counters(struct expo *e, const struct flows *fl)
{
	static const char *const outcome[] = { "ok", "client_error", "limited", "server_error",
					       "transport" };
	char name[64];
	uint32_t i, o;

	flow_counter(e, fl, "grants_total", "Requests granted.", offsetof(struct flow, grants));
	flow_counter(e, fl, "refusals_total", "Requests refused.",
		     offsetof(struct flow, refusals));
	flow_counter(e, fl, "waits_total", "Waiting reserves that had to sleep.",
		     offsetof(struct flow, waits));
	flow_counter(e, fl, "wait_seconds_total", "Time those waits slept, in all.",
		     offsetof(struct flow, wait_ns));
	if (fl->clients) {
		flow_counter(e, fl, "weight_total", "Weight granted, summed over the limits taken.",
			     offsetof(struct flow, weight));
		flow_counter(e, fl, "refunded_total", "Weight given back by refunds.",
			     offsetof(struct flow, refunded));
	}
	family(e, name, sizeof(name), fl, "responses_total", "counter",
	       "Responses fed back, by outcome: ok (1xx-3xx), client_error (4xx but 418 and "
	       "429), limited (418, 429), server_error (5xx), transport (none came).");
	for (i = 0; i < fl->count; i++) {
		const struct rlc_outcome_counts *c = &fl->all[i].out;
		const uint64_t v[] = { c->ok, c->client_error, c->limited, c->server_error,
				       c->transport };

		for (o = 0; o < 5; o++) {
			struct expo_label x = { "outcome", outcome[o] };

			expo_u64(e, name, fl->all[i].l, fl->all[i].n, &x, v[o]);
		}
	}
}

static void render_histogram(struct expo *e, const struct flows *fl)
{
	static const uint64_t bound_ms[RLC_ELAPSED_BUCKETS - 1] = RLC_ELAPSED_BOUNDS_MS;
	char name[64], le[24];
	uint32_t i, b;

	family(e, name, sizeof(name), fl, "response_seconds", "histogram",
	       "Response times fed back (rlc_feedback elapsed_ns).");
	for (i = 0; i < fl->count; i++) {
		const struct flow *f = &fl->all[i];
		uint64_t below = 0;

		snprintf(name, sizeof(name), "%s_response_seconds_bucket", fl->prefix);
		for (b = 0; b < RLC_ELAPSED_BUCKETS; b++) {
			struct expo_label x = { "le", le };

			below += f->out.elapsed[b];
			if (b + 1 < RLC_ELAPSED_BUCKETS)
				snprintf(le, sizeof(le), "%llu.%03llu",
					 (unsigned long long)(bound_ms[b] / 1000),
					 (unsigned long long)(bound_ms[b] % 1000));
			else
				snprintf(le, sizeof(le), "+Inf");
			expo_u64(e, name, f->l, f->n, &x, below);
		}
		snprintf(name, sizeof(name), "%s_response_seconds_sum", fl->prefix);
		expo_ns(e, name, f->l, f->n, NULL,
			f->out.elapsed_ns > INT64_MAX ? INT64_MAX : (int64_t)f->out.elapsed_ns);
		snprintf(name, sizeof(name), "%s_response_seconds_count", fl->prefix);
		expo_u64(e, name, f->l, f->n, NULL, below);
	}
}

/* The label values of one client: the flows point into them. */
struct client_text {
	char name[RLC_CLIENT_NAME_MAX];
	char pid[16];
	char record[16];
};

/* Every live client record, labelled by name, pid and record (one process
 * may hold several records under one name: the record keeps them apart). */
int rlc_metrics_render_clients(struct expo *e, const struct rlc *h)
{
	struct flows fl = { "rlc_client", 1, NULL, 0 };
	struct client_text *text;
	struct rlc_client_info ci;
	uint32_t i;

	fl.all = calloc(h->layout.clients_count + 1, sizeof(*fl.all));
	text = calloc(h->layout.clients_count + 1, sizeof(*text));
	if (!fl.all || !text) {
		free(fl.all);
		free(text);
		return -ENOMEM;
	}
	for (i = 0; i < h->layout.clients_count; i++) {
		struct flow *f = &fl.all[fl.count];
		struct client_text *t = &text[fl.count];

		if (rlc_client_info(h, i, &ci) != 0)
			continue;
		memcpy(t->name, ci.name, sizeof(t->name));
		snprintf(t->pid, sizeof(t->pid), "%ld", (long)ci.pid);
		snprintf(t->record, sizeof(t->record), "%" PRIu32, i);
		f->l[0] = (struct expo_label){ "client", t->name };
		f->l[1] = (struct expo_label){ "pid", t->pid };
		f->l[2] = (struct expo_label){ "record", t->record };
		f->n = 3;
		f->grants = ci.grants;
		f->refusals = ci.refusals;
		f->waits = ci.waits;
		f->wait_ns = ci.wait_ns;
		f->weight = ci.weight;
		f->refunded = ci.refunded;
		f->out = ci.outcomes;
		fl.count++;
	}
	render_counters(e, &fl);
	render_histogram(e, &fl);
	free(text);
	free(fl.all);
	return 0;
}

int rlc_metrics_render_endpoints(struct expo *e, const struct rlc *h)
{
	struct flows fl = { "rlc_endpoint", 0, NULL, 0 };
	struct rlc_endpoint_counts n = { 0 };
	uint32_t i;

	fl.all = calloc(h->cat.endpoints_count + 1, sizeof(*fl.all));
	if (!fl.all)
		return -ENOMEM;
	for (i = 0; i < h->cat.endpoints_count; i++) {
		const struct rlc_endpoint_view *v = &h->cat.endpoints[i];
		struct flow *f = &fl.all[fl.count++];

		f->l[0] = (struct expo_label){ "exchange", v->exchange < h->cat.exchanges_count
								   ? h->cat.exchanges[v->exchange].name
								   : NULL };
		f->l[1] = (struct expo_label){ "endpoint", v->name };
		f->n = 2;
		rlc_endpoint_outcomes(h, i, &f->out);
		rlc_endpoint_counters(h, i, &n);
		f->grants = n.grants;
		f->refusals = n.refusals;
		f->waits = n.waits;
		f->wait_ns = n.wait_ns;
	}
	render_counters(e, &fl);
	render_histogram(e, &fl);
	free(fl.all);
	return 0;
}
