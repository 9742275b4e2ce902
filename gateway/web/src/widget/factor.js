// Whether to ask for the phone digits: when the courier pinned, or any
// courier the number may belong to, asks for them (directory factor
// "phone_last4"). Asked before any lookup, from the public directory.

import { detect } from '../detect.js';
import { FACTOR_PHONE_LAST4, normalizeTrackingNumber } from '../identifiers.js';

/**
 * @param {import('../directory.js').DirectoryDoc|null|undefined} doc the directory, null while unknown
 * @param {string} typed the number as typed
 * @param {string} [pinned] a courier id the page pinned
 * @returns {boolean}
 */
export function needsFactor(doc, typed, pinned) {
  if (!doc) return false;
  if (pinned) return doc.couriers.some((c) => c.id === pinned && c.factor === FACTOR_PHONE_LAST4);
  let tn;
  try {
    tn = normalizeTrackingNumber(typed);
  } catch {
    return false;
  }
  return detect(doc, tn).some((c) => c.courier.factor === FACTOR_PHONE_LAST4);
}
