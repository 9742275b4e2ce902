// The client's computations against crypto/testdata/tg1-vectors.json,
// the vectors the Go implementation is tested with.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeB64, decodeHex, encodeB64, encodeHex } from '../src/b64.js';
import {
  Blinding, bucketOf, decodeView, derive, ErrorCode, formatBucket, normalizeTrackingNumber,
  openPublic, oprfInput, recordAAD,
} from '../src/tg1.js';

const vectors = JSON.parse(readFileSync(new URL('../../../crypto/testdata/tg1-vectors.json', import.meta.url), 'utf8'));

test('vectors file is tg1 revision 2, ristretto255-SHA512', () => {
  assert.equal(vectors.protocol, 'tg1');
  assert.equal(vectors.suite, 'ristretto255-SHA512');
  assert.match(vectors.description, /revision 2/);
  assert.ok(vectors.cases.length >= 4);
});

for (const c of vectors.cases) {
  test(`vector ${c.name}`, async (t) => {
    const pk = decodeB64(c.key.public_key_b64);
    const x = oprfInput(c.inputs.courier_id, normalizeTrackingNumber(c.inputs.tracking_number), c.inputs.factor);
    let y;
    let derived;

    await t.test('normalized number', () => {
      assert.equal(normalizeTrackingNumber(c.inputs.tracking_number), c.oprf.tn);
    });
    await t.test('OPRF input', () => {
      assert.equal(encodeHex(x), c.oprf.x_hex);
    });
    await t.test('blinding with the fixed blind', async () => {
      const b = await Blinding.blind(pk, x, decodeHex(c.seeds.blind_hex));
      assert.equal(b.blinded, c.oprf.blinded_b64);
    });
    await t.test('proof verified and finalized', async () => {
      const b = await Blinding.blind(pk, x, decodeHex(c.seeds.blind_hex));
      y = await b.finalize(c.oprf.evaluated_b64, c.oprf.proof_b64);
      assert.equal(encodeHex(y), c.oprf.y_hex);
    });
    await t.test('a proof for another key is refused', async () => {
      const other = vectors.cases.find((o) => o.key.public_key_b64 !== c.key.public_key_b64);
      const b = await Blinding.blind(decodeB64(other.key.public_key_b64), x, decodeHex(c.seeds.blind_hex));
      await assert.rejects(b.finalize(c.oprf.evaluated_b64, c.oprf.proof_b64));
    });
    await t.test('a tampered proof is refused', async () => {
      const b = await Blinding.blind(pk, x, decodeHex(c.seeds.blind_hex));
      const proof = decodeB64(c.oprf.proof_b64);
      proof[0] ^= 1;
      await assert.rejects(b.finalize(c.oprf.evaluated_b64, encodeB64(proof)));
    });
    await t.test('locator, record key, bucket', async () => {
      derived = await derive(y);
      assert.equal(encodeB64(derived.locator), c.derived.locator_b64);
      assert.equal(encodeHex(derived.recordKey), c.derived.record_key_hex);
      const bucket = bucketOf(derived.locator, c.inputs.bucket_bits);
      assert.equal(bucket, c.derived.bucket);
      assert.equal(formatBucket(bucket), c.derived.bucket_url);
    });
    await t.test('AAD', () => {
      assert.equal(encodeHex(recordAAD(c.inputs.courier_id, derived.locator)), c.record.aad_hex);
    });
    await t.test('public record opens to the view', async () => {
      const record = JSON.parse(c.record.public_json);
      assert.deepEqual(Object.keys(record), ['locator', 'nonce', 'ciphertext']);
      assert.equal(decodeB64(record.ciphertext).length, c.inputs.record_size);
      const json = await openPublic(derived.recordKey, c.inputs.courier_id, record);
      assert.equal(json, c.inputs.view_json);
      const view = decodeView(json, c.inputs.courier_id, c.oprf.tn);
      assert.equal(view.tracking_number, c.oprf.tn);
    });
    await t.test('the record does not open for another courier', async () => {
      const record = JSON.parse(c.record.public_json);
      await assert.rejects(openPublic(derived.recordKey, 'other-courier', record));
    });
    await t.test('a view of another parcel is refused', () => {
      assert.throws(() => decodeView(c.inputs.view_json, c.inputs.courier_id, 'ZZ0000000000'));
      assert.throws(() => decodeView(c.inputs.view_json, 'other-courier', c.oprf.tn));
    });
  });
}

test('bad tracking numbers are refused', () => {
  for (const bad of ['', '12345', 'A'.repeat(41), 'SW12345678/9', 'SW1234567890\u00e9', 'SW 123_456', 'ＳＷ123456789', 'SW\t123456789', 42]) {
    assert.throws(() => normalizeTrackingNumber(/** @type {any} */ (bad)), (err) => err.code === ErrorCode.INVALID_TRACKING_NUMBER, JSON.stringify(bad));
  }
  assert.equal(normalizeTrackingNumber('sw-1000.0000 0001'), 'SW100000000001');
  assert.equal(normalizeTrackingNumber('A'.repeat(40)), 'A'.repeat(40));
});

test('bad elements and proofs are refused', async () => {
  const c = vectors.cases[0];
  const pk = decodeB64(c.key.public_key_b64);
  const b = await Blinding.blind(pk, decodeHex(c.oprf.x_hex));
  const identity = encodeB64(new Uint8Array(32));
  const nonCanonical = encodeB64(new Uint8Array(32).fill(0xff));
  for (const [evaluated, proof] of [
    [identity, c.oprf.proof_b64],
    [nonCanonical, c.oprf.proof_b64],
    [c.oprf.evaluated_b64.slice(0, -2), c.oprf.proof_b64],
    [c.oprf.evaluated_b64 + '=', c.oprf.proof_b64],
    [c.oprf.evaluated_b64, c.oprf.proof_b64.slice(0, -4)],
  ]) {
    await assert.rejects(b.finalize(evaluated, proof));
  }
});

test('b64 refuses padding, white space and foreign characters', () => {
  for (const bad of ['AA==', 'AA A', 'AA\n', 'AA+/', 'A', 'AB']) {
    assert.throws(() => decodeB64(bad), bad);
  }
  assert.deepEqual(decodeB64('AAE'), new Uint8Array([0, 1]));
});
