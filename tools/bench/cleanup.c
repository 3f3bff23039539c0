/* SPDX-License-Identifier: MIT */
#include "cleanup.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#define STOP_POLLS 200 /* of 10 ms: SIGKILL after 2 s */

static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP};

/* Read by the signal handler: each is complete before its flag is set. */
static char segment_name[256];
static volatile sig_atomic_t segment_set;
static volatile sig_atomic_t server_pid;

void cleanup_stop(pid_t pid)
{
	const struct timespec poll = {0, 10 * 1000 * 1000};
	int i;

	kill(pid, SIGTERM);
	for (i = 0; i < STOP_POLLS; i++) {
		if (waitpid(pid, NULL, WNOHANG) != 0)
			return;
		nanosleep(&poll, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Async-signal-safe: so is cleanup_stop(), and glibc's shm_unlink() only
 * builds the /dev/shm path on the stack and calls unlink(). */
static void undo(void)
{
	pid_t pid = (pid_t)server_pid;

	if (segment_set) {
		segment_set = 0;
		shm_unlink(segment_name);
	}
	if (pid > 0) {
		server_pid = 0;
		cleanup_stop(pid);
	}
}

static void on_fatal_signal(int sig)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};

	undo();
	/* Die of the same signal, so the caller sees how we ended. */
	sigaction(sig, &dfl, NULL);
	raise(sig);
}

static void set_fatal_handlers(void (*handler)(int))
{
	struct sigaction sa = {.sa_handler = handler};
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaction(fatal_signals[i], &sa, NULL);
}

int cleanup_install(void)
{
	if (atexit(undo) != 0)
		return -ENOMEM;
	set_fatal_handlers(on_fatal_signal);
	return 0;
}

void cleanup_segment(const char *name)
{
	segment_set = 0;
	if (!name)
		return;
	snprintf(segment_name, sizeof(segment_name), "%s", name);
	segment_set = 1;
}

void cleanup_process(pid_t pid)
{
	server_pid = pid;
}

void cleanup_forget(void)
{
	segment_set = 0;
	server_pid = 0;
	set_fatal_handlers(SIG_DFL);
}
