/* SPDX-License-Identifier: MIT */
#include "bot_log.h"

#include <stdlib.h>
#include <time.h>

int bot_log_open(struct bot_log *l, const char *path, const char *bot)
{
	l->bot = bot;
	l->f = NULL;
	if (!path)
		return 0;
	l->f = fopen(path, "w");
	return l->f ? 0 : -1;
}

uint64_t bot_realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* `s` as a JSON string: the names here are printable ASCII; anything else is escaped. */
static void json_string(FILE *f, const char *s)
{
	putc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			putc(c, f);
	}
	putc('"', f);
}

void bot_log_write(struct bot_log *l, const struct bot_log_line *x)
{
	FILE *f = l->f;
	char *end;

	if (!f)
		return;
	fputs("{\"bot\":", f);
	json_string(f, l->bot);
	fprintf(f, ",\"lang\":\"c\",\"t_ms\":%llu,\"wait_ms\":%.3f,\"method\":\"%s\",\"path\":",
		(unsigned long long)x->t_ms, (double)x->wait_ns / 1e6, x->call->method);
	json_string(f, x->call->path);
	fprintf(f, ",\"weight\":%u,\"priority\":\"%s\",\"outcome\":\"%s\",\"status\":%ld,\"code\":",
		x->weight, x->prio, x->outcome, x->status);
	/* a code is a number (Binance's -1003); anything else goes as a string */
	if (!x->code || !x->code[0])
		fputs("null", f);
	else if (strtol(x->code, &end, 10), !*end)
		fputs(x->code, f);
	else
		json_string(f, x->code);
	fprintf(f, ",\"rtt_ms\":%.3f}\n", (double)x->rtt_ns / 1e6);
}

int bot_log_close(struct bot_log *l)
{
	int err = 0;

	if (l->f) {
		err = ferror(l->f) | fclose(l->f);
		l->f = NULL;
	}
	return err ? -1 : 0;
}
