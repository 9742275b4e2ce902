// The shape of a lookup (docs/protocol.md §11), as gateway/client/shape.go.
// The gateway and the couriers see every request, so the requests must
// not depend on the answers: exactly 1 + H rounds, each one element per
// directory courier with a current key (the real query or a dummy) and
// one fetch per element, whatever is found.

import { bytesEqual, decodeB64, encodeB64 } from './b64.js';
import { bucketOf, derive, formatBucket, LOCATOR_SIZE, openPublic } from './derive.js';
import { currentKey } from './directory.js';
import { FACTOR_NONE, normalizeTrackingNumber, oprfInput } from './identifiers.js';
import { keepRecordKey } from './legs.js';
import { Blinding } from './oprf.js';
import { Outcome, refuse } from './result.js';
import { decodeView } from './view.js';

/** At most this many couriers per POST /v1/evaluate (§7.2). */
export const MAX_COURIERS_PER_REQUEST = 16;
/** A dummy's random OPRF input: only its blinding, a fixed-size element, leaves the client. */
const DUMMY_INPUT_SIZE = 32;
const gatewayStatuses = new Set(['timeout', 'unavailable', 'rate_limited', 'invalid']);

/**
 * @typedef {object} Query one (courier, number) to look up
 * @property {import('./directory.js').CourierInfo} courier
 * @property {string} tn
 * @property {string} factor "" for couriers without a second factor
 * @property {number} depth
 */
/**
 * @typedef {Query & {status: string, derived?: import('./derive.js').Derived, view?: import('./view.js').View}} Answer
 */
/**
 * @typedef {object} Slot one element of a round
 * @property {import('./directory.js').CourierInfo} courier
 * @property {import('./directory.js').CourierKey} key
 * @property {Answer|null} real null for a dummy
 * @property {Blinding} [blinding]
 * @property {Uint8Array} [locator] what the slot fetches
 */

/**
 * The transport a lookup uses; the client provides it.
 * @typedef {object} Transport
 * @property {(body: object) => Promise<any>} evaluate POST /v1/evaluate; throws on a transport failure or error answer
 * @property {(kind: 'bucket'|'locator', id: string) => Promise<{records: any[], missing: string[]}>} fetchRecords
 *   GET /v1/buckets/{id} or /v1/records/{id}; throws a TrackgateError GATEWAY on an error answer
 */

/**
 * Builds the query of tn at a courier, or null when it needs a factor and
 * none was given. A factor is never sent where none is asked for.
 * @param {import('./directory.js').CourierInfo} courier
 * @param {string} tn
 * @param {string} factor
 * @param {number} depth
 * @returns {Query|null}
 */
export function newQuery(courier, tn, factor, depth) {
  if (courier.entry.factor === FACTOR_NONE) return { courier, tn, factor: '', depth };
  if (!/^[0-9]{4}$/.test(factor)) return null;
  return { courier, tn, factor, depth };
}

/** @param {Query} q */
const queryKey = (q) => `${q.courier.entry.id}\x00${q.tn}`;

/**
 * Runs the rounds of a lookup and fills result.legs and result.couriers.
 * @param {object} args
 * @param {import('./directory.js').Directory} args.dir
 * @param {Query[]} args.first
 * @param {string} args.factor
 * @param {number} args.handoffDepth H
 * @param {boolean} args.privateFetch
 * @param {number} args.now ms since the epoch
 * @param {Transport} args.transport
 * @param {import('./result.js').TrackResult} args.result
 */
export async function follow({ dir, first, factor, handoffDepth, privateFetch, now, transport, result }) {
  const keyed = [];
  for (const entry of dir.doc.couriers) {
    const courier = /** @type {import('./directory.js').CourierInfo} */ (dir.couriers.get(entry.id));
    const key = currentKey(courier, now);
    if (key) keyed.push({ courier, key });
  }
  const asked = new Set(first.map(queryKey));
  let pending = first;
  for (let round = 0; round <= handoffDepth; round++) {
    const { slots, reals, carried } = planRound(keyed, pending, result);
    for (let i = 0; i < slots.length; i += MAX_COURIERS_PER_REQUEST) {
      await evaluate(slots.slice(i, i + MAX_COURIERS_PER_REQUEST), transport);
    }
    await fetchAll(slots, dir.doc.bucket_bits, privateFetch, transport);
    pending = carried;
    for (const a of reals) {
      result.couriers.push({ courier: a.courier.entry.id, trackingNumber: a.tn, status: a.status });
      if (a.status !== Outcome.FOUND) continue;
      const derived = /** @type {import('./derive.js').Derived} */ (a.derived);
      const leg = {
        courier: a.courier.entry.id, courierName: a.courier.entry.name ?? '', depth: a.depth,
        view: /** @type {import('./view.js').View} */ (a.view), locator: encodeB64(derived.locator),
      };
      keepRecordKey(leg, derived.recordKey);
      result.legs.push(leg);
      for (const h of a.view?.handoffs ?? []) {
        const q = handoffQuery(dir, h, factor, a.depth + 1, result);
        if (!q || asked.has(queryKey(q))) continue;
        asked.add(queryKey(q));
        pending.push(q);
      }
    }
  }
  for (const q of pending) {
    result.couriers.push({ courier: q.courier.entry.id, trackingNumber: q.tn, status: Outcome.NOT_FOLLOWED });
  }
}

/**
 * The query of an onward leg, or null after recording why there is none.
 * @param {import('./directory.js').Directory} dir
 * @param {{courier: string, tracking_number: string}} h
 * @param {string} factor
 * @param {number} depth
 * @param {import('./result.js').TrackResult} result
 * @returns {Query|null}
 */
function handoffQuery(dir, h, factor, depth, result) {
  let tn;
  try {
    tn = normalizeTrackingNumber(h?.tracking_number);
  } catch {
    result.couriers.push({ courier: String(h?.courier ?? ''), status: Outcome.INVALID_HANDOFF });
    return null;
  }
  const courier = dir.couriers.get(h.courier);
  if (!courier) {
    result.couriers.push({ courier: String(h.courier ?? ''), trackingNumber: tn, status: Outcome.UNKNOWN_COURIER });
    return null;
  }
  if (courier.refused) {
    refuse(result, courier, tn);
    return null;
  }
  const q = newQuery(courier, tn, factor, depth);
  if (!q) result.couriers.push({ courier: h.courier, trackingNumber: tn, status: Outcome.FACTOR_REQUIRED });
  return q;
}

/**
 * Gives every keyed courier its slot: its first pending query, else a
 * dummy. Further queries for a courier already served this round are
 * carried over; a query for a courier without a current key is reported.
 * @param {{courier: import('./directory.js').CourierInfo, key: import('./directory.js').CourierKey}[]} keyed
 * @param {Query[]} pending
 * @param {import('./result.js').TrackResult} result
 */
function planRound(keyed, pending, result) {
  const isKeyed = new Set(keyed.map((k) => k.courier));
  /** @type {Map<object, Answer>} */
  const served = new Map();
  /** @type {Answer[]} */
  const reals = [];
  /** @type {Query[]} */
  const carried = [];
  for (const q of pending) {
    if (!isKeyed.has(q.courier)) {
      result.couriers.push({ courier: q.courier.entry.id, trackingNumber: q.tn, status: Outcome.NO_KEY });
    } else if (served.has(q.courier)) {
      carried.push(q);
    } else {
      const a = { ...q, status: '' };
      served.set(q.courier, a);
      reals.push(a);
    }
  }
  /** @type {Slot[]} */
  const slots = keyed.map((k) => ({ courier: k.courier, key: k.key, real: served.get(k.courier) ?? null }));
  return { slots, reals, carried };
}

/**
 * One POST /v1/evaluate for at most 16 slots; verifies every proof. A
 * transport failure or error answer ends the lookup (it throws).
 * @param {Slot[]} slots
 * @param {Transport} transport
 */
async function evaluate(slots, transport) {
  const requests = [];
  for (const s of slots) {
    const x = s.real
      ? oprfInput(s.courier.entry.id, s.real.tn, s.real.factor)
      : globalThis.crypto.getRandomValues(new Uint8Array(DUMMY_INPUT_SIZE));
    s.blinding = await Blinding.blind(s.key.pk, x);
    requests.push({ courier: s.courier.entry.id, kid: s.key.kid, blinded: [s.blinding.blinded] });
  }
  const resp = await transport.evaluate({ requests });
  /** @type {Map<string, any>} */
  const results = new Map();
  for (const r of Array.isArray(resp?.results) ? resp.results : []) {
    if (r && typeof r.courier === 'string' && !results.has(r.courier)) results.set(r.courier, r); // a repeat is ignored
  }
  for (const s of slots) {
    const { status, derived } = await finalize(s, results.get(s.courier.entry.id));
    if (derived) {
      s.locator = derived.locator;
      if (s.real) s.real.derived = derived;
    } else {
      // Nothing to derive: the slot is fetched all the same, at random.
      if (s.real) s.real.status = status;
      s.locator = globalThis.crypto.getRandomValues(new Uint8Array(LOCATOR_SIZE));
    }
  }
}

/**
 * Turns a courier's evaluation result into derived values, or the status
 * that explains why there are none. A dummy's proof is checked like any.
 * @param {Slot} s
 * @param {any} r
 * @returns {Promise<{status: string, derived?: import('./derive.js').Derived}>}
 */
async function finalize(s, r) {
  if (!r) return { status: 'unavailable' }; // the gateway dropped it
  if (r.status !== 'ok') return { status: gatewayStatuses.has(r.status) ? r.status : 'invalid' };
  try {
    if (!Array.isArray(r.evaluated) || r.evaluated.length !== 1) throw new Error('want one evaluated element');
    const y = await /** @type {Blinding} */ (s.blinding).finalize(r.evaluated[0], r.proof);
    return { status: '', derived: await derive(y) };
  } catch {
    return { status: Outcome.PROOF_FAILED };
  }
}

/** @param {Slot} s @returns {Answer|null} the real query still to be opened */
function pendingAnswer(s) {
  return s.real && s.real.status === '' && s.real.derived ? s.real : null;
}

/**
 * Fetches exactly one bucket (or locator) per slot, dummies and duplicates
 * included, all issued together in random order. A gateway error answer
 * marks the slot's query unavailable (rate limited after a 429); a
 * transport error ends the lookup.
 * @param {Slot[]} slots
 * @param {number} bucketBits
 * @param {boolean} privateFetch
 * @param {Transport} transport
 */
async function fetchAll(slots, bucketBits, privateFetch, transport) {
  const order = shuffle(slots.map((_, i) => i));
  await Promise.all(order.map(async (i) => {
    const s = slots[i];
    const locator = /** @type {Uint8Array} */ (s.locator);
    let answer;
    try {
      answer = privateFetch
        ? await transport.fetchRecords('bucket', formatBucket(bucketOf(locator, bucketBits)))
        : await transport.fetchRecords('locator', encodeB64(locator));
    } catch (err) {
      if (/** @type {any} */ (err)?.code !== 'gateway') throw err;
      // A 429 says wait, not that the courier is down (as the Go SDK).
      const a = pendingAnswer(s);
      if (a) a.status = /** @type {any} */ (err).status === 429 ? 'rate_limited' : 'unavailable';
      return;
    }
    const a = pendingAnswer(s);
    if (a) await open(a, answer);
  }));
}

/**
 * Looks among the records of an answer for a's parcel: only records at
 * a's locator, opened with a's key and courier (§5.3). One that does not
 * open is skipped; one that opens to another parcel's view is rejected.
 * When nothing opened and the answer lists a's courier as missing, the
 * outcome is "unavailable", never "not found" (§7.3, §11).
 * @param {Answer} a
 * @param {{records: any[], missing: string[]}} answer
 */
async function open(a, answer) {
  const courier = a.courier.entry.id;
  const derived = /** @type {import('./derive.js').Derived} */ (a.derived);
  let rejected = false;
  for (const r of answer.records) {
    let locator;
    try {
      locator = decodeB64(r?.locator);
    } catch {
      continue;
    }
    if (!bytesEqual(locator, derived.locator)) continue;
    let json;
    try {
      json = await openPublic(derived.recordKey, courier, r);
    } catch {
      continue;
    }
    let view;
    try {
      view = decodeView(json, courier, a.tn);
    } catch {
      rejected = true;
      continue;
    }
    // Several versions may be live at once: the newest view wins.
    if (a.status !== Outcome.FOUND || Date.parse(view.updated_at) > Date.parse(/** @type {import('./view.js').View} */ (a.view).updated_at)) {
      a.status = Outcome.FOUND;
      a.view = view;
    }
  }
  if (a.status === Outcome.FOUND) return;
  if (answer.missing.includes(courier)) a.status = 'unavailable';
  else a.status = rejected ? Outcome.REJECTED : miss(a);
}

/**
 * The outcome of finding nothing: "still loading" at a courier the
 * directory says is still publishing its first records (§7.1), "not
 * found" elsewhere.
 * @param {Answer} a
 */
function miss(a) {
  return a.courier.entry.loading === true ? Outcome.STILL_LOADING : Outcome.NOT_FOUND;
}

/** @template T @param {T[]} a @returns {T[]} a, shuffled in place */
function shuffle(a) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = globalThis.crypto.getRandomValues(new Uint32Array(1))[0] % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
