/* SPDX-License-Identifier: MIT */
#include "snapshot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int snapshot_take(const struct rlc *h, const char *segment, const char *label,
		  struct snapshot *s)
{
	const struct rlc_header *hdr = h->hdr;
	uint32_t i;

	memset(s, 0, sizeof(*s));
	s->segment = segment;
	s->label = label;
	s->now_ns = rlc_now_ns();
	/* Any client may rewrite the header: these come from the handle's
	 * copy, validated at open, and the rest are atomic words. */
	s->layout_major = h->layout.layout_major;
	s->layout_minor = h->layout.layout_minor;
	s->size = h->layout.size;
	s->client_records = h->layout.clients_count;
	s->dev = h->dev;
	s->ino = h->ino;
	/* Pairs with rlcd's release store of each beat: the words read next
	 * are at least as new as the beat. */
	s->heartbeat_ns = rlc__load_acquire(&hdr->heartbeat_ns);
	s->rlcd_pid = rlc__load_relaxed(&hdr->rlcd_pid);
	s->rlcd_start_ns = rlc__load_relaxed(&hdr->rlcd_start_ns);
	s->heartbeat_period_ns = rlc__load_relaxed(&hdr->heartbeat_period_ns);
	s->generation = rlc__load_relaxed(&hdr->generation);
	s->shm_dev = rlc__load_relaxed(&hdr->shm_dev);
	s->shm_ino = rlc__load_relaxed(&hdr->shm_ino);
	s->detached_ns = rlc__load_relaxed(&hdr->detached_ns);

	/* calloc(0) may return NULL: ask for one element at least. */
	s->limits = calloc(h->limits_count ? h->limits_count : 1, sizeof(*s->limits));
	s->clients = calloc(s->client_records ? s->client_records : 1, sizeof(*s->clients));
	if (!s->limits || !s->clients) {
		snapshot_free(s);
		return -ENOMEM;
	}
	/* Every id below limits_count exists: rlc_usage fails only with
	 * -EBADMSG, and still fills in the limit's name. */
	for (i = 0; i < h->limits_count; i++)
		if (rlc_usage(h, i, &s->limits[i].usage) != 0) {
			s->limits[i].corrupt = true;
			s->corrupt_count++;
		}
	s->limits_count = h->limits_count;
	for (i = 0; i < s->client_records; i++) {
		struct snapshot_client *c = &s->clients[s->clients_count];

		if (rlc_client_info(h, i, &c->info) != 0)
			continue;
		c->record = i;
		s->clients_count++;
	}
	return 0;
}

void snapshot_free(struct snapshot *s)
{
	free(s->limits);
	free(s->clients);
	s->limits = NULL;
	s->clients = NULL;
	s->limits_count = 0;
	s->clients_count = 0;
}
