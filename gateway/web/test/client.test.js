// TrackgateClient against an in-memory gateway: outcomes and errors as in
// the Go SDK, the directory checks, and the fixed shape of a lookup
// (docs/protocol.md §7, §11).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, Outcome, TrackgateClient } from '../src/tg1.js';
import { FakeGateway } from './fakegateway.js';

const URL_ = 'http://gateway.test';

/** @param {FakeGateway} gw @param {object} [opts] */
const clientFor = (gw, opts = {}) => new TrackgateClient(URL_, { fetch: gw.fetch, ...opts });

/** @param {string} code */
const withCode = (code) => (/** @type {any} */ err) => {
  assert.equal(err.code, code, err.message);
  return true;
};

test('found, with one element per keyed courier in each of 1 + H rounds', async () => {
  const gw = new FakeGateway();
  await gw.addParcel('sim-east', 'SE1234567890', '');
  const result = await clientFor(gw).track('se 1234-567890');
  assert.equal(result.legs.length, 1);
  assert.equal(result.legs[0].view.tracking_number, 'SE1234567890');
  assert.deepEqual(result.couriers, [{ courier: 'sim-east', trackingNumber: 'SE1234567890', status: Outcome.FOUND }]);
  const round = ['POST evaluate sim-east:1,kuai-post:1,nordpost:1', 'GET buckets', 'GET buckets', 'GET buckets'];
  assert.deepEqual(gw.shape(), [...round, ...round, ...round]);
});

test('found and not found make the same requests', async () => {
  const hit = new FakeGateway();
  await hit.addParcel('kuai-post', 'KP202408157731', '0042');
  await clientFor(hit).track('KP202408157731', { factor: '0042' });
  const miss = new FakeGateway();
  await miss.addParcel('kuai-post', 'KP202408157731', '0042');
  await assert.rejects(clientFor(miss).track('KP202408157731', { factor: '9999' }), withCode(ErrorCode.NOT_FOUND));
  assert.deepEqual(miss.shape(), hit.shape());
  assert.equal(hit.shape().length, 3 * (1 + 3));
});

test('the handoff depth fixes the number of rounds', async () => {
  const gw = new FakeGateway();
  await assert.rejects(clientFor(gw, { handoffDepth: 0 }).track('SE1234567890'), withCode(ErrorCode.NOT_FOUND));
  assert.equal(gw.shape().length, 1 + 3);
});

test('handoffs are followed, and those beyond the depth are reported', async () => {
  const gw = new FakeGateway();
  await gw.addParcel('sim-east', 'SE1234567890', '', { handoffs: [{ courier: 'nordpost', tracking_number: 'NP000000001' }] });
  await gw.addParcel('nordpost', 'NP000000001', '', {
    status: 'delivered',
    events: [{ time: '2026-12-02T08:00:00Z', status: 'delivered', description: 'Delivered' }],
    handoffs: [{ courier: 'sim-east', tracking_number: 'SE0000000002' }, { courier: 'ghost-post', tracking_number: 'GH0000001' }],
  });
  const result = await clientFor(gw, { handoffDepth: 1 }).track('SE1234567890');
  assert.deepEqual(result.legs.map((l) => [l.courier, l.depth]), [['sim-east', 0], ['nordpost', 1]]);
  assert.deepEqual(result.timeline.map((e) => e.courier), ['sim-east', 'nordpost']);
  assert.deepEqual(result.couriers.map((o) => o.status), [Outcome.FOUND, Outcome.FOUND, Outcome.UNKNOWN_COURIER, Outcome.NOT_FOLLOWED]);
  assert.equal(gw.shape().length, 2 * 4);
});

test('the factor goes only to couriers that ask for it', async () => {
  const gw = new FakeGateway();
  await gw.addParcel('sim-east', 'SE1234567890', ''); // sealed under the input without a factor
  const result = await clientFor(gw).track('SE1234567890', { factor: '1234' });
  assert.equal(result.legs.length, 1);
});

test('a factor is required when every candidate needs one', async () => {
  const gw = new FakeGateway();
  await assert.rejects(clientFor(gw).track('KP202408157731'), (/** @type {any} */ err) => {
    assert.equal(err.code, ErrorCode.FACTOR_REQUIRED);
    assert.deepEqual(err.result.couriers, [{ courier: 'kuai-post', trackingNumber: 'KP202408157731', status: Outcome.FACTOR_REQUIRED }]);
    return true;
  });
  assert.deepEqual(gw.shape(), [], 'nothing sent past the directory');
});

test('no candidate, unknown pinned courier', async () => {
  const gw = new FakeGateway();
  await assert.rejects(clientFor(gw).track('ZZ1234567890'), withCode(ErrorCode.NO_CANDIDATE));
  await assert.rejects(clientFor(gw).track('ZZ1234567890', { courier: 'ghost-post' }), withCode(ErrorCode.NO_CANDIDATE));
  assert.deepEqual(gw.shape(), []);
});

test('a pinned courier skips detection', async () => {
  const gw = new FakeGateway();
  await gw.addParcel('nordpost', 'ZZ1234567890', '');
  const result = await clientFor(gw).track('ZZ1234567890', { courier: 'nordpost' });
  assert.equal(result.legs[0].courier, 'nordpost');
});

test('bad input is refused before any request', async () => {
  const gw = new FakeGateway();
  const client = clientFor(gw);
  await assert.rejects(client.track('SE12'), withCode(ErrorCode.INVALID_TRACKING_NUMBER));
  await assert.rejects(client.track('SE1234567890\u00a0'), withCode(ErrorCode.INVALID_TRACKING_NUMBER));
  await assert.rejects(client.track('SE1234567890', { factor: '123' }), withCode(ErrorCode.INVALID_FACTOR));
  await assert.rejects(client.track('SE1234567890', { factor: '١٢٣٤' }), withCode(ErrorCode.INVALID_FACTOR));
  await assert.rejects(client.track('SE1234567890', { courier: 'Bad Courier' }), withCode(ErrorCode.INVALID_COURIER_ID));
  assert.equal(gw.requests.length, 0);
});

for (const status of ['timeout', 'unavailable', 'rate_limited']) {
  test(`an evaluation ${status} is "courier unavailable", not "not found"`, async () => {
    const gw = new FakeGateway();
    gw.courier('sim-east').evalStatus = status;
    await assert.rejects(clientFor(gw).track('SE1234567890'), (/** @type {any} */ err) => {
      assert.equal(err.code, ErrorCode.UNAVAILABLE);
      assert.equal(err.result.couriers[0].status, status);
      return true;
    });
    assert.equal(gw.shape().length, 3 * 4, 'the failed slot is fetched all the same');
  });
}

for (const [status, want] of [[503, 'unavailable'], [429, 'rate_limited']]) {
  for (const privateFetch of [true, false]) {
    test(`a fetch answered ${status} (privateFetch ${privateFetch}) makes the courier ${want}`, async () => {
      const gw = new FakeGateway();
      await gw.addParcel('sim-east', 'SE1234567890', '');
      gw.fetchStatus = status;
      await assert.rejects(clientFor(gw, { privateFetch }).track('SE1234567890'), (/** @type {any} */ err) => {
        assert.equal(err.code, ErrorCode.UNAVAILABLE);
        assert.equal(err.result.couriers[0].status, want);
        return true;
      });
    });
  }
}

test('a courier listed in missing is "courier unavailable"', async () => {
  const gw = new FakeGateway();
  gw.courier('sim-east').missing = true;
  await assert.rejects(clientFor(gw).track('SE1234567890'), withCode(ErrorCode.UNAVAILABLE));
});

test('a courier listed in missing whose record is found is found', async () => {
  const gw = new FakeGateway();
  await gw.addParcel('sim-east', 'SE1234567890', '');
  gw.courier('sim-east').missing = true;
  const result = await clientFor(gw).track('SE1234567890');
  assert.equal(result.legs.length, 1);
});

test('a proof that does not verify makes the lookup incomplete', async () => {
  const gw = new FakeGateway();
  await gw.addParcel('sim-east', 'SE1234567890', '');
  gw.courier('sim-east').badProof = true;
  await assert.rejects(clientFor(gw).track('SE1234567890'), (/** @type {any} */ err) => {
    assert.equal(err.code, ErrorCode.INCOMPLETE);
    assert.equal(err.result.couriers[0].status, Outcome.PROOF_FAILED);
    return true;
  });
});

test('a courier without a current key is never asked', async () => {
  const gw = new FakeGateway();
  gw.courier('nordpost').expiredKey = true;
  await gw.addParcel('sim-east', 'SE1234567890', '');
  await clientFor(gw).track('SE1234567890');
  assert.equal(gw.shape()[0], 'POST evaluate sim-east:1,kuai-post:1');
  await assert.rejects(clientFor(gw).track('NP000000001'), (/** @type {any} */ err) => {
    assert.equal(err.code, ErrorCode.INCOMPLETE);
    assert.equal(err.result.couriers[0].status, Outcome.NO_KEY);
    return true;
  });
});

test('a view of another parcel at the locator is rejected', async () => {
  const gw = new FakeGateway();
  await gw.addParcel('sim-east', 'SE1234567890', '', { tracking_number: 'SE0000000000' });
  await assert.rejects(clientFor(gw).track('SE1234567890'), (/** @type {any} */ err) => {
    assert.equal(err.code, ErrorCode.NOT_FOUND);
    assert.equal(err.result.couriers[0].status, Outcome.REJECTED);
    return true;
  });
});

test('fast mode fetches /v1/records once per element', async () => {
  const gw = new FakeGateway();
  await gw.addParcel('sim-east', 'SE1234567890', '');
  const result = await clientFor(gw, { privateFetch: false, handoffDepth: 0 }).track('SE1234567890');
  assert.equal(result.legs.length, 1);
  assert.deepEqual(gw.shape(), ['POST evaluate sim-east:1,kuai-post:1,nordpost:1', 'GET records', 'GET records', 'GET records']);
});

test('the directory is revalidated with its ETag', async () => {
  const gw = new FakeGateway();
  const client = clientFor(gw);
  await client.directory();
  await client.directory();
  const dirRequests = gw.requests.filter((r) => r.path === '/v1/couriers');
  assert.equal(dirRequests[0].headers['If-None-Match'], undefined);
  assert.equal(dirRequests[1].headers['If-None-Match'], client.directoryETag);
  assert.match(client.directoryETag, /^"[A-Za-z0-9_-]{43}"$/);
});

test('a directory of another revision is refused', async () => {
  for (const revision of [1, 3]) {
    const gw = new FakeGateway({ revision });
    await assert.rejects(clientFor(gw).track('SE1234567890'), withCode(ErrorCode.INVALID_DIRECTORY));
    assert.deepEqual(gw.shape(), []);
  }
});

test('a directory whose ETag is not its hash is refused', async () => {
  const gw = new FakeGateway({ etag: '"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"' });
  await assert.rejects(clientFor(gw).track('SE1234567890'), withCode(ErrorCode.INVALID_DIRECTORY));
});

test('the API key is sent with every request', async () => {
  const gw = new FakeGateway();
  await assert.rejects(clientFor(gw, { apiKey: 'tg1pk_test' }).track('SE1234567890'), withCode(ErrorCode.NOT_FOUND));
  assert.ok(gw.requests.length > 1);
  for (const r of gw.requests) assert.equal(r.headers['TG-Api-Key'], 'tg1pk_test');
});

test('a gateway error answer to evaluate ends the lookup', async () => {
  const gw = new FakeGateway();
  const failing = async (/** @type {string} */ url, /** @type {RequestInit} */ init) => {
    if (String(url).endsWith('/v1/evaluate')) {
      return new Response(JSON.stringify({ title: 'Too Many Requests', detail: 'slow\u001b[31m down' }), { status: 429, headers: { 'Retry-After': '3' } });
    }
    return gw.fetch(url, init);
  };
  await assert.rejects(new TrackgateClient(URL_, { fetch: failing }).track('SE1234567890'), (/** @type {any} */ err) => {
    assert.equal(err.code, ErrorCode.GATEWAY);
    assert.equal(err.status, 429);
    assert.equal(err.retryAfter, '3');
    assert.doesNotMatch(err.message, /\u001b/);
    return true;
  });
});

test('a 304 keeps the cached directory', async () => {
  const gw = new FakeGateway();
  const client = clientFor(gw);
  const first = await client.directory();
  const second = await client.directory();
  assert.equal(second, first);
});

test('a malformed view is rejected', async () => {
  for (const bad of [
    { status: 'lost_in_space' },
    { updated_at: 'yesterday' },
    { events: [{ time: '2026-12-02T08:00:00Z', status: 'in_transit' }, { time: '2026-12-01T08:00:00Z', status: 'in_transit' }] },
    { eta: { from: '2026-12-05T00:00:00Z', to: '2026-12-04T00:00:00Z' } },
    { handoffs: [{ courier: 'nordpost' }] },
  ]) {
    const gw = new FakeGateway();
    await gw.addParcel('sim-east', 'SE1234567890', '', bad);
    await assert.rejects(clientFor(gw, { handoffDepth: 0 }).track('SE1234567890'), (/** @type {any} */ err) => {
      assert.equal(err.result.couriers[0].status, Outcome.REJECTED, JSON.stringify(bad));
      return true;
    });
  }
});

test('a miss at a courier still loading is "still loading", not "not found"', async () => {
  for (const privateFetch of [true, false]) {
    const gw = new FakeGateway();
    gw.courier('sim-east').loading = true;
    await assert.rejects(clientFor(gw, { privateFetch }).track('SE1234567890'), (/** @type {any} */ err) => {
      assert.equal(err.code, ErrorCode.STILL_LOADING);
      assert.equal(err.result.couriers[0].status, Outcome.STILL_LOADING);
      assert.equal(err.message, 'still loading: sim-east is still publishing its parcels, so this one may not show yet; try again in a few minutes');
      return true;
    });
  }
});

test('a parcel found at a courier still loading is shown', async () => {
  const gw = new FakeGateway();
  gw.courier('sim-east').loading = true;
  await gw.addParcel('sim-east', 'SE1234567890', '');
  const result = await clientFor(gw).track('SE1234567890');
  assert.equal(result.legs.length, 1);
  assert.equal(result.couriers[0].status, Outcome.FOUND);
});

test('an unavailable courier outranks one still loading', async () => {
  const gw = new FakeGateway();
  gw.couriers[1].regex = '^SE[0-9]{10}$'; // kuai-post is a candidate too, and needs no factor here
  gw.couriers[1].factor = 'none';
  gw.courier('sim-east').loading = true;
  gw.courier('kuai-post').evalStatus = 'unavailable';
  await assert.rejects(clientFor(gw).track('SE1234567890'), withCode(ErrorCode.UNAVAILABLE));
});

test('loading changes nothing the client sends', async () => {
  const plain = new FakeGateway();
  await assert.rejects(clientFor(plain).track('SE1234567890'), withCode(ErrorCode.NOT_FOUND));
  const loading = new FakeGateway();
  loading.courier('sim-east').loading = true;
  await assert.rejects(clientFor(loading).track('SE1234567890'), withCode(ErrorCode.STILL_LOADING));
  assert.deepEqual(loading.shape(), plain.shape());
});
