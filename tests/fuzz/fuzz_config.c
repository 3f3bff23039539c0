/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: rlc_config_parse on arbitrary bytes, NULs included (it must
 * refuse them itself, as rlcd hands it a file's bytes unchecked).  An
 * accepted configuration is freed; a refused one must leave nothing to free
 * and a one-line reason of printable ASCII, since reasons quote the file and
 * reach terminals and logs.
 */
#include <stdlib.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rlc_config cfg;
	char why[512] = "";
	size_t i;

	if (rlc_config_parse(&cfg, (const char *)data, size, "fuzz.ini", why, sizeof(why)) == 0) {
		rlc_config_free(&cfg);
		return 0;
	}
	if (cfg.limits || why[0] == '\0')
		abort();
	for (i = 0; why[i]; i++)
		if ((unsigned char)why[i] < 0x20 || (unsigned char)why[i] > 0x7e)
			abort();
	return 0;
}
