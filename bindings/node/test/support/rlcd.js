'use strict';
// For the addon's tests: a real rlcd on a segment of the test's own
// (/rlc-test-PID-N), RLC_RUNTIME_DIR in a temporary folder, a short-
// interval configuration (TEST_INI), and polling with a deadline.
//
// RLCD (the built rlcd) comes from the environment, else ../../build.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const PKG = path.resolve(__dirname, '../..');
const RLCD = path.resolve(PKG, process.env.RLCD || '../../build/src/rlcd/rlcd');

// "tx" speaks Binance's dialect: an IP limit of 40 weight a second (LOW
// may fill 90% of it), an account order limit of 5 a second; "slow" has
// one request every 500 ms (the wait tests); "two" has two accounts.
const TEST_INI = `[rlcd]
heartbeat = 20ms
clients = 32

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

[endpoint tx GET /fapi/v1/free]
priority = low
ip.weight = if symbol 1 else 0

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
`;

// Poll cond() (sync or async) every 5 ms until it is truthy; fail after ms.
async function until(cond, ms = 5000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let seq = 0;

// Ready once the segment opens (a readonly handle); false while it does not yet.
function published(d) {
  const rlc = require('../..');
  try {
    rlc.open({ segment: d.segment, readonly: true }).close();
    return true;
  } catch (e) {
    if (e instanceof rlc.RlcError) return false;
    throw e;
  }
}

// A real rlcd on a segment of its own with configuration `ini`, returned
// once ready(d) is true (by default: once its segment opens).
async function startRlcd(ini = TEST_INI, { ready = published } = {}) {
  if (!fs.existsSync(RLCD)) throw new Error(`no rlcd at ${RLCD}: build the project (meson setup build && ninja -C build) or set RLCD`);
  const rlc = require('../..');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlc-node-'));
  const run = path.join(dir, 'run');
  fs.mkdirSync(run, { mode: 0o700 });
  const segment = `/rlc-test-${process.pid}-${++seq}`;
  const file = path.join(dir, 'rlc.ini');
  fs.writeFileSync(file, ini);
  const env = { ...process.env, RLC_RUNTIME_DIR: run };
  const log = fs.openSync(path.join(dir, 'rlcd.log'), 'w');
  const proc = spawn(RLCD, ['-c', file, '-s', segment], { env, stdio: ['ignore', 'ignore', log] });
  fs.closeSync(log);
  let exited = null;
  const reap = () => { if (exited === null) proc.kill('SIGKILL'); };
  process.once('exit', reap); // a test process that dies takes its rlcd along
  proc.on('exit', (code, sig) => { exited = sig || code; process.removeListener('exit', reap); });
  const d = {
    segment,
    dir,
    env,
    log: () => fs.readFileSync(path.join(dir, 'rlcd.log'), 'utf8'),
    client: (name = 'test') => rlc.open({ segment, name }),
    async stop() {
      if (exited === null) {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await gone;
      }
      const base = segment.slice(1);
      for (const f of fs.readdirSync('/dev/shm')) {
        if (f === base || f.startsWith(base + '-') || f.startsWith('.' + base)) {
          try { fs.unlinkSync(path.join('/dev/shm', f)); } catch (_) { /* gone already */ }
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await until(() => {
      if (exited !== null) throw new Error(`rlcd exited (${exited}):\n${d.log()}`);
      return ready(d);
    }, 5000, `rlcd ${segment} ready`);
  } catch (e) {
    await d.stop();
    throw e;
  }
  return d;
}

// The most of `times` (ms) in any interval [t, t + width).
function maxInWindow(times, width) {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[j] <= s[i] - width) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

module.exports = { PKG, RLCD, TEST_INI, startRlcd, until, maxInWindow };
