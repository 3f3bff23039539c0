#!/usr/bin/env bash
# Fuzz rlc: build the libFuzzer harnesses of tests/fuzz in build-fuzz/
# (clang 14, ASan + UBSan, every object coverage-instrumented), run their
# smoke tests (each seed once, and the segment seeds still current), then
# run each harness for a bounded time from a copy of its seed corpus,
# tests/fuzz/HARNESS/corpus, with tests/fuzz/HARNESS/fuzz.dict if there is
# one.  Fails on a crash, a hang (-timeout), a leak, running out of memory
# or a sanitizer report, and prints the input that reproduces it.
#
#   RLC_FUZZ_SECONDS  seconds per harness (default 45: four harnesses, three minutes)
#
# Exits 77 (skipped) when clang-14 or its libFuzzer runtime is missing;
# tools/install-deps.sh installs both.  Response handling (rlc_feedback)
# gets a harness here once rlc has that code.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${RLC_FUZZ_SECONDS:-45}
build="build-fuzz"
# NAME:MAX_LEN, with room for the largest seed to grow
harnesses=(segment:262144 config:8192 http:256 metrics-http:4096)

skip() {
	echo "run-fuzz: skipped: $*" >&2
	exit 77
}

count() { # files in a folder
	local files=("$1"/*)
	echo ${#files[@]}
}

[[ $seconds =~ ^[1-9][0-9]*$ ]] || {
	echo "run-fuzz: RLC_FUZZ_SECONDS=$seconds is not a whole number of seconds" >&2
	exit 64
}
command -v clang-14 >/dev/null ||
	skip "clang-14 not found: apt-get install clang-14 libclang-rt-14-dev"
[ -f $build/build.ninja ] ||
	CC=clang-14 CXX=clang++-14 meson setup $build -Db_sanitize=address,undefined \
		-Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link \
		-Dc_link_args=-fsanitize=fuzzer-no-link -Dpython=disabled >/dev/null
# tests/fuzz/meson.build leaves the harnesses out where libFuzzer does not link.
ninja -C $build -t query tests/fuzz/rlc-fuzz-segment >/dev/null 2>&1 ||
	skip "clang-14 cannot link -fsanitize=fuzzer: apt-get install libclang-rt-14-dev," \
		"then rm -rf $build"

targets=(tests/fuzz/rlc-fuzz-seeds)
for h in "${harnesses[@]}"; do
	targets+=("tests/fuzz/rlc-fuzz-${h%%:*}")
done
ninja -C $build "${targets[@]}"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
meson test -C $build --no-rebuild --print-errorlogs --suite fuzz

failed=0
for h in "${harnesses[@]}"; do
	name=${h%%:*}
	src=tests/fuzz/$name
	exe=$build/tests/fuzz/rlc-fuzz-$name
	dir=$build/fuzz/$name
	dict=()
	[ -f "$src/fuzz.dict" ] && dict=("-dict=$src/fuzz.dict")
	rm -rf "$dir"
	mkdir -p "$dir/corpus" "$dir/found"
	cp "$src"/corpus/* "$dir/corpus/"
	rc=0
	start=$SECONDS
	"$exe" "$dir/corpus" "${dict[@]}" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
		-max_len="${h#*:}" -artifact_prefix="$dir/found/" -print_final_stats=1 \
		>"$dir/log" 2>&1 || rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
	echo "fuzz $name: $((SECONDS - start))s, ${runs:-?} runs," \
		"$(count "$src/corpus") seeds -> $(count "$dir/corpus") inputs," \
		"log $dir/log"
	if [ $rc -ne 0 ]; then
		failed=1
		tail -n 60 "$dir/log" >&2
		for f in "$dir"/found/*; do
			[ -e "$f" ] && echo "reproduce with: $exe $f" >&2
		done
		echo "fuzz $name FAILED (exit $rc)" >&2
	fi
done
exit $failed
