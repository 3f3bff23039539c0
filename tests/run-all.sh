#!/usr/bin/env bash
# The whole test suite, from a fresh checkout: installs what is missing,
# then builds and runs
#   build/       unit, e2e, model, stress, bench-smoke and python suites;
#   bindings/node/  the Node addon and its tests, ccxt's among them;
#   build-asan/  unit, e2e and stress under AddressSanitizer + UBSan;
#   build-tsan/  the thread variant of the stress suite, and the reserve,
#                block and raise tests (threads on one segment or word among
#                them), under TSan: only those are built;
#   build-fuzz/  each libFuzzer harness for RLC_FUZZ_SECONDS (30) seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/install-deps.sh
rlc_install_deps

# Sanitizers slow every call down; (c) utilization measures how fast the
# workers react, not correctness, so their runs accept a lower figure (a
# loaded 2-core host has seen 94.96% at 8 threads under ASan).
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export RLC_FUZZ_SECONDS=${RLC_FUZZ_SECONDS:-30}
sanitized_use=92

setup() { # dir [meson options...]
	local dir=$1
	shift
	[ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
}

build() { # dir [meson options...]
	setup "$@"
	ninja -C "$1"
}

# The Node package first: npm ci builds its addon with node-gyp (headers
# from /usr/include/node, see bindings/node/.npmrc) and installs the
# lockfile's packages (ccxt), which the scenario's Node bots load.
root=$PWD
(cd bindings/node && npm ci --no-audit --no-fund)

build build
meson test -C build --print-errorlogs --suite unit --suite e2e --suite model --suite stress \
	--suite bench --suite python
(cd bindings/node && RLCD=$root/build/src/rlcd/rlcd RLCTL=$root/build/tools/rlctl/rlctl npm test)

# The Python extension is left out of the sanitized builds: Debian's
# python3 cannot load an ASan or TSan object.
build build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dpython=disabled
# The scenario measures utilization against its targets: the plain build's.
RLC_STRESS_MIN_USE=$sanitized_use meson test -C build-asan --print-errorlogs \
	--suite unit --suite e2e --suite stress --no-suite scenario

setup build-tsan -Db_sanitize=thread -Db_lundef=false -Dpython=disabled
ninja -C build-tsan tests/rlc-stress tests/test_reserve tests/test_block tests/test_raise
RLC_STRESS_MIN_USE=$sanitized_use meson test -C build-tsan --no-rebuild --print-errorlogs \
	stress-threads reserve block raise

# Fuzzing: its own build (clang, ASan + UBSan, coverage-instrumented); see
# tests/fuzz/run-fuzz.sh.
bash tests/fuzz/run-fuzz.sh

echo "all suites passed"
