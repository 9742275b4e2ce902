// The one-line truth about a parcel across its handoff legs: the port of
// gateway/client/headline.go (Result.Headline), checked against the same
// cases (gateway/client/testdata/display-cases.json). Read the Go file's
// comment for the why of each rule.

/** Headline codes: the statuses of docs/protocol.md §6 and three the status alone hides. */
export const HeadlineCode = Object.freeze({
  PENDING: 'pending',
  INFO_RECEIVED: 'info_received',
  IN_TRANSIT: 'in_transit',
  OUT_FOR_DELIVERY: 'out_for_delivery',
  /** Delivered to a pickup point or locker, not collected yet. */
  AVAILABLE_FOR_PICKUP: 'available_for_pickup',
  ATTEMPT_FAILED: 'attempt_failed',
  DELIVERED: 'delivered',
  EXCEPTION: 'exception',
  EXPIRED: 'expired',
  /** An exception at customs; the parcel waits there. */
  CUSTOMS_HOLD: 'customs_hold',
  /** Refused, uncollected, undeliverable or refused entry, and on its way back. */
  RETURNING_TO_SENDER: 'returning_to_sender',
  /** Back with the sender. */
  RETURNED: 'returned',
});

const H = HeadlineCode;
const taxonomy = new Set(['pending', 'info_received', 'in_transit', 'out_for_delivery', 'available_for_pickup', 'attempt_failed', 'delivered', 'expired']);

/**
 * @typedef {object} Headline
 * @property {string} code a HeadlineCode
 * @property {string} status the deciding leg's status
 * @property {string} substatus the deciding leg's substatus ("" when none)
 * @property {string} courier the deciding leg's courier id
 * @property {string} trackingNumber the deciding leg's number
 * @property {{from: string, to: string}|undefined} eta the deciding leg's window, only while heading to the recipient
 */

/**
 * What the parcel is doing now, across its legs; null when nothing was found.
 * @param {{legs: import('../result.js').Leg[]}} result
 * @returns {Headline|null}
 */
export function headline(result) {
  const legs = result.legs ?? [];
  const lead = decidingLeg(legs);
  if (lead < 0) return null;
  const l = legs[lead];
  const v = l.view;
  const goingBack = legs.some((other) => other.depth < l.depth && returnsParcel(other.view));
  let code = legHeadline(v);
  if (goingBack) {
    if (code === H.DELIVERED || code === H.RETURNED) code = H.RETURNED;
    else if (code !== H.EXCEPTION && code !== H.CUSTOMS_HOLD && code !== H.EXPIRED) code = H.RETURNING_TO_SENDER;
  }
  const headingToRecipient = code === H.INFO_RECEIVED || code === H.IN_TRANSIT || code === H.OUT_FOR_DELIVERY || code === H.ATTEMPT_FAILED;
  return {
    code,
    status: v.status,
    substatus: v.substatus ?? '',
    courier: l.courier,
    trackingNumber: v.tracking_number,
    eta: headingToRecipient && v.eta ? v.eta : undefined,
  };
}

/**
 * The index of the deepest leg with events, the latest among equals; the
 * first leg when none has events; -1 without legs.
 * @param {import('../result.js').Leg[]} legs
 */
function decidingLeg(legs) {
  let best = -1;
  legs.forEach((l, i) => {
    if ((l.view.events ?? []).length === 0) return;
    if (best < 0) {
      best = i;
      return;
    }
    const b = legs[best];
    if (l.depth > b.depth || (l.depth === b.depth && !(lastEvent(l) < lastEvent(b)))) best = i;
  });
  if (best < 0 && legs.length > 0) return 0;
  return best;
}

/** @param {import('../result.js').Leg} l @returns {number} ms since the epoch of its latest event */
export function lastEvent(l) {
  let t = -Infinity;
  for (const e of l.view.events ?? []) t = Math.max(t, Date.parse(e.time));
  return t;
}

/** The headline of one view on its own. @param {import('../view.js').View} v */
function legHeadline(v) {
  const sub = (v.substatus ?? '').toLowerCase();
  switch (v.status) {
    case 'returned':
      // With a handoff: back in its country, another courier takes it home.
      return (v.handoffs ?? []).length > 0 ? H.RETURNING_TO_SENDER : H.RETURNED;
    case 'exception':
      if (returnSubstatus(sub)) return H.RETURNING_TO_SENDER;
      if (sub.includes('customs')) return H.CUSTOMS_HOLD;
      return H.EXCEPTION;
    case 'in_transit':
      if (returnSubstatus(sub)) return H.RETURNING_TO_SENDER;
  }
  return taxonomy.has(v.status) ? v.status : H.EXCEPTION;
}

/** Whether a leg says the parcel is going back to its sender. @param {import('../view.js').View} v */
function returnsParcel(v) {
  return v.status === 'returned' || returnSubstatus((v.substatus ?? '').toLowerCase());
}

/** Whether a lower-case substatus says the parcel goes back. @param {string} sub */
function returnSubstatus(sub) {
  switch (sub) {
    case 'refused':
    case 'refused_by_recipient':
    case 'uncollected':
    case 'customs_refused':
    case 'undeliverable':
      return true;
  }
  return sub.includes('return');
}
