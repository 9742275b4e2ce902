// Identifiers and the OPRF input (docs/protocol.md §3, §4). Bad input is
// refused here, before any network call.

import { ErrorCode, TrackgateError } from './errors.js';

const courierIdPattern = /^[a-z0-9][a-z0-9-]{1,31}$/;
const trackingNumberPattern = /^[A-Z0-9]{6,40}$/;
const factorPattern = /^[0-9]{4}$/;
const encoder = new TextEncoder();

/** The directory's factor values (§3). */
export const FACTOR_NONE = 'none';
export const FACTOR_PHONE_LAST4 = 'phone_last4';

/**
 * Normalizes a typed tracking number (§3): upper case, ASCII spaces, '-'
 * and '.' removed; it must be ASCII and match ^[A-Z0-9]{6,40}$.
 * @param {string} number as the user typed it
 * @returns {string} the normalized number tn
 * @throws {TrackgateError} INVALID_TRACKING_NUMBER
 */
export function normalizeTrackingNumber(number) {
  if (typeof number !== 'string' || !/^[\x00-\x7f]*$/.test(number)) {
    throw new TrackgateError(ErrorCode.INVALID_TRACKING_NUMBER, 'invalid tracking number: not ASCII');
  }
  const tn = number.toUpperCase().replace(/[ .-]/g, '');
  if (!trackingNumberPattern.test(tn)) {
    throw new TrackgateError(ErrorCode.INVALID_TRACKING_NUMBER, 'invalid tracking number: want 6 to 40 letters and digits');
  }
  return tn;
}

/**
 * Checks a second factor: exactly 4 ASCII digits (§3).
 * @param {string} factor
 * @throws {TrackgateError} INVALID_FACTOR
 */
export function checkFactor(factor) {
  if (typeof factor !== 'string' || !factorPattern.test(factor)) {
    throw new TrackgateError(ErrorCode.INVALID_FACTOR, 'invalid second factor: want the last 4 digits of a phone number');
  }
}

/**
 * Checks a courier id (§3).
 * @param {string} id
 * @throws {TrackgateError} INVALID_COURIER_ID
 */
export function checkCourierId(id) {
  if (typeof id !== 'string' || !courierIdPattern.test(id)) {
    throw new TrackgateError(ErrorCode.INVALID_COURIER_ID, 'invalid courier id');
  }
}

/** @param {string} id @returns {boolean} */
export function isCourierId(id) {
  return typeof id === 'string' && courierIdPattern.test(id);
}

/**
 * The OPRF input x = "tg1" ‖ 0x00 ‖ courier_id ‖ 0x00 ‖ tn ‖ 0x00 ‖ f (§4),
 * f empty for couriers without a factor.
 * @param {string} courierId
 * @param {string} tn normalized tracking number
 * @param {string} factor "" or 4 digits
 * @returns {Uint8Array}
 */
export function oprfInput(courierId, tn, factor) {
  return encoder.encode(`tg1\x00${courierId}\x00${tn}\x00${factor}`);
}
