/* SPDX-License-Identifier: MIT */
#include "notify.h"

#include <inttypes.h>
#include <stdio.h>

#include <systemd/sd-daemon.h>

#include "rlc/clock.h"

void rlc_notify_ready(const char *status)
{
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void rlc_notify_reloading(void)
{
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%" PRIu64, rlc_now_ns() / 1000u);
}

void rlc_notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

void rlc_notify_beat(uint64_t now_ns)
{
	static int known;
	static uint64_t every_ns, last_ns;
	uint64_t usec;

	if (!known) {
		known = 1;
		/* > 0: the manager wants pings (and this is the pid it watches) */
		if (sd_watchdog_enabled(0, &usec) > 0)
			every_ns = usec * 1000u / 4;
	}
	if (!every_ns || (last_ns && now_ns - last_ns < every_ns))
		return;
	last_ns = now_ns;
	sd_notify(0, "WATCHDOG=1");
}
