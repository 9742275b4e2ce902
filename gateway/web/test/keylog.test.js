// The key log's pieces in JavaScript (src/keylog/): signed notes, RFC 6962
// proofs, statements and their history, checked on the vectors' data and
// on notes signed here; and the client around them: refused couriers are
// never asked, what was seen is kept in storage, a fork is caught in the
// next session.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ed25519 } from '@noble/curves/ed25519';
import { decodeB64, encodeB64 } from '../src/b64.js';
import { ErrorCode, Outcome, TrackgateClient, TrackgateError } from '../src/tg1.js';
import { parseCheckpoint } from '../src/keylog/checkpoint.js';
import {
  InvalidSignatureError, MalformedNoteError, concat, decodeStd, encodeStd, keyHash, openNote, parseVerifierKey, splitNote, verifierKey,
} from '../src/keylog/note.js';
import { History, checkLive, openKey, openSigningKey, openStatement } from '../src/keylog/statement.js';
import { checkRecord, checkTree, recordHash } from '../src/keylog/tlog.js';
import { keyLogOptions } from '../src/widget/element.js';
import { MemoryStorage } from './memorystorage.js';

const vectors = JSON.parse(readFileSync(new URL('../testdata/keylog-vectors.json', import.meta.url), 'utf8'));
const byName = (/** @type {string} */ name) => vectors.cases.find((/** @type {any} */ c) => c.name === name);
const honest = byName('an honest log that grows');
const swift = honest.steps[0].directory.couriers[0];
const encoder = new TextEncoder();

/** @param {string} code */
const withCode = (code) => (/** @type {any} */ err) => {
  assert.equal(err.code, code, err.message);
  return true;
};

/** A deterministic Ed25519 private key named by label. @param {string} label */
async function privateKey(label) {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(`keylog.test ${label}`)));
}

/**
 * Signs text as a note by each [name, private key], in order.
 * @param {string} text @param {[string, Uint8Array][]} signers
 */
async function signNote(text, signers) {
  let out = `${text}\n`;
  for (const [name, sk] of signers) {
    const pk = ed25519.getPublicKey(sk);
    const hash = new Uint8Array(4);
    new DataView(hash.buffer).setUint32(0, await keyHash(name, pk));
    out += `\u2014 ${name} ${encodeStd(concat(hash, ed25519.sign(encoder.encode(text), sk)))}\n`;
  }
  return out;
}

test('standard base64 reads what Go writes, padding and all', () => {
  for (const n of [0, 1, 2, 3, 4, 31, 32, 33]) {
    const b = Uint8Array.from({ length: n }, (_, i) => (i * 37) & 255);
    assert.deepEqual(decodeStd(encodeStd(b)), b);
    assert.equal(encodeStd(b), Buffer.from(b).toString('base64'));
  }
  for (const bad of ['A', 'AA', 'AA=', 'A===', '====', 'AA==AA==', 'AA-_', 'AA AA']) assert.throws(() => decodeStd(bad), bad);
});

test('a verifier key is read, its hash checked, and written back the same', async () => {
  const v = await parseVerifierKey(vectors.log_key);
  assert.equal(v.name, vectors.origin);
  assert.equal(verifierKey(v), vectors.log_key);
  const [name, hash, key] = vectors.log_key.split('+');
  const wrongHash = (parseInt(hash, 16) ^ 1).toString(16).padStart(8, '0');
  for (const bad of [`${name}+${wrongHash}+${key}`, `${name}+${hash}`, `+${hash}+${key}`, `a b+${hash}+${key}`, `${name}+${hash}+${encodeStd(new Uint8Array(33))}`, 'nothing']) {
    await assert.rejects(parseVerifierKey(bad), bad);
  }
});

test('a checkpoint opens with the log key, and fails when it was changed', async () => {
  const log = await parseVerifierKey(vectors.log_key);
  const signed = honest.steps[0].directory.key_log.checkpoint;
  const n = openNote(signed, [log]);
  assert.equal(n.sigs.length, 1);
  assert.deepEqual(parseCheckpoint(n.text).size, 4);
  assert.throws(() => openNote(signed.replace('\n4\n', '\n5\n'), [log]), InvalidSignatureError);
  assert.equal(openNote(signed, []).sigs.length, 0, 'unknown signers are set apart');
  for (const bad of [signed.replace('\n\n', '\n'), `${signed}x`, signed.replace('\u2014 ', '- '), signed.replace(vectors.origin, `${vectors.origin}\x01`), `${signed}\u2014 x\n`]) {
    assert.throws(() => splitNote(bad), MalformedNoteError, JSON.stringify(bad));
  }
});

test('checkpoint texts are read in their one encoding', () => {
  const h = encodeStd(new Uint8Array(32));
  assert.deepEqual(parseCheckpoint(`o\n0\n${h}\n`).size, 0);
  assert.equal(parseCheckpoint(`o\n12\n${h}\next\n`).size, 12);
  for (const bad of [`o\n12\n${h}`, `o\n12\n`, `\n12\n${h}\n`, `o\n012\n${h}\n`, `o\n+1\n${h}\n`, `o\n1\n${h.slice(0, -1)}\n`, `o\n1\n${h}\n\n`]) {
    assert.throws(() => parseCheckpoint(bad), JSON.stringify(bad));
  }
});

test('inclusion and consistency proofs are checked as tlog checks them', async () => {
  const log = await parseVerifierKey(vectors.log_key);
  const [c4, c5] = [0, 1].map((i) => parseCheckpoint(openNote(honest.steps[i].directory.key_log.checkpoint, [log]).text));
  const consistency = honest.steps[1].consistency.proof.map(decodeB64);
  assert.ok(await checkTree(consistency, c5.size, c5.hash, c4.size, c4.hash));
  assert.ok(!(await checkTree([...consistency, consistency[0]], c5.size, c5.hash, c4.size, c4.hash)), 'an extra hash');
  assert.ok(!(await checkTree([], c5.size, c5.hash, c4.size, c4.hash)), 'a missing hash');
  assert.ok(!(await checkTree(consistency, c5.size, c5.hash, c4.size, c5.hash)), 'another old root');
  assert.ok(!(await checkTree(consistency, c4.size, c4.hash, c5.size, c5.hash)), 'sizes the wrong way round');

  const key = swift.log.keys[0];
  const leaf = await recordHash(encoder.encode(key.statement));
  const proof = key.proof.map(decodeB64);
  assert.ok(await checkRecord(proof, c4.size, c4.hash, key.index, leaf));
  assert.ok(!(await checkRecord(proof, c4.size, c4.hash, key.index + 1, leaf)), 'another index');
  assert.ok(!(await checkRecord(proof.slice(1), c4.size, c4.hash, key.index, leaf)), 'a missing hash');
  assert.ok(!(await checkRecord([...proof, proof[0]], c4.size, c4.hash, key.index, leaf)), 'an extra hash');
  assert.ok(!(await checkRecord(proof, c4.size, c4.hash, c4.size, leaf)), 'past the end');
});

test('a key statement opens to what it states', async () => {
  const k = await openKey(swift.log.keys[0].statement);
  assert.equal(k.courier, 'sim-swift');
  assert.equal(k.kid, swift.keys[0].kid);
  assert.equal(encodeB64(k.publicKey), swift.keys[0].public_key);
  assert.equal(k.notBefore, Date.parse(swift.keys[0].not_before));
  assert.equal(k.notAfter, Date.parse(swift.keys[0].not_after));
  assert.deepEqual([k.mode, k.factor, k.bucketBits], ['push', 'none', 8]);
  const s = await openSigningKey(swift.log.signing_keys[0].statement);
  assert.deepEqual([s.courier, encodeB64(s.key), s.previous], ['sim-swift', encodeB64(k.signingKey), null]);
  assert.ok((await openStatement(swift.log.keys[0].statement)).key);
  assert.ok((await openStatement(swift.log.signing_keys[0].statement)).signing);
});

test('a key statement in any other form is refused', async () => {
  const good = swift.log.keys[0].statement;
  const cases = [
    ['bucket-bits 8\n', 'bucket-bits 08\n', ErrorCode.KEY_LOG_MALFORMED],
    ['mode push\n', 'mode  push\n', ErrorCode.KEY_LOG_MALFORMED],
    ['mode push\nfactor none\n', 'factor none\nmode push\n', ErrorCode.KEY_LOG_MALFORMED],
    ['T12:00:00Z\n', 'T12:00:00.000Z\n', ErrorCode.KEY_LOG_MALFORMED],
    ['tg1 key statement\n', 'tg1 key statement\nextra line\n', ErrorCode.KEY_LOG_MALFORMED],
    ['mode push\n', 'mode pushed\n', ErrorCode.KEY_LOG_MALFORMED],
    ['courier sim-swift\n', 'courier sim-other\n', ErrorCode.KEY_LOG_BAD_SIGNATURE], // the name signed under changes
  ];
  for (const [from, to, code] of cases) {
    assert.ok(good.includes(from), from);
    await assert.rejects(openKey(good.replace(from, to)), withCode(code), to);
  }
  const sigLine = good.slice(good.lastIndexOf('\n\n') + 2);
  await assert.rejects(openKey(good + sigLine), withCode(ErrorCode.KEY_LOG_MALFORMED), 'a repeated signature');
  const other = await signNote('x\n', [['someone-else', await privateKey('other')]]);
  await assert.rejects(openKey(good + other.slice(other.lastIndexOf('\n\n') + 2)), withCode(ErrorCode.KEY_LOG_BAD_SIGNATURE), 'an extra signature');
  await assert.rejects(openKey(`${good.slice(0, good.lastIndexOf('\n\n') + 1)}\n\u2014 tg1-courier/sim-swift ${encodeStd(new Uint8Array(68))}\n`), withCode(ErrorCode.KEY_LOG_BAD_SIGNATURE), 'no valid signature');
  await assert.rejects(openKey('x'.repeat(3000)), withCode(ErrorCode.KEY_LOG_MALFORMED), 'too long');
});

test('a change of signing key must carry the previous key\'s signature, after the new one\'s', async () => {
  const oldKey = await privateKey('old');
  const newKey = await privateKey('new');
  const text = `tg1 signing key\ncourier sim-swift\nsigning-key ${encodeB64(ed25519.getPublicKey(newKey))}\nprevious ${encodeB64(ed25519.getPublicKey(oldKey))}\n`;
  const name = 'tg1-courier/sim-swift';
  const both = await signNote(text, [[name, newKey], [name, oldKey]]);
  const s = await openSigningKey(both);
  assert.equal(encodeB64(/** @type {Uint8Array} */ (s.previous)), encodeB64(ed25519.getPublicKey(oldKey)));
  await assert.rejects(openSigningKey(await signNote(text, [[name, newKey]])), withCode(ErrorCode.SIGNING_KEY_CHANGED), 'the new key alone');
  await assert.rejects(openSigningKey(await signNote(text, [[name, oldKey]])), withCode(ErrorCode.KEY_LOG_BAD_SIGNATURE), 'the old key alone');
  await assert.rejects(openSigningKey(await signNote(text, [[name, oldKey], [name, newKey]])), withCode(ErrorCode.KEY_LOG_MALFORMED), 'out of order');

  const first = await openSigningKey(swift.log.signing_keys[0].statement);
  const h = new History('sim-swift');
  assert.throws(() => h.check(/** @type {any} */ ({ courier: 'sim-swift', kid: 'k', signingKey: first.key })), withCode(ErrorCode.SIGNING_KEY_CHANGED), 'a key before any signing key');
  h.change(first);
  h.change(first); // a repetition changes nothing
  assert.throws(() => h.change(s), withCode(ErrorCode.SIGNING_KEY_CHANGED), 'a change from another key than the current one');
  assert.throws(() => h.change({ ...first, courier: 'sim-other' }), withCode(ErrorCode.KEY_LOG_WRONG_COURIER));
  assert.ok(h.had(first.key) && !h.had(s.key));
});

test('at most two keys of a courier are live at once', () => {
  const day = 86_400_000;
  const key = (/** @type {number} */ i, /** @type {number} */ from, /** @type {number} */ to) => /** @type {any} */ ({ courier: 'c', publicKey: Uint8Array.of(i), notBefore: from * day, notAfter: to * day });
  checkLive([key(1, 0, 10), key(2, 5, 15), key(3, 10, 20), key(1, 0, 10)], 7 * day);
  assert.throws(() => checkLive([key(1, 0, 10), key(2, 5, 15), key(3, 6, 20)], 7 * day), withCode(ErrorCode.TOO_MANY_LIVE_KEYS));
});

/**
 * A fetch that serves a vector's directories and proofs, and answers
 * every evaluation part "unavailable", recording what was asked.
 * @param {any} step a vector step, changed by the test to change what is served
 */
function vectorGateway(step) {
  const gw = { step, evaluated: /** @type {string[][]} */ ([]), asked: /** @type {string[]} */ ([]) };
  /** @param {string} url @param {RequestInit} [init] */
  gw.fetch = async (url, init = {}) => {
    const u = new URL(url);
    u.pathname = u.pathname.replace(/^\/some\/path/, '');
    gw.asked.push(u.pathname);
    const json = (/** @type {any} */ v) => new Response(JSON.stringify(v), { status: 200, headers: { 'Content-Type': 'application/json' } });
    if (u.pathname === '/v1/couriers') return json(gw.step.directory);
    if (u.pathname === '/v1/log/consistency') return json({ proof: gw.step.consistency.proof });
    if (u.pathname === '/v1/evaluate') {
      const body = JSON.parse(String(init.body));
      gw.evaluated.push(body.requests.map((/** @type {any} */ r) => r.courier));
      return json({ results: body.requests.map((/** @type {any} */ r) => ({ courier: r.courier, kid: r.kid, status: 'unavailable' })) });
    }
    return json({ records: [], missing: [] });
  };
  return /** @type {typeof gw & {fetch: typeof fetch}} */ (gw);
}

const keyLogNow = () => Date.parse(vectors.now);

test('a refused courier is never asked; the others are, and a lookup of its numbers says why', async () => {
  const gw = vectorGateway(byName('a substituted key, shown with a statement the log does not hold').steps[0]);
  const client = new TrackgateClient('http://gateway.test', { fetch: gw.fetch, now: keyLogNow, keyLog: { storage: null } });
  await assert.rejects(client.track('SW1234567890'), (/** @type {any} */ err) => {
    assert.equal(err.code, ErrorCode.KEY_NOT_IN_LOG);
    assert.equal(err.courier, 'sim-swift');
    assert.match(err.message, /^the gateway shows a key of sim-swift that is not in its key log: /);
    assert.deepEqual(err.result.couriers, [{ courier: 'sim-swift', trackingNumber: 'SW1234567890', status: Outcome.KEY_LOG_REFUSED }]);
    return true;
  });
  assert.deepEqual(gw.evaluated, [], 'nothing evaluated for a number only the refused courier carries');
  await assert.rejects(client.track('SW1234567890', { courier: 'sim-swift' }), withCode(ErrorCode.KEY_NOT_IN_LOG));
  await assert.rejects(client.track('OT1234567890'), withCode(ErrorCode.UNAVAILABLE));
  assert.deepEqual(gw.evaluated, [['sim-other'], ['sim-other'], ['sim-other']], 'only sim-other asked, in every round');
  assert.deepEqual([...client.refusedCouriers().keys()], ['sim-swift']);
});

test('a whole directory that fails is not used', async () => {
  const c = byName('a rolled-back checkpoint');
  const gw = vectorGateway(c.steps[0]);
  const client = new TrackgateClient('http://gateway.test', { fetch: gw.fetch, now: keyLogNow, keyLog: { storage: null } });
  await assert.rejects(client.track('OT1234567890'), withCode(ErrorCode.UNAVAILABLE));
  gw.step = c.steps[1];
  await assert.rejects(client.track('OT1234567890'), (/** @type {any} */ err) => {
    assert.equal(err.code, ErrorCode.KEY_LOG_ROLLBACK);
    assert.equal(err.courier, undefined);
    assert.equal(err.message, "the gateway's key log rolled back: a checkpoint of 4 entries after one of 5");
    return true;
  });
  assert.equal(gw.evaluated.length, 3, 'no evaluation after the rolled-back directory');
});

test('what was seen is kept per gateway origin, and a fork is caught in the next session', async () => {
  const c = byName('a fork: a larger log that does not extend the one seen');
  const storage = new MemoryStorage();
  const first = vectorGateway(c.steps[0]);
  await new TrackgateClient('http://gateway.test/some/path', { fetch: first.fetch, now: keyLogNow, keyLog: { storage } }).directory();
  const kept = JSON.parse(/** @type {string} */ (storage.getItem('trackgate:keylog:http://gateway.test')));
  assert.equal(kept.key, vectors.log_key);
  assert.match(kept.checkpoint, /^trackgate\.example\/log\n4\n/);
  assert.deepEqual(Object.keys(kept.pins).sort(), ['sim-other', 'sim-swift']);

  const next = vectorGateway(c.steps[1]);
  await assert.rejects(new TrackgateClient('http://gateway.test', { fetch: next.fetch, now: keyLogNow, keyLog: { storage } }).directory(), withCode(ErrorCode.KEY_LOG_FORK));
  assert.ok(next.asked.includes('/v1/log/consistency'));
  assert.match(JSON.parse(/** @type {string} */ (storage.getItem('trackgate:keylog:http://gateway.test'))).checkpoint, /\n4\n/, 'the fork is not kept');

  const other = new TrackgateClient('http://other.test', { fetch: next.fetch, now: keyLogNow, keyLog: { storage } });
  await other.directory(); // another gateway's state: a first sight
});

test('localStorage is the default storage, and a storage that fails leaves the check in memory', async () => {
  const c = byName('an honest log');
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'localStorage');
  const storage = new MemoryStorage();
  Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true });
  try {
    await new TrackgateClient('http://gateway.test', { fetch: vectorGateway(c.steps[0]).fetch, now: keyLogNow }).directory();
    assert.ok(storage.getItem('trackgate:keylog:http://gateway.test'));
  } finally {
    if (saved) Object.defineProperty(globalThis, 'localStorage', saved);
    else delete (/** @type {any} */ (globalThis)).localStorage;
  }
  const broken = { getItem() { throw new Error('denied'); }, setItem() { throw new Error('full'); } };
  const client = new TrackgateClient('http://gateway.test', { fetch: vectorGateway(c.steps[0]).fetch, now: keyLogNow, keyLog: { storage: broken } });
  await client.directory();
  assert.equal(client.refusedCouriers().size, 0);
});

test('key log options are checked', async () => {
  const fetch = vectorGateway(byName('an honest log').steps[0]).fetch;
  assert.throws(() => new TrackgateClient('http://gateway.test', { fetch, keyLog: { quorum: 1 } }), TypeError);
  assert.throws(() => new TrackgateClient('http://gateway.test', { fetch, keyLog: { origin: 'o' } }), TypeError);
  assert.throws(() => new TrackgateClient('http://gateway.test', { fetch, keyLog: { pins: { 'Sim East': encodeB64(new Uint8Array(32)) } } }), TypeError);
  assert.throws(() => new TrackgateClient('http://gateway.test', { fetch, keyLog: { pins: { 'sim-east': 'AAAA' } } }), TypeError);
  for (const keyLog of [{ key: 'nothing' }, { key: vectors.log_key, origin: 'other.example/log' }, { witnesses: { w: 'AAAA' } }, { witnesses: { w: vectors.log_key } }]) {
    const client = new TrackgateClient('http://gateway.test', { fetch, now: keyLogNow, keyLog: { ...keyLog, storage: null } });
    await assert.rejects(client.directory(), TypeError, JSON.stringify(keyLog));
  }
});

test('the widget reads log-key and witnesses', () => {
  assert.deepEqual(keyLogOptions('', ''), {});
  assert.deepEqual(keyLogOptions(vectors.log_key, ' w1.example=AAA \n w2.example=BBB= '), {
    key: vectors.log_key, witnesses: { 'w1.example': 'AAA', 'w2.example': 'BBB=' }, quorum: 2,
  });
  assert.deepEqual(keyLogOptions('', 'lonely').witnesses, { lonely: '' });
});

test('TrackgateError carries the refused courier', () => {
  const e = new TrackgateError(ErrorCode.KEY_NOT_IN_LOG, 'x', { courier: 'sim-swift' });
  assert.equal(e.courier, 'sim-swift');
});
