// The courier directory (docs/protocol.md §7.1): fetched with its ETag,
// revalidated with If-None-Match, checked before any use.

import { decodeB64, encodeB64, bytesEqual } from './b64.js';
import { ErrorCode, TrackgateError } from './errors.js';
import { FACTOR_NONE, FACTOR_PHONE_LAST4, isCourierId } from './identifiers.js';
import { SUITE, checkPublicKey } from './oprf.js';

export const PROTOCOL = 'tg1';
/** The only revision this client speaks: another seals and signs differently (§13). */
export const REVISION = 2;

/**
 * @typedef {object} DirectoryKey
 * @property {string} kid
 * @property {string} public_key b64
 * @property {string} not_before RFC 3339
 * @property {string} not_after RFC 3339
 */
/**
 * @typedef {object} DirectoryPattern
 * @property {string} regex a JavaScript regular expression over tn
 * @property {string} checksum a check-digit algorithm, "" for none
 */
/**
 * @typedef {object} DirectoryCourier
 * @property {string} id
 * @property {string} name
 * @property {'none'|'phone_last4'} factor
 * @property {'push'|'pull'} mode
 * @property {DirectoryKey[]} keys
 * @property {DirectoryPattern[]} patterns
 * @property {boolean} [loading] true while the courier's host is still publishing its first records (§7.1)
 * @property {{signing_keys: unknown[], keys: unknown[]}} [log] its statements in the key log (§7.8)
 */
/**
 * @typedef {object} DirectoryDoc
 * @property {string} protocol
 * @property {number} revision
 * @property {string} suite
 * @property {number} bucket_bits
 * @property {number} record_size
 * @property {DirectoryCourier[]} couriers
 * @property {{origin: string, key: string, checkpoint: string}} [key_log] the gateway's key log (§7.8)
 */
/**
 * @typedef {object} CourierKey
 * @property {string} kid
 * @property {Uint8Array} pk
 * @property {number} notBefore ms since the epoch
 * @property {number} notAfter ms since the epoch
 */
/**
 * @typedef {object} CourierInfo
 * @property {DirectoryCourier} entry
 * @property {CourierKey[]} keys
 * @property {import('./errors.js').TrackgateError} [refused] why its keys did not verify against the
 *   key log (src/keylog/check.js); such a courier is never asked
 */
/**
 * @typedef {object} Directory
 * @property {DirectoryDoc} doc
 * @property {string} etag the quoted b64 SHA-256 of the body
 * @property {Map<string, CourierInfo>} couriers by id
 */

/** @param {string} why */
function invalid(why) {
  return new TrackgateError(ErrorCode.INVALID_DIRECTORY, `invalid courier directory: ${why}`);
}

/**
 * The ETag tg1 prescribes: the quoted b64 SHA-256 of the body.
 * @param {Uint8Array} body
 * @returns {Promise<string>}
 */
export async function directoryETag(body) {
  const sum = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', body));
  return `"${encodeB64(sum)}"`;
}

/**
 * The kid of a public key: b64(SHA-256(pk)[0:8]) (§3).
 * @param {Uint8Array} pk
 * @returns {Promise<string>}
 */
export async function keyId(pk) {
  const sum = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', pk));
  return encodeB64(sum.subarray(0, 8));
}

/**
 * Decodes and checks a directory body. A served ETag must be the body's
 * hash (a proxy may mark it weak): otherwise comparing ETags would not
 * prove that two clients saw the same keys.
 * @param {Uint8Array} body
 * @param {string|null} servedETag
 * @returns {Promise<Directory>}
 * @throws {TrackgateError} INVALID_DIRECTORY
 */
export async function parseDirectory(body, servedETag) {
  const etag = await directoryETag(body);
  if (servedETag && servedETag.replace(/^W\//, '') !== etag) {
    throw invalid('its ETag is not the SHA-256 of its body');
  }
  /** @type {DirectoryDoc} */
  let doc;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw invalid('not JSON');
  }
  if (doc === null || typeof doc !== 'object') throw invalid('not an object');
  if (doc.protocol !== PROTOCOL) throw invalid(`protocol is not ${PROTOCOL}`);
  if (doc.revision !== REVISION) throw invalid(`protocol revision ${doc.revision}, this client speaks revision ${REVISION}`);
  if (doc.suite !== SUITE) throw invalid(`suite is not ${SUITE}`);
  if (!Number.isInteger(doc.bucket_bits) || doc.bucket_bits < 0 || doc.bucket_bits > 24) throw invalid('bucket_bits out of 0..24');
  if (!Number.isInteger(doc.record_size) || doc.record_size < 384 || doc.record_size > 24576 || doc.record_size % 384 !== 0) {
    throw invalid('record_size is not a multiple of 384 from 384 to 24576');
  }
  if (!Array.isArray(doc.couriers)) throw invalid('couriers is not a list');
  /** @type {Map<string, CourierInfo>} */
  const couriers = new Map();
  for (const [i, e] of doc.couriers.entries()) {
    const info = await checkCourier(e, i);
    if (couriers.has(e.id)) throw invalid(`courier ${e.id} is listed twice`);
    couriers.set(e.id, info);
  }
  return { doc, etag, couriers };
}

/**
 * @param {DirectoryCourier} e
 * @param {number} i
 * @returns {Promise<CourierInfo>}
 */
async function checkCourier(e, i) {
  if (e === null || typeof e !== 'object' || !isCourierId(e.id)) throw invalid(`couriers[${i}]: bad id`);
  if (e.factor !== FACTOR_NONE && e.factor !== FACTOR_PHONE_LAST4) throw invalid(`${e.id}: unknown factor`);
  if (e.mode !== 'push' && e.mode !== 'pull') throw invalid(`${e.id}: unknown mode`);
  if (!Array.isArray(e.keys) || !Array.isArray(e.patterns ?? [])) throw invalid(`${e.id}: keys or patterns not a list`);
  /** @type {CourierKey[]} */
  const keys = [];
  for (const [j, k] of e.keys.entries()) {
    let pk;
    try {
      pk = decodeB64(k.public_key);
      checkPublicKey(pk);
    } catch {
      throw invalid(`${e.id}: keys[${j}]: bad public key`);
    }
    // A kid that does not name its key would let a gateway make a client
    // verify proofs against a key the courier never published.
    if ((await keyId(pk)) !== k.kid) throw invalid(`${e.id}: keys[${j}]: kid does not match its public key`);
    if (keys.some((other) => other.kid === k.kid || bytesEqual(other.pk, pk))) throw invalid(`${e.id}: key listed twice`);
    const notBefore = Date.parse(k.not_before);
    const notAfter = Date.parse(k.not_after);
    if (!(notAfter > notBefore)) throw invalid(`${e.id}: keys[${j}]: not_after is not after not_before`);
    keys.push({ kid: k.kid, pk, notBefore, notAfter });
  }
  return { entry: e, keys };
}

/**
 * The key valid at now (not_before ≤ now < not_after) with the newest
 * not_before: during a rotation the new one is preferred. A courier
 * refused by the key log check has none.
 * @param {CourierInfo} info
 * @param {number} now ms since the epoch
 * @returns {CourierKey|undefined}
 */
export function currentKey(info, now) {
  let best;
  if (info.refused) return undefined;
  for (const k of info.keys) {
    if (now < k.notBefore || now >= k.notAfter) continue;
    if (!best || k.notBefore > best.notBefore) best = k;
  }
  return best;
}
