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

Usage: rlctl_mutations.py RLC_TEST_SEGMENT [SEED [ROUNDS]]; RLCTL in the
environment.
"""
import json
import os
import random
import struct
import subprocess
import sys

HEADER_CLIENTS_OFF = 72  # struct rlc_header.clients_off
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
    seen = {}
    try:
        for i in range(rounds):
            mutant = damage(seg, rnd)
            with open(path, "wb") as f:
                f.write(mutant)
            for args in (["-s", name], ["-s", name, "--json"]):
                p = subprocess.run([rlctl] + args, capture_output=True)
                seen[p.returncode] = seen.get(p.returncode, 0) + 1
                what = "round %d, rlctl %s" % (i, " ".join(args))
                if p.returncode not in (0, 1, 2):
                    sys.exit("FAIL %s: exit %d\n%s" % (what, p.returncode, p.stderr.decode("utf-8", "replace")))
                for stream, data in (("stdout", p.stdout), ("stderr", p.stderr)):
                    unsafe = terminal_unsafe(data)
                    if unsafe:
                        sys.exit("FAIL %s: %s: %s\n%r" % (what, stream, unsafe, data[:2000]))
                err = p.stderr.decode("utf-8", "replace").splitlines()
                if p.returncode and (len(err) != 1 or not err[0].startswith("rlctl: ")):
                    sys.exit("FAIL %s: stderr is not one 'rlctl: ' line: %r" % (what, err))
                if "--json" in args and p.returncode != 2:
                    try:
                        json.loads(p.stdout)
                    except ValueError as e:
                        sys.exit("FAIL %s: bad JSON (%s):\n%r" % (what, e, p.stdout[:2000]))
    finally:
        os.unlink(path)
    print("ok: %d damaged segments, exit statuses %s" % (rounds, dict(sorted(seen.items()))))


if __name__ == "__main__":
    main()
