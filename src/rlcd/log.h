/* SPDX-License-Identifier: MIT */
/* rlcd's log: lines on stderr, where a terminal or systemd's journal reads them. */
#ifndef RLCD_LOG_H
#define RLCD_LOG_H

/* Write "rlcd: <message>\n" to stderr in one write. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
void rlc_log(const char *fmt, ...);

#endif /* RLCD_LOG_H */
