// The receiving side of subscriptions (docs/protocol.md §10,
// docs/webhooks.md), as gateway/webhook and gateway/client/delivery.go in
// Go: verifyWebhook checks TG-Webhook-Signature, parseDelivery and
// openDelivery open the delivered record with the leg it names.

import { bytesEqual, decodeB64 } from './b64.js';
import { LOCATOR_SIZE, openPublic } from './derive.js';
import { recordKeyOf } from './legs.js';
import { decodeView } from './view.js';

/** The header carrying a delivery's signature. */
export const SIGNATURE_HEADER = 'TG-Webhook-Signature';
/** The header carrying a delivery's id, the same across retries: what a receiver deduplicates by. */
export const DELIVERY_ID_HEADER = 'TG-Webhook-Id';
/** How far a signature's timestamp may be from the receiver's clock, in ms (5 minutes). */
export const DEFAULT_TOLERANCE = 5 * 60 * 1000;

/** Delivery types. */
export const DeliveryType = Object.freeze({
  /** A new version of a record. */
  UPDATED: 'record.updated',
  /** The courier withdrew the record; no record comes with it. */
  WITHDRAWN: 'record.withdrawn',
});

/** Codes of WebhookError, as the errors of gateway/webhook and of the Go SDK's deliveries. */
export const WebhookErrorCode = Object.freeze({
  /** The signature header is not t=…,v1=… (webhook.ErrMalformed). */
  MALFORMED_SIGNATURE: 'malformed_signature',
  /** No v1 signature in the header (webhook.ErrNoSignature). */
  NO_SIGNATURE: 'no_signature',
  /** The timestamp is outside the tolerance: a replay (webhook.ErrTooOld). */
  TOO_OLD: 'signature_too_old',
  /** No signature matches the secrets (webhook.ErrMismatch). */
  MISMATCH: 'signature_mismatch',
  /** The body is not a delivery (client.ErrBadDelivery). */
  BAD_DELIVERY: 'bad_delivery',
  /** A well-formed delivery of a type this client does not know: acknowledge it (client.ErrUnknownDeliveryType). */
  UNKNOWN_TYPE: 'unknown_delivery_type',
  /** The courier withdrew the record: there is no view (client.ErrWithdrawn). */
  WITHDRAWN: 'withdrawn',
  /** The delivery names another locator than the leg's, or the leg holds no record key (client.ErrNotThisLeg). */
  NOT_THIS_LEG: 'not_this_leg',
  /** The record does not open as the leg's, or opens to another parcel: never a view to show (client.ErrBadRecord). */
  BAD_RECORD: 'bad_record',
});

/** An error of verifyWebhook, parseDelivery or openDelivery; `code` is a WebhookErrorCode. */
export class WebhookError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.name = 'WebhookError';
    this.code = code;
  }
}

const encoder = new TextEncoder();

/** @param {string|Uint8Array|ArrayBuffer} body @returns {Uint8Array} */
function bytesOf(body) {
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('body must be a string, a Uint8Array or an ArrayBuffer');
}

/**
 * Checks a TG-Webhook-Signature header against the body as received:
 * its timestamp within tolerance of now, and a v1 signature
 * (HMAC-SHA256 of t "." body) made with one of the secrets (give two
 * during a rollover). Unknown schemes (v2=…) are ignored. Resolves when it
 * verifies; rejects with a WebhookError otherwise. The comparison takes
 * the same time whichever byte differs.
 * @param {string|null|undefined} header
 * @param {string|Uint8Array|ArrayBuffer} body the raw body: verify before parsing it
 * @param {string|string[]} secrets
 * @param {{now?: number|Date, tolerance?: number}} [options] now: the clock (ms since the epoch, default Date.now());
 *   tolerance: ms (default 5 minutes)
 * @returns {Promise<void>}
 */
export async function verifyWebhook(header, body, secrets, options = {}) {
  const data = bytesOf(body);
  let ts = '';
  /** @type {Uint8Array[]} */
  const sigs = [];
  for (const raw of String(header ?? '').split(',')) {
    const part = raw.trim();
    const eq = part.indexOf('=');
    if (eq < 0) throw new WebhookError(WebhookErrorCode.MALFORMED_SIGNATURE, 'webhook: malformed signature header');
    const k = part.slice(0, eq);
    const v = part.slice(eq + 1);
    if (k === 't') {
      if (ts !== '') throw new WebhookError(WebhookErrorCode.MALFORMED_SIGNATURE, 'webhook: malformed signature header: two timestamps');
      ts = v;
    } else if (k === 'v1') {
      if (!/^[0-9a-fA-F]{64}$/.test(v)) throw new WebhookError(WebhookErrorCode.MALFORMED_SIGNATURE, 'webhook: malformed signature header: a v1 signature is not 64 hex digits');
      sigs.push(Uint8Array.from(v.match(/../g) ?? [], (h) => parseInt(h, 16)));
    }
  }
  if (!/^[+-]?[0-9]{1,18}$/.test(ts)) throw new WebhookError(WebhookErrorCode.MALFORMED_SIGNATURE, 'webhook: malformed signature header: no numeric t=');
  if (sigs.length === 0) throw new WebhookError(WebhookErrorCode.NO_SIGNATURE, 'webhook: no valid v1 signature in the header');
  const now = options.now === undefined ? Date.now() : Number(options.now);
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const offset = now - Number(ts) * 1000;
  if (offset > tolerance || offset < -tolerance) {
    throw new WebhookError(WebhookErrorCode.TOO_OLD, `webhook: signature timestamp outside the tolerance: ${Math.round(offset / 1000)}s off`);
  }
  const signed = new Uint8Array(ts.length + 1 + data.length);
  signed.set(encoder.encode(`${ts}.`));
  signed.set(data, ts.length + 1);
  let match = false;
  for (const secret of Array.isArray(secrets) ? secrets : [secrets]) {
    const want = await hmacSHA256(String(secret), signed);
    for (const sig of sigs) match = constantTimeEqual(sig, want) || match; // no early exit
  }
  if (!match) throw new WebhookError(WebhookErrorCode.MISMATCH, 'webhook: no signature matches the secrets');
}

/** @param {string} secret @param {Uint8Array} data @returns {Promise<Uint8Array>} */
async function hmacSHA256(secret, data) {
  const key = await globalThis.crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, data));
}

/**
 * Compares two byte strings in time that depends on their length only.
 * @param {Uint8Array} a @param {Uint8Array} b
 */
export function constantTimeEqual(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * @typedef {object} Delivery the body of one webhook POST
 * @property {string} type a DeliveryType (or one unknown: parseDelivery throws UNKNOWN_TYPE with `delivery` set)
 * @property {string} subscription "sub_…"
 * @property {string} delivery "dlv_…", also in the TG-Webhook-Id header
 * @property {string} locator base64url, the record's
 * @property {number} version the record's version at the gateway, rising
 * @property {import('./derive.js').PublicRecord} [record] for record.updated
 */

const subscriptionId = /^sub_[A-Za-z0-9_-]{16,64}$/;
const deliveryId = /^dlv_[A-Za-z0-9_-]{16,64}$/;
const maxDeliveryBytes = 1 << 20;

/** @param {string} message */
const bad = (message) => new WebhookError(WebhookErrorCode.BAD_DELIVERY, `not a trackgate delivery: ${message}`);

/** @param {unknown} s */
const b64Length = (s) => {
  try {
    return decodeB64(/** @type {string} */ (s)).length;
  } catch {
    return -1;
  }
};

/**
 * Decodes and checks a delivery body: type, ids, locator, version, and a
 * record at the same locator exactly when the type is record.updated. It
 * does not verify the signature: verifyWebhook first.
 * @param {string|Uint8Array|ArrayBuffer} body
 * @returns {Delivery}
 * @throws {WebhookError} BAD_DELIVERY, or UNKNOWN_TYPE (its `delivery` property holds the parsed body)
 */
export function parseDelivery(body) {
  const data = bytesOf(body);
  if (data.length > maxDeliveryBytes) throw bad(`larger than ${maxDeliveryBytes} bytes`);
  let d;
  try {
    d = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    throw bad('not JSON');
  }
  if (d === null || typeof d !== 'object' || Array.isArray(d)) throw bad('not an object');
  if (typeof d.subscription !== 'string' || !subscriptionId.test(d.subscription)) throw bad('no subscription id');
  if (typeof d.delivery !== 'string' || !deliveryId.test(d.delivery)) throw bad('no delivery id');
  if (b64Length(d.locator) !== LOCATOR_SIZE) throw bad(`the locator is not ${LOCATOR_SIZE} bytes`);
  if (!Number.isSafeInteger(d.version) || d.version < 1) throw bad('no version');
  if (d.type === DeliveryType.UPDATED) {
    const r = d.record;
    if (r === null || typeof r !== 'object') throw bad('record.updated without a record');
    if (b64Length(r.nonce) !== 12 || b64Length(r.ciphertext) < 16 || b64Length(r.ciphertext) % 16 !== 0) throw bad('a malformed record');
    if (r.locator !== d.locator) throw bad("the record's locator is not the delivery's");
  } else if (d.type === DeliveryType.WITHDRAWN) {
    if (d.record !== undefined) throw bad('record.withdrawn with a record');
  } else {
    const err = new WebhookError(WebhookErrorCode.UNKNOWN_TYPE, `unknown delivery type ${JSON.stringify(String(d.type)).slice(0, 42)}`);
    /** @type {any} */ (err).delivery = d;
    throw err;
  }
  return d;
}

/**
 * Opens a delivery's record as the leg's: the delivery must name the
 * leg's locator, the record must open with the leg's record key bound to
 * (courier, locator), and the view must name the leg's courier and
 * number (docs/protocol.md §5, §6). Verify the signature first.
 * @param {string|Uint8Array|ArrayBuffer} body
 * @param {import('./result.js').Leg} leg a leg found by track, or restoreLeg's
 * @returns {Promise<import('./view.js').View>}
 * @throws {WebhookError} BAD_DELIVERY, UNKNOWN_TYPE, NOT_THIS_LEG, WITHDRAWN or BAD_RECORD
 */
export async function openDelivery(body, leg) {
  const d = parseDelivery(body);
  const key = leg ? recordKeyOf(leg) : null;
  if (!key || typeof leg.locator !== 'string' || !bytesEqual(decodeB64(leg.locator), decodeB64(d.locator))) {
    throw new WebhookError(WebhookErrorCode.NOT_THIS_LEG, 'the delivery is not for this leg');
  }
  if (d.type === DeliveryType.WITHDRAWN) throw new WebhookError(WebhookErrorCode.WITHDRAWN, 'the courier withdrew the record');
  let json;
  try {
    json = await openPublic(key, leg.courier, /** @type {import('./derive.js').PublicRecord} */ (d.record));
  } catch {
    throw new WebhookError(WebhookErrorCode.BAD_RECORD, "the delivered record does not open as this leg's");
  }
  try {
    return decodeView(json, leg.courier, leg.view.tracking_number);
  } catch (err) {
    throw new WebhookError(WebhookErrorCode.BAD_RECORD, `the delivered record does not open as this leg's: ${/** @type {Error} */ (err).message}`);
  }
}
