// Every committed bundle (dist/) must be exactly what build.mjs makes
// from the sources, and must work.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { bundle, entries } from '../build.mjs';

const vectors = JSON.parse(await readFile(new URL('../../../crypto/testdata/tg1-vectors.json', import.meta.url), 'utf8'));

test('every entry is built, and the bundles are dist/tg1.js and dist/trackgate-tracker.js', () => {
  assert.deepEqual(entries.map((e) => e.bundle), ['dist/tg1.js', 'dist/trackgate-tracker.js']);
});

for (const entry of entries) {
  test(`${entry.bundle} is rebuilt identically from its sources`, async () => {
    const built = Buffer.from(await bundle(entry));
    const again = Buffer.from(await bundle(entry));
    assert.ok(built.equals(again), 'two builds differ');
    const committed = await readFile(new URL(`../${entry.bundle}`, import.meta.url));
    assert.ok(
      built.equals(committed),
      `gateway/web/${entry.bundle} differs from its sources: run \`npm run build\` in gateway/web and commit the result`,
    );
  });
}

test('the bundle finalizes and opens a vector', async () => {
  const tg1 = await import('../dist/tg1.js');
  assert.equal(typeof tg1.TrackgateClient, 'function');
  const c = vectors.cases[1];
  const hex = (s) => Uint8Array.from(s.match(/../g).map((b) => parseInt(b, 16)));
  const b64 = (s) => Uint8Array.from(Buffer.from(s, 'base64url'));
  const x = tg1.oprfInput(c.inputs.courier_id, tg1.normalizeTrackingNumber(c.inputs.tracking_number), c.inputs.factor);
  const blinding = await tg1.Blinding.blind(b64(c.key.public_key_b64), x, hex(c.seeds.blind_hex));
  assert.equal(blinding.blinded, c.oprf.blinded_b64);
  const d = await tg1.derive(await blinding.finalize(c.oprf.evaluated_b64, c.oprf.proof_b64));
  assert.equal(await tg1.openPublic(d.recordKey, c.inputs.courier_id, JSON.parse(c.record.public_json)), c.inputs.view_json);
});

test('the bundle checks the key log: an honest log passes, a substituted key is refused', async () => {
  const tg1 = await import('../dist/tg1.js');
  const keyLog = JSON.parse(await readFile(new URL('../testdata/keylog-vectors.json', import.meta.url), 'utf8'));
  const run = async (/** @type {string} */ name) => {
    const step = keyLog.cases.find((/** @type {any} */ c) => c.name === name).steps[0];
    const fetch = async () => new Response(JSON.stringify(step.directory), { status: 200 });
    const client = new tg1.TrackgateClient('http://gateway.test', { fetch, now: () => Date.parse(keyLog.now), keyLog: { storage: null } });
    await client.directory();
    return Object.fromEntries([...client.refusedCouriers()].map(([id, err]) => [id, err.code]));
  };
  assert.deepEqual(await run('an honest log'), {});
  assert.deepEqual(await run('a statement in the log whose signature does not verify'), { 'sim-swift': tg1.ErrorCode.KEY_LOG_BAD_SIGNATURE });
});

test('the widget bundle loads without a DOM, carries the client and defines nothing there', async () => {
  const w = await import('../dist/trackgate-tracker.js');
  assert.equal(w.TAG, 'trackgate-tracker');
  assert.equal(typeof w.TrackgateTracker, 'function');
  assert.deepEqual([...w.TrackgateTracker.observedAttributes].sort(), ['api-key', 'courier', 'factor', 'gateway', 'lang', 'live', 'log-key', 'number', 'refresh', 'theme', 'witnesses']);
  assert.equal(w.State.NOT_FOUND, 'not-found');
  const text = await readFile(new URL('../dist/trackgate-tracker.js', import.meta.url), 'utf8');
  assert.doesNotMatch(text, /from\s*["']|import\(/, 'self-contained: imports nothing');
  assert.match(text, /ristretto255-SHA512/, 'the client is inside');
  assert.match(text, /海关扣留/, 'the labels are inside');
});
