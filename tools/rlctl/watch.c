/* SPDX-License-Identifier: MIT */
#include "watch.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "duration.h"
#include "output.h"
#include "report.h"
#include "rlctl.h"
#include "screen.h"
#include "status.h"

/* What the loop holds: the segment, the terminal's state, the signals. */
struct watch {
	struct status_source src;
	enum style_when when;
	bool screen;    /* stdout is a terminal: full screen */
	bool keys;      /* stdin is a terminal, in non-canonical mode */
	struct termios saved;
	int sigfd;
	sigset_t old_mask;
};

/* --interval's DURATION, or the default; RLCTL_EXIT_USAGE after saying why. */
static int interval_parse(const char *text, uint64_t *ns)
{
	char why[200];

	*ns = WATCH_INTERVAL_DEFAULT_NS;
	if (!text)
		return 0;
	if (rlc_duration_parse(text, ns, why, sizeof(why)) != 0) {
		output_error("--interval: %s", why);
		return RLCTL_EXIT_USAGE;
	}
	if (*ns < WATCH_INTERVAL_MIN_NS || *ns > WATCH_INTERVAL_MAX_NS) {
		output_error("--interval '%s': out of range: 100ms to 1h", text);
		return RLCTL_EXIT_USAGE;
	}
	return 0;
}

/* Take SIGINT, SIGTERM, SIGHUP and SIGWINCH as reads of a signalfd. */
static int signals_take(struct watch *w)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &mask, &w->old_mask) != 0 ||
	    (w->sigfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0) {
		output_error("cannot take signals: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Keys one by one, unechoed, when stdin is a terminal. */
static void keys_take(struct watch *w)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &w->saved) != 0)
		return;
	raw = w->saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	w->keys = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
}

/* The terminal as it was, and the signals as they were. */
static void restore(struct watch *w)
{
	if (w->screen) {
		screen_leave(stdout);
		fflush(stdout);
	}
	if (w->keys)
		tcsetattr(STDIN_FILENO, TCSANOW, &w->saved);
	close(w->sigfd);
	sigprocmask(SIG_SETMASK, &w->old_mask, NULL);
}

/* One frame: the report, and below it the reason it is not healthy, to stdout. */
static int frame(struct watch *w)
{
	struct snapshot snap;
	struct health hl;
	struct style st;
	char *text = NULL, reason[OUTPUT_ESCAPED_MAX(sizeof(hl.reason))];
	size_t len = 0;
	FILE *mem;
	int status;

	style_for(STDOUT_FILENO, w->when, &st);
	if ((status = status_take(&w->src, &snap, &hl)) != 0)
		return status;
	if (!(mem = open_memstream(&text, &len))) {
		snapshot_free(&snap);
		output_error("%s", strerror(errno));
		return RLCTL_EXIT_SEGMENT;
	}
	report_text_styled(mem, &snap, &hl, &st);
	if (hl.exit_code != RLCTL_EXIT_OK) {
		style_start(mem, &st, STYLE_BAD);
		fprintf(mem, "rlctl: %s", output_escape(reason, sizeof(reason), hl.reason));
		style_end(mem, &st, STYLE_BAD);
		fputc('\n', mem);
	}
	snapshot_free(&snap);
	if (fclose(mem) != 0) {
		free(text);
		output_error("%s", strerror(errno));
		return RLCTL_EXIT_SEGMENT;
	}
	if (w->screen)
		screen_draw(stdout, text, len, &st);
	else
		fprintf(stdout, "%s\f\n", text);
	free(text);
	fflush(stdout);
	return ferror(stdout) ? RLCTL_EXIT_WRITE : 0;
}

/* What ends a wait. */
enum event { EVENT_NONE, EVENT_TICK, EVENT_REDRAW, EVENT_STOP };

/*
 * Wait until `deadline` for a key or a signal: EVENT_STOP for q, SIGINT,
 * SIGTERM, SIGHUP, or stdin at its end; EVENT_REDRAW for SIGWINCH;
 * EVENT_TICK at the deadline; EVENT_NONE for anything else (another key).
 */
static enum event wait_event(struct watch *w, uint64_t deadline)
{
	struct pollfd fds[2] = { { w->sigfd, POLLIN, 0 }, { STDIN_FILENO, POLLIN, 0 } };
	uint64_t now = rlc_now_ns();
	int timeout = now >= deadline ? 0 : (int)((deadline - now + 999999) / 1000000);
	struct signalfd_siginfo si;
	int n = poll(fds, w->keys ? 2 : 1, timeout);
	char key;

	if (n == 0)
		return EVENT_TICK;
	if (n < 0)
		return EVENT_NONE; /* EINTR: the signals that matter come through sigfd */
	if (fds[0].revents & POLLIN) {
		if (read(w->sigfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
			return EVENT_NONE;
		return si.ssi_signo == SIGWINCH ? EVENT_REDRAW : EVENT_STOP;
	}
	if (read(STDIN_FILENO, &key, 1) != 1)
		return EVENT_STOP;
	return key == 'q' || key == 'Q' ? EVENT_STOP : EVENT_NONE;
}

int watch_run(const char *segment, const char *interval, enum style_when when)
{
	struct watch w = { .when = when, .sigfd = -1 };
	uint64_t ns, next;
	enum event event;
	int status = 0;

	if ((status = interval_parse(interval, &ns)) != 0)
		return status;
	if ((status = status_open(segment, &w.src)) != 0)
		return status;
	if (signals_take(&w) != 0) {
		status_close(&w.src);
		return RLCTL_EXIT_SEGMENT;
	}
	w.screen = isatty(STDOUT_FILENO) == 1;
	keys_take(&w);
	if (w.screen)
		screen_enter(stdout);
	next = rlc_now_ns();
	for (event = EVENT_TICK; event != EVENT_STOP; event = wait_event(&w, next)) {
		if (event == EVENT_NONE)
			continue;
		if ((status = frame(&w)) != 0)
			break;
		/* the next frame an interval after this one, or after its deadline */
		if (event == EVENT_TICK)
			next = next + ns > rlc_now_ns() ? next + ns : rlc_now_ns() + ns;
	}
	restore(&w);
	status_close(&w.src);
	return output_close(status);
}
