/* SPDX-License-Identifier: MIT */
#include "clients.h"

#include <inttypes.h>
#include <stdio.h>

#include "json.h"
#include "report.h"
#include "status.h"

static void clients_json(FILE *out, const struct snapshot *s, const struct health *hl,
			 const struct style *st)
{
	uint32_t i;

	(void)hl;
	(void)st;
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

static void clients_text(FILE *out, const struct snapshot *s, const struct health *hl,
			 const struct style *st)
{
	(void)hl;
	(void)st;
	report_clients_table(out, s, true);
}

int clients_run(const char *segment, bool json)
{
	return status_print(segment, json ? clients_json : clients_text, &style_plain, false);
}
