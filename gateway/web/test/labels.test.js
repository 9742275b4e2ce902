// gateway/client/labels.json, the one table of texts for the CLI and the
// widget: every label in every language, and every text the widget asks
// for is there.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { LABELS, LANGUAGES, text } from '../src/widget/labels.js';
import { HeadlineCode } from '../src/widget/headline.js';

const placeholders = (/** @type {string} */ s) => (s.match(/\{[a-z_]+\}/g) ?? []).sort();

test('every label has every language, with the same placeholders', () => {
  assert.deepEqual(Object.keys(LABELS).sort(), ['headline', 'reason', 'status', 'timeline', 'widget']);
  for (const [section, labels] of Object.entries(LABELS)) {
    for (const [key, label] of Object.entries(labels)) {
      assert.deepEqual(Object.keys(label).sort(), [...LANGUAGES].sort(), `${section}.${key}: languages`);
      for (const lang of LANGUAGES) {
        assert.ok(typeof label[lang] === 'string' && label[lang].trim() !== '', `${section}.${key} has no ${lang} text`);
        assert.deepEqual(placeholders(label[lang]), placeholders(label.en), `${section}.${key} in ${lang}: placeholders`);
      }
    }
  }
});

test('every headline code and status has a label', () => {
  for (const code of Object.values(HeadlineCode)) assert.ok(LABELS.headline[code], `headline ${code}`);
  for (const s of ['pending', 'info_received', 'in_transit', 'out_for_delivery', 'available_for_pickup', 'attempt_failed', 'delivered', 'exception', 'returned', 'expired']) {
    assert.ok(LABELS.status[s], `status ${s}`);
  }
});

test('the widget asks only for texts that exist, and every widget text is used', async () => {
  const dir = new URL('../src/widget/', import.meta.url);
  let source = '';
  for (const f of await readdir(dir)) if (f.endsWith('.js')) source += await readFile(new URL(f, dir), 'utf8');
  const asked = new Set();
  for (const m of source.matchAll(/\bt\('([a-z_]+)'\)|text\('widget', '([a-z_]+)'|message: '([a-z_]+)'|return '((?:state|stage)_[a-z_]+)'|'(stage_[a-z_]+)'/g)) {
    asked.add(m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5]);
  }
  assert.ok(asked.size > 20, `found only ${asked.size} texts asked for; the scan is broken`);
  for (const key of asked) assert.ok(LABELS.widget[key], `the widget asks for widget.${key}, which labels.json lacks`);
  for (const key of Object.keys(LABELS.widget)) assert.ok(source.includes(`'${key}'`), `widget.${key} is never used`);
});

test('text fills placeholders once, and gives the key for an unknown label', () => {
  assert.equal(text('timeline', 'handed_off', 'en', { courier: '{number}', number: 'GP1' }), 'handed off to {number} as GP1');
  assert.equal(text('widget', 'parcel', 'zh-CN', { courier: 'Swift', number: 'SW1' }), 'Swift · SW1');
  assert.equal(text('widget', 'no_such_key', 'en'), 'no_such_key');
  assert.equal(text('headline', 'delivered', 'zh-CN'), '已签收');
});
