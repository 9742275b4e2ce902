// The subscription calls of TrackgateClient against the in-memory
// gateway: the secret key as a bearer token (never the publishable key),
// the answers as the gateway writes them, errors as the Go SDK's.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, TrackgateClient } from '../src/tg1.js';
import { encodeB64 } from '../src/b64.js';
import { FakeGateway } from './fakegateway.js';

const secretKey = `tg1sk_${'k'.repeat(43)}`;
const otherKey = `tg1sk_${'o'.repeat(43)}`;
const secret = 'whsec_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const hook = 'https://shop.example/hooks/trackgate';

function setup() {
  const gw = new FakeGateway();
  gw.secretKeys.add(secretKey);
  gw.secretKeys.add(otherKey);
  const client = new TrackgateClient('http://gateway.test', { fetch: gw.fetch, apiKey: `tg1pk_${'p'.repeat(43)}` });
  return { gw, client };
}

/** @param {number} i */
const locator = (i) => encodeB64(Uint8Array.from({ length: 16 }, (_, j) => (j === 0 ? i : 7)));

test('subscribe sends the secret key as a bearer token and returns the subscription', async () => {
  const { gw, client } = setup();
  await gw.addParcel('sim-east', 'SE1234567890', '');
  const result = await client.track('SE1234567890');
  const sub = await client.subscribe(secretKey, { locators: result.legs.map((l) => l.locator), callbackURL: hook, secret });
  assert.match(sub.id, /^sub_/);
  assert.deepEqual(sub.locators, [result.legs[0].locator]);
  assert.equal(sub.callback_url, hook);
  assert.equal(sub.state, 'active');
  assert.equal('secret' in sub, false);
  const req = gw.requests.at(-1);
  assert.equal(req?.headers.Authorization, `Bearer ${secretKey}`);
  assert.equal(req?.headers['TG-Api-Key'], undefined, 'the publishable key is not sent on these routes');
  assert.deepEqual(req?.body, { locators: [result.legs[0].locator], callback_url: hook, secret });

  assert.equal((await client.subscription(secretKey, sub.id)).id, sub.id);
  const rotated = await client.rotateSubscriptionSecret(secretKey, sub.id, 'whsec_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb');
  assert.equal(rotated.id, sub.id);
  assert.deepEqual(gw.subscriptions.get(sub.id).secrets, ['whsec_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', secret]);
  await client.deleteSubscription(secretKey, sub.id);
  const ended = await client.subscription(secretKey, sub.id);
  assert.equal(ended.state, 'ended');
  assert.equal(ended.ended_reason, 'deleted');
});

test('a tenant sees only its own subscriptions, a page at a time', async () => {
  const { client } = setup();
  const mine = [];
  for (let i = 0; i < 3; i++) mine.push((await client.subscribe(secretKey, { locators: [locator(i)], callbackURL: hook, secret })).id);
  const theirs = await client.subscribe(otherKey, { locators: [locator(9)], callbackURL: hook, secret });
  const first = await client.subscriptions(secretKey, { limit: 2 });
  assert.deepEqual(first.subscriptions.map((s) => s.id), mine.slice(0, 2));
  const second = await client.subscriptions(secretKey, { limit: 2, cursor: first.next_cursor });
  assert.deepEqual(second.subscriptions.map((s) => s.id), mine.slice(2));
  assert.equal(second.next_cursor, '');
  await assert.rejects(client.subscription(secretKey, theirs.id), (/** @type {any} */ err) => err.code === ErrorCode.GATEWAY && err.status === 404);
  const wrong = `tg1sk_${'x'.repeat(43)}`;
  await assert.rejects(client.subscriptions(wrong), (/** @type {any} */ err) => err.code === ErrorCode.GATEWAY && err.status === 401 && !err.message.includes(wrong));
});

test('dead letters are listed and replayed, some or all', async () => {
  const { gw, client } = setup();
  const sub = await client.subscribe(secretKey, { locators: [locator(1)], callbackURL: hook, secret });
  const letter = (/** @type {string} */ id, /** @type {number} */ version) => ({
    id, locator: locator(1), version, attempts: 17, first_attempt_at: '2026-12-01T00:00:00Z', last_attempt_at: '2026-12-02T00:00:00Z', last_error: 'HTTP 500',
  });
  const a = `dlv_${'a'.repeat(22)}`;
  const b = `dlv_${'b'.repeat(22)}`;
  gw.subscriptions.get(sub.id).dead_letters.push(letter(a, 2), letter(b, 3));
  assert.deepEqual((await client.deadLetters(secretKey, sub.id)).map((d) => [d.id, d.version, d.last_error]), [[a, 2, 'HTTP 500'], [b, 3, 'HTTP 500']]);
  assert.equal(await client.replayDeadLetters(secretKey, sub.id, [b]), 1);
  assert.deepEqual(gw.requests.at(-1)?.body, { ids: [b] });
  assert.equal(await client.replayDeadLetters(secretKey, sub.id), 1);
  assert.deepEqual(gw.requests.at(-1)?.body, {}, 'no ids: all of them');
  assert.deepEqual(await client.deadLetters(secretKey, sub.id), []);
});

test('bad arguments are refused before any request', async () => {
  const { gw, client } = setup();
  const many = Array.from({ length: 101 }, (_, i) => locator(i));
  const calls = [
    ['no key', () => client.subscribe('', { locators: [locator(1)], callbackURL: hook, secret })],
    ['a publishable key', () => client.subscribe(`tg1pk_${'p'.repeat(43)}`, { locators: [locator(1)], callbackURL: hook, secret })],
    ['no locator', () => client.subscribe(secretKey, { locators: [], callbackURL: hook, secret })],
    ['101 locators', () => client.subscribe(secretKey, { locators: many, callbackURL: hook, secret })],
    ['a locator twice', () => client.subscribe(secretKey, { locators: [locator(1), locator(1)], callbackURL: hook, secret })],
    ['a short locator', () => client.subscribe(secretKey, { locators: ['AAAA'], callbackURL: hook, secret })],
    ['ftp callback', () => client.subscribe(secretKey, { locators: [locator(1)], callbackURL: 'ftp://shop.example/', secret })],
    ['callback with credentials', () => client.subscribe(secretKey, { locators: [locator(1)], callbackURL: 'https://u:p@shop.example/', secret })],
    ['callback with a fragment', () => client.subscribe(secretKey, { locators: [locator(1)], callbackURL: `${hook}#x`, secret })],
    ['short secret', () => client.subscribe(secretKey, { locators: [locator(1)], callbackURL: hook, secret: 'short' })],
    ['bad subscription id', () => client.subscription(secretKey, '../couriers')],
    ['page of 101', () => client.subscriptions(secretKey, { limit: 101 })],
    ['bad dead letter id', () => client.replayDeadLetters(secretKey, `sub_${'A'.repeat(22)}`, ['nope'])],
  ];
  for (const [name, call] of calls) {
    await assert.rejects(/** @type {() => Promise<any>} */ (call)(), TypeError, /** @type {string} */ (name));
  }
  assert.equal(gw.requests.length, 0);
});
