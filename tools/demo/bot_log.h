/* SPDX-License-Identifier: MIT */
/*
 * bot_log: one JSON line per request a bot wanted to send, the scenario's
 * record (tools/scenario/README.md): when it was sent or given up, how
 * long it waited, what it was, and how it ended.
 */
#ifndef RLC_DEMO_BOT_LOG_H
#define RLC_DEMO_BOT_LOG_H

#include <stdint.h>
#include <stdio.h>

#include "bot_mix.h"

struct bot_log {
	FILE *f; /* NULL: no log */
	const char *bot;
};

struct bot_log_line {
	uint64_t t_ms;     /* CLOCK_REALTIME ms when sent or given up */
	uint64_t wait_ns;  /* from wanting to sending (or giving up) */
	uint64_t rtt_ns;   /* sent: from sending to the answer */
	const struct bot_call *call;
	unsigned weight;    /* IP weight */
	const char *prio;   /* priority it was asked or granted at */
	const char *outcome; /* ok 429 418 403 other failed | refused timeout blocked */
	long status;        /* HTTP status, 0: none */
	const char *code;   /* the exchange's error code, NULL or "": none */
};

/* Open `path` for the log (NULL: none); 0, or -1 with errno set. */
int bot_log_open(struct bot_log *l, const char *path, const char *bot);

void bot_log_write(struct bot_log *l, const struct bot_log_line *line);

/* Close; 0, or -1 when the log could not be written in full. */
int bot_log_close(struct bot_log *l);

uint64_t bot_realtime_ms(void);

#endif
