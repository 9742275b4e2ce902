// Receiving webhooks: verifyWebhook against gateway/webhook's own known
// answer and the cases of its TestVerify, and openDelivery against
// records sealed as a courier seals them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import {
  openDelivery, parseDelivery, recordKeyOf, restoreLeg, TrackgateClient, verifyWebhook, WebhookErrorCode,
} from '../src/tg1.js';
import { encodeB64, encodeHex } from '../src/b64.js';
import { FakeGateway } from './fakegateway.js';

const goTest = await readFile(new URL('../../webhook/signature_test.go', import.meta.url), 'utf8');
const goConst = (/** @type {string} */ name) => /** @type {string} */ (goTest.match(new RegExp(`${name}\\s*=\\s*"([^"]+)"`))?.[1]);
const oldSecret = goConst('oldSecret');
const newSecret = goConst('newSecret');

/**
 * Signs as webhook.Sign does, with node:crypto: another implementation
 * than the one under test.
 * @param {number} ms @param {string} body @param {...string} secrets
 */
function sign(ms, body, ...secrets) {
  const ts = String(Math.floor(ms / 1000));
  return [`t=${ts}`, ...secrets.map((s) => `v1=${createHmac('sha256', s).update(`${ts}.`).update(body).digest('hex')}`)].join(',');
}

/** @param {string} code */
const withCode = (code) => (/** @type {any} */ err) => {
  assert.equal(err.code, code, err.message);
  return true;
};

test('the known answer of gateway/webhook TestSignKnownAnswer verifies', async () => {
  const m = goTest.match(/func TestSignKnownAnswer[\s\S]*?Sign\(time\.Unix\((\d+), 0\), \[\]byte\("([^"]*)"\), "([^"]+)"\)[\s\S]*?const want = "([^"]+)"/);
  assert.ok(m, 'TestSignKnownAnswer not found in gateway/webhook/signature_test.go');
  const [, unix, body, secret, want] = m;
  const now = Number(unix) * 1000;
  assert.equal(sign(now, body, secret), want, 'this test signs as Go does');
  await verifyWebhook(want, body, secret, { now });
  await verifyWebhook(want, new TextEncoder().encode(body), [secret], { now: new Date(now) });
  await assert.rejects(verifyWebhook(want, `${body} `, secret, { now }), withCode(WebhookErrorCode.MISMATCH));
});

test('verifyWebhook decides as gateway/webhook TestVerify', async () => {
  const now = 1_765_000_000 * 1000;
  const body = '{"type":"record.updated"}';
  const signed = sign(now, body, newSecret);
  const rollover = sign(now, body, newSecret, oldSecret);
  const min = 60_000;
  const cases = [
    ['signed', signed, body, now, [newSecret], null],
    ['rollover, receiver still on the old secret', rollover, body, now, [oldSecret], null],
    ['rollover, receiver on the new secret', rollover, body, now, [newSecret], null],
    ['receiver knows both', signed, body, now, [oldSecret, newSecret], null],
    ['within tolerance', signed, body, now + 4 * min, [newSecret], null],
    ['too old', signed, body, now + 6 * min, [newSecret], WebhookErrorCode.TOO_OLD],
    ['from the future', signed, body, now - 6 * min, [newSecret], WebhookErrorCode.TOO_OLD],
    ['body changed', signed, '{"type":"record.updated "}', now, [newSecret], WebhookErrorCode.MISMATCH],
    ['wrong secret', signed, body, now, [oldSecret], WebhookErrorCode.MISMATCH],
    ['timestamp changed', signed.replace('t=1765000000', 't=1765000001'), body, now, [newSecret], WebhookErrorCode.MISMATCH],
    ['no v1', 't=1765000000', body, now, [newSecret], WebhookErrorCode.NO_SIGNATURE],
    ['only an unknown scheme', 't=1765000000,v2=abcd', body, now, [newSecret], WebhookErrorCode.NO_SIGNATURE],
    ['empty', '', body, now, [newSecret], WebhookErrorCode.MALFORMED_SIGNATURE],
    ['no timestamp', `v1=${'00'.repeat(32)}`, body, now, [newSecret], WebhookErrorCode.MALFORMED_SIGNATURE],
    ['two timestamps', `t=1,t=2,${signed.split(',').slice(1).join(',')}`, body, now, [newSecret], WebhookErrorCode.MALFORMED_SIGNATURE],
    ['short signature', 't=1765000000,v1=abcd', body, now, [newSecret], WebhookErrorCode.MALFORMED_SIGNATURE],
  ];
  for (const [name, header, b, at, secrets, want] of cases) {
    const got = await verifyWebhook(/** @type {string} */ (header), /** @type {string} */ (b), /** @type {string[]} */ (secrets), { now: /** @type {number} */ (at) })
      .then(() => null, (err) => err.code);
    assert.equal(got, want, name);
  }
  // The cases are TestVerify's, one for one.
  const goCases = [...goTest.matchAll(/^\s*\{"([^"]+)", /gm)].map((x) => x[1]);
  assert.deepEqual(cases.map((c) => c[0]), goCases);
  await assert.rejects(verifyWebhook(signed, body, newSecret, { now: now + 2 * min, tolerance: min }), withCode(WebhookErrorCode.TOO_OLD));
});

const sub = `sub_${'A'.repeat(22)}`;
const dlv = `dlv_${'B'.repeat(22)}`;

/** @param {string} type @param {string} locator @param {number} version @param {object} [record] */
const deliveryBody = (type, locator, version, record) => JSON.stringify({ type, subscription: sub, delivery: dlv, locator, version, record });

async function foundLeg() {
  const gw = new FakeGateway();
  await gw.addParcel('sim-east', 'SE1234567890', '');
  const result = await new TrackgateClient('http://gateway.test', { fetch: gw.fetch }).track('SE1234567890');
  return { gw, result, leg: result.legs[0] };
}

test('a found leg keeps its locator, and its record key out of JSON and inspection', async () => {
  const { result, leg } = await foundLeg();
  assert.match(leg.locator, /^[A-Za-z0-9_-]{22}$/);
  const key = /** @type {Uint8Array} */ (recordKeyOf(leg));
  assert.equal(key.length, 32);
  key[0] ^= 1;
  assert.notDeepEqual(recordKeyOf(leg), key, 'recordKeyOf returns a copy');
  key[0] ^= 1;
  const shown = [JSON.stringify(result), inspect(result, { depth: null, showHidden: true }), String(leg)];
  for (const s of shown) {
    for (const form of [encodeB64(key), encodeHex(key), Buffer.from(key).toString('base64'), Array.from(key.slice(0, 8)).join(', ')]) {
      assert.ok(!s.includes(form), `the record key shows in ${s.slice(0, 80)}…`);
    }
  }
  assert.equal(recordKeyOf({ ...leg }), null, 'a copy of the leg holds no key');
});

test('openDelivery opens the next version of a leg, restored or not', async () => {
  const { gw, leg } = await foundLeg();
  const record = await gw.addParcel('sim-east', 'SE1234567890', '', {
    status: 'out_for_delivery', updated_at: '2026-12-02T08:00:00Z',
    events: [
      { time: '2026-12-01T08:00:00Z', status: 'in_transit', description: 'Departed' },
      { time: '2026-12-02T08:00:00Z', status: 'out_for_delivery', description: 'Out for delivery' },
    ],
  });
  const body = deliveryBody('record.updated', record.locator, 2, record);
  const view = await openDelivery(body, leg);
  assert.equal(view.status, 'out_for_delivery');
  assert.equal(view.events?.length, 2);
  assert.deepEqual(parseDelivery(body), JSON.parse(body));
  const restored = restoreLeg({ courier: 'sim-east', trackingNumber: 'se 1234-567890', locator: leg.locator, recordKey: encodeB64(/** @type {Uint8Array} */ (recordKeyOf(leg))) });
  assert.equal((await openDelivery(new TextEncoder().encode(body), restored)).status, 'out_for_delivery');
  assert.throws(() => restoreLeg({ courier: 'sim-east', trackingNumber: 'SE1234567890', locator: leg.locator, recordKey: new Uint8Array(16) }), TypeError);
});

test('openDelivery refuses what is not the leg\'s record', async () => {
  const { gw, leg } = await foundLeg();
  const other = await gw.addParcel('sim-east', 'SE0000000001', '');
  const liar = await gw.addParcel('sim-east', 'SE1234567890', '', { tracking_number: 'SE9999999999' });
  const good = await gw.addParcel('sim-east', 'SE1234567890', '');
  const flipped = Buffer.from(good.ciphertext, 'base64url');
  flipped[0] ^= 1;
  const tampered = { ...good, ciphertext: encodeB64(flipped) };
  const cases = [
    ['another record', deliveryBody('record.updated', other.locator, 1, other), leg, WebhookErrorCode.NOT_THIS_LEG],
    ['a leg without a key', deliveryBody('record.updated', good.locator, 3, good), { ...leg }, WebhookErrorCode.NOT_THIS_LEG],
    ['tampered ciphertext', deliveryBody('record.updated', good.locator, 3, tampered), leg, WebhookErrorCode.BAD_RECORD],
    ['a view of another number', deliveryBody('record.updated', liar.locator, 2, liar), leg, WebhookErrorCode.BAD_RECORD],
    ['record at another locator', deliveryBody('record.updated', good.locator, 3, other), leg, WebhookErrorCode.BAD_DELIVERY],
    ['withdrawn', deliveryBody('record.withdrawn', good.locator, 4), leg, WebhookErrorCode.WITHDRAWN],
    ['update without a record', deliveryBody('record.updated', good.locator, 3), leg, WebhookErrorCode.BAD_DELIVERY],
    ['withdrawal with a record', deliveryBody('record.withdrawn', good.locator, 3, good), leg, WebhookErrorCode.BAD_DELIVERY],
    ['unknown type', deliveryBody('record.renamed', good.locator, 3), leg, WebhookErrorCode.UNKNOWN_TYPE],
    ['version 0', deliveryBody('record.updated', good.locator, 0, good), leg, WebhookErrorCode.BAD_DELIVERY],
    ['short locator', deliveryBody('record.withdrawn', good.locator.slice(0, 11), 3), leg, WebhookErrorCode.BAD_DELIVERY],
    ['not JSON', '<html>', leg, WebhookErrorCode.BAD_DELIVERY],
    ['no ids', JSON.stringify({ type: 'record.withdrawn', locator: good.locator, version: 3 }), leg, WebhookErrorCode.BAD_DELIVERY],
  ];
  for (const [name, body, l, code] of cases) {
    await assert.rejects(openDelivery(/** @type {string} */ (body), /** @type {any} */ (l)), withCode(/** @type {string} */ (code)), /** @type {string} */ (name));
  }
});
