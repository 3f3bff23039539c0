# SPDX-License-Identifier: MIT
"""The processes of one arm: the simulator, rlcd, the bots, and a rogue
client; each started here is stopped here, by its own pid."""

import http.client
import json
import os
import signal
import subprocess
import time
import urllib.request


class Procs:
    def __init__(self, folder):
        self.folder = folder
        self.running = []

    def start(self, name, argv, env=None):
        out = open(os.path.join(self.folder, name + ".out"), "w")
        err = open(os.path.join(self.folder, name + ".err"), "w")
        p = subprocess.Popen(argv, stdout=out, stderr=err, env=env, start_new_session=False)
        p.rlc_name = name
        self.running.append(p)
        return p

    def read(self, name, suffix):
        with open(os.path.join(self.folder, name + suffix)) as f:
            return f.read()

    def stop(self, p, timeout=5):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if p in self.running:
            self.running.remove(p)
        return p.returncode

    def stop_all(self):
        for p in list(self.running):
            self.stop(p)


def wait_for(what, test, timeout, every=0.02):
    """Poll test() until it returns something true, for at most `timeout` s."""
    end = time.monotonic() + timeout
    while True:
        v = test()
        if v:
            return v
        if time.monotonic() > end:
            raise RuntimeError(f"{what}: not within {timeout} s")
        time.sleep(every)


def start_simulator(procs, source, args):
    """The simulator on a free port; its base URL once it listens."""
    sim = procs.start("sim", ["node", os.path.join(source, "tools/exchange-sim/rlc-exchange-sim"),
                              "--port", "0", *args])

    def listening():
        if sim.poll() is not None:
            raise RuntimeError("the simulator exited: " + procs.read("sim", ".err"))
        for line in procs.read("sim", ".out").splitlines():
            if "listening on " in line:
                return line.split("listening on ", 1)[1].strip()
        return None

    return sim, wait_for("the simulator's listening line", listening, 10)


def sim_report(url):
    with urllib.request.urlopen(url + "/__sim/report", timeout=10) as r:
        return json.load(r)


def start_rlcd(procs, rlcd, rlctl, ini, segment, env):
    p = procs.start("rlcd", [rlcd, "-c", ini, "-s", segment], env=env)

    def ready():
        if p.poll() is not None:
            raise RuntimeError("rlcd exited: " + procs.read("rlcd", ".err"))
        return subprocess.run([rlctl, "-s", segment, "status", "--json"], env=env,
                              capture_output=True).returncode == 0

    wait_for(f"rlcd publishing {segment}", ready, 10)
    return p


def rogue(url, name, give_up_s=5.0):
    """A client on the same IP without rlc or any limiter: GET /fapi/v1/ping
    back to back, whatever the answers, until the exchange bans the IP (a
    418). Returns (requests, statuses seen, realtime ms of the 418 or None)."""
    host = url.split("//", 1)[1]
    c = http.client.HTTPConnection(host, timeout=5)
    seen, n, end = {}, 0, time.monotonic() + give_up_s
    try:
        while time.monotonic() < end:
            c.request("GET", "/fapi/v1/ping", headers={"X-Sim-Bot": name})
            r = c.getresponse()
            r.read()
            n += 1
            seen[r.status] = seen.get(r.status, 0) + 1
            if r.status == 418:
                return n, seen, time.time() * 1000
    finally:
        c.close()
    return n, seen, None
