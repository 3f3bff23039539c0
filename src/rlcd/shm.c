/* SPDX-License-Identifier: MIT */
#include "shm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rlc/catalog.h"
#include "rlc/client.h"
#include "rlc/clock.h"
#include "rlc/guard.h"
#include "duration.h"
#include "layout.h"
#include "log.h"
#include "retune.h"

/* glibc's shm_open(NAME) opens SHM_DIR/NAME: where the clients look. */
#define SHM_DIR "/dev/shm"

/* A file appeared under the name while rlcd created the segment: look again. */
#define OPEN_TRIES 3

/* What open_existing() found under the name, besides a segment to adopt. */
enum { FOUND_NONE = 1, FOUND_EMPTY = 2 };

static struct rlc_header *header(const struct rlc_shm *shm)
{
	return (struct rlc_header *)shm->base;
}

/* Say which system call failed on the segment; returns its -errno. */
static int sys_fail(const struct rlc_shm *shm, const char *what, char *why, size_t len)
{
	int err = errno;

	return rlc__fail(why, len, -err, "%s: %s: %s", shm->name, what, strerror(err));
}

/* Map the segment, guarded: a truncation then trips the guard (rlc/guard.h)
 * instead of killing rlcd by SIGBUS between two looks at the file's size. */
static void *map(struct rlc_shm *shm)
{
	void *base = mmap(NULL, shm->size, PROT_READ | PROT_WRITE, MAP_SHARED, shm->fd, 0);

	if (base == MAP_FAILED)
		return NULL;
	shm->guard = rlc_guard_add(base, shm->size);
	return base;
}

/* Unmap and close what an attempt left open; the lock stays. */
static void drop(struct rlc_shm *shm)
{
	if (shm->base) {
		rlc_guard_remove(shm->guard);
		munmap(shm->base, shm->size);
	}
	shm->guard = NULL;
	if (shm->fd >= 0)
		close(shm->fd);
	shm->base = NULL;
	shm->fd = -1;
}

/* The longest interval of `cfg`, and of the validated segment if `lay`. */
static uint64_t longest_window(const struct rlc_shm *shm, const struct rlc_layout *lay,
			       const struct rlc_config *cfg)
{
	const struct rlc_limit *limits;
	uint64_t longest = 0;
	uint32_t i;

	for (i = 0; i < cfg->limits_count; i++)
		if (cfg->limits[i].interval_ns > longest)
			longest = cfg->limits[i].interval_ns;
	if (!lay)
		return longest;
	limits = RLC__TABLE(const struct rlc_limit, shm->base, lay->limits_off);
	for (i = 0; i < lay->limits_count; i++)
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
	return rlc__fail(why, len, err,
			 "%s: %s; left untouched. Its counts guard against a ban: to start afresh, "
			 "stop the bots, wait %s (the longest window %s), then rm %s and start "
			 "rlcd again",
			 shm->name, reason, wait, whose, shm->path);
}

/*
 * Refuse a segment of another layout version: neither this rlcd nor a bot
 * built with this rlc.h can read its counts, and the bots still on it may
 * be using them, so only an upgrade of everything at once replaces it.
 */
static int refuse_layout(const struct rlc_shm *shm, const struct rlc_config *cfg,
			 const char *reason, char *why, size_t len)
{
	char wait[32];

	rlc_duration_format(wait, sizeof(wait), longest_window(shm, NULL, cfg), 0);
	return rlc__fail(why, len, -EPROTO,
			 "%s: %s: an rlcd of another version laid it out, and this one cannot "
			 "adopt it; left untouched. To upgrade: stop every bot that uses it and "
			 "the old rlcd, wait %s (the longest window configured, so that its counts "
			 "have expired at the exchange), rm %s, start this rlcd, then start bots "
			 "built with this version's rlc.h",
			 shm->name, reason, wait, shm->path);
}

/* Refuse something under the name that holds no counts. */
static int refuse_file(const struct rlc_shm *shm, int err, const char *reason, char *why,
		       size_t len)
{
	return rlc__fail(why, len, err,
			 "%s: %s; left untouched. It holds no counts: rm %s and start rlcd again",
			 shm->name, reason, shm->path);
}

static const char *file_type(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFIFO:
		return "a FIFO";
	case S_IFDIR:
		return "a directory";
	case S_IFLNK:
		return "a symbolic link";
	case S_IFSOCK:
		return "a socket";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	default:
		return "a file of unknown type";
	}
}

/*
 * Refuse what is under the name unless it is a regular file of rlcd's user:
 * /dev/shm is world-writable, and a segment someone else made is not ours to
 * trust (it could hold a larger budget than the configuration's).
 */
static int check_file(const struct rlc_shm *shm, const struct stat *st,
		      const struct rlc_config *cfg, char *why, size_t len)
{
	char reason[PATH_MAX + 128];

	if (!S_ISREG(st->st_mode)) {
		snprintf(reason, sizeof(reason), "%s is %s, not a regular file", shm->path,
			 file_type(st->st_mode));
		return refuse_file(shm, -EINVAL, reason, why, len);
	}
	if (st->st_uid == geteuid())
		return 0;
	if (st->st_size == 0) {
		snprintf(reason, sizeof(reason),
			 "%s is empty and belongs to uid %u, rlcd runs as uid %u (rlcd replaces "
			 "only an empty file of its own user's)",
			 shm->path, (unsigned)st->st_uid, (unsigned)geteuid());
		return refuse_file(shm, -EPERM, reason, why, len);
	}
	snprintf(reason, sizeof(reason), "belongs to uid %u, rlcd runs as uid %u",
		 (unsigned)st->st_uid, (unsigned)geteuid());
	return refuse(shm, longest_window(shm, NULL, cfg), "configured", -EPERM, reason, why, len);
}

int rlc_shm_set_owner(const struct rlc_shm *shm, const struct rlc_config *cfg, char *why,
		      size_t len)
{
	int err;

	if (fchmod(shm->fd, cfg->mode) != 0)
		return sys_fail(shm, "chmod", why, len);
	if (cfg->group[0] && fchown(shm->fd, (uid_t)-1, cfg->gid) != 0) {
		err = errno;
		return rlc__fail(why, len, -err,
				 "%s: cannot give it to group %s: %s (rlcd must be root or in it)",
				 shm->name, cfg->group, strerror(err));
	}
	return 0;
}

/*
 * Give every page of the segment its memory now: tmpfs allocates a page on
 * its first write, and on a full /dev/shm that write is a SIGBUS, in rlcd
 * or in any bot.  fallocate(2) rather than posix_fallocate(3): where a
 * filesystem cannot reserve, glibc falls back to rewriting bytes of the
 * file, which on an adopted segment would race the bots' atomic words.
 */
static int reserve(const struct rlc_shm *shm, char *why, size_t len)
{
	int err;

	if (fallocate(shm->fd, 0, 0, (off_t)shm->size) == 0)
		return 0;
	err = errno;
	return rlc__fail(why, len, -err, "%s: %s: cannot reserve %zu bytes in " SHM_DIR " for it",
			 shm->name, strerror(err), shm->size);
}

/* rlcd's own header fields; the caller publishes them. */
static void take_over(struct rlc_shm *shm, const struct rlc_config *cfg, uint64_t now)
{
	struct rlc_header *h = header(shm);

	shm->seen_dev = shm->dev;
	shm->seen_ino = shm->ino;
	rlc__store_relaxed(&h->rlcd_pid, (uint64_t)getpid());
	rlc__store_relaxed(&h->rlcd_start_ns, now);
	rlc__store_relaxed(&h->heartbeat_period_ns, cfg->heartbeat_ns);
	rlc__store_relaxed(&h->generation, shm->generation);
	rlc__store_relaxed(&h->shm_dev, shm->dev);
	rlc__store_relaxed(&h->shm_ino, shm->ino);
	rlc__store_relaxed(&h->detached_ns, UINT64_C(0)); /* it was opened by its name */
	rlc_shm_beat(shm, now);
}

/*
 * Remove the temporary files of rlcds that died laying this segment out.
 * No pid needs checking: an rlcd lays out only while it holds the lock
 * file, which this one holds now, so each such file is a dead rlcd's.
 * Another user's file is left alone (/dev/shm's sticky bit forbids it).
 */
static void remove_leftovers(const struct rlc_shm *shm)
{
	char prefix[sizeof(shm->name) + 8];
	const char *pid;
	struct dirent *e;
	struct stat st;
	size_t n;
	DIR *d = opendir(SHM_DIR);

	if (!d) {
		rlc_log("%s: cannot look for leftover temporary files in " SHM_DIR ": %s",
			shm->name, strerror(errno));
		return;
	}
	n = (size_t)snprintf(prefix, sizeof(prefix), ".%s.tmp.", shm->name + 1);
	while ((e = readdir(d))) {
		pid = e->d_name + n;
		if (strncmp(e->d_name, prefix, n) != 0 || !*pid || pid[strspn(pid, "0123456789")])
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid())
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0)
			rlc_log("%s: removed " SHM_DIR "/%s, left by an rlcd that died laying %s out",
				shm->name, e->d_name, shm->name);
		else
			rlc_log("%s: cannot remove leftover " SHM_DIR "/%s: %s", shm->name, e->d_name,
				strerror(errno));
	}
	closedir(d);
}

/*
 * Lay a new segment out under a temporary name, publish it, then rename it
 * into place: whatever is under the segment's name is then a published
 * segment, and a crash at any point leaves at worst a temporary file that
 * the next rlcd removes.  With `replace` the name holds an empty file of
 * rlcd's user, which the rename replaces: only an rlcd publishes, and this
 * one holds the lock.  Else the rename never replaces: -EEXIST when a file
 * appeared under the name meanwhile.
 */
static int create(struct rlc_shm *shm, const struct rlc_config *cfg, int replace, char *why,
		  size_t len)
{
	char tmp[PATH_MAX];
	struct stat st;
	uint64_t now = rlc_now_ns();
	int err;

	snprintf(tmp, sizeof(tmp), SHM_DIR "/.%s.tmp.%ld", shm->name + 1, (long)getpid());
	shm->size = rlc_layout_size(cfg);
	shm->fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, cfg->mode);
	if (shm->fd < 0) {
		err = errno;
		return rlc__fail(why, len, -err, "%s: cannot create %s: %s", shm->name, tmp,
				 strerror(err));
	}
	if (!(err = rlc_shm_set_owner(shm, cfg, why, len)) && !(err = reserve(shm, why, len))) {
		if (fstat(shm->fd, &st) != 0)
			err = sys_fail(shm, "fstat", why, len);
		else if (!(shm->base = map(shm)))
			err = sys_fail(shm, "mmap", why, len);
	}
	if (!err && !(err = rlc_layout_init(shm->base, shm->size, cfg, now, why, len))) {
		shm->dev = st.st_dev;
		shm->ino = st.st_ino;
		shm->adopted = 0;
		shm->generation = 1;
		take_over(shm, cfg, now);
		rlc_layout_publish(shm->base); /* last: clients may use it once renamed */
		err = rlc_segment_read_header(shm->base, shm->size, &shm->layout, why, len);
	}
	if (!err && renameat2(AT_FDCWD, tmp, AT_FDCWD, shm->path, replace ? 0 : RENAME_NOREPLACE))
		err = errno == EEXIST ? rlc__fail(why, len, -EEXIST,
						  "%s: a file appeared under %s while rlcd created "
						  "the segment",
						  shm->name, shm->path)
				      : sys_fail(shm, "rename", why, len);
	if (err)
		unlink(tmp);
	return err;
}

/*
 * Open what is under the name.  Returns 0 with shm->fd open on a non-empty
 * regular file of rlcd's user, described by *st; FOUND_NONE; FOUND_EMPTY for
 * an empty one (an interrupted create of an older rlcd leaves one); or the
 * -errno of a refusal or a failed system call.
 */
static int open_existing(struct rlc_shm *shm, const struct rlc_config *cfg, struct stat *st,
			 char *why, size_t len)
{
	int err;

	/* Look before opening: opening a device or a FIFO can have effects. */
	if (lstat(shm->path, st) != 0)
		return errno == ENOENT ? FOUND_NONE : sys_fail(shm, "lstat", why, len);
	if ((err = check_file(shm, st, cfg, why, len)))
		return err;
	/* O_NONBLOCK: should a FIFO take the file's place meanwhile, the open
	 * must not hang; the check below refuses it. */
	shm->fd = open(shm->path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (shm->fd < 0)
		return errno == ENOENT ? FOUND_NONE : sys_fail(shm, "open", why, len);
	if (fstat(shm->fd, st) != 0)
		return sys_fail(shm, "fstat", why, len);
	if ((err = check_file(shm, st, cfg, why, len)))
		return err;
	if (st->st_size > 0)
		return 0;
	drop(shm); /* the rename replaces it; nothing in it to keep */
	return FOUND_EMPTY;
}

/*
 * Adopt the segment open in shm->fd if it holds `cfg`'s layout.  Nothing
 * under the name is ever laid out again: a file there that is not
 * published was published once (see create()) and then spoiled, and
 * laying it out would wipe the counts under the bots that use it.
 */
/*
 * Apply `cfg` in place to the segment being adopted, when it differs only
 * in what a reload may change (retune.h): the counts are kept.
 */
static int retune(struct rlc_shm *shm, const struct rlc_config *cfg, char *why, size_t len)
{
	void *want;
	int err = rlc_retune_plan(shm->base, shm->size, cfg, &want, why, len);

	if (!err) {
		shm->retuned = rlc_retune_apply(shm->base, want, rlc_now_ns());
		free(want);
	}
	return err;
}

/*
 * An odd config_seq: an rlcd died rewriting the configuration, which may
 * be half old, half new.  Finish the rewrite from `cfg` before anything
 * checks the records, when the tables are those of `cfg`.
 */
static int finish_rewrite(struct rlc_shm *shm, const struct rlc_config *cfg, char *why,
			  size_t len)
{
	struct rlc_layout lay;

	if (shm->size < sizeof(struct rlc_header) ||
	    !(rlc__load_relaxed(&header(shm)->config_seq) & 1u) ||
	    rlc_segment_read_header(shm->base, shm->size, &lay, NULL, 0) != 0)
		return 0; /* the checks that follow say what is wrong */
	return retune(shm, cfg, why, len);
}

static int adopt(struct rlc_shm *shm, const struct rlc_config *cfg, const struct stat *st,
		 char *why, size_t len)
{
	char reason[256];
	int err;

	shm->size = (size_t)st->st_size;
	shm->base = map(shm);
	if (!shm->base)
		return sys_fail(shm, "mmap", why, len);
	err = finish_rewrite(shm, cfg, reason, sizeof(reason));
	if (!err)
		err = rlc_segment_check(shm->base, shm->size, reason, sizeof(reason));
	if (err == -EAGAIN) {
		snprintf(reason, sizeof(reason),
			 "corrupt segment: its ready word is 0, yet only a published segment is "
			 "ever under its name");
		err = -EBADMSG;
	}
	/* The copy rlcd works from; validated again, as it may differ from what
	 * the check read. */
	if (!err)
		err = rlc_segment_read_header(shm->base, shm->size, &shm->layout, reason,
					      sizeof(reason));
	if (err == -EPROTO)
		return refuse_layout(shm, cfg, reason, why, len);
	if (err)
		return refuse(shm, longest_window(shm, NULL, cfg), "configured", err, reason, why,
			      len);
	err = rlc_layout_compatible(shm->base, shm->size, cfg, reason, sizeof(reason));
	if (err == -ESTALE)
		err = retune(shm, cfg, reason, sizeof(reason));
	if (err)
		return refuse(shm, longest_window(shm, &shm->layout, cfg), "in it", err, reason,
			      why, len);
	if ((err = reserve(shm, why, len)) || (err = rlc_shm_set_owner(shm, cfg, why, len)))
		return err;
	shm->dev = st->st_dev;
	shm->ino = st->st_ino;
	shm->adopted = 1;
	shm->generation = rlc__load_relaxed(&header(shm)->generation) + 1;
	take_over(shm, cfg, rlc_now_ns());
	return 0;
}

int rlc_shm_open(struct rlc_shm *shm, const char *name, const struct rlc_config *cfg, char *why,
		 size_t len)
{
	struct stat st;
	int err, found, tries = 0;

	memset(shm, 0, sizeof(*shm));
	shm->fd = -1;
	shm->guard = NULL;
	snprintf(shm->name, sizeof(shm->name), "%s", name);
	snprintf(shm->path, sizeof(shm->path), SHM_DIR "%s", name);
	/* First, so that no other rlcd looks at or lays out this name meanwhile. */
	if ((err = rlc_lock_take(&shm->lock, name, why, len)))
		return err;
	remove_leftovers(shm);
	do {
		found = open_existing(shm, cfg, &st, why, len);
		if (found == 0)
			err = adopt(shm, cfg, &st, why, len);
		else if (found > 0)
			err = create(shm, cfg, found == FOUND_EMPTY, why, len);
		else
			err = found;
		if (err)
			drop(shm);
	} while (err == -EEXIST && ++tries < OPEN_TRIES);
	if (err)
		rlc_lock_release(&shm->lock);
	return err;
}

/* Does /dev/shm/NAME still name the served file?  Says so once per change. */
static void watch_name(struct rlc_shm *shm, uint64_t now_ns)
{
	uint64_t dev = 0, ino = 0;
	struct stat st;
	int err = 0;

	if (lstat(shm->path, &st) == 0) {
		dev = st.st_dev;
		ino = st.st_ino;
	} else {
		err = errno;
	}
	if (dev == shm->seen_dev && ino == shm->seen_ino)
		return;
	shm->seen_dev = dev;
	shm->seen_ino = ino;
	if (dev == shm->dev && ino == shm->ino) {
		shm->detached_ns = 0;
		rlc_log("%s: %s names the segment rlcd serves again (inode %" PRIu64 "); bots that "
			"open %s share its budget again",
			shm->name, shm->path, shm->ino, shm->name);
	} else {
		if (!shm->detached_ns)
			shm->detached_ns = now_ns;
		if (!err)
			rlc_log("%s: %s no longer names the segment rlcd serves (inode %" PRIu64
				"): it names inode %" PRIu64 "; bots that open %s now get a different "
				"budget from the bots already running, and together they may exceed "
				"the exchange's limits (see DETACHED SEGMENT in rlcd(8))",
				shm->name, shm->path, shm->ino, ino, shm->name);
		else
			rlc_log("%s: %s no longer names the segment rlcd serves (inode %" PRIu64
				"): %s%s; bots that open %s now get a different budget from the bots "
				"already running, and together they may exceed the exchange's limits "
				"(see DETACHED SEGMENT in rlcd(8))",
				shm->name, shm->path, shm->ino,
				err == ENOENT ? "it is gone" : "it cannot be looked up: ",
				err == ENOENT ? "" : strerror(err), shm->name);
	}
	/* Relaxed: the beat that follows is the release rlctl pairs with. */
	rlc__store_relaxed(&header(shm)->detached_ns, shm->detached_ns);
}

int rlc_shm_watch(struct rlc_shm *shm, uint64_t now_ns)
{
	struct stat st;
	long long size = fstat(shm->fd, &st) == 0 ? (long long)st.st_size : -1;

	/* Touch the segment no more once it shrank: the guard has replaced the
	 * mapping with zero pages, or a store past the new end would. */
	if (rlc_guard_tripped(shm->guard) || (size >= 0 && (uint64_t)size < shm->size)) {
		rlc_log("%s: truncated from %zu to %lld bytes by a process with write access; every "
			"count is lost. rlcd exits without touching it; the next rlcd refuses it and "
			"says how to remove it",
			shm->name, shm->size, size);
		shm->truncated = 1;
		return -EBADMSG;
	}
	watch_name(shm, now_ns);
	return 0;
}

void rlc_shm_beat(struct rlc_shm *shm, uint64_t now_ns)
{
	/* Pairs with rlctl's acquire load of heartbeat_ns: a reader that sees
	 * this beat also sees the pid, start and generation stored before it. */
	rlc__store_release(&header(shm)->heartbeat_ns, now_ns);
}

unsigned rlc_shm_reap(struct rlc_shm *shm)
{
	/* The private copy: the header's clients_off could point anywhere now. */
	struct rlc_client *clients =
		RLC__TABLE(struct rlc_client, shm->base, shm->layout.clients_off);
	unsigned reaped = 0;
	uint32_t i;

	for (i = 0; i < shm->layout.clients_count; i++)
		reaped += (unsigned)rlc_client_reap(&clients[i]);
	return reaped;
}

void rlc_shm_close(struct rlc_shm *shm)
{
	/* Relaxed: a lone word that says "stopped cleanly"; nothing hangs on it. */
	if (!shm->truncated)
		rlc__store_relaxed(&header(shm)->rlcd_pid, UINT64_C(0));
	drop(shm);
	rlc_lock_release(&shm->lock); /* last: the next rlcd finds the segment as we left it */
	memset(shm, 0, sizeof(*shm));
	shm->fd = -1;
	shm->guard = NULL;
	shm->lock.fd = -1;
}
