// Subscriptions (docs/protocol.md §10), as gateway/client/subscriptions.go:
// a marketplace's *server* asks the gateway to POST every new version of
// some records to its callback URL, signed with a secret it chose. These
// routes take a tenant's secret key (tg1sk_…, as Authorization: Bearer),
// never the publishable key: they are for servers, never pages. Objects
// are returned as the gateway writes them (snake_case).

import { decodeB64, encodeB64 } from './b64.js';
import { LOCATOR_SIZE } from './derive.js';

/** At most this many locators per subscription, and subscriptions per page. */
export const MAX_SUBSCRIPTION_LOCATORS = 100;
export const MAX_SUBSCRIPTION_PAGE = 100;

const secretKeyPattern = /^tg1sk_[A-Za-z0-9_-]{43}$/;
const subscriptionId = /^sub_[A-Za-z0-9_-]{16,64}$/;
const deliveryId = /^dlv_[A-Za-z0-9_-]{16,64}$/;

/**
 * @typedef {object} Subscription
 * @property {string} id "sub_…"
 * @property {string[]} locators base64url
 * @property {string} callback_url
 * @property {'active'|'ended'} state
 * @property {string} created_at RFC 3339
 * @property {string} expires_at RFC 3339, 90 days after created_at
 * @property {'expired'|'deleted'} [ended_reason]
 * @property {{delivered: number, pending: number, dead: number}} counts
 */
/**
 * @typedef {object} DeadLetter a delivery given up on after a day of retries
 * @property {string} id "dlv_…", the TG-Webhook-Id it was sent with
 * @property {string} locator
 * @property {number} version
 * @property {number} attempts
 * @property {string} first_attempt_at
 * @property {string} last_attempt_at
 * @property {string} last_error "HTTP 500", "timeout", "connection refused", "address not allowed", "redirect not followed"
 */

/**
 * The calls of the subscription API. `call` sends one request with the
 * secret key and returns the decoded answer (null for 204); it throws a
 * TrackgateError GATEWAY on any other status than `ok`.
 * @typedef {(secretKey: string, method: string, op: string, path: string, body: object|undefined, ok: number) => Promise<any>} Call
 */

/** @param {string} key */
function checkSecretKey(key) {
  if (typeof key !== 'string' || !secretKeyPattern.test(key)) {
    throw new TypeError('a tenant secret key (tg1sk_ and 43 base64url characters) is needed');
  }
}

/** @param {string} id */
function checkId(id) {
  if (typeof id !== 'string' || !subscriptionId.test(id)) throw new TypeError('not a subscription id (sub_…)');
  return id;
}

/** @param {string} secret 32 to 128 printable ASCII characters without spaces (webhook.CheckSecret) */
export function checkWebhookSecret(secret) {
  if (typeof secret !== 'string' || !/^[\x21-\x7e]{32,128}$/.test(secret)) {
    throw new TypeError('a webhook secret must be 32 to 128 printable ASCII characters without spaces');
  }
}

/** @param {string} url */
function checkCallbackURL(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError('the callback URL is not a URL');
  }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || !u.hostname) throw new TypeError('the callback URL must be https:// with a host');
  if (u.username || u.password) throw new TypeError('the callback URL must not carry credentials');
  if (String(url).includes('#')) throw new TypeError('the callback URL must not have a fragment');
}

/**
 * Asks the gateway to deliver every new version of the records at
 * locators (1 to 100 distinct; a found leg's `locator`) to callbackURL,
 * signed with secret. The gateway refuses callbacks over http or on
 * private addresses unless its operator allows them (422).
 * @param {Call} call
 * @param {string} secretKey
 * @param {{locators: Array<string|Uint8Array>, callbackURL: string, secret: string}} request
 * @returns {Promise<Subscription>}
 */
export async function subscribe(call, secretKey, { locators, callbackURL, secret }) {
  checkSecretKey(secretKey);
  if (!Array.isArray(locators) || locators.length === 0 || locators.length > MAX_SUBSCRIPTION_LOCATORS) {
    throw new TypeError(`a subscription names 1 to ${MAX_SUBSCRIPTION_LOCATORS} locators`);
  }
  const encoded = locators.map((l) => {
    let bytes;
    try {
      bytes = typeof l === 'string' ? decodeB64(l) : l;
    } catch {
      bytes = null;
    }
    if (!(bytes instanceof Uint8Array) || bytes.length !== LOCATOR_SIZE) throw new TypeError(`a locator is ${LOCATOR_SIZE} bytes of base64url`);
    return encodeB64(bytes);
  });
  if (new Set(encoded).size !== encoded.length) throw new TypeError('a locator is listed twice');
  checkCallbackURL(callbackURL);
  checkWebhookSecret(secret);
  return call(secretKey, 'POST', 'POST /v1/subscriptions', '/v1/subscriptions', { locators: encoded, callback_url: callbackURL, secret }, 201);
}

/**
 * One of the tenant's subscriptions; another tenant's is a 404 (TrackgateError GATEWAY, status 404).
 * @param {Call} call
 * @param {string} secretKey @param {string} id
 * @returns {Promise<Subscription>}
 */
export async function subscription(call, secretKey, id) {
  checkSecretKey(secretKey);
  return call(secretKey, 'GET', 'GET /v1/subscriptions/{id}', `/v1/subscriptions/${checkId(id)}`, undefined, 200);
}

/**
 * A page of the tenant's subscriptions.
 * @param {Call} call
 * @param {string} secretKey
 * @param {{limit?: number, cursor?: string}} [page] limit 1..100 (default: the gateway's); cursor: the previous page's next_cursor
 * @returns {Promise<{subscriptions: Subscription[], next_cursor: string}>}
 */
export async function subscriptions(call, secretKey, { limit, cursor } = {}) {
  checkSecretKey(secretKey);
  const q = new URLSearchParams();
  if (limit !== undefined) {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SUBSCRIPTION_PAGE) throw new TypeError(`limit must be 1 to ${MAX_SUBSCRIPTION_PAGE}`);
    q.set('limit', String(limit));
  }
  if (cursor) q.set('cursor', cursor);
  const query = q.toString();
  return call(secretKey, 'GET', 'GET /v1/subscriptions', `/v1/subscriptions${query ? `?${query}` : ''}`, undefined, 200);
}

/**
 * Ends a subscription; its pending deliveries are dropped.
 * @param {Call} call
 * @param {string} secretKey @param {string} id
 * @returns {Promise<void>}
 */
export async function deleteSubscription(call, secretKey, id) {
  checkSecretKey(secretKey);
  await call(secretKey, 'DELETE', 'DELETE /v1/subscriptions/{id}', `/v1/subscriptions/${checkId(id)}`, undefined, 204);
}

/**
 * Makes secret the signing secret; the previous one also signs for 24 hours.
 * @param {Call} call
 * @param {string} secretKey @param {string} id @param {string} secret
 * @returns {Promise<Subscription>}
 */
export async function rotateSubscriptionSecret(call, secretKey, id, secret) {
  checkSecretKey(secretKey);
  checkWebhookSecret(secret);
  return call(secretKey, 'POST', 'POST /v1/subscriptions/{id}/secret', `/v1/subscriptions/${checkId(id)}/secret`, { secret }, 200);
}

/**
 * The subscription's dead letters (kept 30 days).
 * @param {Call} call
 * @param {string} secretKey @param {string} id
 * @returns {Promise<DeadLetter[]>}
 */
export async function deadLetters(call, secretKey, id) {
  checkSecretKey(secretKey);
  const answer = await call(secretKey, 'GET', 'GET /v1/subscriptions/{id}/dead-letters', `/v1/subscriptions/${checkId(id)}/dead-letters`, undefined, 200);
  return Array.isArray(answer?.dead_letters) ? answer.dead_letters : [];
}

/**
 * Sends dead letters again: those named, or all when ids is empty.
 * @param {Call} call
 * @param {string} secretKey @param {string} id @param {string[]} [ids]
 * @returns {Promise<number>} how many the gateway queued
 */
export async function replayDeadLetters(call, secretKey, id, ids = []) {
  checkSecretKey(secretKey);
  for (const d of ids) if (typeof d !== 'string' || !deliveryId.test(d)) throw new TypeError('not a delivery id (dlv_…)');
  const answer = await call(secretKey, 'POST', 'POST /v1/subscriptions/{id}/dead-letters/replay', `/v1/subscriptions/${checkId(id)}/dead-letters/replay`, ids.length ? { ids } : {}, 202);
  return Number(answer?.replayed ?? 0);
}
