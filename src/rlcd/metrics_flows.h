/* SPDX-License-Identifier: MIT */
/*
 * The metrics of what flows through rlc, per client record and per
 * endpoint: grants, refusals, waits and their time, the outcomes fed back
 * and the response-time histogram (rlcd(8), METRICS).
 */
#ifndef RLCD_METRICS_FLOWS_H
#define RLCD_METRICS_FLOWS_H

#include "metrics_expo.h"
#include "rlc.h"

/* Every live client record, labelled client, pid and record.  0 or -ENOMEM. */
int rlc_metrics_render_clients(struct expo *e, const struct rlc *h);

/* Every endpoint, labelled exchange and endpoint.  0 or -ENOMEM. */
int rlc_metrics_render_endpoints(struct expo *e, const struct rlc *h);

#endif /* RLCD_METRICS_FLOWS_H */
