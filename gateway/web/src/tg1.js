// trackgate's JavaScript tg1 client (docs/protocol.md, revision 2): the
// same lookups and error meanings as the Go SDK (gateway/client). The
// tracking number leaves the client only blinded; every lookup makes the
// same requests whether or not anything is found (§11).
//
//   import { TrackgateClient } from './tg1.js';
//   const client = new TrackgateClient('https://track.example', { apiKey });
//   const result = await client.track('SW100000000001');
//
// A marketplace's server can also subscribe the legs found and receive
// their later versions as signed webhooks (§10, docs/webhooks.md):
// subscribe and the other subscription calls (subscriptions.js), and
// verifyWebhook and openDelivery to receive them (webhook.js).

import { parseDirectory } from './directory.js';
import { detect } from './detect.js';
import { ErrorCode, TrackgateError } from './errors.js';
import { checkCourierId, checkFactor, normalizeTrackingNumber } from './identifiers.js';
import { KeyLogCheck } from './keylog/check.js';
import { follow, newQuery } from './lookup.js';
import { joinAnd, keyLogRefusal, mergeTimeline, nothingFound, Outcome, refuse } from './result.js';
import * as subs from './subscriptions.js';

export { ErrorCode, KEY_LOG_CODES, TrackgateError } from './errors.js';
export { Outcome } from './result.js';
export { normalizeTrackingNumber, oprfInput, checkFactor, checkCourierId } from './identifiers.js';
export { derive, bucketOf, formatBucket, recordAAD, openPublic } from './derive.js';
export { Blinding, SUITE } from './oprf.js';
export { parseDirectory, PROTOCOL, REVISION } from './directory.js';
export { detect, registerChecksum } from './detect.js';
export { decodeView } from './view.js';
export { recordKeyOf, restoreLeg } from './legs.js';
export {
  verifyWebhook, parseDelivery, openDelivery, constantTimeEqual, WebhookError, WebhookErrorCode, DeliveryType,
  SIGNATURE_HEADER, DELIVERY_ID_HEADER, DEFAULT_TOLERANCE,
} from './webhook.js';
export { MAX_SUBSCRIPTION_LOCATORS, MAX_SUBSCRIPTION_PAGE, checkWebhookSecret } from './subscriptions.js';
export { KeyLogVerifier } from './keylog/verifier.js';
export { parseVerifierKey, verifierKey, openNote } from './keylog/note.js';
export { checkRecord, checkTree, recordHash } from './keylog/tlog.js';
export { openKey, openSigningKey, History, checkLive } from './keylog/statement.js';

/** How many onward legs a lookup follows by default: it makes 1 + H rounds, found or not. */
export const DEFAULT_HANDOFF_DEPTH = 2;

/**
 * @typedef {object} ClientOptions
 * @property {string} [apiKey] a tenant's publishable key, sent as TG-Api-Key (§7.6)
 * @property {typeof globalThis.fetch} [fetch] the fetch to use (default globalThis.fetch)
 * @property {number} [handoffDepth] H, the handoffs followed (default 2); every lookup makes 1 + H rounds
 * @property {boolean} [privateFetch] true (default): fetch whole buckets; false: /v1/records/{locator}, faster but the gateway sees the locator
 * @property {() => number} [now] the clock choosing the current key, ms since the epoch
 * @property {import('./keylog/check.js').KeyLogOptions} [keyLog] how the gateway's key log is checked
 *   (§7.8): every directory is; by default the log's key and the couriers' signing keys are pinned on
 *   first sight and what was seen is kept in localStorage under `trackgate:keylog:<gateway origin>`
 */

/**
 * @typedef {object} TrackOptions
 * @property {string} [factor] the last 4 digits of a phone number; only used for couriers that ask for it
 * @property {string} [courier] pin one courier id and skip detection
 */

export class TrackgateClient {
  /**
   * @param {string} gatewayURL e.g. "https://track.example" (the API is under gatewayURL + "/v1")
   * @param {ClientOptions} [options]
   */
  constructor(gatewayURL, options = {}) {
    const base = new URL(gatewayURL);
    if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new TypeError('gateway URL must be http(s)');
    this.base = base.href.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.handoffDepth = options.handoffDepth ?? DEFAULT_HANDOFF_DEPTH;
    if (!Number.isInteger(this.handoffDepth) || this.handoffDepth < 0) throw new TypeError('handoffDepth must be a non-negative integer');
    this.privateFetch = options.privateFetch ?? true;
    this.now = options.now ?? Date.now;
    this.keyLog = new KeyLogCheck(options.keyLog ?? {}, base.origin);
    /** @type {import('./directory.js').Directory|null} */
    this.dir = null;
    /** @type {Promise<unknown>} the directory fetch under way: fetches are checked one after the other */
    this.fetching = Promise.resolve();
  }

  /**
   * The couriers of the last directory whose keys did not verify against
   * the key log, each with why (a TrackgateError with a key log code).
   * track never asks them.
   * @returns {Map<string, TrackgateError>}
   */
  refusedCouriers() {
    const out = new Map();
    for (const [id, info] of this.dir?.couriers ?? []) if (info.refused) out.set(id, info.refused);
    return out;
  }

  /** The ETag of the last directory fetched ("" before the first), for key-consistency checks. */
  get directoryETag() {
    return this.dir?.etag ?? '';
  }

  /**
   * Looks a parcel up and returns every leg found, handoffs included.
   * Bad input (INVALID_TRACKING_NUMBER, INVALID_FACTOR, INVALID_COURIER_ID)
   * is refused before any request. Other errors: NO_CANDIDATE,
   * FACTOR_REQUIRED, NOT_FOUND (or wrong factor: indistinguishable by
   * design), UNAVAILABLE (try again), INCOMPLETE, INVALID_DIRECTORY,
   * GATEWAY, a key log failure (KEY_LOG_FORK, KEY_LOG_ROLLBACK,
   * KEY_NOT_IN_LOG, …: of the directory, or of the courier err.courier
   * names, which was not asked), or a transport error of fetch. With
   * FACTOR_REQUIRED, NOT_FOUND, UNAVAILABLE, INCOMPLETE and a courier's
   * key log failure, err.result says what each courier answered.
   * @param {string} number as the user typed it
   * @param {TrackOptions} [options]
   * @returns {Promise<import('./result.js').TrackResult>}
   */
  async track(number, options = {}) {
    const tn = normalizeTrackingNumber(number);
    const factor = options.factor ?? '';
    if (factor !== '') checkFactor(factor);
    if (options.courier !== undefined && options.courier !== '') checkCourierId(options.courier);

    const dir = await this.directory();
    const couriers = candidates(dir, tn, options.courier);
    /** @type {import('./result.js').TrackResult} */
    const result = { trackingNumber: tn, legs: [], timeline: [], couriers: [] };
    const first = [];
    const needFactor = [];
    for (const c of couriers) {
      if (c.refused) {
        refuse(result, c, tn);
        continue;
      }
      const q = newQuery(c, tn, factor, 0);
      if (q) {
        first.push(q);
      } else {
        needFactor.push(c);
        result.couriers.push({ courier: c.entry.id, trackingNumber: tn, status: Outcome.FACTOR_REQUIRED });
      }
    }
    if (first.length === 0) {
      const refused = keyLogRefusal(result);
      if (refused) throw new TrackgateError(refused.code, refused.message, { courier: refused.courier, result });
      const names = needFactor.map((c) => (c.entry.name ? `${c.entry.name} (${c.entry.id})` : c.entry.id));
      const verb = names.length > 1 ? 'need' : 'needs';
      throw new TrackgateError(ErrorCode.FACTOR_REQUIRED, `a second factor is required: ${joinAnd(names)} ${verb} the last 4 digits of a phone number on the parcel`, { result });
    }
    await follow({
      dir, first, factor, handoffDepth: this.handoffDepth, privateFetch: this.privateFetch,
      now: this.now(), transport: this.transport(), result,
    });
    result.timeline = mergeTimeline(result.legs);
    if (result.legs.length === 0) throw nothingFound(result);
    return result;
  }

  /**
   * The gateway's directory, checked, against the key log too. The first
   * call fetches it; later calls revalidate with If-None-Match and keep
   * the copy on 304. A checkpoint that fails the key log check rejects
   * with its code (KEY_LOG_FORK, …) and the directory is not used; a
   * courier that fails is marked refused (refusedCouriers).
   * @returns {Promise<import('./directory.js').Directory>}
   */
  directory() {
    // One fetch at a time, so that answers are checked in the order the
    // gateway gave them and an older one never looks like a rollback.
    const next = this.fetching.then(() => this.#fetchDirectory(), () => this.#fetchDirectory());
    this.fetching = next.catch(() => {});
    return next;
  }

  async #fetchDirectory() {
    const op = 'GET /v1/couriers';
    const cached = this.dir;
    const resp = await this.fetchImpl(`${this.base}/v1/couriers`, {
      headers: this.headers(cached ? { 'If-None-Match': cached.etag } : {}),
    });
    if (resp.status === 304) {
      if (!cached) throw new TrackgateError(ErrorCode.GATEWAY, `${op}: 304 Not Modified to a request without If-None-Match`, { status: 304 });
      return cached;
    }
    if (resp.status !== 200) throw await gatewayError(op, resp);
    const body = new Uint8Array(await resp.arrayBuffer());
    const dir = await parseDirectory(body, resp.headers.get('ETag'));
    await this.keyLog.check(dir, (old, size) => this.#consistency(old, size), this.now());
    this.dir = dir;
    return dir;
  }

  /** GET /v1/log/consistency: the proof that the log of old entries is a prefix of the log of size. */
  async #consistency(/** @type {number} */ old, /** @type {number} */ size) {
    const op = 'GET /v1/log/consistency';
    const resp = await this.fetchImpl(`${this.base}/v1/log/consistency?old=${old}&new=${size}`, { headers: this.headers() });
    if (resp.status !== 200) throw await gatewayError(op, resp);
    return readJSON(op, resp);
  }

  // Subscriptions (docs/protocol.md §10), for a marketplace's server: each
  // call takes the tenant's secret key (tg1sk_…), sent as Authorization:
  // Bearer and never with the publishable key. Bad arguments reject with a
  // TypeError before any request; the gateway's refusals are TrackgateError
  // GATEWAY with its status. See subscriptions.js.

  /**
   * @param {string} secretKey
   * @param {{locators: Array<string|Uint8Array>, callbackURL: string, secret: string}} request
   *   locators: 1 to 100 distinct (a found leg's `locator`); secret: 32 to 128 printable ASCII characters
   * @returns {Promise<subs.Subscription>}
   */
  subscribe(secretKey, request) { return subs.subscribe(this.#call, secretKey, request); }

  /** @param {string} secretKey @param {string} id @returns {Promise<subs.Subscription>} */
  subscription(secretKey, id) { return subs.subscription(this.#call, secretKey, id); }

  /**
   * @param {string} secretKey @param {{limit?: number, cursor?: string}} [page]
   * @returns {Promise<{subscriptions: subs.Subscription[], next_cursor: string}>}
   */
  subscriptions(secretKey, page) { return subs.subscriptions(this.#call, secretKey, page); }

  /** @param {string} secretKey @param {string} id @returns {Promise<void>} */
  deleteSubscription(secretKey, id) { return subs.deleteSubscription(this.#call, secretKey, id); }

  /** @param {string} secretKey @param {string} id @param {string} secret @returns {Promise<subs.Subscription>} */
  rotateSubscriptionSecret(secretKey, id, secret) { return subs.rotateSubscriptionSecret(this.#call, secretKey, id, secret); }

  /** @param {string} secretKey @param {string} id @returns {Promise<subs.DeadLetter[]>} */
  deadLetters(secretKey, id) { return subs.deadLetters(this.#call, secretKey, id); }

  /** @param {string} secretKey @param {string} id @param {string[]} [ids] all when empty @returns {Promise<number>} */
  replayDeadLetters(secretKey, id, ids) { return subs.replayDeadLetters(this.#call, secretKey, id, ids); }

  /** @type {subs.Call} */
  #call = async (secretKey, method, op, path, body, ok) => {
    /** @type {Record<string, string>} */
    const headers = { Accept: 'application/json', Authorization: `Bearer ${secretKey}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const resp = await this.fetchImpl(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (resp.status !== ok) throw await gatewayError(op, resp);
    if (resp.status === 204) return null;
    return readJSON(op, resp);
  };

  /** @param {Record<string, string>} extra */
  headers(extra = {}) {
    /** @type {Record<string, string>} */
    const h = { Accept: 'application/json', ...extra };
    if (this.apiKey) h['TG-Api-Key'] = this.apiKey;
    return h;
  }

  /** @returns {import('./lookup.js').Transport} */
  transport() {
    return {
      evaluate: async (body) => {
        const op = 'POST /v1/evaluate';
        const resp = await this.fetchImpl(`${this.base}/v1/evaluate`, {
          method: 'POST',
          headers: this.headers({ 'Content-Type': 'application/json' }),
          body: JSON.stringify(body),
        });
        if (resp.status !== 200) throw await gatewayError(op, resp);
        return readJSON(op, resp);
      },
      fetchRecords: async (kind, id) => {
        const op = kind === 'bucket' ? 'GET /v1/buckets' : 'GET /v1/records';
        const resp = await this.fetchImpl(`${this.base}/v1/${kind === 'bucket' ? 'buckets' : 'records'}/${id}`, { headers: this.headers() });
        if (kind === 'locator' && resp.status === 404) return { records: [], missing: [] };
        if (resp.status !== 200) throw await gatewayError(op, resp);
        const answer = await readJSON(op, resp);
        if (!Array.isArray(answer?.records) || !Array.isArray(answer?.missing)) {
          throw new TrackgateError(ErrorCode.GATEWAY, `${op}: gateway error: answer is not a record list`, { status: 200 });
        }
        return answer;
      },
    };
  }
}

/**
 * The couriers to ask: the pinned one, or those detected.
 * @param {import('./directory.js').Directory} dir
 * @param {string} tn
 * @param {string} [pinned]
 */
function candidates(dir, tn, pinned) {
  if (pinned) {
    const c = dir.couriers.get(pinned);
    if (!c) throw new TrackgateError(ErrorCode.NO_CANDIDATE, `no courier in the gateway's directory matches this tracking number: courier ${pinned} is not in the directory`);
    return [c];
  }
  const found = detect(dir.doc, tn);
  if (found.length === 0) throw new TrackgateError(ErrorCode.NO_CANDIDATE, "no courier in the gateway's directory matches this tracking number; pin a courier if you know it");
  return found.map((f) => /** @type {import('./directory.js').CourierInfo} */ (dir.couriers.get(f.courier.id)));
}

/** @param {string} op @param {Response} resp */
async function readJSON(op, resp) {
  try {
    return await resp.json();
  } catch {
    throw new TrackgateError(ErrorCode.GATEWAY, `${op}: gateway error: answer is not JSON`, { status: resp.status });
  }
}

/**
 * A non-2xx answer as a TrackgateError GATEWAY, with the problem+json
 * detail cut short and stripped of control characters.
 * @param {string} op
 * @param {Response} resp
 */
async function gatewayError(op, resp) {
  let detail = '';
  try {
    const p = await resp.json();
    detail = printable(String(p?.detail || p?.title || ''), 300);
  } catch {
    // no problem+json body
  }
  return new TrackgateError(ErrorCode.GATEWAY, `${op}: gateway answered ${resp.status}${detail ? `: ${detail}` : ''}`, {
    status: resp.status,
    retryAfter: printable(resp.headers.get('Retry-After') ?? '', 32),
  });
}

/** @param {string} s @param {number} max */
function printable(s, max) {
  const clean = s.replace(/[\p{Cc}\p{Cf}\uFFFD]/gu, ' ').trim();
  const chars = Array.from(clean);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : clean;
}
