/* SPDX-License-Identifier: MIT */
#include "reload.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "retune.h"
#include "rlc/clock.h"

int rlc_source_load(const struct rlc_source *src, struct rlc_config *cfg, const char **file,
		    char *why, size_t len)
{
	int err;

	*file = src->path ? src->path : src->installed;
	err = rlc_config_load(cfg, *file, why, len);
	if (err != -ENOENT || src->path)
		return err;
	*file = RLC_CONFIG_BUILTIN_NAME;
	return rlc_config_parse(cfg, rlc_config_builtin, rlc_config_builtin_size, *file, why, len);
}

/* Log each limit the reload changes, before it overwrites what it was. */
static void log_changes(const struct rlc_shm *shm, const void *want, const struct rlc_config *cfg)
{
	char what[256];
	uint32_t i;

	for (i = 0; i < cfg->limits_count; i++)
		if (rlc_retune_describe(shm->base, want, i, what, sizeof(what)))
			rlc_log("reload: limit %s: %s", cfg->limits[i].name, what);
}

/* What a reload takes as it is but cannot apply to the running rlcd. */
static void log_kept(const struct rlc_config *old, const struct rlc_config *cfg)
{
	if (strcmp(old->segment, cfg->segment) != 0)
		rlc_log("reload: [rlcd] segment changed: rlcd keeps serving the segment it runs on; "
			"the new name takes effect at the next start");
}

int rlc_reload(struct rlc_shm *shm, const struct rlc_source *src, struct rlc_config *cfg)
{
	struct rlc_config next;
	const char *file;
	char why[1024];
	void *want = NULL;
	uint32_t changed;
	int err;

	err = rlc_source_load(src, &next, &file, why, sizeof(why));
	if (!err) {
		err = rlc_retune_plan(shm->base, shm->size, &next, &want, why, sizeof(why));
		if (err)
			rlc_config_free(&next);
	}
	if (!err && (err = rlc_shm_set_owner(shm, &next, why, sizeof(why)))) {
		free(want);
		rlc_config_free(&next);
	}
	if (err) {
		rlc_log("reload refused, the running configuration stays: %s%s%s", err == -ESTALE ? file : "",
			err == -ESTALE ? ": " : "", why);
		return err;
	}
	log_changes(shm, want, &next);
	log_kept(cfg, &next);
	changed = rlc_retune_apply(shm->base, want, rlc_now_ns());
	free(want);
	rlc_config_free(cfg);
	*cfg = next;
	rlc_log("reloaded %s: %" PRIu32 " limit%s changed, every count kept", file, changed,
		changed == 1 ? "" : "s");
	return 0;
}
