#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""rlcd's metrics on a real rlcd with `metrics = 127.0.0.1:0`: curl scrapes
them and promtool accepts them; after rlctl reserve and a fed-back 200 (rlc-take)
the numbers equal rlctl status --json's; 404, 405 and HEAD; a slowloris (a byte
per second), a silent connection, a 1 MiB header and non-HTTP bytes are each
dropped while a scrape in parallel is served at once; 20 idle connections (16
held, the rest closed at once) do not stop a scrape once they time out; rlcd's
RSS stays put over 1000 scrapes.

usage: rlcd_metrics.py TAKE   (RLCD, RLCTL, RLC_SOURCE_ROOT from the environment)"""
import json, os, re, shutil, socket, subprocess, sys, tempfile, threading, time

def skip(why):
    print("skip:", why)
    sys.exit(77)

def fail(why):
    print("FAIL:", why, file=sys.stderr)
    if os.path.exists(LOG):
        print("--- rlcd log\n" + open(LOG).read(), file=sys.stderr)
    sys.exit(1)

RLCD, RLCTL = os.environ.get("RLCD"), os.environ.get("RLCTL")
if not RLCD or not RLCTL:
    skip("RLCD and RLCTL are not set")
for tool in ("curl", "promtool"):
    if not shutil.which(tool):
        skip(tool + " not found: apt-get install " + ("curl" if tool == "curl" else "prometheus"))
TAKE = sys.argv[1]
tmp = tempfile.mkdtemp()
SEG = "/rlc-test-%d" % os.getpid()
LOG = os.path.join(tmp, "rlcd.log")
# Under ASan a freed buffer waits in its quarantine, which the RSS check
# would take for a leak: rlcd gets none (a no-op in a plain build).
env = dict(os.environ, RLC_RUNTIME_DIR=os.path.join(tmp, "run"), RLC_SEGMENT=SEG,
           ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=0")
rlcd = None

def cleanup():
    if rlcd and rlcd.poll() is None:
        rlcd.kill()
    shutil.rmtree(tmp, ignore_errors=True)
    for f in ("/dev/shm" + SEG,):
        if os.path.exists(f):
            os.unlink(f)

def until(what, cond, seconds=5.0):
    """Poll cond() until it is true, for at most `seconds`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.02)
    fail("not within %.1fs: %s" % (seconds, what))

def curl(*args, timeout=2):
    r = subprocess.run(["curl", "-sS", "--max-time", str(timeout)] + list(args),
                       capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr

def scrape(timeout=2):
    t = time.monotonic()
    rc, out, err = curl("-f", URL, timeout=timeout)
    if rc != 0:
        fail("scrape: curl exit %d: %s" % (rc, err))
    return out, time.monotonic() - t

def value(text, name, **labels):
    """The sample of family `name` whose labels include `labels`."""
    for line in text.splitlines():
        m = re.match(r'^([a-z_]+)(?:\{(.*)\})? (\S+)$', line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'([a-z_]+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        if all(got.get(k) == v for k, v in labels.items()):
            return float(m.group(3))
    fail("no sample %s%s in the scrape" % (name, labels))

def closed_by_peer(s, seconds):
    """rlcd closes s within `seconds`: a read ends (EOF or reset)."""
    s.settimeout(seconds)
    try:
        while True:
            if not s.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False

def connect():
    return socket.create_connection(("127.0.0.1", PORT), timeout=2)

try:
    os.mkdir(os.path.join(tmp, "run"), 0o700)
    ini = os.path.join(tmp, "rlc.ini")
    with open(ini, "w") as f:
        f.write("[rlcd]\nheartbeat = 20ms\nclients = 8\nmetrics = 127.0.0.1:0\n\n")
        f.write(open(os.path.join(os.environ["RLC_SOURCE_ROOT"], "etc/binance-usdm.ini")).read())
    # -- only loopback --
    bad = os.path.join(tmp, "bad.ini")
    for addr, why in (("10.0.0.1:9477", "is not a loopback address"), ("[::2]:1", "is not the loopback"),
                      ("localhost:9477", "names are not looked up"), ("127.0.0.1:65536", "port")):
        open(bad, "w").write("[rlcd]\nmetrics = %s\n[limit a.b]\ncapacity = 1\ninterval = 1s\n" % addr)
        r = subprocess.run([RLCD, "--check", bad], capture_output=True, text=True, env=env)
        if r.returncode != 1 or "%s: [rlcd] metrics: " % bad not in r.stderr or why not in r.stderr:
            fail("metrics = %s: exit %d, %r" % (addr, r.returncode, r.stderr))
    rlcd = subprocess.Popen([RLCD, "-c", ini, "-s", SEG], stderr=open(LOG, "w"), env=env)
    m = until("rlcd logs the metrics address",
              lambda: re.search(r"metrics: serving http://127\.0\.0\.1:(\d+)/metrics", open(LOG).read()))
    PORT = int(m.group(1))
    URL = "http://127.0.0.1:%d/metrics" % PORT

    # -- the exposition parses, and holds what the segment holds --
    r = subprocess.run([RLCTL, "reserve", "binance-usdm", "GET", "/fapi/v1/depth", "limit=500"],
                       env=env, capture_output=True, text=True)
    if r.returncode != 0:
        fail("rlctl reserve: %d %s" % (r.returncode, r.stderr))
    take = subprocess.Popen([TAKE, SEG, "binance-usdm GET /fapi/v1/depth", "0", "200"], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    if take.stdout.readline().strip() == "" or "fed" not in take.stdout.readline():
        fail("rlc-take did not feed back")
    text, _ = scrape()
    p = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
    if p.returncode != 0:
        fail("promtool check metrics: %s%s" % (p.stdout, p.stderr))
    st = json.loads(subprocess.run([RLCTL, "status", "--json"], env=env, capture_output=True,
                                   text=True).stdout)
    text, _ = scrape()
    for lim in st["limits"]:
        for fam, key in (("rlc_limit_used", "used"), ("rlc_limit_capacity", "capacity"),
                         ("rlc_limit_effective", "effective")):
            got = value(text, fam, limit=lim["name"])
            if got != lim[key]:
                fail("%s{limit=%s} is %s, rlctl says %s" % (fam, lim["name"], got, lim[key]))
    if value(text, "rlc_limit_used", limit="binance-usdm.ip.weight") != 20:
        fail("reserve (10) and take (10) do not make 20 used")
    c = [c for c in st["clients"] if c["name"] == "rlc-take"][0]
    lab = dict(client="rlc-take", pid=str(c["pid"]), record=str(c["record"]))
    for fam, v in (("rlc_client_grants_total", c["grants"]), ("rlc_client_weight_total", c["weight"]),
                   ("rlc_client_refusals_total", c["refusals"]),
                   ("rlc_client_response_seconds_count", c["outcomes"]["timed"])):
        if value(text, fam, **lab) != v:
            fail("%s is %s, rlctl says %s" % (fam, value(text, fam, **lab), v))
    if value(text, "rlc_client_responses_total", outcome="ok", **lab) != 1:
        fail("the fed-back 200 is not one ok response")
    if value(text, "rlc_client_response_seconds_bucket", le="0.025", **lab) != 1 or \
       value(text, "rlc_client_response_seconds_bucket", le="0.010", **lab) != 0:
        fail("a 12 ms response is not in the 25 ms bucket")
    if value(text, "rlc_endpoint_responses_total", endpoint="GET /fapi/v1/depth", outcome="ok") != 1:
        fail("the endpoint's ok response is not counted")
    # rlctl reserve and rlc-take: two grants of the endpoint, on the IP weight
    if value(text, "rlc_endpoint_grants_total", endpoint="GET /fapi/v1/depth") != 2 or \
       value(text, "rlc_limit_grants_total", limit="binance-usdm.ip.weight") != 2 or \
       value(text, "rlc_limit_refusals_total", limit="binance-usdm.ip.weight") != 0:
        fail("the grants per limit and endpoint are not 2")
    if value(text, "rlc_exchange_mode", exchange="binance-usdm", mode="normal") != 1:
        fail("the exchange's mode is not normal")
    if value(text, "rlc_scope_blocked", scope="binance-usdm.ip", kind="ip") != 0:
        fail("the IP scope reads blocked")
    take.stdin.close()
    take.wait()
    subprocess.run([RLCTL, "block", "binance-usdm.ip", "90s"], env=env, capture_output=True)
    text, _ = scrape()
    if value(text, "rlc_scope_blocked", scope="binance-usdm.ip") != 1 or \
       value(text, "rlc_scope_block_info", scope="binance-usdm.ip", status="0") != 1 or \
       not 80 < value(text, "rlc_scope_block_remaining_seconds", scope="binance-usdm.ip") <= 90:
        fail("rlctl block does not show")

    # -- reloads: one that applies, one refused --
    def reloaded(n):
        rlcd.send_signal(1)
        until("reload %d logged" % n, lambda: open(LOG).read().count("reload") >= n)
        return scrape()[0]
    text = reloaded(1)
    if value(text, "rlc_reloads_total") != 1 or value(text, "rlc_segment_reloads_total") != 1 or \
       value(text, "rlc_reload_last_success") != 1 or value(text, "rlc_reload_failures_total") != 0:
        fail("a reload that applied is not counted")
    good = open(ini).read()
    open(ini, "w").write(good + "\n[limit bad]\n")
    text = reloaded(2)
    open(ini, "w").write(good)
    if value(text, "rlc_reloads_total") != 1 or value(text, "rlc_reload_failures_total") != 1 or \
       value(text, "rlc_reload_last_success") != 0 or value(text, "rlc_segment_reloads_total") != 1:
        fail("a refused reload is not counted as one")

    # -- other requests --
    rc, out, _ = curl("-o", "/dev/null", "-w", "%{http_code}", URL.replace("/metrics", "/x"))
    if out != "404":
        fail("/x answered %s, not 404" % out)
    rc, out, _ = curl("-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", URL)
    if out != "405":
        fail("POST answered %s, not 405" % out)
    rc, out, _ = curl("-I", URL)
    if not out.startswith("HTTP/1.1 200") or "Content-Length" not in out:
        fail("HEAD: %r" % out)
    rc, out, _ = curl("-0", "-o", "/dev/null", "-w", "%{http_code}", URL)
    if out != "200":
        fail("an HTTP/1.0 GET answered %s" % out)

    # -- slow, silent, huge and garbage connections, each beside a scrape --
    def dropped(reason):
        return value(scrape()[0], "rlc_metrics_dropped_total", reason=reason)
    slow, silent = connect(), connect()
    stop = threading.Event()
    def drip():
        try:
            for b in b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n":
                if stop.wait(1.0):
                    return
                slow.send(bytes([b]))
        except OSError:
            return
    t0 = time.monotonic()
    threading.Thread(target=drip, daemon=True).start()
    _, took = scrape()
    if took > 0.5:
        fail("a scrape beside a slowloris took %.2fs" % took)
    for s, what in ((silent, "silent"), (slow, "slowloris")):
        if not closed_by_peer(s, 4.0):
            fail("the %s connection was not dropped within 4 s" % what)
    stop.set()
    if time.monotonic() - t0 < 1.9:
        fail("slow connections were dropped before their 2 s")
    if dropped("timeout") < 2:
        fail("the drops are not counted as timeouts")

    huge = connect()
    def flood():
        try:
            huge.sendall(b"GET /metrics HTTP/1.1\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n")
        except OSError:
            pass
    threading.Thread(target=flood, daemon=True).start()
    _, took = scrape()
    if took > 0.5:
        fail("a scrape beside a 1 MiB header took %.2fs" % took)
    if not closed_by_peer(huge, 1.5):
        fail("the 1 MiB header was not dropped at once")
    if dropped("oversized") < 1:
        fail("the 1 MiB header is not counted as oversized")

    junk = connect()
    junk.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
    if not closed_by_peer(junk, 1.0):
        fail("non-HTTP bytes were not dropped at once")
    if dropped("malformed") < 1:
        fail("the garbage is not counted as malformed")

    # -- a scraper that never reads its response: dropped 5 s after the send began --
    lazy = socket.socket()
    lazy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)  # before connect: a small window
    lazy.connect(("127.0.0.1", PORT))
    before = dropped("timeout")
    lazy.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    t0 = time.monotonic()
    until("a scrape beside the stalled response", lambda: scrape()[1] < 0.5, 2)
    until("the stalled response dropped", lambda: dropped("timeout") > before, 7)
    if time.monotonic() - t0 < 4.9:
        fail("the stalled response was dropped before its 5 s")
    got, lazy_len = b"", None
    lazy.settimeout(2)
    try:
        while True:
            b = lazy.recv(1 << 16)
            if not b:
                break
            got += b
    except (ConnectionResetError, socket.timeout):
        pass
    m = re.search(rb"Content-Length: (\d+)\r\n\r\n", got)
    if m and len(got) - m.end() >= int(m.group(1)):
        fail("the stalled response was sent whole: the test stalled nothing")

    # -- more idle connections than slots --
    idle = [connect() for _ in range(20)]
    extra = sum(closed_by_peer(s, 0.3) for s in idle)
    if extra < 4:
        fail("%d of 20 idle connections closed at once; want the 4 beyond 16" % extra)
    t0 = time.monotonic()
    until("a scrape once the idle connections time out",
          lambda: curl("-f", "-o", "/dev/null", URL, timeout=1)[0] == 0, 6)
    if dropped("busy") < 4:
        fail("the connections beyond 16 are not counted as busy")
    for s in idle:
        s.close()

    # -- memory stays bounded --
    def rss():
        for line in open("/proc/%d/status" % rlcd.pid):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    def raw_scrape():
        s = connect()
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        n = 0
        while True:
            b = s.recv(1 << 16)
            if not b:
                break
            n += len(b)
        s.close()
        return n
    for _ in range(20):
        raw_scrape()
    before = rss()
    for _ in range(1000):
        raw_scrape()
    after = rss()
    print("VmRSS before %d kB, after 1000 scrapes %d kB" % (before, after))
    if after - before > 1024:
        fail("RSS grew by %d kB over 1000 scrapes" % (after - before))
    if rlcd.poll() is not None:
        fail("rlcd exited")
    rlcd.terminate()
    if rlcd.wait(5) != 0:
        fail("rlcd exited %d on SIGTERM" % rlcd.returncode)
    print("ok")
finally:
    cleanup()
