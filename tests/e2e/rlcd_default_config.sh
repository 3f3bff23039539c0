#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rlcd --print-default-config prints the built-in default byte for byte as
# the build wrote it (etc/rlc.ini, installed as the example), a file rlcd
# itself accepts; a failed write of it exits 1 and says so.
#
# usage: rlcd_default_config.sh RLC_INI   (RLCD comes from the environment)
set -euo pipefail

ini=${1:?usage: rlcd_default_config.sh RLC_INI}
. "$(dirname "$0")/rlcd_lib.sh"

"$RLCD" --print-default-config >"$tmp/default.ini" || fail "--print-default-config exited $?"
cmp -s "$tmp/default.ini" "$ini" || fail "the printed default differs from $ini"
expect 0 "ok: 79 limits, 6 exchanges" check.log "$RLCD" --check "$tmp/default.ini"
if [ -w /dev/full ]; then
	expect 1 "rlcd: write error: No space left on device" full.log \
		sh -c '"$0" --print-default-config >/dev/full' "$RLCD"
fi
expect 2 "unknown option --print-default-config=x" arg.log "$RLCD" --print-default-config=x
echo "ok"
