// What the widget builds, on a fake document without a parser: courier
// text stays text, the parts and roles a page and a browser test rely on
// are there, and no source of the widget reaches for markup or inline
// styles (pages host it under style-src 'self').

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { FakeElement, fakeDocument } from './fakedom.js';
import { notice, result, setFieldError, skeleton } from '../src/widget/render.js';
import { resultModel } from '../src/widget/model.js';
import { handedOffParcel } from './parcels.js';

const doc = /** @type {Document} */ (/** @type {unknown} */ (fakeDocument));
const words = { progressLabel: 'Delivery progress', expected: 'Expected', history: 'Tracking history', noEvents: 'No events yet.', lang: 'en' };

/** @param {any} parcel */
function rendered(parcel) {
  const m = resultModel(parcel, 'en', { timeZone: 'UTC' });
  assert.ok(m);
  return /** @type {FakeElement} */ (/** @type {unknown} */ (result(doc, m, words)));
}

test('courier text with markup renders as text', () => {
  const parcel = handedOffParcel();
  const evil = '<img src=x onerror=alert(1)>';
  parcel.legs[1].view.events[1].description = `Held by customs ${evil}`;
  parcel.legs[1].view.events[1].location = { city: `<script>alert(2)</script>`, country: 'DE' };
  parcel.legs[1].courierName = '<b onmouseover=alert(3)>Global</b>';
  const root = rendered(parcel);
  const tags = new Set(root.descendants().map((e) => e.localName));
  for (const bad of ['img', 'script', 'b', 'style']) assert.ok(!tags.has(bad), `a <${bad}> element was built`);
  const texts = root.texts().map((t) => t.data);
  assert.ok(texts.includes(`Held by customs ${evil}`), 'the description is one text node, as written');
  assert.ok(texts.some((t) => t.startsWith('<script>alert(2)</script>')), 'the place is text');
  assert.ok(texts.some((t) => t.includes('<b onmouseover=alert(3)>Global</b>')), 'the courier name is text');
  for (const e of root.descendants()) {
    for (const name of e.attributes.keys()) assert.ok(!name.startsWith('on') && name !== 'style', `attribute ${name} on <${e.localName}>`);
  }
});

test('a result has its headline, progress bar and ordered timeline, with parts', () => {
  const root = rendered(handedOffParcel());
  assert.equal(root.localName, 'section');
  const [headline] = root.withWord('part', 'headline');
  assert.equal(headline.textContent, 'Held by customs');
  assert.equal(headline.getAttribute('data-code'), 'customs_hold');
  const [bar] = root.withWord('part', 'progress');
  assert.equal(bar.getAttribute('role'), 'progressbar');
  assert.equal(bar.getAttribute('aria-valuenow'), '33');
  assert.equal(bar.getAttribute('aria-valuetext'), 'In transit, step 2 of 4');
  assert.equal(bar.getAttribute('aria-label'), 'Delivery progress');
  assert.equal(bar.getAttribute('data-tone'), 'warning');
  const fill = root.descendants().find((e) => e.getAttribute('class') === 'fill');
  assert.equal(fill?.style.width, '33%', 'the width is set from script, not by a style attribute');
  const [timeline] = root.withWord('part', 'timeline');
  assert.equal(timeline.localName, 'ol');
  const items = timeline.children;
  assert.equal(items.length, 5);
  assert.deepEqual(items.map((li) => li.getAttribute('part')), ['event latest-event', 'event', 'event handoff', 'event', 'event']);
  const time = items[0].descendants().find((e) => e.localName === 'time');
  assert.equal(time?.getAttribute('datetime'), '2026-12-01T18:00:00Z');
  assert.match(items[0].textContent, /Held by customs; additional documents requested/);
  assert.match(items[0].textContent, /Frankfurt, Germany · Global Parcel Line/);
  assert.match(items[2].textContent, /handed off to Global Parcel Line as GP000000014CN/);
  assert.equal(root.withWord('part', 'eta').length, 0, 'no delivery window while held');
  for (const svg of root.descendants().filter((e) => e.localName === 'svg')) assert.equal(svg.getAttribute('aria-hidden'), 'true');
});

test('a result with a delivery window shows it', () => {
  const parcel = handedOffParcel();
  parcel.legs[1].view.status = 'in_transit';
  parcel.legs[1].view.substatus = 'customs_released';
  parcel.legs[1].view.events[1].status = 'in_transit';
  const [eta] = rendered(parcel).withWord('part', 'eta');
  assert.match(eta.textContent.replace(/[\u2009\u202f]/g, ' '), /^ExpectedSat, Dec 5, 8:00 AM – 6:00 PM$/);
});

test('the form: labelled inputs, errors tied to them, a submit button', () => {
  const ui = skeleton(doc);
  const root = /** @type {FakeElement} */ (/** @type {unknown} */ (ui.root));
  const number = /** @type {FakeElement} */ (/** @type {unknown} */ (ui.numberInput));
  const factor = /** @type {FakeElement} */ (/** @type {unknown} */ (ui.factorInput));
  for (const input of [number, factor]) {
    const id = input.getAttribute('id');
    assert.ok(root.descendants().some((e) => e.localName === 'label' && e.getAttribute('for') === id), `no label for #${id}`);
    assert.equal(input.getAttribute('autocomplete'), 'off');
    assert.ok(!input.hasAttribute('value') && !input.hasAttribute('name'), 'no value or name attribute: the number stays out of the markup');
  }
  assert.deepEqual(root.withWord('part', 'number-input'), [number]);
  assert.deepEqual(root.withWord('part', 'factor-input'), [factor]);
  assert.equal(factor.getAttribute('inputmode'), 'numeric');
  assert.equal(factor.getAttribute('maxlength'), '4');
  assert.ok(ui.factorField.hidden, 'the digits are not asked for until a courier needs them');
  const [button] = root.withWord('part', 'button');
  assert.equal(button.getAttribute('type'), 'submit');
  assert.equal(root.withWord('part', 'form')[0].localName, 'form');
  const [live] = root.withWord('aria-live', 'polite');
  assert.equal(live.getAttribute('role'), 'status');

  setFieldError(doc, ui.numberInput, ui.numberError, 'Enter a tracking number of 6 to 40 letters and digits.');
  assert.equal(number.getAttribute('aria-invalid'), 'true');
  assert.ok(number.getAttribute('aria-describedby')?.split(' ').includes(ui.numberError.id ?? /** @type {any} */ (ui.numberError).getAttribute('id')));
  assert.ok(!ui.numberError.hidden);
  assert.match(ui.numberError.textContent ?? '', /6 to 40/);
  setFieldError(doc, ui.numberInput, ui.numberError, '');
  assert.equal(number.getAttribute('aria-invalid'), null);
  assert.ok(ui.numberError.hidden);
  assert.ok(factor.getAttribute('aria-describedby')?.split(' ').includes('tg-factor-error'));
});

test('a notice names its state and offers a retry only when asked', () => {
  const { notice: box, retry } = notice(doc, { tone: 'warning', icon: 'clock', title: 'Too many lookups', message: 'Please wait <b>', retry: 'Try again' });
  const el = /** @type {FakeElement} */ (/** @type {unknown} */ (box));
  assert.equal(el.getAttribute('part'), 'message');
  assert.match(el.textContent, /Too many lookups.*Please wait <b>.*Try again/);
  assert.equal(retry?.getAttribute('type'), 'button');
  assert.equal(notice(doc, { tone: 'muted', icon: 'search', title: 't', message: 'm' }).retry, null);
});

const forbidden = [
  [/\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|DOMParser|createContextualFragment/, 'markup parsing'],
  [/\beval\s*\(|new Function\b|setTimeout\(\s*['"`]/, 'code from strings'],
  [/<style|createElement\(\s*['"]style|setAttribute\(\s*['"]style|\bstyle\s*=\s*["'`]/, 'an inline style'],
  [/localStorage|sessionStorage|indexedDB|document\.cookie|console\.|history\.(push|replace)State|location\.(href|assign|replace|search)/, 'storage, the console or the URL'],
];

/** Source without its comments, which may name what the code must not do. @param {string} s */
function withoutComments(s) {
  return s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

test('no widget source parses markup, evaluates strings, styles inline or stores the number', async () => {
  const dir = new URL('../src/widget/', import.meta.url);
  const files = [...(await readdir(dir)).filter((f) => f.endsWith('.js')).map((f) => new URL(f, dir)), new URL('../src/trackgate-tracker.js', import.meta.url)];
  assert.ok(files.length >= 10);
  for (const f of files) {
    const source = withoutComments(await readFile(f, 'utf8'));
    for (const [re, what] of forbidden) assert.doesNotMatch(source, /** @type {RegExp} */ (re), `${f.pathname.split('/').pop()} uses ${what}`);
  }
});

test('the widget bundle, dependencies included, has no markup parsing, eval or inline style either', async () => {
  const bundle = await readFile(new URL('../dist/trackgate-tracker.js', import.meta.url), 'utf8');
  for (const [re, what] of forbidden.slice(0, 3)) assert.doesNotMatch(bundle, /** @type {RegExp} */ (re), `dist/trackgate-tracker.js uses ${what}`);
  assert.match(bundle, /adoptedStyleSheets/);
  assert.match(bundle, /replaceSync/);
});
