'use strict';
// For the ccxt tests: support/rlcd.js's rlcd, started from rlc's endpoint
// profiles (etc/*.ini) with the limits a test shrinks, and rlctl's status
// for assertions.

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const base = require('./support/rlcd');

const REPO = path.resolve(base.PKG, '../..');
const RLCTL = path.resolve(base.PKG, process.env.RLCTL || '../../build/tools/rlctl/rlctl');

function missing() {
  if (!fs.existsSync(base.RLCD)) return `no rlcd at ${base.RLCD} (set RLCD)`;
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

const rlctl = (d, args) => execFileSync(RLCTL, ['-s', d.segment, ...args], { env: d.env, encoding: 'utf8', stdio: 'pipe' });
const status = (d) => JSON.parse(rlctl(d, ['status', '--json']));

// base.startRlcd with `ini` (text; an [rlcd] head is added), ready once
// rlctl says running, and the status helpers.
async function startRlcd(ini, { clients = 16 } = {}) {
  const running = (d) => { try { return status(d).health.state === 'running'; } catch (_) { return false; } };
  const d = await base.startRlcd(`[rlcd]\nheartbeat = 20ms\nclients = ${clients}\n\n${ini}`, { ready: running });
  return Object.assign(d, {
    status: () => status(d),
    rlctl: (...args) => rlctl(d, args),
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
  });
}

module.exports = { missing, profile, startRlcd, until: base.until };
