// The widget's logic that runs without a DOM: states from the client's
// errors, progress stages, dates and places in both languages, when to
// ask for the phone digits, and the result as shown.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, KEY_LOG_CODES, TrackgateError } from '../src/tg1.js';
import { State, stateForError, titleKey } from '../src/widget/states.js';
import { progressOf, percent } from '../src/widget/progress.js';
import { formatETA, formatEventTime, formatPlace } from '../src/widget/format.js';
import { needsFactor } from '../src/widget/factor.js';
import { s10 } from '../src/widget/checksums.js';
import { resolveLang } from '../src/widget/labels.js';
import { resultModel } from '../src/widget/model.js';
import { HeadlineCode } from '../src/widget/headline.js';
import { handedOffParcel } from './parcels.js';

test('every client error maps to a state, never to the client\'s own text', () => {
  const cases = [
    [new TrackgateError(ErrorCode.INVALID_TRACKING_NUMBER, 'x'), State.INVALID, 'number', 'error_number_invalid'],
    [new TrackgateError(ErrorCode.NO_CANDIDATE, 'x'), State.INVALID, 'number', 'error_number_unknown'],
    [new TrackgateError(ErrorCode.INVALID_FACTOR, 'x'), State.INVALID, 'factor', 'error_factor_invalid'],
    [new TrackgateError(ErrorCode.FACTOR_REQUIRED, 'x'), State.INVALID, 'factor', 'error_factor_required'],
    [new TrackgateError(ErrorCode.NOT_FOUND, 'x'), State.NOT_FOUND, undefined, 'state_not_found'],
    [new TrackgateError(ErrorCode.UNAVAILABLE, 'x'), State.UNAVAILABLE, undefined, 'state_unavailable'],
    [new TrackgateError(ErrorCode.UNAVAILABLE, 'x', { result: { couriers: [{ courier: 'a', status: 'unavailable' }, { courier: 'b', status: 'rate_limited' }] } }), State.RATE_LIMITED, undefined, 'state_rate_limited'],
    [new TrackgateError(ErrorCode.INCOMPLETE, 'x'), State.UNAVAILABLE, undefined, 'state_unavailable'],
    [new TrackgateError(ErrorCode.STILL_LOADING, 'x'), State.STILL_LOADING, undefined, 'state_still_loading'],
    [new TrackgateError(ErrorCode.GATEWAY, 'x', { status: 429, retryAfter: '5' }), State.RATE_LIMITED, undefined, 'state_rate_limited'],
    [new TrackgateError(ErrorCode.GATEWAY, 'x', { status: 500 }), State.ERROR, undefined, 'state_error'],
    [new TrackgateError(ErrorCode.GATEWAY, 'x', { status: 403 }), State.ERROR, undefined, 'state_error'],
    [new TrackgateError(ErrorCode.INVALID_DIRECTORY, 'x'), State.ERROR, undefined, 'state_error'],
    [new TrackgateError(ErrorCode.INVALID_COURIER_ID, 'x'), State.ERROR, undefined, 'state_error'],
    ...KEY_LOG_CODES.map((code) => [new TrackgateError(code, 'x'), State.KEY_LOG, undefined, 'state_key_log']),
    [new TrackgateError(ErrorCode.KEY_NOT_IN_LOG, 'x', { courier: 'sim-east' }), State.KEY_LOG, undefined, 'state_key_log'],
    [new TypeError('Failed to fetch'), State.ERROR, undefined, 'state_error'],
    [undefined, State.ERROR, undefined, 'state_error'],
  ];
  for (const [err, state, field, message] of cases) {
    const got = stateForError(err);
    assert.equal(got.state, state, `${err?.code ?? err}`);
    assert.equal(got.field, field, `${err?.code ?? err}: field`);
    assert.equal(got.message, message, `${err?.code ?? err}: message`);
    assert.equal(got.code, err instanceof TrackgateError ? err.code : 'network');
  }
  const covered = new Set(cases.map(([err]) => err?.code).filter(Boolean));
  for (const code of Object.values(ErrorCode)) assert.ok(covered.has(code), `${code} has no case`);
  assert.equal(titleKey(State.NOT_FOUND), 'state_not_found_title');
  assert.equal(titleKey(State.STILL_LOADING), 'state_still_loading_title');
  assert.equal(titleKey(State.KEY_LOG), 'state_key_log_title');
  assert.equal(titleKey(State.INVALID), null);
});

test('State values are the data-state values, each distinct', () => {
  assert.deepEqual(Object.values(State).sort(), ['error', 'idle', 'invalid', 'key-log', 'loading', 'not-found', 'rate-limited', 'result', 'still-loading', 'unavailable']);
});

test('progress stages follow the headline, and stop short when the parcel is held or turned back', () => {
  const journey = ['info_received', 'in_transit', 'out_for_delivery'];
  const cases = [
    [HeadlineCode.PENDING, [], 0, 'active', 'stage_delivered'],
    [HeadlineCode.INFO_RECEIVED, ['info_received'], 0, 'active', 'stage_delivered'],
    [HeadlineCode.IN_TRANSIT, ['info_received', 'in_transit'], 1, 'active', 'stage_delivered'],
    [HeadlineCode.OUT_FOR_DELIVERY, journey, 2, 'active', 'stage_delivered'],
    [HeadlineCode.ATTEMPT_FAILED, [...journey, 'attempt_failed'], 2, 'warning', 'stage_delivered'],
    [HeadlineCode.DELIVERED, [...journey, 'delivered'], 3, 'success', 'stage_delivered'],
    [HeadlineCode.AVAILABLE_FOR_PICKUP, ['in_transit', 'available_for_pickup'], 3, 'success', 'stage_ready_for_pickup'],
    [HeadlineCode.CUSTOMS_HOLD, ['info_received', 'in_transit', 'exception'], 1, 'warning', 'stage_delivered'],
    [HeadlineCode.EXCEPTION, [...journey, 'exception'], 2, 'danger', 'stage_delivered'],
    [HeadlineCode.EXCEPTION, ['exception'], 0, 'danger', 'stage_delivered'],
    [HeadlineCode.EXPIRED, ['info_received', 'expired'], 0, 'muted', 'stage_delivered'],
    [HeadlineCode.RETURNING_TO_SENDER, [...journey, 'exception', 'in_transit'], 2, 'returning', 'stage_delivered'],
    // A return leg's "delivered" is the sender's: never the last stage while returning.
    [HeadlineCode.RETURNING_TO_SENDER, ['in_transit', 'delivered'], 2, 'returning', 'stage_delivered'],
    [HeadlineCode.RETURNED, ['in_transit', 'returned'], 3, 'returning', 'stage_returned'],
  ];
  for (const [code, statuses, step, tone, last] of cases) {
    const p = progressOf(code, statuses);
    assert.equal(p.step, step, `${code} ${statuses}: step`);
    assert.equal(p.tone, tone, `${code}: tone`);
    assert.deepEqual(p.stages, ['stage_label_created', 'stage_in_transit', 'stage_out_for_delivery', last]);
  }
  assert.deepEqual([0, 1, 2, 3].map((step) => percent({ step, stages: ['a', 'b', 'c', 'd'], tone: 'active' })), [0, 33, 67, 100]);
});

test('event times in either language, in the zone asked, the year only when it is not this one', () => {
  const now = Date.parse('2026-12-01T00:00:00Z');
  const iso = '2026-11-20T09:05:00+08:00';
  assert.deepEqual(formatEventTime(iso, 'en', { timeZone: 'Asia/Shanghai', now }), { date: 'Nov 20', time: '9:05 AM' });
  assert.deepEqual(formatEventTime(iso, 'zh-CN', { timeZone: 'Asia/Shanghai', now }), { date: '11月20日', time: '09:05' });
  assert.deepEqual(formatEventTime(iso, 'en', { timeZone: 'Europe/Berlin', now }), { date: 'Nov 20', time: '2:05 AM' });
  assert.deepEqual(formatEventTime(iso, 'en', { timeZone: 'UTC', now: Date.parse('2027-02-01T00:00:00Z') }), { date: 'Nov 20, 2026', time: '1:05 AM' });
  assert.deepEqual(formatEventTime(iso, 'zh-CN', { timeZone: 'UTC', now: Date.parse('2027-02-01T00:00:00Z') }), { date: '2026年11月20日', time: '01:05' });
  assert.deepEqual(formatEventTime('not a time', 'en'), { date: '', time: '' });
});

test('delivery windows in either language', () => {
  const sameDay = { from: '2026-11-23T17:00:00+08:00', to: '2026-11-23T21:00:00+08:00' };
  const opts = { timeZone: 'Asia/Shanghai' };
  assert.equal(norm(formatETA(sameDay, 'en', opts)), 'Mon, Nov 23, 5:00 – 9:00 PM');
  assert.equal(norm(formatETA(sameDay, 'zh-CN', opts)), '11月23日周一 17:00–21:00');
  const days = { from: '2026-11-23T09:00:00+08:00', to: '2026-11-25T18:00:00+08:00' };
  assert.equal(norm(formatETA(days, 'en', opts)), 'Mon, Nov 23, 9:00 AM – Wed, Nov 25, 6:00 PM');
  assert.equal(formatETA(days, 'zh-CN', opts), '11月23日周一 09:00 – 11月25日周三 18:00');
  assert.equal(formatETA({ from: sameDay.from, to: sameDay.from }, 'zh-CN', opts), '11月23日周一 17:00');
  assert.equal(norm(formatETA({ from: sameDay.from, to: sameDay.from }, 'en', opts)), 'Mon, Nov 23, 5:00 PM');
  assert.equal(formatETA({ from: 'x', to: 'y' }, 'en'), '');
});

/** Intl puts thin and narrow no-break spaces around ranges and before AM/PM. @param {string} s */
function norm(s) {
  return s.replace(/[\u2009\u202f]/g, ' ');
}

test('places name the country in the chosen language', () => {
  assert.equal(formatPlace({ city: 'Shenzhen', region: 'Guangdong', country: 'CN' }, 'en'), 'Shenzhen, Guangdong, China');
  assert.equal(formatPlace({ city: 'Frankfurt', country: 'DE' }, 'zh-CN'), 'Frankfurt, 德国');
  assert.equal(formatPlace({ city: 'Nowhere', country: 'not a code' }, 'en'), 'Nowhere, not a code');
  assert.equal(formatPlace(undefined, 'en'), '');
});

test('the language: the attribute when it names one, else the browser\'s Chinese, else English', () => {
  assert.equal(resolveLang('zh-CN', 'en-US'), 'zh-CN');
  assert.equal(resolveLang('zh', 'en-US'), 'zh-CN');
  assert.equal(resolveLang('en', 'zh-CN'), 'en');
  assert.equal(resolveLang(null, 'zh-TW'), 'zh-CN');
  assert.equal(resolveLang(null, 'zh'), 'zh-CN');
  assert.equal(resolveLang(null, 'fr-FR'), 'en');
  assert.equal(resolveLang('fr', 'zh-HK'), 'zh-CN');
  assert.equal(resolveLang(undefined, undefined), 'en');
});

const directory = {
  protocol: 'tg1', revision: 2, suite: 'x', bucket_bits: 4, record_size: 384,
  couriers: [
    { id: 'sim-swift', name: 'Swift', factor: 'none', mode: 'push', keys: [], patterns: [{ regex: '^SW[0-9]{12}$', checksum: '' }] },
    { id: 'sim-panda', name: 'Panda', factor: 'phone_last4', mode: 'push', keys: [], patterns: [{ regex: '^77[0-9]{11}$', checksum: '' }] },
    { id: 'sim-any', name: 'Any', factor: 'none', mode: 'push', keys: [], patterns: [{ regex: '^[0-9]{13}$', checksum: '' }] },
    { id: 'sim-global', name: 'Global', factor: 'none', mode: 'push', keys: [], patterns: [{ regex: '^GP[0-9]{9}[A-Z]{2}$', checksum: 's10' }] },
  ],
};

test('the phone digits are asked for when the pinned courier, or any the number may be, needs them', () => {
  assert.equal(needsFactor(directory, 'SW100000000001'), false);
  assert.equal(needsFactor(directory, '7700000000001'), true, 'panda and sim-any both match: ask');
  assert.equal(needsFactor(directory, '770-000 000.0001'), true, 'as typed, normalized');
  assert.equal(needsFactor(directory, '1234567890123'), false, 'only sim-any matches');
  assert.equal(needsFactor(directory, 'SW100000000001', 'sim-panda'), true, 'pinned');
  assert.equal(needsFactor(directory, '7700000000001', 'sim-any'), false, 'pinned');
  assert.equal(needsFactor(directory, 'SW1'), false, 'not a number yet');
  assert.equal(needsFactor(null, '7700000000001'), false, 'directory not known yet');
});

test('S10 check digits, as adapters/detect verifies them', () => {
  for (const n of ['RA123456785CN', 'RB123456785GB', 'EE123456785CN', 'GP000000014CN', 'GP000000028CN']) assert.equal(s10(n), true, n);
  for (const n of ['RB123456786US', 'RA12345678CN', 'R1123456785CN', 'ra123456785cn', 'GP000000015CN']) assert.equal(s10(n), false, n);
});

test('a result as shown: headline from the onward leg, no ETA while held, newest first, the handoff between the legs', () => {
  const m = resultModel(/** @type {any} */ (handedOffParcel()), 'en', { timeZone: 'UTC', now: Date.parse('2026-12-02T00:00:00Z') });
  assert.ok(m);
  assert.equal(m.title, 'Held by customs');
  assert.equal(m.parcel, 'Swift Express · SW100000000002');
  assert.equal(m.onward, 'Latest from Global Parcel Line, tracking number GP000000014CN');
  assert.equal(m.reason, '');
  assert.equal(m.eta, '', 'held: no delivery window');
  assert.equal(m.progress.tone, 'warning');
  assert.equal(m.progressText, 'In transit, step 2 of 4');
  assert.deepEqual(m.stageLabels, ['Label created', 'In transit', 'Out for delivery', 'Delivered']);
  assert.deepEqual(m.items.map((i) => (i.kind === 'event' ? `${i.datetime} ${i.status}` : `handoff: ${i.text}`)), [
    '2026-12-01T18:00:00Z exception',
    '2026-11-28T22:00:00Z info_received',
    'handoff: handed off to Global Parcel Line as GP000000014CN',
    '2026-11-28T22:00:00Z in_transit',
    '2026-11-28T07:00:00Z info_received',
  ]);
  const latest = /** @type {import('../src/widget/model.js').EventItem} */ (m.items[0]);
  assert.deepEqual(latest, {
    kind: 'event', datetime: '2026-12-01T18:00:00Z', date: 'Dec 1', time: '6:00 PM', status: 'exception', statusLabel: 'exception',
    description: 'Held by customs; additional documents requested', place: 'Frankfurt, Germany', courier: 'Global Parcel Line',
  });
});

test('changing the language changes every text of a result, dates included', () => {
  const m = resultModel(/** @type {any} */ (handedOffParcel()), 'zh-CN', { timeZone: 'UTC', now: Date.parse('2026-12-02T00:00:00Z') });
  assert.ok(m);
  assert.equal(m.title, '海关扣留');
  assert.equal(m.onward, '最新信息来自 Global Parcel Line，运单号 GP000000014CN');
  assert.equal(m.progressText, '运输中，第 2 步，共 4 步');
  const latest = /** @type {import('../src/widget/model.js').EventItem} */ (m.items[0]);
  assert.equal(latest.statusLabel, '异常');
  assert.equal(latest.description, '海关查验扣留，等待补充资料');
  assert.equal(latest.date, '12月1日');
  assert.equal(latest.time, '18:00');
  assert.equal(latest.place, 'Frankfurt, 德国');
  const marker = m.items[2];
  assert.equal(marker.kind === 'handoff' && marker.text, '已转交 Global Parcel Line，单号 GP000000014CN');
});

test('a parcel on one leg: its ETA, its reason, no courier on each event, no onward line', () => {
  const parcel = handedOffParcel();
  const leg = parcel.legs[1];
  leg.depth = 0;
  leg.view.status = 'in_transit';
  leg.view.substatus = 'weather_delay';
  leg.view.events[1].status = 'in_transit';
  const m = resultModel(/** @type {any} */ ({ ...parcel, trackingNumber: 'GP000000014CN', legs: [leg] }), 'en', { timeZone: 'UTC' });
  assert.ok(m);
  assert.equal(m.title, 'In transit');
  assert.equal(m.reason, 'delayed by weather');
  assert.equal(m.onward, '');
  assert.equal(norm(m.eta), 'Sat, Dec 5, 8:00 AM – 6:00 PM');
  assert.ok(m.items.every((i) => i.kind === 'event' && i.courier === ''));
});

test('a handoff to a courier found in no leg is named from the directory', () => {
  const parcel = handedOffParcel();
  parcel.legs.pop();
  const m = resultModel(/** @type {any} */ (parcel), 'en', { courierName: (id) => (id === 'sim-global' ? 'Global Parcel Line' : ''), timeZone: 'UTC' });
  assert.ok(m);
  assert.equal(m.title, 'In transit');
  assert.equal(m.items[0].kind === 'handoff' && m.items[0].text, 'handed off to Global Parcel Line as GP000000014CN');
  const bare = resultModel(/** @type {any} */ (parcel), 'en', { timeZone: 'UTC' });
  assert.equal(bare?.items[0].kind === 'handoff' && bare.items[0].text, 'handed off to sim-global as GP000000014CN');
});

test('nothing found has no model', () => {
  assert.equal(resultModel({ trackingNumber: 'SW100000000001', legs: [], timeline: [], couriers: [] }, 'en'), null);
});
