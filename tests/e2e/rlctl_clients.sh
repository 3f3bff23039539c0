#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# rlctl clients, end to end: a real rlcd and real clients (rlc-take, which
# stays registered until its stdin ends).  One row per record in use, with
# its record index, pid, name, state, counts and outcomes, as --json has
# them; "no registered clients" when none; bad input is a usage error.
set -euo pipefail

take=${1:?usage: rlctl_clients.sh TAKE}
. "$(dirname "$0")/rlcd_lib.sh"
. "$(dirname "$0")/rlctl_lib.sh"

# row PID: the clients table's row of PID, its fields joined by one space.
row() {
	awk -v p="$1" '$2 == p { $1 = $1; print; exit }' "$tmp/out"
}

cp "$(dirname "$0")/two_accounts.ini" "$tmp/ex.ini"
start_rlcd rlcd.log "$tmp/ex.ini"
poll healthy || fail "rlctl status never became healthy: $(cat "$tmp/err")"

echo "1. no clients"
ctl clients
[ "$rc" -eq 0 ] && [ "$(cat "$tmp/out")" = "no registered clients (8 records free)" ] ||
	fail "clients with none: exit $rc, '$(cat "$tmp/out")'"
ctl clients --json
python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))
sys.exit(not (r["schema"] == "rlc.clients/1" and r["clients"] == [] and r["client_records"] == 8))' \
	"$tmp/out" || fail "clients --json with none: $(cat "$tmp/out")"

echo "2. two clients: a 200 of GET /depth (weight 5), a 503 of 3 on ex1.ip.weight"
hold ok "ex1 GET /depth" 0 200
hold bad ex1.ip.weight 3 503
ctl clients
[ "$rc" -eq 0 ] || fail "clients: exit $rc"
head -n 1 "$tmp/out" | grep -qE '^RECORD +PID +CLIENT +STATE +GRANTS +REFUSED +WEIGHT +REFUNDED +OK +4XX +429/418 +5XX +TRANSPORT +MEAN +WAITS +WAITED$' ||
	fail "clients header: $(head -n 1 "$tmp/out")"
# shellcheck disable=SC2154 # set by hold
[ "$(row "$ok_pid")" = "0 $ok_pid rlc-take live 1 0 5 0 1 0 0 0 0 12ms 0 0s" ] ||
	fail "the 200's row: '$(row "$ok_pid")'"
# shellcheck disable=SC2154
[ "$(row "$bad_pid")" = "1 $bad_pid rlc-take live 1 0 3 0 0 0 0 1 0 12ms 0 0s" ] ||
	fail "the 503's row: '$(row "$bad_pid")'"
[ "$(tail -n 1 "$tmp/out")" = "2 of 8 client records in use" ] || fail "records line: $(tail -n 1 "$tmp/out")"
ctl clients --json
python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))
c = {x["pid"]: x for x in r["clients"]}
ok, bad = c[int(sys.argv[2])], c[int(sys.argv[3])]
sys.exit(not (len(c) == 2 and (ok["record"], ok["grants"], ok["weight"], ok["outcomes"]["ok"]) == (0, 1, 5, 1)
              and (bad["record"], bad["weight"], bad["outcomes"]["server_error"]) == (1, 3, 1)))' \
	"$tmp/out" "$ok_pid" "$bad_pid" || fail "clients --json: $(cat "$tmp/out")"
# status shows the same rows, without the record column
ctl status
awk -v p="$ok_pid" '$1 == p { $1 = $1; print; exit }' "$tmp/out" |
	grep -qx "$ok_pid rlc-take live 1 0 5 0 1 0 0 0 0 12ms" || fail "status's row of the 200"
release bad # the later one first (hold)
poll eval '"$RLCTL" -s "$seg" clients | grep -q "^1 of 8 client records in use$"' ||
	fail "a closed client still listed: $("$RLCTL" -s "$seg" clients)"
echo "ok   clients: rows, JSON, a client gone"

echo "3. bad input"
for bad in "--color=always:'--color' is not an option of 'rlctl clients'" \
	"--interval 1s:'--interval' is not an option of 'rlctl clients'" \
	"extra:unexpected argument 'extra'"; do
	# shellcheck disable=SC2086 # the words are the arguments
	ctl clients ${bad%%:*}
	[ "$rc" -eq 64 ] && grep -qF -- "rlctl: ${bad#*:}" "$tmp/err" ||
		fail "clients ${bad%%:*}: exit $rc, '$(cat "$tmp/err")'"
done
ctl -s /rlc-test-$$-missing clients
[ "$rc" -eq 2 ] || fail "clients of a missing segment: exit $rc"
# a stopped rlcd: clients still lists, exit 0 (status says rlcd is down)
stop_rlcd TERM || true
ctl clients
[ "$rc" -eq 0 ] && grep -q "^1 of 8 client records in use$" "$tmp/out" ||
	fail "clients after rlcd stopped: exit $rc, $(cat "$tmp/out")"
echo "ok   clients: bad input, rlcd stopped"
release ok
echo "all rlctl clients checks passed"
