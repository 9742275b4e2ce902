// What a found leg keeps for a subscriber (docs/protocol.md §10): its
// locator, in the leg as `locator` (base64url), and its record key, which
// opens every later version of the leg's record. The key is as secret as
// the tracking number, so it is not a property of the leg: it lives in a
// WeakMap, out of JSON.stringify and console.log, and recordKeyOf hands
// it over only when asked.

import { decodeB64, encodeB64 } from './b64.js';
import { LOCATOR_SIZE, RECORD_KEY_SIZE } from './derive.js';
import { checkCourierId, normalizeTrackingNumber } from './identifiers.js';

/** @type {WeakMap<object, Uint8Array>} */
const recordKeys = new WeakMap();

/**
 * Gives a leg its record key (the lookup does it for every leg found).
 * @param {object} leg
 * @param {Uint8Array} recordKey
 */
export function keepRecordKey(leg, recordKey) {
  recordKeys.set(leg, recordKey.slice());
}

/**
 * The key that opens a leg's records: a copy, or null for a leg that was
 * neither found by track nor restored. Keep it only where the tracking
 * number may be kept, to restoreLeg the leg later without a new lookup.
 * @param {object} leg
 * @returns {Uint8Array|null}
 */
export function recordKeyOf(leg) {
  return recordKeys.get(leg)?.slice() ?? null;
}

/**
 * Rebuilds a leg that can open deliveries from what a subscriber kept of
 * a found one. Its view names only the courier and the number.
 * @param {{courier: string, trackingNumber: string, locator: string, recordKey: Uint8Array|string}} kept
 *   locator in base64url, recordKey as bytes or base64url
 * @returns {import('./result.js').Leg}
 */
export function restoreLeg({ courier, trackingNumber, locator, recordKey }) {
  checkCourierId(courier);
  const tn = normalizeTrackingNumber(trackingNumber);
  const key = typeof recordKey === 'string' ? decodeB64(recordKey) : recordKey;
  if (decodeB64(locator).length !== LOCATOR_SIZE || !(key instanceof Uint8Array) || key.length !== RECORD_KEY_SIZE) {
    throw new TypeError(`restoreLeg: want a ${LOCATOR_SIZE}-byte locator and a ${RECORD_KEY_SIZE}-byte record key`);
  }
  const leg = {
    courier, courierName: '', depth: 0, locator: encodeB64(decodeB64(locator)),
    view: /** @type {import('./view.js').View} */ ({ courier, tracking_number: tn, status: 'pending', updated_at: '' }),
  };
  keepRecordKey(leg, key);
  return leg;
}
