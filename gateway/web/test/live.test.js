// The widget's live refresh without a browser: its schedule under fake
// timers (every interval while visible, paused while hidden, caught up
// when shown, never two at once), its attributes, what counts as a
// change, and the patch that brings a result up to date in place.

import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { LiveRefresh, liveOn, refreshSeconds, DEFAULT_REFRESH_SECONDS, MIN_REFRESH_SECONDS } from '../src/widget/live.js';
import { modelChange, resultModel } from '../src/widget/model.js';
import { patchResult, result as renderResult } from '../src/widget/render.js';
import { fakeDocument } from './fakedom.js';
import { handedOffParcel } from './parcels.js';

const s = 1000;

/** Lets the promises of a refresh settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A LiveRefresh under fake timers, with a page whose visibility the test
 * sets and refreshes it counts (each taking `takes` ms of fake time).
 */
function schedule(t, { interval = 60 * s, takes = 0, fails = false } = {}) {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  t.after(() => mock.timers.reset());
  const page = { visible: true, refreshes: /** @type {number[]} */ ([]), interval };
  const live = new LiveRefresh({
    interval: () => page.interval,
    visible: () => page.visible,
    refresh: () => {
      page.refreshes.push(Date.now() - 1_000_000);
      if (takes === 0) return fails ? Promise.reject(new Error('offline')) : Promise.resolve();
      return new Promise((resolve) => setTimeout(resolve, takes));
    },
  });
  /** Moves the fake clock on by ms, letting refreshes settle on the way. */
  const advance = async (/** @type {number} */ ms) => {
    for (let i = 0; i < ms / s; i++) {
      mock.timers.tick(s);
      await settle();
    }
  };
  return { page, live, advance };
}

test('refreshes every interval while the page is visible, and stops when told', async (t) => {
  const { page, live, advance } = schedule(t);
  live.start();
  await advance(59 * s);
  assert.deepEqual(page.refreshes, [], 'nothing before the interval');
  await advance(1 * s);
  assert.deepEqual(page.refreshes, [60 * s]);
  await advance(120 * s);
  assert.deepEqual(page.refreshes, [60 * s, 120 * s, 180 * s]);
  live.stop();
  await advance(300 * s);
  assert.equal(page.refreshes.length, 3, 'stopped');
  assert.equal(live.running, false);
});

test('pauses while the page is hidden and catches up as soon as it shows', async (t) => {
  const { page, live, advance } = schedule(t);
  live.start();
  await advance(30 * s);
  page.visible = false;
  live.visibilityChanged();
  await advance(300 * s);
  assert.deepEqual(page.refreshes, [], 'no refresh while hidden');
  page.visible = true;
  live.visibilityChanged();
  mock.timers.tick(0);
  await settle();
  assert.deepEqual(page.refreshes, [330 * s], 'overdue: at once');
  await advance(60 * s);
  assert.deepEqual(page.refreshes, [330 * s, 390 * s], 'then every interval again');
});

test('shown again before it is due, it waits for the rest of the interval', async (t) => {
  const { page, live, advance } = schedule(t);
  live.start();
  await advance(20 * s);
  page.visible = false;
  live.visibilityChanged();
  await advance(10 * s);
  page.visible = true;
  live.visibilityChanged();
  await advance(29 * s);
  assert.deepEqual(page.refreshes, []);
  await advance(1 * s);
  assert.deepEqual(page.refreshes, [60 * s]);
});

test('a slow refresh is never overlapped: the next counts from its end', async (t) => {
  const { page, live, advance } = schedule(t, { interval: 30 * s, takes: 45 * s });
  live.start();
  await advance(200 * s);
  // 30 → ends 75; 105 → ends 150; 180 → …
  assert.deepEqual(page.refreshes, [30 * s, 105 * s, 180 * s]);
});

test('a failing refresh keeps the schedule going', async (t) => {
  const { page, live, advance } = schedule(t, { fails: true });
  live.start();
  await advance(180 * s);
  assert.deepEqual(page.refreshes, [60 * s, 120 * s, 180 * s]);
});

test('a new interval counts from the last refresh', async (t) => {
  const { page, live, advance } = schedule(t);
  live.start();
  await advance(40 * s);
  page.interval = 30 * s;
  live.intervalChanged();
  mock.timers.tick(0);
  await settle();
  assert.deepEqual(page.refreshes, [40 * s], 'already due under the new interval');
  await advance(30 * s);
  assert.deepEqual(page.refreshes, [40 * s, 70 * s]);
});

test('live is on unless turned off; refresh is 60 s by default and at least 30 s', () => {
  assert.equal(liveOn(null), true);
  assert.equal(liveOn(''), true, '<trackgate-tracker live>');
  assert.equal(liveOn('on'), true);
  for (const off of ['off', 'OFF', 'false', 'no', '0', ' off ']) assert.equal(liveOn(off), false, off);
  assert.equal(DEFAULT_REFRESH_SECONDS, 60);
  assert.equal(MIN_REFRESH_SECONDS, 30);
  assert.equal(refreshSeconds(null), 60);
  assert.equal(refreshSeconds(''), 60);
  assert.equal(refreshSeconds('soon'), 60);
  assert.equal(refreshSeconds('90'), 90);
  assert.equal(refreshSeconds('5'), 30);
  assert.equal(refreshSeconds('-1'), 30);
});

/** The handed-off parcel with one more event on its onward leg, released by customs. */
function released() {
  const p = handedOffParcel();
  const onward = p.legs[1].view;
  onward.events.push({ time: '2026-12-02T09:00:00Z', status: 'in_transit', description: 'Released by customs', location: { city: 'Frankfurt', country: 'DE' } });
  onward.status = 'in_transit';
  onward.substatus = '';
  onward.updated_at = '2026-12-02T09:00:00Z';
  return p;
}

const opts = { timeZone: 'UTC', now: Date.parse('2026-12-03T00:00:00Z') };
const texts = { progressLabel: 'Progress', expected: 'Expected', history: 'History', noEvents: 'No events', lang: 'en' };

test('what a refresh changes: nothing, events, the headline', () => {
  const before = /** @type {any} */ (resultModel(/** @type {any} */ (handedOffParcel()), 'en', opts));
  assert.deepEqual(modelChange(before, /** @type {any} */ (resultModel(/** @type {any} */ (handedOffParcel()), 'en', opts))), { changed: false, headlineChanged: false });
  const newEvent = handedOffParcel();
  newEvent.legs[1].view.events.splice(1, 0, { time: '2026-11-30T10:00:00Z', status: 'in_transit', description: 'Arrived', location: { city: 'Frankfurt', country: 'DE' } });
  assert.deepEqual(modelChange(before, /** @type {any} */ (resultModel(/** @type {any} */ (newEvent), 'en', opts))), { changed: true, headlineChanged: false });
  assert.deepEqual(modelChange(before, /** @type {any} */ (resultModel(/** @type {any} */ (released()), 'en', opts))), { changed: true, headlineChanged: true });
});

test('a patch inserts the new event and keeps every other item in place', () => {
  const doc = /** @type {any} */ (fakeDocument);
  const shown = renderResult(doc, /** @type {any} */ (resultModel(/** @type {any} */ (handedOffParcel()), 'en', opts)), texts);
  const list = /** @type {any} */ (shown).children.at(-1);
  const oldItems = [...list.children];
  const oldSummary = /** @type {any} */ (shown).children[0];
  const fresh = renderResult(doc, /** @type {any} */ (resultModel(/** @type {any} */ (released()), 'en', opts)), texts);
  patchResult(shown, fresh);

  const items = [...list.children];
  assert.equal(/** @type {any} */ (shown).children.at(-1), list, 'the same list');
  assert.equal(items.length, oldItems.length + 1);
  assert.match(items[0].textContent, /Released by customs/);
  assert.ok(!oldItems.includes(items[0]), 'the new event is a new item');
  assert.deepEqual(items.slice(1), oldItems, 'the others are the very same nodes, in order');
  assert.equal(items[0].getAttribute('part'), 'event latest-event');
  assert.equal(items[1].getAttribute('part'), 'event', 'the former newest lost its mark');
  assert.equal(items[1].getAttribute('data-tone'), null);
  assert.notEqual(/** @type {any} */ (shown).children[0], oldSummary, 'the summary is redrawn');
  assert.match(/** @type {any} */ (shown).children[0].textContent, /In transit/);
});

test('a leg more: the first leg\'s items stay the same nodes, now naming their courier', () => {
  const doc = /** @type {any} */ (fakeDocument);
  const one = handedOffParcel();
  one.legs = [one.legs[0]];
  // The widget names couriers from the directory: the handoff reads the same before and after.
  const named = { ...opts, courierName: (/** @type {string} */ id) => (id === 'sim-global' ? 'Global Parcel Line' : '') };
  const shown = renderResult(doc, /** @type {any} */ (resultModel(/** @type {any} */ (one), 'en', named)), texts);
  const list = /** @type {any} */ (shown).children.at(-1);
  const oldItems = [...list.children];
  assert.ok(!list.textContent.includes('China · Swift Express'), 'one leg: no courier on the events');
  patchResult(shown, renderResult(doc, /** @type {any} */ (resultModel(/** @type {any} */ (handedOffParcel()), 'en', opts)), texts));
  const items = [...list.children];
  assert.equal(items.length, 5);
  for (const old of oldItems) assert.ok(items.includes(old), `${old.textContent} was replaced`);
  assert.match(items.at(-1).textContent, /China · Swift Express/, 'the kept item shows the courier now');
});

test('a patch from no events to some replaces the empty note with the list', () => {
  const doc = /** @type {any} */ (fakeDocument);
  const empty = handedOffParcel();
  empty.legs = [empty.legs[0]];
  empty.legs[0].view.events = [];
  const shown = renderResult(doc, /** @type {any} */ (resultModel(/** @type {any} */ (empty), 'en', opts)), texts);
  const one = handedOffParcel();
  one.legs = [one.legs[0]];
  patchResult(shown, renderResult(doc, /** @type {any} */ (resultModel(/** @type {any} */ (one), 'en', opts)), texts));
  const last = /** @type {any} */ (shown).children.at(-1);
  assert.equal(last.tagName, 'OL');
  assert.equal(last.children.length, 3, 'two events and the handoff');
});
