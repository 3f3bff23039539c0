/* SPDX-License-Identifier: MIT */
/*
 * The clients table on a private array of records: what a claim takes back,
 * what it must leave alone, and how many records one process may hold.
 * Records are planted by hand in the state word format that rlc/client.h
 * documents, so a change of that format shows here.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "rlc/client.h"
#include "rlc/clock.h"

#define TABLE_MAX 64u

static struct rlc_client *table;

static int setup(void **state)
{
	table = aligned_alloc(64, TABLE_MAX * sizeof(*table));
	if (!table)
		return -1;
	memset(table, 0, TABLE_MAX * sizeof(*table));
	return 0;
}

static int teardown(void **state)
{
	free(table);
	return 0;
}

/* A state word as rlc/client.h lays it out: claim ms, pid, phase. */
static uint64_t word(uint64_t claim_ms, uint64_t pid, uint64_t phase)
{
	return (claim_ms & ((UINT64_C(1) << 40) - 1)) << 24 | (pid & 0x3fffff) << 2 | phase;
}

static uint64_t now_ms(void)
{
	return rlc_now_ns() / 1000000;
}

static void plant(struct rlc_client *c, uint64_t state, uint64_t ticks)
{
	rlc__store_relaxed(&c->start_ticks, ticks);
	rlc__store_relaxed(&c->state, state);
}

static uint64_t start_ticks(pid_t pid)
{
	uint64_t ticks = 0, threads;
	char st;

	assert_int_equal(rlc__proc_read(pid, &st, &threads, &ticks), 0);
	return ticks;
}

/* A child that runs until `release` closes its pipe, then exits unreaped. */
struct child {
	pid_t pid;
	int release;
};

static struct child child_start(void)
{
	struct child c;
	int fds[2];
	char byte;

	assert_int_equal(pipe(fds), 0);
	c.pid = fork();
	assert_true(c.pid >= 0);
	if (c.pid == 0) {
		close(fds[1]);
		_exit(read(fds[0], &byte, 1) == 0 ? 0 : 1);
	}
	close(fds[0]);
	c.release = fds[1];
	return c;
}

/* Let the child exit and wait until it is a zombie, without reaping it. */
static void child_zombie(const struct child *c)
{
	siginfo_t info;

	close(c->release);
	/* WNOWAIT: see the exit but leave the child unreaped (a zombie). */
	assert_int_equal(waitid(P_PID, (id_t)c->pid, &info, WEXITED | WNOWAIT), 0);
}

static void child_reap(const struct child *c)
{
	assert_int_equal(waitpid(c->pid, NULL, 0), c->pid);
}

/* The pid of a process that has exited and been reaped. */
static pid_t gone_pid(void)
{
	struct child c = child_start();

	child_zombie(&c);
	child_reap(&c);
	return c.pid;
}

/* Every kind of record nobody can be running behind is taken back. */
static void test_client_planted_records_reclaimed(void **state)
{
	uint64_t init = start_ticks(1), now = now_ms(), gone = (uint64_t)gone_pid();
	const struct {
		uint64_t state, ticks;
		const char *what;
	} planted[] = {
		{word(0, 1, RLC_CLIENT_LIVE), 0, "LIVE, start time 0"},
		{word(0, 1, RLC_CLIENT_LIVE), init + 1, "LIVE, start time not pid 1's"},
		{word(0, 1, RLC_CLIENT_CLAIMING), 0, "CLAIMING since boot"},
		{word(now - 2000, 1, RLC_CLIENT_CLAIMING), init, "CLAIMING for 2 s"},
		{word(now + 5000, 1, RLC_CLIENT_CLAIMING), init, "CLAIMING from the future"},
		{word(now, gone, RLC_CLIENT_CLAIMING), 0, "CLAIMING, fresh, pid gone"},
		{word(0, gone, RLC_CLIENT_LIVE), init, "LIVE, pid gone"},
		{word(0, 0, RLC_CLIENT_LIVE), init, "LIVE, pid 0"},
		{word(now, 0, RLC_CLIENT_CLAIMING), 0, "CLAIMING, pid 0"},
		{UINT64_MAX, UINT64_MAX, "all ones (pid -1 if sign-extended)"},
		{word(now, 1, 0), init, "no phase"},
		{word(now, 1, RLC_CLIENT_PHASE_MASK), init, "both phases"},
	};
	size_t i, kept = 0;

	for (i = 0; i < sizeof(planted) / sizeof(planted[0]); i++) {
		memset(table, 0, sizeof(*table));
		plant(&table[0], planted[i].state, planted[i].ticks);
		if (rlc_client_claim(table, 1, getpid(), "t") != 0) {
			print_error("not reclaimed by a claim: %s\n", planted[i].what);
			kept++;
		}
		plant(&table[0], planted[i].state, planted[i].ticks);
		if (rlc_client_reap(&table[0]) != 1) {
			print_error("not reaped: %s\n", planted[i].what);
			kept++;
		}
	}
	assert_int_equal(kept, 0);
}

/* A child that exited but was not waited for holds no record. */
static void test_client_zombie_reclaimed(void **state)
{
	struct child c = child_start();

	plant(&table[0], word(0, (uint64_t)c.pid, RLC_CLIENT_LIVE), start_ticks(c.pid));
	assert_int_equal(rlc_client_claim(table, 1, getpid(), "t"), -ENOSPC);
	child_zombie(&c);
	assert_int_equal(rlc_client_claim(table, 1, getpid(), "t"), 0);
	plant(&table[0], word(0, (uint64_t)c.pid, RLC_CLIENT_LIVE), start_ticks(c.pid));
	assert_int_equal(rlc_client_reap(&table[0]), 1);
	child_reap(&c);
}

/* A running process's records stay, LIVE or in the middle of a claim. */
static void test_client_live_not_reclaimed(void **state)
{
	struct child c = child_start();

	assert_int_equal(rlc_client_claim(table, 2, c.pid, "child"), 0);
	plant(&table[1], word(now_ms(), (uint64_t)c.pid, RLC_CLIENT_CLAIMING), 0);
	assert_int_equal(rlc_client_claim(table, 2, getpid(), "t"), -ENOSPC);
	assert_int_equal(rlc_client_reap(&table[0]), 0);
	assert_int_equal(rlc_client_reap(&table[1]), 0);
	child_zombie(&c);
	child_reap(&c);
}

static void *wait_for_release(void *fd)
{
	char byte;

	_exit(read(*(int *)fd, &byte, 1) == 0 ? 0 : 1);
}

/* A process whose main thread has exited shows Z while its threads run. */
static void test_client_thread_outlives_leader(void **state)
{
	uint64_t threads = 0, ticks;
	int fds[2], i;
	pthread_t thread;
	pid_t pid;
	char st = 0;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[1]);
		if (pthread_create(&thread, NULL, wait_for_release, &fds[0]) != 0)
			_exit(2);
		pthread_exit(NULL);
	}
	close(fds[0]);
	ticks = start_ticks(pid);
	for (i = 0; i < 5000 && !(st == 'Z' && threads > 1); i++) {
		usleep(1000);
		assert_int_equal(rlc__proc_read(pid, &st, &threads, &ticks), 0);
	}
	assert_int_equal(st, 'Z');
	plant(&table[0], word(0, (uint64_t)pid, RLC_CLIENT_LIVE), ticks);
	assert_int_equal(rlc_client_claim(table, 1, getpid(), "t"), -ENOSPC);
	assert_int_equal(rlc_client_reap(&table[0]), 0);
	close(fds[1]);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
}

/* One process may hold RLC_CLIENTS_PER_PROCESS records; others still get theirs. */
static void test_client_per_process_bound(void **state)
{
	struct child c = child_start();
	uint32_t i;

	/* A record of a previous process with our pid is not ours. */
	plant(&table[0], word(0, (uint64_t)getpid(), RLC_CLIENT_LIVE),
	      start_ticks(getpid()) + 1);
	for (i = 1; i <= RLC_CLIENTS_PER_PROCESS; i++)
		assert_int_equal(rlc_client_claim(table, TABLE_MAX, getpid(), "t"), (int)i);
	assert_int_equal(rlc_client_claim(table, TABLE_MAX, getpid(), "t"), -EMFILE);
	assert_int_equal(rlc_client_claim(table, TABLE_MAX, c.pid, "child"), (int)i);
	rlc_client_release(&table[3]);
	assert_int_equal(rlc_client_claim(table, TABLE_MAX, getpid(), "t"), 3);
	child_zombie(&c);
	child_reap(&c);
}

/* No record is registered that nobody could verify later. */
static void test_client_unverifiable_claimer_refused(void **state)
{
	/* A gone pid has no /proc entry: its start time cannot be read. */
	assert_int_equal(rlc_client_claim(table, 1, gone_pid(), "gone"), -ESRCH);
	assert_int_equal(rlc_client_claim(table, 1, 0, "t"), -EINVAL);
	assert_int_equal(rlc_client_claim(table, 1, -1, "t"), -EINVAL);
	assert_int_equal(rlc_client_claim(table, 1, (pid_t)1 << 22, "t"), -EINVAL);
	assert_int_equal(rlc__load_relaxed(&table[0].state), 0);
}

/* Names of every length are kept up to RLC_CLIENT_NAME_MAX - 1 bytes. */
static void test_client_names(void **state)
{
	char buf[64], out[RLC_CLIENT_NAME_MAX];

	memset(buf, 'b', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	assert_int_equal(rlc_client_claim(table, 4, getpid(), buf), 0);
	assert_int_equal(rlc_client_claim(table, 4, getpid(), ""), 1);
	assert_int_equal(rlc_client_claim(table, 4, getpid(), NULL), 2);
	assert_int_equal(rlc_client_claim(table, 4, getpid(), "exactly-31-bytes-long-name-here"), 3);
	rlc_client_name(&table[0], out);
	assert_int_equal(strlen(out), RLC_CLIENT_NAME_MAX - 1);
	assert_memory_equal(out, buf, RLC_CLIENT_NAME_MAX - 1);
	rlc_client_name(&table[1], out);
	assert_string_equal(out, "");
	rlc_client_name(&table[2], out);
	assert_string_equal(out, "");
	rlc_client_name(&table[3], out);
	assert_string_equal(out, "exactly-31-bytes-long-name-here");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_client_planted_records_reclaimed),
		T(test_client_zombie_reclaimed),
		T(test_client_live_not_reclaimed),
		T(test_client_thread_outlives_leader),
		T(test_client_per_process_bound),
		T(test_client_unverifiable_claimer_refused),
		T(test_client_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
