// What a result looks like on screen, as plain data: the headline, the
// progress, the delivery window and the merged timeline in one language.
// render.js turns it into elements; keeping this free of the DOM lets
// node test it.

import { description } from './language.js';
import { headline, lastEvent } from './headline.js';
import { hasText, text } from './labels.js';
import { progressOf } from './progress.js';
import { formatETA, formatEventTime, formatPlace } from './format.js';

/**
 * @typedef {object} EventItem
 * @property {'event'} kind
 * @property {string} datetime the event's RFC 3339 time
 * @property {string} date
 * @property {string} time
 * @property {string} status
 * @property {string} statusLabel
 * @property {string} description in the chosen language
 * @property {string} place
 * @property {string} courier the courier's name, when the parcel had several legs ("" otherwise)
 */
/**
 * @typedef {object} HandoffItem
 * @property {'handoff'} kind
 * @property {string} text "handed off to X as Y"
 */
/**
 * @typedef {object} ResultModel
 * @property {import('./headline.js').Headline} headline
 * @property {string} parcel "Swift Express · SW100000000001", the number asked for
 * @property {string} title the headline's label
 * @property {string} reason why, when the substatus says ("" otherwise)
 * @property {string} onward "Latest from X, tracking number Y" when an onward leg decided ("" otherwise)
 * @property {import('./progress.js').Progress} progress
 * @property {string[]} stageLabels the progress's stages in lang
 * @property {string} progressText the stage reached, for aria-valuetext
 * @property {string} eta the delivery window ("" when none)
 * @property {Array<EventItem|HandoffItem>} items newest first
 */

/**
 * @param {import('../result.js').TrackResult} result
 * @param {import('./labels.js').Lang} lang
 * @param {{courierName?: (id: string) => string, timeZone?: string, now?: number}} [opts]
 *   courierName names couriers found in no leg (a handoff not followed); ids otherwise
 * @returns {ResultModel|null} null when nothing was found
 */
export function resultModel(result, lang, opts = {}) {
  const h = headline(result);
  if (!h) return null;
  const names = new Map(result.legs.map((l) => [l.courier, l.courierName || '']));
  const nameOf = (/** @type {string} */ id) => names.get(id) || opts.courierName?.(id) || id;
  const fmt = { timeZone: opts.timeZone, now: opts.now };

  const statuses = result.legs.flatMap((l) => (l.view.events ?? []).map((e) => e.status));
  const progress = progressOf(h.code, statuses);
  const step = progress.step + 1;
  const first = result.legs[0];
  return {
    headline: h,
    parcel: text('widget', 'parcel', lang, { courier: nameOf(first.courier), number: result.trackingNumber }),
    title: text('headline', h.code, lang),
    reason: hasText('reason', h.substatus) ? text('reason', h.substatus, lang) : '',
    onward: h.trackingNumber !== result.trackingNumber
      ? text('widget', 'onward_leg', lang, { courier: nameOf(h.courier), number: h.trackingNumber })
      : '',
    progress,
    stageLabels: progress.stages.map((key) => text('widget', key, lang)),
    progressText: text('widget', 'progress_value', lang, {
      stage: text('widget', progress.stages[progress.step], lang), step: String(step), steps: String(progress.stages.length),
    }),
    eta: h.eta ? formatETA(h.eta, lang, fmt) : '',
    items: timeline(result, lang, nameOf, fmt),
  };
}

/**
 * Every leg's events and a marker where a leg handed the parcel on (after
 * that leg's last event, before the next leg's at the same time), newest
 * first.
 * @param {import('../result.js').TrackResult} result
 * @param {import('./labels.js').Lang} lang
 * @param {(id: string) => string} nameOf
 * @param {import('./format.js').FormatOptions} fmt
 * @returns {Array<EventItem|HandoffItem>}
 */
function timeline(result, lang, nameOf, fmt) {
  const several = result.legs.length > 1;
  // order: a leg's events, then its handoff marker, then the next leg's events.
  /** @type {{t: number, order: number, seq: number, item: EventItem|HandoffItem}[]} */
  const rows = [];
  result.legs.forEach((leg, li) => {
    for (const e of leg.view.events ?? []) {
      const { date, time } = formatEventTime(e.time, lang, fmt);
      rows.push({
        t: Date.parse(e.time), order: 2 * li, seq: rows.length,
        item: {
          kind: 'event', datetime: e.time, date, time, status: e.status,
          statusLabel: hasText('status', e.status) ? text('status', e.status, lang) : e.status.replaceAll('_', ' '),
          description: description(e.description ?? '', lang),
          place: formatPlace(e.location, lang),
          courier: several ? nameOf(leg.courier) : '',
        },
      });
    }
    for (const h of leg.view.handoffs ?? []) {
      rows.push({
        t: lastEvent(leg), order: 2 * li + 1, seq: rows.length,
        item: { kind: 'handoff', text: text('timeline', 'handed_off', lang, { courier: nameOf(h.courier), number: h.tracking_number }) },
      });
    }
  });
  rows.sort((a, b) => a.t - b.t || a.order - b.order || a.seq - b.seq);
  return rows.reverse().map((r) => r.item);
}

/**
 * What a refreshed result changes on screen: anything at all (then it is
 * redrawn and trackgate:update fires), and the headline in particular
 * (then the live region says it again).
 * @param {ResultModel|null} before
 * @param {ResultModel} after
 * @returns {{changed: boolean, headlineChanged: boolean}}
 */
export function modelChange(before, after) {
  if (!before) return { changed: true, headlineChanged: true };
  const line = (/** @type {ResultModel} */ m) => JSON.stringify([m.headline.code, m.title, m.reason, m.onward, m.eta]);
  return { changed: JSON.stringify(before) !== JSON.stringify(after), headlineChanged: line(before) !== line(after) };
}
