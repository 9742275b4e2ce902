// Signed notes (golang.org/x/mod/sumdb/note, C2SP signed-note): the
// format of key statements and checkpoints (docs/protocol.md §8.1, §7.8).
//
//   <text, each line ending in LF>
//   <empty line>
//   — <name> <base64(key hash ‖ Ed25519 signature)>     one line per signature
//
// Ed25519 through @noble/curves (strict RFC 8032 verification, as Go's
// crypto/ed25519); SHA-256 through WebCrypto.

import { ed25519 } from '@noble/curves/ed25519';

const encoder = new TextEncoder();
const SIG_PREFIX = '\u2014 ';
const ALG_ED25519 = 1;
const MAX_SIGNATURES = 100;

/** A note that is not in the signed-note format. */
export class MalformedNoteError extends Error {}
/** A signature by a known key that does not verify. */
export class InvalidSignatureError extends Error {
  /** @param {string} signer the signer's name @param {number} hash its key hash */
  constructor(signer, hash) {
    super(`signature of ${signer} does not verify`);
    this.signer = signer;
    this.hash = hash;
  }
}

/** Standard base64 with padding, as Go's base64.StdEncoding. */
const stdAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** @param {Uint8Array} bytes @returns {string} */
export function encodeStd(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += stdAlphabet[n >> 18] + stdAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.length ? stdAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? stdAlphabet[n & 63] : '=';
  }
  return out;
}

/**
 * Decodes standard padded base64 as Go's base64.StdEncoding does (spare
 * bits are not checked; a caller that needs one encoding re-encodes).
 * @param {string} s
 * @returns {Uint8Array}
 * @throws {Error} on anything else
 */
export function decodeStd(s) {
  if (typeof s !== 'string' || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new Error('not padded base64');
  const body = s.replace(/=+$/, '');
  if (s.length - body.length > 0 && body.length % 4 < 2) throw new Error('not padded base64');
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let j = 0;
  for (const ch of body) {
    acc = ((acc << 6) | stdAlphabet.indexOf(ch)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** @param {Uint8Array} data @returns {Promise<Uint8Array>} */
export async function sha256(data) {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', data));
}

/** @param {...Uint8Array} parts */
export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
}

/** A note name: not empty, no white space (Go's unicode.IsSpace), no '+'. @param {string} name */
export function isValidName(name) {
  return typeof name === 'string' && name !== '' && !/[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000+]/u.test(name);
}

/**
 * The key hash of an Ed25519 key under name: SHA-256(name ‖ "\n" ‖ 0x01 ‖ pk)[0:4], big-endian.
 * @param {string} name @param {Uint8Array} pk
 * @returns {Promise<number>}
 */
export async function keyHash(name, pk) {
  const h = await sha256(concat(encoder.encode(`${name}\n`), Uint8Array.of(ALG_ED25519), pk));
  return new DataView(h.buffer).getUint32(0);
}

/**
 * @typedef {object} Verifier a signer's public side
 * @property {string} name
 * @property {number} hash
 * @property {Uint8Array} key the 32-byte Ed25519 public key
 */

/**
 * A verifier of an Ed25519 public key under name.
 * @param {string} name @param {Uint8Array} pk
 * @returns {Promise<Verifier>}
 */
export async function newVerifier(name, pk) {
  if (!isValidName(name)) throw new Error(`note name ${JSON.stringify(name)} is not valid`);
  if (!(pk instanceof Uint8Array) || pk.length !== 32) throw new Error(`public key of ${name} is not 32 bytes`);
  return { name, hash: await keyHash(name, pk), key: pk };
}

/**
 * Reads a verifier key, "<name>+<8 hex digits of the key hash>+<base64(0x01 ‖ pk)>".
 * @param {string} vkey
 * @returns {Promise<Verifier>}
 * @throws {Error} when it is not one, or its hash is wrong
 */
export async function parseVerifierKey(vkey) {
  const m = typeof vkey === 'string' ? /^([^+]*)\+([0-9a-fA-F]{8})\+(.*)$/s.exec(vkey) : null;
  let raw;
  try {
    raw = m ? decodeStd(m[3]) : null;
  } catch {
    raw = null;
  }
  if (!m || !raw || !isValidName(m[1]) || raw.length !== 33 || raw[0] !== ALG_ED25519) {
    throw new Error('not an Ed25519 note verifier key');
  }
  const v = await newVerifier(m[1], raw.subarray(1));
  if (v.hash !== parseInt(m[2], 16)) throw new Error('verifier key hash does not match its key');
  return v;
}

/** The verifier key of v. @param {Verifier} v */
export function verifierKey(v) {
  return `${v.name}+${v.hash.toString(16).padStart(8, '0')}+${encodeStd(concat(Uint8Array.of(ALG_ED25519), v.key))}`;
}

/**
 * @typedef {object} Signature
 * @property {string} name
 * @property {number} hash
 * @property {string} b64 as written
 * @property {Uint8Array} sig the Ed25519 signature (or whatever followed the hash)
 */
/**
 * @typedef {object} Note
 * @property {string} text the signed text, ending in LF
 * @property {Signature[]} sigs the signatures, in order
 */

/**
 * Splits a signed note, checking its format but no signature.
 * @param {string} msg
 * @returns {Note}
 * @throws {MalformedNoteError}
 */
export function splitNote(msg) {
  if (typeof msg !== 'string' || /[\x00-\x09\x0b-\x1f]/.test(msg)) throw new MalformedNoteError('malformed note');
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) throw new MalformedNoteError('malformed note');
  const text = msg.slice(0, split + 1);
  let rest = msg.slice(split + 2);
  if (rest === '' || !rest.endsWith('\n')) throw new MalformedNoteError('malformed note');
  /** @type {Signature[]} */
  const sigs = [];
  while (rest !== '') {
    const i = rest.indexOf('\n');
    const line = rest.slice(0, i);
    rest = rest.slice(i + 1);
    if (!line.startsWith(SIG_PREFIX)) throw new MalformedNoteError('malformed note');
    const body = line.slice(SIG_PREFIX.length);
    const space = body.indexOf(' ');
    const name = space < 0 ? body : body.slice(0, space);
    const b64 = space < 0 ? '' : body.slice(space + 1);
    let raw;
    try {
      raw = decodeStd(b64);
    } catch {
      raw = null;
    }
    if (!raw || !isValidName(name) || b64 === '' || raw.length < 5) throw new MalformedNoteError('malformed note');
    if (sigs.length === MAX_SIGNATURES) throw new MalformedNoteError('malformed note: too many signatures');
    sigs.push({ name, hash: new DataView(raw.buffer, raw.byteOffset).getUint32(0), b64, sig: raw.subarray(4) });
  }
  return { text, sigs };
}

/**
 * @typedef {object} OpenedNote
 * @property {string} text
 * @property {Signature[]} sigs verified signatures of known verifiers, in order, each once
 * @property {Signature[]} unverified signatures of unknown signers, each once
 */

/**
 * Opens a signed note as note.Open does: every signature of a known
 * verifier must verify (InvalidSignatureError), signatures of others are
 * set apart, and at least one must be verified (else `sigs` is empty:
 * the caller says what that means).
 * @param {string} msg
 * @param {Verifier[]} known
 * @returns {OpenedNote}
 * @throws {MalformedNoteError|InvalidSignatureError}
 */
export function openNote(msg, known) {
  const { text, sigs } = splitNote(msg);
  const signed = encoder.encode(text);
  /** @type {OpenedNote} */
  const out = { text, sigs: [], unverified: [] };
  const seen = new Set();
  for (const s of sigs) {
    const v = known.find((k) => k.name === s.name && k.hash === s.hash);
    const id = v ? `${s.name}\x00${s.hash}` : `${s.name} ${s.b64}`;
    if (seen.has(id)) continue; // a repeated signature counts once
    seen.add(id);
    if (!v) {
      out.unverified.push(s);
      continue;
    }
    let ok = false;
    try {
      ok = s.sig.length === 64 && ed25519.verify(s.sig, signed, v.key, { zip215: false });
    } catch {
      ok = false;
    }
    if (!ok) throw new InvalidSignatureError(s.name, s.hash);
    out.sigs.push(s);
  }
  return out;
}
