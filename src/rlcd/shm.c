/* SPDX-License-Identifier: MIT */
#include "shm.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rlc/client.h"
#include "rlc/clock.h"
#include "layout.h"
#include "duration.h"
#include "value.h"

/* O_CREAT|O_EXCL failed, then the segment vanished before we opened it: retry. */
#define OPEN_TRIES 3

static struct rlc_header *header(const struct rlc_shm *shm)
{
	return (struct rlc_header *)shm->base;
}

/* Say which system call failed on the segment; returns its -errno. */
static int sys_fail(const struct rlc_shm *shm, const char *what, char *why, size_t len)
{
	int err = errno;

	snprintf(why, len, "%s: %s: %s", shm->name, what, strerror(err));
	return -err;
}

static void *map(int fd, size_t size)
{
	void *base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return base == MAP_FAILED ? NULL : base;
}

/* The pid of the rlcd holding the lock, read from its segment; 0 if unknown. */
static uint64_t holder_pid(int fd)
{
	struct stat st;
	uint64_t pid = 0;
	void *base;

	if (fstat(fd, &st) != 0 || st.st_size <= 0)
		return 0;
	base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED)
		return 0;
	if (rlc_segment_check(base, (size_t)st.st_size, NULL, 0) == 0)
		pid = rlc__load_relaxed(&((const struct rlc_header *)base)->rlcd_pid);
	munmap(base, (size_t)st.st_size);
	return pid;
}

/* The longest interval of `cfg`, and of the valid segment at `base` if any. */
static uint64_t longest_window(const void *base, const struct rlc_config *cfg)
{
	const struct rlc_header *h = base;
	const struct rlc_limit *limits;
	uint64_t longest = 0;
	uint32_t i;

	for (i = 0; i < cfg->limits_count; i++)
		if (cfg->limits[i].interval_ns > longest)
			longest = cfg->limits[i].interval_ns;
	if (!base)
		return longest;
	limits = RLC__TABLE(const struct rlc_limit, base, h->limits_off);
	for (i = 0; i < h->limits_count; i++)
		if (limits[i].interval_ns > longest)
			longest = limits[i].interval_ns;
	return longest;
}

/*
 * Why an existing segment is refused, and how to get rid of it safely: its
 * counts are what keeps a restart from letting a second full budget through
 * inside one window, so it may go only once its longest window has passed.
 */
static int refuse(const struct rlc_shm *shm, uint64_t longest_ns, const char *whose, int err,
		  const char *reason, char *why, size_t len)
{
	char wait[32];

	rlc_duration_format(wait, sizeof(wait), longest_ns, 0);
	snprintf(why, len,
		 "%s: %s; left untouched. Its counts guard against a ban: to start afresh, stop "
		 "the bots, wait %s (the longest window %s), then rm /dev/shm%s and start rlcd "
		 "again",
		 shm->name, reason, wait, whose, shm->name);
	return err;
}

/* Mode and group from the configuration: shm_open's mode went through umask. */
static int set_owner(const struct rlc_shm *shm, const struct rlc_config *cfg, char *why,
		     size_t len)
{
	int err;

	if (fchmod(shm->fd, cfg->mode) != 0)
		return sys_fail(shm, "chmod", why, len);
	if (cfg->group[0] && fchown(shm->fd, (uid_t)-1, cfg->gid) != 0) {
		err = errno;
		snprintf(why, len,
			 "%s: cannot give it to group %s: %s (rlcd must be root or in it)",
			 shm->name, cfg->group, strerror(err));
		return -err;
	}
	return 0;
}

/* rlcd's own header fields; the caller publishes them. */
static void take_over(struct rlc_shm *shm, const struct rlc_config *cfg, uint64_t now)
{
	struct rlc_header *h = header(shm);

	rlc__store_relaxed(&h->rlcd_pid, (uint64_t)getpid());
	rlc__store_relaxed(&h->rlcd_start_ns, now);
	rlc__store_relaxed(&h->heartbeat_period_ns, cfg->heartbeat_ns);
	rlc__store_relaxed(&h->generation, shm->generation);
	rlc_shm_beat(shm, now);
}

/* Lay the segment out anew: it is new, or an rlcd died before publishing it. */
static int lay_out(struct rlc_shm *shm, const struct rlc_config *cfg, char *why, size_t len)
{
	uint64_t now = rlc_now_ns();
	int err;

	if ((err = set_owner(shm, cfg, why, len)))
		return err;
	/* Through 0, so that every byte reads as zero, as rlc_layout_init needs.
	 * Nobody uses an unpublished segment: clients refuse it (-EAGAIN). */
	if (ftruncate(shm->fd, 0) != 0 || ftruncate(shm->fd, (off_t)shm->size) != 0)
		return sys_fail(shm, "ftruncate", why, len);
	shm->base = map(shm->fd, shm->size);
	if (!shm->base)
		return sys_fail(shm, "mmap", why, len);
	if ((err = rlc_layout_init(shm->base, shm->size, cfg, now, why, len)))
		return err;
	shm->adopted = 0;
	shm->generation = 1;
	take_over(shm, cfg, now);
	rlc_layout_publish(shm->base); /* last: clients may use it from here on */
	return 0;
}

/*
 * Adopt the existing segment if it holds `cfg`'s layout.  Returns 0 when
 * adopted, 1 when it was never published (lay it out again), or -errno when
 * it is refused.
 */
static int adopt(struct rlc_shm *shm, const struct rlc_config *cfg, char *why, size_t len)
{
	char reason[256];
	uint64_t longest;
	struct stat st;
	size_t size;
	int err, valid;

	if (fstat(shm->fd, &st) != 0)
		return sys_fail(shm, "fstat", why, len);
	/* /dev/shm is world-writable: a segment someone else made is not ours to trust */
	if (st.st_uid != geteuid()) {
		snprintf(reason, sizeof(reason), "belongs to uid %u, rlcd runs as uid %u",
			 (unsigned)st.st_uid, (unsigned)geteuid());
		return refuse(shm, longest_window(NULL, cfg), "configured", -EPERM, reason, why,
			      len);
	}
	size = (size_t)st.st_size;
	shm->base = size ? map(shm->fd, size) : NULL;
	if (size && !shm->base)
		return sys_fail(shm, "mmap", why, len);
	err = rlc_segment_check(shm->base, size, reason, sizeof(reason));
	valid = err == 0;
	longest = longest_window(valid ? shm->base : NULL, cfg);
	if (valid)
		err = rlc_layout_compatible(shm->base, size, cfg, reason, sizeof(reason));
	if (err && shm->base) {
		munmap(shm->base, size);
		shm->base = NULL;
	}
	if (err == -EAGAIN)
		return 1;
	if (err)
		return refuse(shm, longest, valid ? "in it" : "configured", err, reason, why, len);
	if ((err = set_owner(shm, cfg, why, len)))
		return err;
	shm->adopted = 1;
	shm->generation = rlc__load_relaxed(&header(shm)->generation) + 1;
	take_over(shm, cfg, rlc_now_ns());
	return 0;
}

/* Open the segment, creating it if there is none.  Returns 1 if created. */
static int open_or_create(struct rlc_shm *shm, mode_t mode, char *why, size_t len)
{
	int i;

	for (i = 0; i < OPEN_TRIES; i++) {
		shm->fd = shm_open(shm->name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (shm->fd >= 0)
			return 1;
		if (errno != EEXIST)
			break;
		shm->fd = shm_open(shm->name, O_RDWR | O_CLOEXEC, 0);
		if (shm->fd >= 0)
			return 0;
		if (errno != ENOENT)
			break;
	}
	return sys_fail(shm, errno == EACCES ? "shm_open (another user's segment?)" : "shm_open",
			why, len);
}

int rlc_shm_open(struct rlc_shm *shm, const char *name, const struct rlc_config *cfg, char *why,
		 size_t len)
{
	uint64_t pid;
	int created, err;

	memset(shm, 0, sizeof(*shm));
	snprintf(shm->name, sizeof(shm->name), "%s", name);
	shm->size = rlc_layout_size(cfg);
	created = open_or_create(shm, cfg->mode, why, len);
	if (created < 0)
		return created;
	/* Held until exit: the kernel drops it even on SIGKILL, so a restart
	 * never finds a stale lock, and two rlcd never beat one segment. */
	if (flock(shm->fd, LOCK_EX | LOCK_NB) != 0) {
		err = errno == EWOULDBLOCK ? -EBUSY : -errno;
		pid = err == -EBUSY ? holder_pid(shm->fd) : 0;
		if (pid)
			snprintf(why, len, "another rlcd (pid %" PRIu64 ") runs on %s", pid, name);
		else if (err == -EBUSY)
			snprintf(why, len, "another rlcd runs on %s", name);
		else
			snprintf(why, len, "%s: flock: %s", name, strerror(-err));
		close(shm->fd);
		return err;
	}
	err = created ? 1 : adopt(shm, cfg, why, len);
	if (err == 1)
		err = lay_out(shm, cfg, why, len);
	if (err) {
		if (shm->base)
			munmap(shm->base, shm->size);
		close(shm->fd);
		memset(shm, 0, sizeof(*shm));
	}
	return err;
}

void rlc_shm_beat(struct rlc_shm *shm, uint64_t now_ns)
{
	/* Pairs with rlctl's acquire load of heartbeat_ns: a reader that sees
	 * this beat also sees the pid, start and generation stored before it. */
	rlc__store_release(&header(shm)->heartbeat_ns, now_ns);
}

unsigned rlc_shm_reap(struct rlc_shm *shm)
{
	const struct rlc_header *h = header(shm);
	struct rlc_client *clients = RLC__TABLE(struct rlc_client, shm->base, h->clients_off);
	unsigned reaped = 0;
	uint32_t i;

	for (i = 0; i < h->clients_count; i++)
		reaped += (unsigned)rlc_client_reap(&clients[i]);
	return reaped;
}

void rlc_shm_close(struct rlc_shm *shm)
{
	/* Relaxed: a lone word that says "stopped cleanly"; nothing hangs on it. */
	rlc__store_relaxed(&header(shm)->rlcd_pid, UINT64_C(0));
	munmap(shm->base, shm->size);
	close(shm->fd); /* drops the lock */
	memset(shm, 0, sizeof(*shm));
	shm->fd = -1;
}
