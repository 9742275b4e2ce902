// The progress bar's stages: label created → in transit → out for
// delivery → delivered (or ready for pickup, or back with the sender),
// and the tone that styles the bar and the headline.

import { HeadlineCode as H } from './headline.js';

/**
 * Tones: active (on its way), success (arrived), warning (held or a
 * failed attempt), danger (a delivery problem), returning (going back),
 * muted (tracking closed).
 * @typedef {'active'|'success'|'warning'|'danger'|'returning'|'muted'} Tone
 */

/**
 * @typedef {object} Progress
 * @property {number} step the stage reached, 0 to 3
 * @property {string[]} stages the four stage keys of the widget's labels
 * @property {Tone} tone
 */

/** The stage each event status shows the parcel reached. */
const statusStage = /** @type {Record<string, number>} */ ({
  pending: 0, info_received: 0, in_transit: 1, out_for_delivery: 2, attempt_failed: 2,
  available_for_pickup: 3, delivered: 3,
});

/** @type {Record<string, {step: number|null, tone: Tone}>} null: as far as the events went, short of the end */
const byHeadline = {
  [H.PENDING]: { step: 0, tone: 'active' },
  [H.INFO_RECEIVED]: { step: 0, tone: 'active' },
  [H.IN_TRANSIT]: { step: 1, tone: 'active' },
  [H.OUT_FOR_DELIVERY]: { step: 2, tone: 'active' },
  [H.ATTEMPT_FAILED]: { step: 2, tone: 'warning' },
  [H.AVAILABLE_FOR_PICKUP]: { step: 3, tone: 'success' },
  [H.DELIVERED]: { step: 3, tone: 'success' },
  [H.EXCEPTION]: { step: null, tone: 'danger' },
  [H.CUSTOMS_HOLD]: { step: null, tone: 'warning' },
  [H.EXPIRED]: { step: null, tone: 'muted' },
  [H.RETURNING_TO_SENDER]: { step: null, tone: 'returning' },
  [H.RETURNED]: { step: 3, tone: 'returning' },
};

/**
 * The progress of a parcel whose headline is code. For a parcel held, in
 * trouble or turned back, the bar stops at the furthest stage its events
 * reached (never the last: it has not arrived).
 * @param {string} code a HeadlineCode
 * @param {string[]} statuses the statuses of every event, any leg, any order
 * @returns {Progress}
 */
export function progressOf(code, statuses) {
  const rule = byHeadline[code] ?? { step: null, tone: 'danger' };
  let step = rule.step;
  if (step === null) {
    step = Math.min(2, Math.max(0, ...statuses.map((s) => statusStage[s] ?? 0)));
  }
  const last = code === H.AVAILABLE_FOR_PICKUP ? 'stage_ready_for_pickup' : code === H.RETURNED ? 'stage_returned' : 'stage_delivered';
  return { step, stages: ['stage_label_created', 'stage_in_transit', 'stage_out_for_delivery', last], tone: rule.tone };
}

/** The bar's fill and aria-valuenow, in percent. @param {Progress} p */
export function percent(p) {
  return Math.round((p.step / (p.stages.length - 1)) * 100);
}
