// The widget's ports of the display rules against the cases the Go SDK
// runs too (gateway/client/testdata/display-cases.json): the headline
// across handoff legs and the language split of descriptions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { headline } from '../src/widget/headline.js';
import { description } from '../src/widget/language.js';

const cases = JSON.parse(await readFile(new URL('../../client/testdata/display-cases.json', import.meta.url), 'utf8'));

test('the shared cases are there', () => {
  assert.ok(cases.headline.length >= 30, `only ${cases.headline.length} headline cases`);
  assert.ok(cases.description.length >= 10, `only ${cases.description.length} description cases`);
});

for (const c of cases.headline) {
  test(`headline: ${c.name}`, () => {
    const h = headline({ legs: c.legs });
    if (c.want.code === '') {
      assert.equal(h, null);
      return;
    }
    assert.ok(h);
    assert.deepEqual(
      { code: h.code, status: h.status, substatus: h.substatus, courier: h.courier, tracking_number: h.trackingNumber, eta: h.eta !== undefined },
      c.want,
    );
    if (h.eta) {
      const deciding = c.legs.find((/** @type {any} */ l) => l.courier === h.courier && l.view.tracking_number === h.trackingNumber);
      assert.deepEqual(h.eta, deciding.view.eta, 'the ETA is the deciding leg\'s');
    }
  });
}

for (const c of cases.description) {
  test(`description: ${c.name}`, () => {
    assert.equal(description(c.text, 'en'), c.en, 'en');
    assert.equal(description(c.text, 'zh-CN'), c['zh-CN'], 'zh-CN');
  });
}
