/* SPDX-License-Identifier: MIT */
#include "clients.h"

#include <inttypes.h>
#include <stdio.h>

#include "json.h"
#include "output.h"
#include "report.h"
#include "rlctl.h"
#include "status.h"

static void clients_json(FILE *out, const struct snapshot *s)
{
	uint32_t i;

	fprintf(out, "{\"schema\": \"%s\", \"now_ns\": %" PRIu64 ", \"segment\": ", REPORT_CLIENTS_SCHEMA,
		s->now_ns);
	json_string(out, s->segment);
	fprintf(out, ",\n \"client_records\": %" PRIu32 ",\n \"clients\": [", s->client_records);
	for (i = 0; i < s->clients_count; i++) {
		fprintf(out, "%s\n  ", i ? "," : "");
		report_json_client(out, &s->clients[i]);
	}
	fprintf(out, "]}\n");
}

int clients_run(const char *segment, bool json)
{
	struct status_source src;
	struct snapshot snap;
	struct health hl;
	int status;

	if ((status = status_open(segment, &src)) != 0)
		return status;
	if ((status = status_take(&src, &snap, &hl)) != 0) {
		status_close(&src);
		return status;
	}
	if (json)
		clients_json(stdout, &snap);
	else
		report_clients_table(stdout, &snap, true);
	status = output_close(RLCTL_EXIT_OK);
	snapshot_free(&snap);
	status_close(&src);
	return status;
}
