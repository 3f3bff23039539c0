/* SPDX-License-Identifier: MIT */
/*
 * Where rlcd reads its configuration, and SIGHUP's reload of it: the file
 * read again and applied to the segment in place (retune.h), or refused
 * with the running configuration kept.  See rlcd(8), RELOAD.
 */
#ifndef RLCD_RELOAD_H
#define RLCD_RELOAD_H

#include "config.h"
#include "shm.h"

/* -c's file, else the installed one, else (when it does not exist) the built-in. */
struct rlc_source {
	const char *path;      /* -c FILE, or NULL */
	const char *installed; /* RLC_CONFIG_PATH */
};

/*
 * Load the configuration *src names into *cfg; *file names what was read
 * (the path, or RLC_CONFIG_BUILTIN_NAME).  Returns as rlc_config_load().
 */
int rlc_source_load(const struct rlc_source *src, struct rlc_config *cfg, const char **file,
		    char *why, size_t len);

/*
 * Load *src again and apply it to the segment in place.  On success *cfg
 * becomes the new configuration (the old one freed) and 0 is returned;
 * else the segment and *cfg are left as they were and -EINVAL (a bad
 * file), -ESTALE (a change no reload can apply), -ENOMEM or the -errno of
 * reading the file is returned.  Either way what happened is logged,
 * naming the file, and the section and key at fault.
 */
int rlc_reload(struct rlc_shm *shm, const struct rlc_source *src, struct rlc_config *cfg);

#endif /* RLCD_RELOAD_H */
