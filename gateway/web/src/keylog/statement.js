// Key statements and signing-key statements (docs/protocol.md §8.1): a
// port of crypto/keystatement's parsing and verification. Parsing is
// strict, so a statement has one encoding: exact lines in exact order,
// canonical values, exactly the signatures expected.

import { bytesEqual, decodeB64, encodeB64 } from '../b64.js';
import { keyId } from '../directory.js';
import { ErrorCode, TrackgateError } from '../errors.js';
import { FACTOR_NONE, FACTOR_PHONE_LAST4, isCourierId } from '../identifiers.js';
import { checkPublicKey } from '../oprf.js';
import { InvalidSignatureError, MalformedNoteError, decodeStd, encodeStd, newVerifier, openNote, splitNote } from './note.js';

export const KEY_HEADER = 'tg1 key statement';
export const SIGNING_KEY_HEADER = 'tg1 signing key';
/** At most this many keys of a courier may be live at once: the current one and the next. */
export const MAX_LIVE_KEYS = 2;
const MAX_SIZE = 2048;
const MAX_BUCKET_BITS = 24;
const KEY_FIELDS = ['courier', 'kid', 'public-key', 'not-before', 'not-after', 'mode', 'factor', 'bucket-bits', 'signing-key'];
const encoder = new TextEncoder();

/** The note name a courier signs under. @param {string} courier */
export const signerName = (courier) => `tg1-courier/${courier}`;

/** @param {string} code @param {string} message */
const fail = (code, message) => new TrackgateError(code, message);
/** @param {string} why */
const malformed = (why) => fail(ErrorCode.KEY_LOG_MALFORMED, `malformed key statement: ${why}`);

/**
 * @typedef {object} KeyStatement
 * @property {string} courier
 * @property {string} kid
 * @property {Uint8Array} publicKey
 * @property {number} notBefore ms since the epoch; the key is live in [notBefore, notAfter)
 * @property {number} notAfter
 * @property {string} mode
 * @property {string} factor
 * @property {number} bucketBits
 * @property {Uint8Array} signingKey
 */
/**
 * @typedef {object} SigningKeyStatement
 * @property {string} courier
 * @property {Uint8Array} key
 * @property {Uint8Array|null} previous null for the courier's first signing key
 */

/**
 * The values of a statement's text: its header, then exactly the named
 * fields in order.
 * @param {string} text @param {string} header @param {string[]} names
 */
function split(text, header, names) {
  if (!text.endsWith('\n')) throw malformed('text does not end in a line feed');
  const lines = text.slice(0, -1).split('\n');
  if (lines[0] !== header) throw malformed(`first line is not ${JSON.stringify(header)}`);
  if (lines.length !== 1 + names.length) throw malformed(`${lines.length} lines, want ${1 + names.length}`);
  return names.map((name, i) => {
    if (!lines[1 + i].startsWith(`${name} `)) throw malformed(`line ${2 + i} is not ${JSON.stringify(name)}`);
    return lines[1 + i].slice(name.length + 1);
  });
}

/** @param {string} header @param {[string, string][]} fields */
const render = (header, fields) => `${header}\n${fields.map(([n, v]) => `${n} ${v}\n`).join('')}`;

/** @param {string} name @param {string} s @param {number} size */
function parseB64(name, s, size) {
  let b;
  try {
    b = decodeB64(s);
  } catch {
    b = null;
  }
  if (!b || b.length !== size) throw malformed(`${name} is not ${size} bytes of base64url`);
  return b;
}

const timePattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** @param {string} name @param {string} s @returns {number} ms */
function parseTime(name, s) {
  const m = timePattern.exec(s);
  const ms = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
  // Date.UTC rolls 31 April over to 1 May: the round trip refuses it.
  if (!m || Number.isNaN(ms) || +m[1] < 1970 || new Date(ms).toISOString() !== `${s.slice(0, -1)}.000Z`) {
    throw malformed(`${name} ${JSON.stringify(s)} is not an RFC 3339 UTC time in seconds after 1970`);
  }
  return ms;
}

/** @param {number} ms */
const formatTime = (ms) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/**
 * The text of a signed statement, without checking a signature.
 * @param {string} msg
 */
function peek(msg) {
  if (typeof msg !== 'string' || encoder.encode(msg).length > MAX_SIZE) throw malformed(`more than ${MAX_SIZE} bytes`);
  try {
    return splitNote(msg).text;
  } catch {
    throw malformed('not a signed note');
  }
}

/**
 * Checks msg's signatures by verifiers, as crypto/keystatement's open:
 * the verifiers whose signature is absent or does not verify are
 * returned; when all signed, msg must carry no other signature and be in
 * its canonical encoding, the signatures in the verifiers' order.
 * @param {string} msg @param {import('./note.js').Verifier[]} verifiers
 * @returns {import('./note.js').Verifier[]} the unsigned
 */
function open(msg, verifiers) {
  let n;
  try {
    n = openNote(msg, verifiers);
  } catch (err) {
    if (err instanceof InvalidSignatureError) {
      const v = verifiers.find((x) => x.name === err.signer && x.hash === err.hash);
      if (v) return [v];
      throw fail(ErrorCode.KEY_LOG_BAD_SIGNATURE, `key statement signature does not verify: ${err.message}`);
    }
    if (err instanceof MalformedNoteError) throw malformed(err.message);
    throw err;
  }
  if (n.sigs.length === 0) return verifiers;
  const unsigned = [];
  const want = [];
  for (const v of verifiers) {
    const s = n.sigs.find((x) => x.name === v.name && x.hash === v.hash);
    if (s) want.push(s);
    else unsigned.push(v);
  }
  if (unsigned.length > 0) return unsigned;
  if (n.unverified.length > 0) {
    throw fail(ErrorCode.KEY_LOG_BAD_SIGNATURE, `key statement signature does not verify: an extra signature by ${n.unverified[0].name}`);
  }
  const canonical = `${n.text}\n${want.map((s) => `\u2014 ${s.name} ${encodeStd(decodeStd(s.b64))}\n`).join('')}`;
  if (msg !== canonical) throw malformed('signatures out of order, repeated or not canonically encoded');
  return [];
}

/**
 * Parses a signed key statement and verifies it: the canonical text of a
 * valid statement, signed by its signing-key under the courier's note
 * name and by nothing else.
 * @param {string} msg
 * @returns {Promise<KeyStatement>}
 * @throws {TrackgateError} KEY_LOG_MALFORMED, KEY_LOG_BAD_SIGNATURE
 */
export async function openKey(msg) {
  const text = peek(msg);
  const v = split(text, KEY_HEADER, KEY_FIELDS);
  if (!isCourierId(v[0])) throw malformed(`courier ${JSON.stringify(v[0])} is not a courier id`);
  const publicKey = parseB64('public-key', v[2], 32);
  try {
    checkPublicKey(publicKey);
  } catch {
    throw malformed('public-key is not a valid element');
  }
  const kid = await keyId(publicKey);
  if (v[1] !== kid) throw malformed(`kid ${JSON.stringify(v[1])} is not the kid of public-key (${kid})`);
  const k = {
    courier: v[0], kid, publicKey,
    notBefore: parseTime('not-before', v[3]), notAfter: parseTime('not-after', v[4]),
    mode: v[5], factor: v[6], bucketBits: Number(v[7]),
    signingKey: parseB64('signing-key', v[8], 32),
  };
  if (!(k.notAfter > k.notBefore)) throw malformed('not-after is not after not-before');
  if (k.mode !== 'push' && k.mode !== 'pull') throw malformed(`mode ${JSON.stringify(k.mode)} is not push or pull`);
  if (k.factor !== FACTOR_NONE && k.factor !== FACTOR_PHONE_LAST4) throw malformed(`factor ${JSON.stringify(k.factor)} is not none or phone_last4`);
  if (!/^(0|[1-9][0-9]?)$/.test(v[7]) || k.bucketBits > MAX_BUCKET_BITS) throw malformed(`bucket-bits ${JSON.stringify(v[7])} is not from 0 to ${MAX_BUCKET_BITS}`);
  const again = render(KEY_HEADER, [
    ['courier', k.courier], ['kid', kid], ['public-key', encodeB64(publicKey)],
    ['not-before', formatTime(k.notBefore)], ['not-after', formatTime(k.notAfter)],
    ['mode', k.mode], ['factor', k.factor], ['bucket-bits', String(k.bucketBits)], ['signing-key', encodeB64(k.signingKey)],
  ]);
  if (again !== text) throw malformed('not in canonical form');
  const unsigned = open(msg, [await newVerifier(signerName(k.courier), k.signingKey)]);
  if (unsigned.length > 0) throw fail(ErrorCode.KEY_LOG_BAD_SIGNATURE, `key statement of ${k.courier} is not signed by its signing-key`);
  return k;
}

/**
 * Parses a signed signing-key statement and verifies it: signed by its
 * signing-key and, when it names a previous key, by that key too, in that
 * order, and by nothing else. A change the previous key did not sign is
 * SIGNING_KEY_CHANGED: what a monitor alerts on.
 * @param {string} msg
 * @returns {Promise<SigningKeyStatement>}
 * @throws {TrackgateError} KEY_LOG_MALFORMED, KEY_LOG_BAD_SIGNATURE, SIGNING_KEY_CHANGED
 */
export async function openSigningKey(msg) {
  const text = peek(msg);
  const v = split(text, SIGNING_KEY_HEADER, ['courier', 'signing-key', 'previous']);
  if (!isCourierId(v[0])) throw malformed(`courier ${JSON.stringify(v[0])} is not a courier id`);
  const s = { courier: v[0], key: parseB64('signing-key', v[1], 32), previous: v[2] === 'none' ? null : parseB64('previous', v[2], 32) };
  if (s.previous && bytesEqual(s.previous, s.key)) throw malformed('previous is the signing-key itself');
  const again = render(SIGNING_KEY_HEADER, [['courier', s.courier], ['signing-key', encodeB64(s.key)], ['previous', s.previous ? encodeB64(s.previous) : 'none']]);
  if (again !== text) throw malformed('not in canonical form');
  const name = signerName(s.courier);
  const self = await newVerifier(name, s.key);
  const verifiers = s.previous ? [self, await newVerifier(name, s.previous)] : [self];
  const unsigned = open(msg, verifiers);
  if (unsigned.includes(self)) throw fail(ErrorCode.KEY_LOG_BAD_SIGNATURE, `signing-key statement of ${s.courier} is not signed by its signing-key`);
  if (unsigned.length > 0) {
    throw fail(ErrorCode.SIGNING_KEY_CHANGED, `${s.courier}'s new signing key ${encodeB64(s.key)} is not signed by its previous key ${encodeB64(/** @type {Uint8Array} */ (s.previous))}`);
  }
  return s;
}

/**
 * Opens a statement of either kind, by its first line.
 * @param {string} msg
 * @returns {Promise<{key?: KeyStatement, signing?: SigningKeyStatement}>}
 */
export async function openStatement(msg) {
  const header = peek(msg).split('\n', 1)[0];
  if (header === KEY_HEADER) return { key: await openKey(msg) };
  if (header === SIGNING_KEY_HEADER) return { signing: await openSigningKey(msg) };
  throw malformed(`first line ${JSON.stringify(header)} names no kind of statement`);
}

/**
 * One courier's signing key through the log (keystatement.History): fed
 * the courier's statements in log order, it says whether each continues
 * the history.
 */
export class History {
  /** @param {string} courier */
  constructor(courier) {
    this.courier = courier;
    /** @type {Uint8Array[]} every signing key the courier had; the last is current */
    this.keys = [];
  }

  /** @returns {Uint8Array|null} */
  current() {
    return this.keys[this.keys.length - 1] ?? null;
  }

  /** @param {Uint8Array} pk */
  had(pk) {
    return this.keys.some((k) => bytesEqual(k, pk));
  }

  /** @param {SigningKeyStatement} s */
  change(s) {
    if (s.courier !== this.courier) throw fail(ErrorCode.KEY_LOG_WRONG_COURIER, `signing-key statement of ${s.courier} in the history of ${this.courier}`);
    const current = this.current();
    if (current && bytesEqual(s.key, current)) return;
    if (!current && s.previous) throw fail(ErrorCode.SIGNING_KEY_CHANGED, `${this.courier}'s first signing key in the log claims to replace ${encodeB64(s.previous)}`);
    if (current && !s.previous) throw fail(ErrorCode.SIGNING_KEY_CHANGED, `${this.courier}'s signing key ${encodeB64(current)} is replaced by ${encodeB64(s.key)} as if it were the first`);
    if (current && s.previous && !bytesEqual(s.previous, current)) {
      throw fail(ErrorCode.SIGNING_KEY_CHANGED, `${this.courier}'s signing key is ${encodeB64(current)}, but a change replaces ${encodeB64(s.previous)}`);
    }
    this.keys.push(s.key);
  }

  /** @param {KeyStatement} k */
  check(k) {
    if (k.courier !== this.courier) throw fail(ErrorCode.KEY_LOG_WRONG_COURIER, `key statement of ${k.courier} in the history of ${this.courier}`);
    const current = this.current();
    if (!current) throw fail(ErrorCode.SIGNING_KEY_CHANGED, `key ${k.kid} of ${k.courier} comes before any signing key of ${k.courier} in the log`);
    if (!bytesEqual(k.signingKey, current)) {
      throw fail(ErrorCode.SIGNING_KEY_CHANGED, `key ${k.kid} of ${k.courier} is signed by ${encodeB64(k.signingKey)}, not by the courier's signing key ${encodeB64(current)}`);
    }
  }
}

/**
 * TOO_MANY_LIVE_KEYS when more than MAX_LIVE_KEYS distinct public keys of
 * one courier are live at now; several statements of one key count once.
 * @param {KeyStatement[]} keys @param {number} now ms since the epoch
 */
export function checkLive(keys, now) {
  /** @type {Map<string, Set<string>>} */
  const live = new Map();
  for (const k of keys) {
    if (now < k.notBefore || now >= k.notAfter) continue;
    const set = live.get(k.courier) ?? new Set();
    set.add(encodeB64(k.publicKey));
    live.set(k.courier, set);
    if (set.size > MAX_LIVE_KEYS) {
      throw fail(ErrorCode.TOO_MANY_LIVE_KEYS, `${set.size} keys of ${k.courier} are live at ${formatTime(now - (now % 1000))}, at most ${MAX_LIVE_KEYS} may be`);
    }
  }
}
