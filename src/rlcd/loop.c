/* SPDX-License-Identifier: MIT */
#include "loop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <liburing.h>

#include "log.h"
#include "modes.h"
#include "rlc/clock.h"

/* How often dead clients' records are looked for: each look reads /proc. */
#define SWEEP_NS RLC_NS_PER_SEC

enum { EV_TIMER = 1, EV_SIGNAL = 2 };

struct loop {
	struct io_uring ring;
	int sfd;
	struct __kernel_timespec at; /* read by the kernel until the timer fires */
	uint64_t next_ns;            /* next beat, CLOCK_MONOTONIC */
	uint64_t swept_ns;           /* last sweep; 0, so the first beat sweeps */
	struct rlc_config *cfg;        /* what the segment holds: replaced by a reload */
	const struct rlc_source *src;  /* where a reload reads it */
	struct rlc_shm *shm;
};

static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

int rlc_loop_block_signals(void)
{
	sigset_t set;

	stop_signals(&set);
	return sigprocmask(SIG_BLOCK, &set, NULL) == 0 ? 0 : -errno;
}

/* Two requests are in flight at most, so the 4-entry ring always has room. */
static void arm_timer(struct loop *l)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&l->ring);

	l->at.tv_sec = (long long)(l->next_ns / RLC_NS_PER_SEC);
	l->at.tv_nsec = (long long)(l->next_ns % RLC_NS_PER_SEC);
	/* Absolute, on CLOCK_MONOTONIC like the heartbeat: the beat does not drift. */
	io_uring_prep_timeout(sqe, &l->at, 0, IORING_TIMEOUT_ABS);
	io_uring_sqe_set_data64(sqe, EV_TIMER);
}

static void arm_signals(struct loop *l)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&l->ring);

	/* Poll, then read here: the read happens in rlcd's own thread. */
	io_uring_prep_poll_add(sqe, l->sfd, POLLIN);
	io_uring_sqe_set_data64(sqe, EV_SIGNAL);
}

/*
 * A look at the segment's file, a beat, and a sweep when one is due.
 * Returns 0, the timer's -errno, or -EBADMSG when the file was truncated.
 */
static int on_timer(struct loop *l, struct rlc_shm *shm, int res)
{
	uint64_t now;
	unsigned freed;

	if (res < 0 && res != -ETIME) {
		rlc_log("heartbeat timer: %s", strerror(-res));
		return res;
	}
	now = rlc_now_ns();
	if ((res = rlc_shm_watch(shm, now)))
		return res;
	rlc_shm_beat(shm, now);
	rlc_modes_expire(shm->name, shm->base, &shm->layout, l->cfg, now);
	if (now - l->swept_ns >= SWEEP_NS) {
		freed = rlc_shm_reap(shm);
		if (freed)
			rlc_log("freed %u client record%s of exited processes", freed,
				freed == 1 ? "" : "s");
		l->swept_ns = now;
	}
	l->next_ns += l->cfg->heartbeat_ns;
	/* Behind (stopped, suspended): beat on from now rather than in a burst. */
	if (l->next_ns <= now)
		l->next_ns = now + l->cfg->heartbeat_ns;
	arm_timer(l);
	return 0;
}

/* Read the queued signals.  Returns 1 on a stop signal, 0, or -errno. */
static int on_signals(struct loop *l, int res)
{
	struct signalfd_siginfo si;
	ssize_t n;

	if (res < 0) {
		rlc_log("signalfd poll: %s", strerror(-res));
		return res;
	}
	while ((n = read(l->sfd, &si, sizeof(si))) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			rlc_reload(l->shm, l->src, l->cfg); /* logs what it did */
			continue;
		}
		rlc_log("%s: stopping; the segment stays for the bots and the next rlcd",
			si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
		return 1;
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		res = -errno;
		rlc_log("signalfd read: %s", strerror(-res));
		return res;
	}
	arm_signals(l);
	return 0;
}

int rlc_loop_run(struct rlc_shm *shm, const struct rlc_source *src, struct rlc_config *cfg)
{
	struct loop l = { .sfd = -1, .cfg = cfg, .src = src, .shm = shm };
	struct io_uring_cqe *cqe;
	sigset_t set;
	uint64_t tag;
	int err, res;

	stop_signals(&set);
	l.sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (l.sfd < 0) {
		err = -errno;
		rlc_log("signalfd: %s", strerror(-err));
		return err;
	}
	err = io_uring_queue_init(4, &l.ring, 0);
	if (err < 0) {
		rlc_log("io_uring_queue_init: %s", strerror(-err));
		close(l.sfd);
		return err;
	}
	l.next_ns = rlc_now_ns() + cfg->heartbeat_ns;
	arm_timer(&l);
	arm_signals(&l);
	for (;;) {
		err = io_uring_submit(&l.ring);
		if (err >= 0)
			err = io_uring_wait_cqe(&l.ring, &cqe);
		if (err == -EINTR)
			continue;
		if (err < 0) {
			rlc_log("io_uring: %s", strerror(-err));
			break;
		}
		tag = io_uring_cqe_get_data64(cqe);
		res = cqe->res;
		io_uring_cqe_seen(&l.ring, cqe);
		err = tag == EV_TIMER ? on_timer(&l, shm, res) : on_signals(&l, res);
		if (err)
			break;
	}
	io_uring_queue_exit(&l.ring);
	close(l.sfd);
	return err == 1 ? 0 : err;
}
