// The JavaScript client against the key log vectors of
// testdata/keylog-vectors.json, which gateway/web/keylog_vectors_test.go
// makes with the Go key log and holds the Go SDK to: both clients must
// make the same of every honest log and every attack.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { KEY_LOG_CODES, TrackgateClient } from '../src/tg1.js';
import { MemoryStorage } from './memorystorage.js';

const vectors = JSON.parse(readFileSync(new URL('../testdata/keylog-vectors.json', import.meta.url), 'utf8'));

test('the vectors cover every key log code', () => {
  assert.ok(vectors.cases.length >= 20);
  const codes = new Set();
  for (const c of vectors.cases) {
    for (const s of c.steps) {
      if (s.error) codes.add(s.error);
      for (const code of Object.values(s.refused ?? {})) codes.add(code);
    }
  }
  assert.deepEqual([...codes].sort(), [...KEY_LOG_CODES].sort());
});

for (const c of vectors.cases) {
  test(`key log vector: ${c.name}`, async () => {
    /** @type {any} */
    let step;
    const asked = [];
    /** @param {string} url */
    const fetch = async (url) => {
      const u = new URL(url);
      asked.push(u.pathname + u.search);
      if (u.pathname === '/v1/couriers') {
        return new Response(JSON.stringify(step.directory), { status: 200, headers: { 'Content-Type': 'application/json' } });
      }
      const p = step.consistency;
      if (u.pathname === '/v1/log/consistency' && p && u.searchParams.get('old') === String(p.old) && u.searchParams.get('new') === String(p.new)) {
        return new Response(JSON.stringify({ proof: p.proof }), { status: 200, headers: { 'Content-Type': 'application/json' } });
      }
      assert.fail(`the client asked for ${url}, which the step does not answer`);
    };
    const client = new TrackgateClient('http://gateway.test', {
      fetch, now: () => Date.parse(vectors.now), keyLog: { ...c.config, storage: new MemoryStorage() },
    });
    for (const [i, s] of c.steps.entries()) {
      step = s;
      let code = '';
      try {
        await client.directory();
      } catch (err) {
        code = /** @type {any} */ (err).code ?? String(err);
      }
      assert.equal(code, s.error ?? '', `step ${i}: error`);
      if (code) continue;
      const refused = Object.fromEntries([...client.refusedCouriers()].map(([id, err]) => [id, err.code]));
      assert.deepEqual(refused, s.refused ?? {}, `step ${i}: refused couriers`);
      assert.equal(asked.filter((a) => a.startsWith('/v1/log/consistency')).length > 0, Boolean(c.steps.slice(0, i + 1).some((x) => x.consistency)), `step ${i}: consistency proofs fetched`);
    }
  });
}
