# SPDX-License-Identifier: MIT
"""Fixtures of the Python binding's tests: a real rlcd on a segment of the
test's own (/rlc-test-PID-N, RLC_RUNTIME_DIR in a temporary folder), and a
real aiohttp web server on 127.0.0.1 answering like the exchange.

RLCD (the built rlcd) comes from the environment, as meson sets it."""

import itertools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import rlc  # noqa: E402
from exchange_server import ExchangeServer  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
_seq = itertools.count()

# The exchange of most tests, "tx", speaks Binance's dialect: an IP limit of
# 40 weight per second, an account order limit of 5 per second, endpoints
# at Binance USD-M's paths; "slow" has a limit that refills every 500 ms
# (the asyncio wait test); "two" has two accounts; "brk" trips its circuit
# breaker after 2 failures.
TEST_INI = """\
[rlcd]
heartbeat = 20ms
clients = 48

[exchange tx]
dialect = binance
breaker-failures = 0

[limit tx.ip.weight]
capacity = 40
interval = 1s
slots = 20
header = x-mbx-used-weight
reserve-low = 10%

[limit tx.account.orders]
capacity = 5
interval = 1s
slots = 10

[endpoint tx GET /fapi/v1/depth]
priority = low
ip.weight = by limit 50:2 100:5 500:10 1000:20 default 500

[endpoint tx GET /fapi/v1/ping]
priority = low
ip.weight = 1

[endpoint tx GET /fapi/v1/time]
priority = low
ip.weight = 1

[endpoint tx GET /fapi/v1/ticker/price]
priority = low
ip.weight = if symbol 1 else 2

[endpoint tx POST /fapi/v1/order]
priority = high
critical-if = reduceOnly
ip.weight = 0
account.orders = 1

[endpoint tx POST /fapi/v1/batchOrders]
priority = high
ip.weight = 5
account.orders = each batchOrders 1 max 5 else 5

[endpoint tx GET /fapi/v1/ticker/bookTicker]
priority = low
ip.weight = each symbols 10 else 1

[exchange slow]

[limit slow.ip.one]
capacity = 1
interval = 500ms
slots = 10

[endpoint slow GET /one]
ip.one = 1

[exchange two]

[limit two.account.orders]
capacity = 100
interval = 1s

[account two alpha]
[account two beta]

[endpoint two POST /order]
account.orders = 1

[exchange brk]
breaker-failures = 2
breaker-cooldown = 30s

[limit brk.ip.weight]
capacity = 1000
interval = 1s

[endpoint brk GET /x]
ip.weight = 1
"""


def until(what, cond, seconds=5.0, step=0.01):
    """Poll cond() until it returns a true value, for at most `seconds`."""
    end = time.monotonic() + seconds
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > end:
            raise AssertionError("not within %.1f s: %s" % (seconds, what))
        time.sleep(step)


class Rlcd:
    """An rlcd of the test's own, on segment self.segment."""

    def __init__(self, ini_text):
        self.rlcd = os.environ.get("RLCD")
        if not self.rlcd or not os.access(self.rlcd, os.X_OK):
            pytest.skip("RLCD is not set to a built rlcd")
        self.tmp = tempfile.mkdtemp(prefix="rlc-py-")
        self.run = os.path.join(self.tmp, "run")
        os.mkdir(self.run, 0o700)
        self.segment = "/rlc-test-%d-%d" % (os.getpid(), next(_seq))
        self.ini = os.path.join(self.tmp, "rlc.ini")
        with open(self.ini, "w") as f:
            f.write(ini_text)
        self.log = os.path.join(self.tmp, "rlcd.log")
        self.env = dict(os.environ, RLC_RUNTIME_DIR=self.run, RLC_SEGMENT=self.segment)
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen([self.rlcd, "-c", self.ini, "-s", self.segment],
                                         stdout=subprocess.DEVNULL, stderr=log, env=self.env)
        until("rlcd publishes " + self.segment, self._ready)

    def _ready(self):
        if self.proc.poll() is not None:
            with open(self.log) as log:
                raise AssertionError("rlcd exited %s:\n%s" % (self.proc.returncode, log.read()))
        try:
            rlc.Client(self.segment, readonly=True).close()
            return True
        except (rlc.NoSegment, rlc.RlcError):
            return False

    def client(self, name="test"):
        return rlc.Client(self.segment, name)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        name = self.segment.lstrip("/")
        for f in os.listdir("/dev/shm"):
            if f == name or f.startswith(name + "-") or f.startswith("." + name):
                try:
                    os.unlink(os.path.join("/dev/shm", f))
                except FileNotFoundError:
                    pass
        shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture
def rlcd():
    d = Rlcd(TEST_INI)
    yield d
    d.stop()


@pytest.fixture
def client(rlcd):
    with rlcd.client() as c:
        yield c


@pytest.fixture
def server():
    s = ExchangeServer()
    yield s
    s.stop()
