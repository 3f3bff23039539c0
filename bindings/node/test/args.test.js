'use strict';
// Bad arguments: TypeError or RangeError naming the argument at fault, and
// nothing crashes the process (a battery of bad values through every
// method runs in a process of its own, which must exit cleanly).

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFile } = require('node:child_process');
const rlc = require('..');
const { startRlcd } = require('./support/rlcd');

test('bad arguments name the argument at fault', async (t) => {
  const d = await startRlcd();
  const c = d.client('args');
  t.after(async () => { c.close(); await d.stop(); });
  const x = c.exchange('tx');
  const ep = c.endpoint(x, 'GET', '/fapi/v1/depth');
  const free = c.endpoint(x, 'GET', '/fapi/v1/free'); // weight 0: as many grants as the cases need
  const cases = [
    [() => c.reserve('1'), TypeError, /reserve\(\): endpoint must be an endpoint id/],
    [() => c.reserve(-1), RangeError, /reserve\(\): endpoint must be an integer endpoint id, not -1/],
    [() => c.reserve(1.5), RangeError, /not 1\.5/],
    [() => c.reserve(ep, 'x'), TypeError, /reserve\(\): options must be an object, not string/],
    [() => c.reserve(ep, { prams: {} }), TypeError, /unknown option 'prams'/],
    [() => c.reserve(ep, { priority: 'urgent' }), RangeError, /priority must be 'critical', 'high', 'normal', 'low' or undefined/],
    [() => c.reserve(ep, { params: [['limit', 5]] }), TypeError, /params must be an object of name: value, not an Array/],
    [() => c.reserve(ep, { params: { limit: {} } }), TypeError, /params values must be string, number, bigint, boolean or Array, not object \(key 'limit'\)/],
    [() => c.reserve(ep, { params: { limit: () => 1 } }), TypeError, /not function \(key 'limit'\)/],
    [() => c.reserve(ep, { account: -2 }), RangeError, /account must be an account id/],
    [() => c.reserve(ep, { account: {} }), TypeError, /account must be an account id or name/],
    [() => c.reserve(1e6), rlc.UnknownEndpoint, /no endpoint id 1000000/],
    [() => c.exchange(5), TypeError, /exchange\(\): name must be a non-empty string, not number/],
    [() => c.endpoint(x, 'GET', 7), TypeError, /endpoint\(\): path must be a non-empty string/],
    [() => c.endpoint({}, 'GET', '/x'), TypeError, /endpoint\(\): exchange must be an exchange from exchange\(\)/],
    [() => c.endpoint(x, 'GET', 'x'.repeat(600)), RangeError, /endpoint\(\): path is 600 bytes long/],
    [() => c.refund('g'), TypeError, /refund\(\): grant must be a grant that reserve\(\) returned/],
    [() => c.refund(12345), RangeError, /refund\(\): grant 12345 is not outstanding/],
    [() => c.feedback(c.reserve(free), { status: 700 }), RangeError, /feedback\(\): status must be 0 \(no response\) or an HTTP status 100 to 599, not 700/],
    [() => c.feedback(c.reserve(free), { status: '200' }), TypeError, /feedback\(\): status must be a number/],
    [() => c.feedback(c.reserve(free), { status: 200, headers: 'x' }), TypeError, /feedback\(\): headers must be/],
    [() => c.feedback(c.reserve(free), { status: 200, headers: [['a']] }), TypeError, /headers\[0\] must be a \[name, value\] pair/],
    [() => c.feedback(c.reserve(free), { status: 200, elapsedMs: -1 }), RangeError, /elapsedMs must be a finite number >= 0/],
    [() => c.feedback(c.reserve(free), { status: 200, code: {} }), TypeError, /code must be the exchange's error code/],
    [() => c.block('tx.ip', -5), RangeError, /block\(\): forMs must be a finite number > 0/],
    [() => c.block(3.5, 100), RangeError, /block\(\): scope must be a scope name or id/],
    [() => c.block([], 100), TypeError, /block\(\): scope must be a scope name/],
    [() => c.mode('zz'), rlc.UnknownEndpoint, /no exchange 'zz'/],
    [() => rlc.open({ segment: 'rlc' }), RangeError, /is not a segment name/],
    [() => rlc.open({ segment: 5 }), TypeError, /open\(\): segment must be a non-empty string/],
    [() => rlc.open({ readonly: 'yes' }), TypeError, /open\(\): readonly must be a boolean/],
  ];
  for (const [f, cls, re] of cases) {
    assert.throws(f, (e) => e instanceof cls && re.test(e.message), `${re}`);
  }
  await assert.rejects(c.reserveWait(ep, { timeoutMs: -1 }), { name: 'RangeError', message: /reserveWait\(\): timeoutMs must be a number >= 0/ });
  await assert.rejects(c.reserveWait(ep, { signal: {} }), { name: 'TypeError', message: /signal must be an AbortSignal/ });
  // a grant survives a feedback call with a bad argument
  const g = c.reserve(ep);
  assert.throws(() => c.feedback(g, { status: 1000 }), RangeError);
  assert.equal(typeof c.feedback(g, { status: 200 }), 'number');
});

test('a battery of bad values through every method never crashes the process', { timeout: 60000 }, async (t) => {
  const d = await startRlcd();
  t.after(() => d.stop());
  const out = await new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(__dirname, 'support', 'battery.js'), d.segment], { maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`the battery's process failed (${err.code || err.signal}): ${stderr.slice(-2000)}`));
      else resolve(JSON.parse(stdout));
    });
  });
  assert.deepEqual(out.other, [], 'only TypeError, RangeError or RlcError');
  assert.ok(out.calls > 1500, `${out.calls} calls`);
  assert.ok(out.type + out.range > 1000, JSON.stringify(out));
});
