// Derivation and opening of records (docs/protocol.md §4, §5), through
// WebCrypto (globalThis.crypto.subtle: Node 20 and every browser).

import { decodeB64 } from './b64.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const LOCATOR_SIZE = 16;
export const RECORD_KEY_SIZE = 32;
const NONCE_SIZE = 12;
const TAG_SIZE = 16;

function subtle() {
  return globalThis.crypto.subtle;
}

/**
 * HKDF-SHA256 with an empty salt.
 * @param {Uint8Array} ikm
 * @param {string} info
 * @param {number} length in bytes
 * @returns {Promise<Uint8Array>}
 */
async function hkdf(ikm, info, length) {
  const key = await subtle().importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  const bits = await subtle().deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode(info) },
    key,
    length * 8,
  );
  return new Uint8Array(bits);
}

/**
 * @typedef {object} Derived
 * @property {Uint8Array} locator 16 bytes
 * @property {Uint8Array} recordKey 32 bytes
 */

/**
 * Derives the locator and the record key from the OPRF output y (§4).
 * @param {Uint8Array} y 64 bytes
 * @returns {Promise<Derived>}
 */
export async function derive(y) {
  if (y.length !== 64) throw new Error('OPRF output is not 64 bytes');
  const [locator, recordKey] = await Promise.all([
    hkdf(y, 'tg1 locator', LOCATOR_SIZE),
    hkdf(y, 'tg1 record key', RECORD_KEY_SIZE),
  ]);
  return { locator, recordKey };
}

/**
 * The bucket of a locator: uint32_be(locator[0:4]) >> (32 − bucket_bits),
 * 0 when bucket_bits is 0 (§4).
 * @param {Uint8Array} locator
 * @param {number} bucketBits 0..24
 * @returns {number}
 */
export function bucketOf(locator, bucketBits) {
  if (bucketBits === 0) return 0;
  const v = ((locator[0] << 24) | (locator[1] << 16) | (locator[2] << 8) | locator[3]) >>> 0;
  return v >>> (32 - bucketBits);
}

/** A bucket in URLs: lowercase hex, no leading zeros (§4). @param {number} bucket */
export function formatBucket(bucket) {
  return bucket.toString(16);
}

/**
 * The AAD of a record: "tg1r2 record" ‖ 0x00 ‖ courier ‖ 0x00 ‖ locator (§5.1).
 * @param {string} courierId
 * @param {Uint8Array} locator
 * @returns {Uint8Array}
 */
export function recordAAD(courierId, locator) {
  const head = encoder.encode(`tg1r2 record\x00${courierId}\x00`);
  const aad = new Uint8Array(head.length + locator.length);
  aad.set(head);
  aad.set(locator, head.length);
  return aad;
}

/**
 * @typedef {object} PublicRecord
 * @property {string} locator b64
 * @property {string} nonce b64
 * @property {string} ciphertext b64
 */

/**
 * Opens a public record (§5.3) with the record key and the courier asked.
 * @param {Uint8Array} recordKey
 * @param {string} courierId
 * @param {PublicRecord} record
 * @returns {Promise<string>} the view JSON, padding spaces removed
 * @throws {Error} when the record does not open (another courier's, a dummy, a forgery)
 */
export async function openPublic(recordKey, courierId, record) {
  const locator = decodeB64(record.locator);
  const nonce = decodeB64(record.nonce);
  const ciphertext = decodeB64(record.ciphertext);
  if (locator.length !== LOCATOR_SIZE || nonce.length !== NONCE_SIZE || ciphertext.length < TAG_SIZE) {
    throw new Error('malformed record');
  }
  const key = await subtle().importKey('raw', recordKey, 'AES-GCM', false, ['decrypt']);
  const plain = await subtle().decrypt(
    { name: 'AES-GCM', iv: nonce, additionalData: recordAAD(courierId, locator), tagLength: 128 },
    key,
    ciphertext,
  );
  return decoder.decode(plain).replace(/ +$/, '');
}
