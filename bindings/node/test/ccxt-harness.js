'use strict';
// For the ccxt tests: a real rlcd on a segment of the test's own, started
// from rlc's endpoint profiles (etc/*.ini) with the limits a test shrinks,
// rlctl's status for assertions, and polling with a deadline.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');

const PKG = path.resolve(__dirname, '..');
const REPO = path.resolve(PKG, '../..');
const RLCD = path.resolve(PKG, process.env.RLCD || '../../build/src/rlcd/rlcd');
const RLCTL = path.resolve(PKG, process.env.RLCTL || '../../build/tools/rlctl/rlctl');

function missing() {
  if (!fs.existsSync(RLCD)) return `no rlcd at ${RLCD} (set RLCD)`;
  if (!fs.existsSync(RLCTL)) return `no rlctl at ${RLCTL} (set RLCTL)`;
  try { require.resolve('ccxt'); } catch (_) { return 'ccxt is not installed (npm ci in bindings/node)'; }
  return null;
}

// etc/NAME.ini from [exchange ...] on, with `edits`: { 'limit x.ip.weight':
// { capacity: 100, interval: '1s' } } replaces or adds keys per section.
function profile(name, edits = {}) {
  const text = fs.readFileSync(path.join(REPO, 'etc', `${name}.ini`), 'utf8');
  const lines = text.split('\n');
  const out = [];
  let section = null;
  let pending = {};
  const flush = () => {
    for (const [k, v] of Object.entries(pending)) out.push(`${k} = ${v}`);
    pending = {};
  };
  let started = false;
  for (const line of lines) {
    const m = /^\[(.+)\]\s*$/.exec(line);
    if (m) {
      flush();
      section = m[1];
      started = started || section.startsWith('exchange ');
      pending = { ...(edits[section] || {}) };
    }
    if (!started) continue;
    const kv = /^\s*([a-z.-]+)\s*=/.exec(line);
    if (kv && section && edits[section] && kv[1] in edits[section]) {
      if (kv[1] in pending) { out.push(`${kv[1]} = ${pending[kv[1]]}`); delete pending[kv[1]]; }
      continue;
    }
    out.push(line);
  }
  flush();
  return out.join('\n') + '\n';
}

let seq = 0;

// A real rlcd on /rlc-test-PID-N with `ini` (text; an [rlcd] head is added).
async function startRlcd(ini, { clients = 16 } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlc-ccxt-'));
  const segment = `/rlc-test-${process.pid}-${++seq}`;
  const file = path.join(dir, 'rlc.ini');
  fs.writeFileSync(file, `[rlcd]\nheartbeat = 20ms\nclients = ${clients}\n\n${ini}`);
  const env = { ...process.env, RLC_RUNTIME_DIR: path.join(dir, 'run') };
  const log = fs.openSync(path.join(dir, 'rlcd.log'), 'w');
  const proc = spawn(RLCD, ['-c', file, '-s', segment], { env, stdio: ['ignore', 'ignore', log] });
  fs.closeSync(log);
  let exited = null;
  // a crashed test process takes its rlcd with it (and leaves the segment
  // file to the next run's cleanup of its own name only)
  const reap = () => { if (exited === null) proc.kill('SIGKILL'); };
  process.once('exit', reap);
  proc.on('exit', (code, sig) => { exited = sig || code; process.removeListener('exit', reap); });
  const d = {
    segment, dir, proc, env,
    log: () => fs.readFileSync(path.join(dir, 'rlcd.log'), 'utf8'),
    status: () => JSON.parse(execFileSync(RLCTL, ['-s', segment, 'status', '--json'], { env, encoding: 'utf8', stdio: 'pipe' })),
    rlctl: (...args) => execFileSync(RLCTL, ['-s', segment, ...args], { env, encoding: 'utf8', stdio: 'pipe' }),
    limit(name) {
      const l = d.status().limits.find((x) => x.name === name);
      if (!l) throw new Error(`no limit ${name}`);
      return l;
    },
    // endpoint 'METHOD /path' of exchange -> its status record
    endpoint(exchange, name) {
      return d.status().endpoints.find((e) => e.exchange === exchange && e.name === name);
    },
    scope(name) { return d.status().scopes.find((s) => s.name === name); },
    async stop() {
      if (exited === null) {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await gone;
      }
      const base = segment.slice(1);
      for (const f of fs.readdirSync('/dev/shm')) {
        if (f === base || f.startsWith(base + '-') || f.startsWith('.' + base)) {
          try { fs.unlinkSync(path.join('/dev/shm', f)); } catch (_) { /* gone */ }
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await until(() => {
      if (exited !== null) throw new Error(`rlcd exited (${exited}):\n${d.log()}`);
      try { return d.status().health.state === 'running'; } catch (_) { return false; }
    }, 5000, 'rlcd running');
  } catch (e) {
    await d.stop();
    throw e;
  }
  return d;
}

// Poll cond() (sync or async) every 10 ms until it is truthy; fail after ms.
async function until(cond, ms = 5000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

module.exports = { PKG, REPO, RLCD, RLCTL, missing, profile, startRlcd, until };
