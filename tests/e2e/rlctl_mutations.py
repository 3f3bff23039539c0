#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""rlctl on damaged segments: whatever bytes a segment holds, rlctl exits
0, 1 or 2 (never a signal), says why on stderr when it is not 0, its
--json output parses, and nothing it prints holds a raw control character
or a byte that is not UTF-8.

A healthy-looking segment from rlc-test-segment is damaged a few hundred
times, with a fixed seed so that a failure can be replayed: random bytes,
mostly in the header and limit records where the validator must catch
them, sometimes a truncation, and sometimes a live client record with a
name of random bytes, so that the text and JSON escaping meet them too.
Then rlctl runs while a writer rewrites the layout under it (rlc-test-segment
flip) and while one empties and restores the file (shrink): a report it
prints must show the layout it validated, never one read afterwards, and
never what it read from the zero pages of a truncated file.

Usage: rlctl_mutations.py RLC_TEST_SEGMENT [SEED [ROUNDS]]; RLCTL in the
environment.
"""
import json
import os
import random
import struct
import subprocess
import sys

HEADER_CLIENTS_OFF = 56  # struct rlc_header.clients_off
CLIENT_RECORD = 128      # sizeof(struct rlc_client)
CLIENT_NAME = 16         # offsetof(struct rlc_client, name)
CLIENT_NAME_MAX = 32
CLIENT_LIVE = 2


def damage(seg, rnd):
    """A copy of `seg` broken in one random way."""
    b = bytearray(seg)
    if rnd.random() < 0.3:
        (clients_off,) = struct.unpack_from("<Q", b, HEADER_CLIENTS_OFF)
        rec = clients_off + CLIENT_RECORD * rnd.randrange(4)
        if rec + CLIENT_RECORD <= len(b):
            struct.pack_into("<Q", b, rec, (rnd.randrange(1, 1 << 22) << 2) | CLIENT_LIVE)
            b[rec + CLIENT_NAME:rec + CLIENT_NAME + CLIENT_NAME_MAX] = bytes(
                rnd.randrange(256) for _ in range(CLIENT_NAME_MAX))
    for _ in range(rnd.choice([0, 1, 2, 4, 8, 32])):
        # half of the hits in the header and the first limit records
        pos = rnd.randrange(len(b)) if rnd.random() < 0.5 else rnd.randrange(min(len(b), 640))
        b[pos] = rnd.randrange(256)
    if rnd.random() < 0.1:
        b = b[:rnd.randrange(len(b))]
    return bytes(b)


def terminal_unsafe(data):
    """Why `data` could drive a terminal (None if it cannot): every byte
    must be UTF-8 and no character a control (C0, DEL, C1) but newline."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return str(e)
    bad = [c for c in text if c != "\n" and (c < " " or "\x7f" <= c <= "\x9f")]
    return "raw control characters %r" % bad if bad else None


def checked(what, p, as_json):
    """The checks every run of rlctl passes, whatever the segment holds:
    exit 0, 1 or 2, never a signal; one 'rlctl: ' line on stderr unless 0;
    nothing a terminal would act on; a report on stdout for 0 and 1 (for 2,
    only when the segment was read and a limit in it is corrupt), which
    parses when it is JSON.  Returns the report, or None if there is none."""
    if p.returncode not in (0, 1, 2):
        sys.exit("FAIL %s: exit %d\n%s" % (what, p.returncode, p.stderr.decode("utf-8", "replace")))
    for stream, data in (("stdout", p.stdout), ("stderr", p.stderr)):
        unsafe = terminal_unsafe(data)
        if unsafe:
            sys.exit("FAIL %s: %s: %s\n%r" % (what, stream, unsafe, data[:2000]))
    err = p.stderr.decode("utf-8").splitlines()
    if (len(err) != 1 or not err[0].startswith("rlctl: ")) if p.returncode else err:
        sys.exit("FAIL %s: exit %d, stderr %r" % (what, p.returncode, err))
    if not p.stdout:
        if p.returncode != 2:
            sys.exit("FAIL %s: exit %d without a report" % (what, p.returncode))
        return None
    if not as_json:
        if p.returncode == 2 and b" corrupt " not in p.stdout:
            sys.exit("FAIL %s: exit 2 with a report that shows no corrupt limit" % what)
        return p.stdout
    try:
        r = json.loads(p.stdout)
    except ValueError as e:
        sys.exit("FAIL %s: bad JSON (%s):\n%r" % (what, e, p.stdout[:2000]))
    if r["health"]["exit"] != p.returncode or (
            p.returncode == 2 and not any(l["corrupt"] for l in r["limits"])):
        sys.exit("FAIL %s: exit %d with a report that says %r"
                 % (what, p.returncode, r["health"]))
    return r


def layout(r):
    """What a JSON report says of the segment's immutable layout."""
    return (r["segment"]["size"], r["segment"]["layout_major"], r["segment"]["layout_minor"],
            r["client_records"],
            [(l["name"], l["scope"], l["capacity"], l["interval_ns"], l["slots"]) for l in r["limits"]])


def race(rlctl, mkseg, mode, want, clients, rounds):
    """rlctl while rlc-test-segment MODE rewrites (flip) or truncates
    (shrink) the segment under it: each run may refuse the segment, but a
    report it prints shows the layout it validated (`want`) and every one
    of the `clients` records the writer holds, never a field read again
    afterwards nor the zero pages of a truncated file, and no run dies by
    a signal."""
    name = "/rlc-test-%d-%s" % (os.getpid(), mode)
    writer = subprocess.Popen([mkseg, "-s", name, mode], stdout=subprocess.PIPE)
    seen = {}
    try:
        if writer.stdout.readline() != b"ready\n":
            sys.exit("FAIL %s: rlc-test-segment did not start" % mode)
        for i in range(rounds):
            p = subprocess.run([rlctl, "-s", name, "--json"], capture_output=True)
            seen[p.returncode] = seen.get(p.returncode, 0) + 1
            r = checked("%s round %d" % (mode, i), p, True)
            if r is not None and (layout(r), len(r["clients"])) != (want, clients):
                sys.exit("FAIL %s round %d: the report shows %r and %d clients, the "
                         "validated layout is %r with %d"
                         % (mode, i, layout(r), len(r["clients"]), want, clients))
    finally:
        writer.terminate()
        writer.wait()
        os.unlink("/dev/shm" + name)
    print("ok: %d runs against a writer in %s mode, exit statuses %s"
          % (rounds, mode, dict(sorted(seen.items()))))


def main():
    rlctl = os.environ["RLCTL"]
    mkseg = sys.argv[1]
    rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 20261123)
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    name = "/rlc-test-%d-mutant" % os.getpid()
    path = "/dev/shm" + name
    # `stale` leaves a published segment behind whose rlcd pid (ours) runs
    subprocess.run([mkseg, "-s", name, "stale"], check=True)
    with open(path, "rb") as f:
        seg = f.read()
    want = layout(checked("undamaged", subprocess.run([rlctl, "-s", name, "--json"],
                                                      capture_output=True), True))
    seen = {}
    try:
        for i in range(rounds):
            mutant = damage(seg, rnd)
            with open(path, "wb") as f:
                f.write(mutant)
            for args in (["-s", name], ["-s", name, "--json"]):
                p = subprocess.run([rlctl] + args, capture_output=True)
                seen[p.returncode] = seen.get(p.returncode, 0) + 1
                checked("round %d, rlctl %s" % (i, " ".join(args)), p, "--json" in args)
    finally:
        os.unlink(path)
    print("ok: %d damaged segments, exit statuses %s" % (rounds, dict(sorted(seen.items()))))
    race(rlctl, mkseg, "flip", want, 0, rounds)
    race(rlctl, mkseg, "shrink", want, 16, rounds)


if __name__ == "__main__":
    main()
