#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate the scenario's report (report.json, report.md,
# utilization.svg) in OUT (default build/scenario): builds what it runs,
# then tools/scenario/run.py with the rest of the arguments.
#
#   tools/scenario/run.sh [--out DIR] [--check] [--arms fixed,window,...]
set -eu
cd "$(dirname "$0")/../.."
build=${RLC_SCENARIO_BUILD:-build}
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
# rlcd, rlctl, the C bot and the bindings the Python and Node bots load
ninja -C "$build" >/dev/null
exec /usr/bin/python3 tools/scenario/run.py --build "$build" "$@"
