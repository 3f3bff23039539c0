/* SPDX-License-Identifier: MIT */
/*
 * rlcd's log: lines on stderr, where a terminal or systemd's journal reads
 * them.  When stderr is the journal ($JOURNAL_STREAM names fd 2's device
 * and inode), each line starts with its sd-daemon(3) priority, <3> error,
 * <4> warning or <6> info, instead of "rlcd: " (the journal names the
 * unit itself); otherwise each is "rlcd: <message>".
 */
#ifndef RLCD_LOG_H
#define RLCD_LOG_H

#if defined(__GNUC__)
#define RLC_LOG_FORMAT __attribute__((format(printf, 1, 2)))
#else
#define RLC_LOG_FORMAT
#endif

/* One line, in one write, so that lines from rlcd and the bots never interleave. */
RLC_LOG_FORMAT void rlc_log(const char *fmt, ...);      /* info */
RLC_LOG_FORMAT void rlc_log_warn(const char *fmt, ...); /* something wrong, rlcd goes on */
RLC_LOG_FORMAT void rlc_log_err(const char *fmt, ...);  /* a failure: what failed stops */

#endif /* RLCD_LOG_H */
