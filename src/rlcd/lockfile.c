/* SPDX-License-Identifier: MIT */
#include "lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rlc/segment.h"

/*
 * The lock directory, and the variable it came from (NULL for a default).
 * Root's default gets the mode systemd gives a service's RuntimeDirectory=.
 */
static int pick_dir(char *dir, size_t size, const char **from, mode_t *mode)
{
	const char *env = getenv("RLC_RUNTIME_DIR");
	int n;

	*from = NULL;
	*mode = 0700;
	if (env && *env) {
		*from = "$RLC_RUNTIME_DIR";
		n = snprintf(dir, size, "%s", env);
	} else if (geteuid() == 0) {
		*mode = 0755;
		n = snprintf(dir, size, "/run/rlc");
	} else if ((env = getenv("XDG_RUNTIME_DIR")) && *env) {
		*from = "$XDG_RUNTIME_DIR";
		n = snprintf(dir, size, "%s/rlc", env);
	} else {
		n = snprintf(dir, size, "/tmp/rlc-%u", (unsigned)geteuid());
	}
	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

/*
 * Open the lock directory `dir`, creating it if missing, and check that
 * only rlcd's user can write in it: anyone else who could would be able to
 * take the lock first.  Returns the directory's fd, or -errno.
 */
static int open_dir(const char *segment, const char *dir, const char *from, mode_t mode,
		    char *why, size_t len)
{
	char what[PATH_MAX + 64];
	struct stat st;
	int fd, err, created;

	snprintf(what, sizeof(what), "lock directory %s%s%s%s", dir, from ? " (from " : "",
		 from ? from : "", from ? ")" : "");
	created = mkdir(dir, mode) == 0;
	if (!created && errno != EEXIST) {
		err = errno;
		return rlc__fail(why, len, -err, "%s: cannot create %s: %s", segment, what,
				 strerror(err));
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		return rlc__fail(why, len, -err, "%s: %s: %s", segment, what, strerror(err));
	}
	/* mkdir's mode went through the umask */
	if ((created && fchmod(fd, mode) != 0) || fstat(fd, &st) != 0) {
		err = -errno;
		close(fd);
		return rlc__fail(why, len, err, "%s: %s: %s", segment, what, strerror(-err));
	}
	if (st.st_uid != geteuid())
		err = rlc__fail(why, len, -EPERM,
				"%s: %s belongs to uid %u, rlcd runs as uid %u; set $RLC_RUNTIME_DIR "
				"to a directory only rlcd's user can write",
				segment, what, (unsigned)st.st_uid, (unsigned)geteuid());
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		err = rlc__fail(why, len, -EPERM,
				"%s: %s is group- or world-writable (mode %04o); others could take "
				"rlcd's lock",
				segment, what, (unsigned)(st.st_mode & 07777));
	else
		return fd;
	close(fd);
	return err;
}

/* The pid the lock's holder wrote in it, or 0 when it has not (yet). */
static long holder_pid(int fd)
{
	char text[32], *end;
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
	long pid;

	text[n > 0 ? n : 0] = '\0';
	pid = strtol(text, &end, 10);
	return end != text && pid > 0 && (*end == '\0' || *end == '\n') ? pid : 0;
}

/* The lock is taken; refuse with the holder's pid, or say why flock failed. */
static int refuse_locked(const struct rlc_lock *lock, const char *segment, int err, char *why,
			 size_t len)
{
	long pid;

	if (err != -EWOULDBLOCK)
		return rlc__fail(why, len, err, "%s: flock %s: %s", segment, lock->path,
				 strerror(-err));
	pid = holder_pid(lock->fd);
	if (pid)
		return rlc__fail(why, len, -EBUSY, "another rlcd (pid %ld) runs on %s (it holds %s)",
				 pid, segment, lock->path);
	return rlc__fail(why, len, -EBUSY, "another rlcd runs on %s (it holds %s)", segment,
			 lock->path);
}

int rlc_lock_take(struct rlc_lock *lock, const char *segment, char *why, size_t len)
{
	char dir[PATH_MAX], text[32];
	const char *from;
	struct stat st;
	mode_t mode;
	int dfd, err, n;

	lock->fd = -1;
	if (pick_dir(dir, sizeof(dir), &from, &mode) != 0 ||
	    snprintf(lock->path, sizeof(lock->path), "%s/%s.lock", dir, segment + 1) >=
		    (int)sizeof(lock->path))
		return rlc__fail(why, len, -ENAMETOOLONG, "%s: the lock file's path is too long",
				 segment);
	dfd = open_dir(segment, dir, from, mode, why, len);
	if (dfd < 0)
		return dfd;
	lock->fd = openat(dfd, strrchr(lock->path, '/') + 1,
			  O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	err = lock->fd < 0 ? -errno : 0;
	close(dfd);
	if (!err && fstat(lock->fd, &st) != 0)
		err = -errno;
	if (err) {
		rlc_lock_release(lock);
		return rlc__fail(why, len, err, "%s: lock file %s: %s", segment, lock->path,
				 strerror(-err));
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		rlc_lock_release(lock);
		return rlc__fail(why, len, -EPERM,
				 "%s: lock file %s is not a regular file of uid %u (owner uid %u)",
				 segment, lock->path, (unsigned)geteuid(), (unsigned)st.st_uid);
	}
	/* Held until exit: the kernel drops it even on SIGKILL, so a restart
	 * never finds a stale lock, and two rlcd never serve one name. */
	if (flock(lock->fd, LOCK_EX | LOCK_NB) != 0) {
		err = refuse_locked(lock, segment, -errno, why, len);
		rlc_lock_release(lock);
		return err;
	}
	/* For the next rlcd's "another rlcd (pid N)" message. */
	n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	err = ftruncate(lock->fd, 0) == 0 ? (int)pwrite(lock->fd, text, (size_t)n, 0) : -1;
	if (err != n) {
		err = err < 0 ? -errno : -ENOSPC; /* a short write: the disk is full */
		rlc_lock_release(lock);
		return rlc__fail(why, len, err, "%s: lock file %s: cannot write rlcd's pid: %s",
				 segment, lock->path, strerror(-err));
	}
	return 0;
}

void rlc_lock_release(struct rlc_lock *lock)
{
	if (lock->fd >= 0)
		close(lock->fd);
	lock->fd = -1;
}
