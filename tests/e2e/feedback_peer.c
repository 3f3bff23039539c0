/* SPDX-License-Identifier: MIT */
/*
 * rlc-feedback-peer SEGMENT EXCHANGE METHOD PATH [STATUS [code=CODE] [NAME:VALUE ...]]
 *
 * A bot of one request: open SEGMENT, say "ready" and wait for a line on
 * stdin, reserve METHOD PATH of EXCHANGE once, and, when STATUS is given,
 * feed back a response of that status with the exchange's error CODE and
 * those headers.  Prints
 * "granted" or "refused <errno name> <ms until it may fit>", then the
 * feedback's flags ("fed 0x..").  Exit 0 when granted, 1 when refused, 2
 * on bad usage or an error.  The feedback end-to-end test runs two: what
 * one feeds back, the other's next reserve must see.
 */
#include "rlc.h"

#include <stdio.h>

#define PEER_HEADERS_MAX 8

static const char *errno_name(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return "ECONNREFUSED";
	case EHOSTDOWN:
		return "EHOSTDOWN";
	case EAGAIN:
		return "EAGAIN";
	default:
		return strerror(err);
	}
}

/* NAME:VALUE into *hd, splitting `arg` in place. */
static int header(char *arg, struct rlc_http_header *hd)
{
	char *colon = strchr(arg, ':');

	if (!colon)
		return -1;
	*colon = '\0';
	hd->name = arg;
	hd->value = colon + 1 + (colon[1] == ' ');
	return 0;
}

int main(int argc, char **argv)
{
	struct rlc_http_header hd[PEER_HEADERS_MAX];
	struct rlc_response r;
	struct rlc_grant g;
	struct rlc h;
	char line[16];
	int x, e, err, i;

	if (argc < 5 || argc > 6 + PEER_HEADERS_MAX) {
		fprintf(stderr, "usage: rlc-feedback-peer SEGMENT EXCHANGE METHOD PATH "
				"[STATUS [code=CODE] [NAME:VALUE ...]]\n");
		return 2;
	}
	memset(&r, 0, sizeof(r));
	r.headers = hd;
	for (i = 6; i < argc; i++)
		if (strncmp(argv[i], "code=", 5) == 0) {
			r.code = argv[i] + 5;
		} else if (header(argv[i], &hd[r.headers_count++])) {
			fprintf(stderr, "rlc-feedback-peer: \"%s\" is not NAME:VALUE\n", argv[i]);
			return 2;
		}
	r.status = argc > 5 ? atoi(argv[5]) : 0;
	if ((err = rlc_open(&h, argv[1], "feedback-peer", 0))) {
		fprintf(stderr, "rlc-feedback-peer: %s\n", h.why);
		return 2;
	}
	x = rlc_exchange_id(&h, argv[2]);
	e = x < 0 ? x : rlc_endpoint_id(&h, x, argv[3], argv[4]);
	if (e < 0) {
		fprintf(stderr, "rlc-feedback-peer: %s %s %s: %s\n", argv[2], argv[3], argv[4],
			strerror(-e));
		rlc_close(&h);
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin)) {
		rlc_close(&h);
		return 2;
	}
	err = rlc_reserve(&h, (uint32_t)e, NULL, 0, RLC_ACCOUNT_ONLY, RLC_PRIO_ENDPOINT, &g);
	if (err)
		printf("refused %s %llu\n", errno_name(-err),
		       (unsigned long long)(g.retry_ns / 1000000u));
	else
		printf("granted\n");
	if (!err && argc > 5)
		printf("fed %#x\n", (unsigned)rlc_feedback(&h, &g, &r));
	rlc_close(&h);
	return err == 0 ? 0 : err == -ECONNREFUSED || err == -EHOSTDOWN || err == -EAGAIN ? 1 : 2;
}
