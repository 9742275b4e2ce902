// The committed bundle dist/tg1.js must be exactly what build.mjs makes
// from the sources, and must work.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { bundle } from '../build.mjs';

const vectors = JSON.parse(await readFile(new URL('../../../crypto/testdata/tg1-vectors.json', import.meta.url), 'utf8'));

test('dist/tg1.js is rebuilt identically from its sources', async () => {
  const built = Buffer.from(await bundle());
  const committed = await readFile(new URL('../dist/tg1.js', import.meta.url));
  assert.ok(
    built.equals(committed),
    'gateway/web/dist/tg1.js differs from its sources: run `npm run build` in gateway/web and commit the result',
  );
});

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
