// What a lookup found, and the error chosen when it found nothing
// (as gateway/client/result.go).

import { ErrorCode, TrackgateError } from './errors.js';

/** Outcomes of one courier asked, next to the gateway's statuses timeout, unavailable, rate_limited, invalid. */
export const Outcome = Object.freeze({
  FOUND: 'found',
  /** Or the factor is wrong: the same answer by design. */
  NOT_FOUND: 'not_found',
  /** Not found at a courier still publishing its first records (§7.1). */
  STILL_LOADING: 'still_loading',
  /** Skipped: needs a factor and none was given. */
  FACTOR_REQUIRED: 'factor_required',
  /** The evaluation did not verify against the directory key. */
  PROOF_FAILED: 'proof_failed',
  /** A record opened badly or its view named another parcel. */
  REJECTED: 'rejected',
  /** The directory lists no key valid now. */
  NO_KEY: 'no_key',
  /** A handoff to a courier not in the directory. */
  UNKNOWN_COURIER: 'unknown_courier',
  /** A handoff whose number has the wrong shape. */
  INVALID_HANDOFF: 'invalid_handoff',
  /** A handoff that did not fit in the lookup's rounds. */
  NOT_FOLLOWED: 'not_followed',
  /** Not asked: its keys do not verify against the gateway's key log (err.code says how). */
  KEY_LOG_REFUSED: 'key_log_refused',
});

/**
 * Why each courier with Outcome.KEY_LOG_REFUSED in a result was refused,
 * kept apart from the result so that it stays plain data.
 * @type {WeakMap<TrackResult, Map<string, TrackgateError>>}
 */
const refusals = new WeakMap();

/**
 * Reports courier, refused by the key log check, as not asked for tn.
 * @param {TrackResult} result
 * @param {import('./directory.js').CourierInfo} courier
 * @param {string} tn
 */
export function refuse(result, courier, tn) {
  result.couriers.push({ courier: courier.entry.id, trackingNumber: tn, status: Outcome.KEY_LOG_REFUSED });
  const m = refusals.get(result) ?? new Map();
  m.set(courier.entry.id, /** @type {TrackgateError} */ (courier.refused));
  refusals.set(result, m);
}

/**
 * Why the first courier refused by the key log check in result was, or
 * undefined when none was.
 * @param {TrackResult} result
 * @returns {TrackgateError|undefined}
 */
export function keyLogRefusal(result) {
  const o = result.couriers.find((c) => c.status === Outcome.KEY_LOG_REFUSED);
  return o && refusals.get(result)?.get(o.courier);
}

const transientStatuses = new Set(['timeout', 'unavailable', 'rate_limited']);

/**
 * @typedef {object} Leg one courier's view of the parcel
 * @property {string} courier
 * @property {string} courierName
 * @property {number} depth 0 for the number asked, n for the n-th handoff
 * @property {import('./view.js').View} view the tracking view (docs/protocol.md §6)
 * @property {string} locator names the leg's record at the gateway (base64url): what a subscription lists;
 *   the leg's record key, which opens its later versions, is kept apart (recordKeyOf)
 */
/**
 * @typedef {object} CourierOutcome
 * @property {string} courier
 * @property {string} [trackingNumber]
 * @property {string} status an Outcome or a gateway status
 */
/**
 * @typedef {object} TrackResult
 * @property {string} trackingNumber the normalized number asked for
 * @property {Leg[]} legs the number asked first, then handoffs breadth first
 * @property {Array<import('./view.js').ViewEvent & {courier: string}>} timeline every leg's events, oldest first, each with its courier
 * @property {CourierOutcome[]} couriers what became of every courier asked, in order
 */

/**
 * Merges every leg's events, oldest first; equal times keep leg order.
 * @param {Leg[]} legs
 */
export function mergeTimeline(legs) {
  const events = legs.flatMap((l) => (l.view.events ?? []).map((e) => ({ courier: l.courier, ...e })));
  return events
    .map((e, i) => ({ e, i, t: Date.parse(e.time) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.e);
}

/**
 * The error for a lookup that found no leg: a courier's key log failure
 * when one was refused (the gateway shows what it must not), else INCOMPLETE when a courier
 * could not be asked for good, else UNAVAILABLE when one was only
 * unavailable for the moment, else STILL_LOADING when one is still
 * publishing its first records (§11), else NOT_FOUND.
 * @param {TrackResult} result
 * @returns {TrackgateError}
 */
export function nothingFound(result) {
  const refused = keyLogRefusal(result);
  if (refused) return new TrackgateError(refused.code, refused.message, { courier: refused.courier, result });
  const transient = [];
  const broken = [];
  const needFactor = [];
  const loading = [];
  for (const o of result.couriers) {
    if (o.status === Outcome.NOT_FOUND || o.status === Outcome.REJECTED || o.status === Outcome.NOT_FOLLOWED) continue;
    if (o.status === Outcome.STILL_LOADING) {
      if (!loading.includes(o.courier)) loading.push(o.courier);
    } else if (o.status === Outcome.FACTOR_REQUIRED) needFactor.push(o.courier);
    else if (transientStatuses.has(o.status)) transient.push(`${o.courier} (${o.status.replace('_', ' ')})`);
    else broken.push(`${o.courier} ${o.status}`);
  }
  if (broken.length > 0) {
    return new TrackgateError(ErrorCode.INCOMPLETE, `lookup incomplete: some couriers could not be asked (${[...broken, ...transient].join(', ')})`, { result });
  }
  if (transient.length > 0) {
    return new TrackgateError(ErrorCode.UNAVAILABLE, `courier unavailable, try again: ${joinAnd(transient)}`, { result });
  }
  if (loading.length > 0) {
    const who = loading.length === 1 ? `${loading[0]} is still publishing its parcels` : `${joinAnd(loading)} are still publishing their parcels`;
    return new TrackgateError(ErrorCode.STILL_LOADING, `still loading: ${who}, so this one may not show yet; try again in a few minutes`, { result });
  }
  let message = 'parcel not found: no courier has it, or the second factor is wrong (trackgate cannot tell which, by design)';
  if (needFactor.length === 1) message += `; ${needFactor[0]} also matches but needs the last 4 digits of a phone number`;
  if (needFactor.length > 1) message += `; ${joinAnd(needFactor)} also match but need the last 4 digits of a phone number`;
  return new TrackgateError(ErrorCode.NOT_FOUND, message, { result });
}

/** @param {string[]} s */
export function joinAnd(s) {
  return s.length <= 1 ? s.join('') : `${s.slice(0, -1).join(', ')} and ${s[s.length - 1]}`;
}
