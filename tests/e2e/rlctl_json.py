#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""rlctl status --json and clients --json, end to end, against a real rlcd:
the output is schema rlc.status/1 (rlc.clients/1): every member the schema
below names, of its type, and no other; every member is documented in
rlctl(1)'s JSON SCHEMA section; and the numbers are the segment's: after
`rlctl reserve` the used weight of each limit the endpoint counts against
has risen by the weight reserve printed, a client that fed back a response
shows its grant and its outcome, a reserve that waits out a block counts
its wait and how long on its endpoint, a reload (SIGHUP) counts and shows
its new capacity, and a block by hand shows on its scope.

Usage: rlctl_json.py TAKE (meson passes rlc-take); RLCD, RLCTL and
RLC_SOURCE_ROOT in the environment.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

INT, STR, BOOL, FLOAT = int, str, bool, float
NULL = type(None)


def opt(*types):
    """A member that may also be null."""
    return types + (NULL,)


OUTCOMES = {"ok": INT, "client_error": INT, "limited": INT, "server_error": INT,
            "transport": INT, "timed": INT, "elapsed_ns": INT,
            "mean_elapsed_ns": opt(INT), "elapsed": [INT]}
PER_PRIORITY = {"critical": INT, "high": INT, "normal": INT, "low": INT}
CLIENT_ID = {"record": INT, "pid": INT, "name": STR}
CLIENT = dict(CLIENT_ID, alive=BOOL, grants=INT, refusals=INT, weight=INT, refunded=INT,
              waits=INT, wait_ns=INT, outcomes=OUTCOMES)
STATUS = {
    "schema": STR, "now_ns": INT,
    "segment": {"name": STR, "layout_major": INT, "layout_minor": INT, "size": INT,
                "rlcd_pid": INT, "generation": INT, "reloads": INT, "reloading": BOOL,
                "heartbeat_period_ns": INT,
                "heartbeat_age_ns": opt(INT), "uptime_ns": opt(INT)},
    "health": {"state": STR, "exit": INT, "stale_after_ns": INT, "reason": opt(STR)},
    "exchanges": [{"id": INT, "name": STR, "ip_scope": opt(STR), "mode": opt(STR),
                   "mode_index": INT, "mode_corrupt": BOOL, "mode_until_ns": opt(INT),
                   "mode_left_ns": opt(INT), "mode_until": opt(STR),
                   "clock": {"offset_ns": INT, "error_ns": opt(INT), "samples": INT},
                   "modes": [{"name": STR, "lowest": STR, "buffer_ppm": opt(INT),
                              "reserve_ppm": INT, "duration_ns": INT, "duration": STR}],
                   "accounts": [{"id": INT, "name": STR, "scope": STR}]}],
    "scopes": [{"id": INT, "name": STR, "exchange": opt(STR),
                "blocked": opt({"until_ns": INT, "left_ns": INT, "until": STR,
                                "status": opt(INT), "code": opt(INT),
                                "client": opt(CLIENT_ID), "since_ns": opt(INT),
                                "since": opt(STR)}),
                "breaker": {"state": STR, "failures": INT, "until_ns": opt(INT),
                            "left_ns": opt(INT)}}],
    "limits": [{"id": INT, "name": STR, "scope": STR, "scope_id": INT, "algorithm": STR,
                "corrupt": BOOL, "used": opt(INT), "effective": INT,
                "used_pct": opt(FLOAT), "capacity": INT, "buffer_ppm": INT,
                "interval_ns": INT, "window": STR, "slots": INT, "exchange": opt(STR),
                "grants": INT, "refusals": INT, "refunds": INT, "observed": INT,
                "scope_kind": STR, "account": opt(STR), "mode": opt(STR),
                "ceiling": PER_PRIORITY, "left": opt(PER_PRIORITY)}],
    "client_records": INT,
    "clients": [CLIENT],
    "endpoints": [{"id": INT, "exchange": STR, "name": STR, "grants": INT, "refusals": INT,
                   "waits": INT, "wait_ns": INT, "outcomes": OUTCOMES}],
}
CLIENTS = {"schema": STR, "now_ns": INT, "segment": STR, "client_records": INT,
           "clients": [CLIENT]}

failures = 0


def fail(what):
    global failures
    failures += 1
    print("FAIL: " + what, file=sys.stderr)


def check(ok, what):
    if ok:
        print("ok   " + what)
    else:
        fail(what)
    return ok


def conform(value, spec, where, errors):
    """Append to `errors` every way `value` differs from `spec`."""
    if isinstance(spec, tuple):
        # a dict in the tuple is an object that may also be null
        objects = [s for s in spec if isinstance(s, dict)]
        if value is None and NULL in spec:
            return
        if objects and isinstance(value, dict):
            conform(value, objects[0], where, errors)
        elif not any(type(value) is t for t in spec if not isinstance(t, dict)):
            errors.append("%s: %r is not %s" % (where, value, spec))
    elif isinstance(spec, dict):
        if not isinstance(value, dict):
            errors.append("%s: %r is not an object" % (where, value))
            return
        for k in spec.keys() - value.keys():
            errors.append("%s: member %s missing" % (where, k))
        for k in value.keys() - spec.keys():
            errors.append("%s: member %s is not in the schema" % (where, k))
        for k in spec.keys() & value.keys():
            conform(value[k], spec[k], where + "." + k, errors)
    elif isinstance(spec, list):
        if not isinstance(value, list):
            errors.append("%s: %r is not an array" % (where, value))
            return
        for i, v in enumerate(value):
            conform(v, spec[0], "%s[%d]" % (where, i), errors)
    elif type(value) is not spec:
        errors.append("%s: %r is not %s" % (where, value, spec.__name__))


def members(spec, out):
    """Every member name `spec` has, at any depth."""
    if isinstance(spec, tuple):
        for s in spec:
            members(s, out)
    elif isinstance(spec, dict):
        for k, v in spec.items():
            out.add(k)
            members(v, out)
    elif isinstance(spec, list):
        members(spec[0], out)
    return out


def documented(page):
    """The member names rlctl(1)'s JSON SCHEMA section quotes: "name"."""
    text = open(page).read()
    section = text[text.index("# JSON SCHEMA"):text.index("# EXIT STATUS")]
    return set(re.findall(r'"([a-z_]+)"', section))


class Rlc:
    def __init__(self, tmp, seg, take):
        self.tmp, self.seg, self.take = tmp, seg, take
        self.rlctl = os.environ["RLCTL"]

    def ctl(self, *args):
        return subprocess.run([self.rlctl, "-s", self.seg] + list(args), capture_output=True,
                              text=True, timeout=10)

    def json(self, *args, quiet=False):
        p = self.ctl(*args)
        try:
            return p.returncode, json.loads(p.stdout)
        except ValueError as e:
            if not quiet:
                fail("rlctl %s: not JSON (%s): %r %r" % (" ".join(args), e, p.stdout, p.stderr))
            return p.returncode, None

    def poll(self, cond, what, seconds=5):
        """Rerun status --json until cond(report) holds; the last report."""
        deadline = time.monotonic() + seconds
        while True:
            rc, r = self.json("status", "--json", quiet=True)
            if r is not None and cond(r):
                return r
            if time.monotonic() > deadline:
                fail("%s: not within %d s: exit %d" % (what, seconds, rc))
                return r
            time.sleep(0.02)


def endpoint(r, name):
    return [x for x in r["endpoints"] if x["name"] == name][0]


def limit(r, name):
    return [x for x in r["limits"] if x["name"] == name][0]


def scope(r, name):
    return [x for x in r["scopes"] if x["name"] == name][0]


def schema_checks(rlc, page):
    rc, r = rlc.json("status", "--json")
    check(rc == 0, "status --json exits 0")
    errors = []
    conform(r, STATUS, "status", errors)
    check(not errors, "status --json conforms to rlc.status/1" + "".join("\n  " + e for e in errors))
    check(r["schema"] == "rlc.status/1", "schema rlc.status/1")
    undocumented = members(STATUS, set()) - documented(page)
    check(not undocumented, "every member documented in rlctl(1): missing %s" % sorted(undocumented))
    return r


def reserve_checks(rlc, before):
    p = rlc.ctl("reserve", "ex1", "GET", "/depth", "limit=500")
    m = re.fullmatch(r"granted at priority low: (.*)\n", p.stdout)
    if not check(p.returncode == 0 and m, "reserve GET /depth limit=500: %r" % p.stdout):
        return
    taken = dict((n, int(w)) for n, w in (x.split() for x in m.group(1).split(", ")))
    check(taken == {"ex1.ip.weight": 10}, "reserve took the rule's weight: %s" % taken)
    rc, after = rlc.json("status", "--json")
    for name, w in taken.items():
        b, a = limit(before, name), limit(after, name)
        check(a["used"] == b["used"] + w, "%s: used %d -> %d, +%d" % (name, b["used"], a["used"], w))
        check(a["left"] == {p: max(0, v - w) for p, v in b["left"].items()},
              "%s: what each priority may take fell by %d" % (name, w))
        check(a["used_pct"] == round(100.0 * a["used"] / a["effective"], 1),
              "%s: used_pct is used of effective" % name)
    check(all(limit(after, x["name"])["used"] == x["used"] for x in before["limits"]
              if x["name"] not in taken), "the other limits did not move")
    check([(limit(after, n)["grants"] - limit(before, n)["grants"],
            limit(after, n)["refusals"] - limit(before, n)["refusals"]) for n in taken] == [(1, 0)],
          "the limit counts the grant, and no refusal")
    b, a = endpoint(before, "GET /depth"), endpoint(after, "GET /depth")
    check((a["grants"] - b["grants"], a["refusals"] - b["refusals"], a["waits"]) == (1, 0, 0),
          "the endpoint counts the grant: %s" % a)


def client_checks(rlc):
    # rlc-take stays registered, its grant fed back as a 200, until its stdin
    # ends; no parameters: the rule's default limit 10 weighs 5
    take = subprocess.Popen([rlc.take, rlc.seg, "ex1 GET /depth", "0", "200"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        r = rlc.poll(lambda r: any(c["pid"] == take.pid for c in r["clients"]),
                     "the client shows")
        c = [c for c in r["clients"] if c["pid"] == take.pid][0]
        check((c["name"], c["alive"], c["grants"], c["refusals"], c["weight"], c["refunded"])
              == ("rlc-take", True, 1, 0, 5, 0), "client counts: %s" % c)
        check((c["outcomes"]["ok"], c["outcomes"]["timed"], c["outcomes"]["mean_elapsed_ns"])
              == (1, 1, 12000000), "client outcomes: %s" % c["outcomes"])
        e = [e for e in r["endpoints"] if e["name"] == "GET /depth"][0]
        check(e["outcomes"]["ok"] == 1, "endpoint outcomes: %s" % e["outcomes"])
        rc, cl = rlc.json("clients", "--json")
        errors = []
        conform(cl, CLIENTS, "clients", errors)
        check(rc == 0 and not errors, "clients --json conforms to rlc.clients/1"
              + "".join("\n  " + e for e in errors))
        check(cl["schema"] == "rlc.clients/1" and cl["segment"] == rlc.seg
              and cl["client_records"] == r["client_records"],
              "clients --json: schema, segment, records")
        check([x for x in cl["clients"] if x["pid"] == take.pid] == [c],
              "clients --json: the client as status --json has it")
        undocumented = members(CLIENTS, set()) - documented(os.environ["RLC_SOURCE_ROOT"]
                                                            + "/man/rlctl.1.scd")
        check(not undocumented, "clients members documented: missing %s" % sorted(undocumented))
    finally:
        take.communicate("", timeout=10)


def wait_checks(rlc):
    """A reserve that waits out a 300 ms block: one wait on the endpoint,
    and how long it slept; the refusal that made it wait counted."""
    rc, before = rlc.json("status", "--json")
    check(rlc.ctl("block", "ex1.ip", "300ms").returncode == 0, "block ex1.ip 300ms")
    p = rlc.ctl("reserve", "ex1", "GET", "/depth", "--wait", "5s")
    check(p.returncode == 0, "reserve --wait 5s waits the block out: %r" % p.stderr)
    rc, after = rlc.json("status", "--json")
    b, a = endpoint(before, "GET /depth"), endpoint(after, "GET /depth")
    check((a["waits"] - b["waits"], a["grants"] - b["grants"]) == (1, 1)
          and a["refusals"] > b["refusals"] and 100e6 <= a["wait_ns"] - b["wait_ns"] <= 5e9,
          "the endpoint counts the wait and its time: %s" % a)
    lb, la = limit(before, "ex1.ip.weight"), limit(after, "ex1.ip.weight")
    check((la["grants"] - lb["grants"], la["refusals"] - lb["refusals"])
          == (1, a["refusals"] - b["refusals"]),
          "the limit counts the grant and the endpoint's refusals: %s" % la)


def reload_checks(rlc, ini, rlcd):
    """SIGHUP with a new capacity: reloads counts it, the used weight stays."""
    rc, before = rlc.json("status", "--json")
    text = open(ini).read()
    open(ini, "w").write(text.replace("capacity = 1000", "capacity = 2000", 1))
    rlcd.send_signal(1)
    r = rlc.poll(lambda r: r["segment"]["reloads"] == before["segment"]["reloads"] + 1
                 and limit(r, "ex1.ip.weight")["capacity"] == 2000, "the reload shows")
    check(r["segment"]["reloading"] is False and
          limit(r, "ex1.ip.weight")["used"] == limit(before, "ex1.ip.weight")["used"]
          and limit(r, "ex1.ip.weight")["effective"] == 1800,
          "reloads %d, capacity 2000, effective 1800, used kept" % r["segment"]["reloads"])


def block_checks(rlc):
    p = rlc.ctl("block", "ex1.alpha", "1m")
    check(p.returncode == 0, "block ex1.alpha 1m")
    rc, r = rlc.json("status", "--json")
    b = scope(r, "ex1.alpha")["blocked"]
    check(b is not None and b["status"] == 0 and 0 < b["left_ns"] <= 60e9
          and b["until_ns"] - b["left_ns"] == r["now_ns"],
          "the block by hand: left_ns is until_ns less now_ns: %s" % b)
    check(all(s["blocked"] is None for s in r["scopes"] if s["name"] != "ex1.alpha"),
          "no other scope blocked")


def main():
    take = sys.argv[1]
    root = os.environ["RLC_SOURCE_ROOT"]
    tmp = tempfile.mkdtemp()
    seg = "/rlc-test-%d" % os.getpid()
    env = dict(os.environ, RLC_RUNTIME_DIR=tmp + "/run")
    ini = tmp + "/ex.ini"
    shutil.copy(root + "/tests/e2e/two_accounts.ini", ini)
    rlcd = subprocess.Popen([os.environ["RLCD"], "-c", ini, "-s", seg],
                            stderr=open(tmp + "/rlcd.log", "w"), env=env)
    try:
        rlc = Rlc(tmp, seg, take)
        rlc.poll(lambda r: r["health"]["exit"] == 0, "rlcd healthy")
        before = schema_checks(rlc, root + "/man/rlctl.1.scd")
        reserve_checks(rlc, before)
        client_checks(rlc)
        wait_checks(rlc)
        reload_checks(rlc, ini, rlcd)
        block_checks(rlc)
    finally:
        rlcd.kill()
        rlcd.wait()
        for f in ("/dev/shm" + seg,):
            if os.path.exists(f):
                os.unlink(f)
        shutil.rmtree(tmp)
    if failures:
        print("%d check(s) failed" % failures, file=sys.stderr)
        sys.exit(1)
    print("all rlctl JSON checks passed")


if __name__ == "__main__":
    main()
