#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-spin.sh - model-check tests/model/window.pml (the window ring of
# include/rlc/window.h) with spin.  tests/model/README.md lists the checks
# and what the model does not cover.
#
#   run-spin.sh                      the correct model: every check in the
#                                    suite below must finish its exhaustive
#                                    search with no error
#   run-spin.sh -D NAME[=V] ...      one check of the model with these
#                                    defines (a BROKEN_* variant, or
#                                    parameters such as -D NPROC=3)
#     --expect-violation[=KIND]      ... and pass only if spin finds an error
#                                    (an assertion violation, or with
#                                    --liveness a non-progress cycle), of
#                                    this KIND if given: window (property 1),
#                                    exact (property 2), corrupt (a reachable
#                                    -EBADMSG) or cycle; the counterexample is
#                                    replayed as a trace
#     --liveness                     check for non-progress cycles (pan -l)
#                                    instead of assertions
#     --bitstate[=BITS]              supertrace (approximate) instead of an
#                                    exhaustive search, in a table of 2^BITS
#                                    bits (default 31, 256 MiB): the table's
#                                    size bounds the search's time, so a
#                                    small one suits a large model
#
#   run-spin.sh -D CHECK_EXACT --expect-violation
#                                    not a test: shows an interleaving in
#                                    which the ring keeps counting refunded
#                                    weight after everyone has finished (a
#                                    safe over-count that window.h allows)
#
# Exit status: 0 when the outcome is the one expected, 1 when not, 77 (skip)
# when spin or a C compiler is missing.  On a 2-core machine each check of
# the suite takes under about 80 s and 1 GiB; pan's memory is capped at
# 2 GiB and its time at PAN_MINUTES (default 4) minutes.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
model="$here/window.pml"
cc=${CC:-cc}
minutes=${PAN_MINUTES:-4}

usage() {
	echo "usage: $0 [-D NAME[=VALUE]]... [--expect-violation[=KIND]] [--liveness] [--bitstate[=BITS]]" >&2
	exit 2
}

defs=""
expect_violation=0
expect_kind=""
liveness=0
bitstate=0
bits=31
while [ $# -gt 0 ]; do
	case "$1" in
	-D) [ $# -ge 2 ] || usage; defs="$defs $2"; shift 2 ;;
	-D*) defs="$defs ${1#-D}"; shift ;;
	--expect-violation) expect_violation=1; shift ;;
	--expect-violation=*)
		expect_violation=1
		expect_kind=${1#--expect-violation=}
		case "$expect_kind" in
		window | exact | corrupt | cycle) ;;
		*) echo "$0: unknown violation kind '$expect_kind'" >&2; usage ;;
		esac
		shift
		;;
	--liveness) liveness=1; shift ;;
	--bitstate) bitstate=1; shift ;;
	--bitstate=*)
		bitstate=1
		bits=${1#--bitstate=}
		case "$bits" in
		2[0-9] | 3[0-5]) ;;
		*) echo "$0: --bitstate wants a table of 2^20 to 2^35 bits" >&2; usage ;;
		esac
		shift
		;;
	-h | --help) usage ;;
	*) echo "$0: unknown argument '$1'" >&2; usage ;;
	esac
done
if [ "$expect_kind" = cycle ] && [ "$liveness" = 0 ]; then
	echo "$0: --expect-violation=cycle needs --liveness" >&2
	usage
fi

if ! command -v spin >/dev/null 2>&1; then
	echo "SKIP: spin is not installed (the window model needs spin 6)"
	exit 77
fi
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "SKIP: no C compiler '$cc' to build spin's verifier"
	exit 77
fi
[ -r "$model" ] || { echo "$0: cannot read $model" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/rlc-spin.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
cp "$model" "$work/window.pml"
cd "$work"

# with_defaults BASE DEFS: BASE's NAME=VALUE words whose NAME DEFS does not
# set, then DEFS.
with_defaults() {
	out=""
	for b in $1; do
		case " $2 " in
		*" ${b%%=*} "* | *" ${b%%=*}="*) ;;
		*) out="$out $b" ;;
		esac
	done
	echo "$out $2"
}

# describe DEFS: the configuration, with the model's defaults for S and C.
describe() {
	s=3
	c=2
	for d in $1; do
		case "$d" in
		S=*) s=${d#S=} ;;
		C=*) c=${d#C=} ;;
		esac
	done
	rest=""
	for d in $1; do
		case "$d" in
		S=* | C=*) ;;
		*) rest="$rest $d" ;;
		esac
	done
	echo "S=$s C=$c$rest"
}

# check MODE DEFS: build and run one verification.  MODE is safety or
# liveness.  Leaves pan's report in pan.out; returns 0 when pan found no
# error and searched the whole space, 1 when it found one, 2 otherwise.
check() {
	mode=$1
	spin_defs=""
	for d in $2; do spin_defs="$spin_defs -D$d"; done
	rm -f pan pan.* window.pml.trail
	# shellcheck disable=SC2086
	spin -a $spin_defs window.pml >spin.out 2>&1 || { cat spin.out; return 2; }
	if [ "$mode" = liveness ]; then
		flags="-DNP"
		run="-l"
	else
		flags="-DSAFETY"
		run=""
	fi
	if [ "$bitstate" = 1 ]; then
		flags="$flags -DBITSTATE"
		run="$run -w$bits -k3"
	else
		flags="$flags -DCOLLAPSE"
		run="$run -w24"
	fi
	# A short counterexample (pan -i truncates the trail of a cycle, so
	# only for assertions; and not in a supertrace, whose first error can
	# come late in a large space that -i would search again).
	if [ "$expect_violation" = 1 ] && [ "$mode" = safety ] && [ "$bitstate" = 0 ]; then
		run="$run -i"
	fi
	# -DMEMLIM: pan stops (and says so) instead of using more than 2 GiB.
	# shellcheck disable=SC2086
	"$cc" -O2 -w $flags -DMEMLIM=2048 -o pan pan.c >cc.out 2>&1 || { cat cc.out; return 2; }
	start=$(date +%s)
	# shellcheck disable=SC2086
	./pan -m20000 -Q"$minutes" $run >pan.out 2>&1 || true
	end=$(date +%s)
	grep -v '^Depth=' pan.out | sed -n '/^(Spin Version/,/^pan: rate/p' |
		grep -E 'State-vector|states, stored|transitions|hash factor|total actual memory|elapsed time'
	echo "   (wall $((end - start)) s)"
	# An error is reported as "pan:1: assertion violated ...",
	# "pan:1: non-progress cycle ...", "pan:1: invalid end state ...".
	if grep -qE '^pan:[0-9]+: ' pan.out; then
		grep -E '^pan:[0-9]+: ' pan.out | head -1
		return 1
	fi
	# A search cut short by the depth bound, the memory cap or the time
	# limit has not seen every state.
	if ! grep -q 'errors: 0' pan.out || grep -qE 'Search not completed|max search depth too small' pan.out; then
		grep -E 'MEMLIM|out of memory|Search not completed|max search depth|error' pan.out | head -5
		return 2
	fi
	return 0
}

# Replay the counterexample as one line per step (the model's SHOW lines).
replay() {
	spin_defs="-DTRACE"
	for d in $1; do spin_defs="$spin_defs -D$d"; done
	echo "-- counterexample (p<N> is a client process, e:c a word (epoch, count)):"
	# shellcheck disable=SC2086
	spin -t $spin_defs window.pml 2>&1 | sed -n '/^spin: trail ends/q;p' |
		sed -e 's/^ *//' -e '/^$/d' -e '/^spin: /d' | awk '!/VIOLATION/ || !seen++' |
		tee replay.out
}

# found_kind: whether the error pan found is of the kind expected.
found_kind() {
	case "$expect_kind" in
	"") return 0 ;;
	cycle) grep -qE '^pan:[0-9]+: non-progress cycle' pan.out ;;
	*) grep -q "^VIOLATION($expect_kind)" replay.out ;;
	esac
}

# The suite for the correct model: exhaustive searches of three small
# configurations (S = 3 slots, capacity C = 2, weights 1..2, each grant maybe
# refunded, the clock moving over epochs 0..MAXE).
suite="safety:NPROC=3,TAKES=1,MAXE=4 safety:NPROC=2,TAKES=2,MAXE=5 liveness:NPROC=2,TAKES=2,MAXE=5"
# A single check (with -D) starts from this configuration.
base="NPROC=2 TAKES=2 MAXE=5"

if [ -z "$defs" ] && [ "$expect_violation" = 0 ] && [ "$liveness" = 0 ] && [ "$bitstate" = 0 ]; then
	fail=0
	for item in $suite; do
		mode=${item%%:*}
		cfg=$(echo "${item#*:}" | tr ',' ' ')
		echo "== $mode check, $(describe "$cfg")"
		rc=0
		check "$mode" "$cfg" || rc=$?
		case $rc in
		0) echo "   ok: no error, search complete" ;;
		1) echo "   FAIL: spin found an error in the correct model"; replay "$cfg"; fail=1 ;;
		*) echo "   FAIL: the search did not complete"; fail=1 ;;
		esac
	done
	exit $fail
fi

cfg=$(with_defaults "$base" "$defs")
mode=safety
[ "$liveness" = 1 ] && mode=liveness
search=exhaustive
[ "$bitstate" = 1 ] && search="bitstate 2^$bits bits"
echo "== $mode check ($search), $(describe "$cfg")"
rc=0
check "$mode" "$cfg" || rc=$?
case $rc in
0)
	if [ "$expect_violation" = 1 ]; then
		echo "   FAIL: expected spin to find a violation, it found none"
		exit 1
	fi
	if [ "$bitstate" = 1 ]; then
		echo "   ok: no error (bitstate: approximate coverage, see the hash factor)"
	else
		echo "   ok: no error, search complete"
	fi
	exit 0
	;;
1)
	replay "$cfg"
	if [ "$expect_violation" = 1 ]; then
		if ! found_kind; then
			echo "   FAIL: expected a violation of kind '$expect_kind', spin found another"
			exit 1
		fi
		echo "   ok: spin found the expected violation${expect_kind:+ ($expect_kind)}"
		exit 0
	fi
	echo "   FAIL: spin found an error"
	exit 1
	;;
*)
	if [ "$bitstate" = 1 ] && [ "$expect_violation" = 0 ] && grep -q 'errors: 0' pan.out; then
		echo "   ok: no error (bitstate, cut short: approximate coverage)"
		exit 0
	fi
	echo "   FAIL: the search did not complete"
	exit 1
	;;
esac
