// The Node receiver of docs/webhooks.md, run: a signed delivery is opened
// once, its retry only acknowledged, a forgery refused; and the document
// shows this very code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { openDelivery, parseDelivery, TrackgateClient, verifyWebhook, WebhookErrorCode } from '../src/tg1.js';
import { FakeGateway } from './fakegateway.js';

// docs/webhooks.md: Node receiver begins
/**
 * A request listener for node:http that takes trackgate's deliveries for
 * the legs a marketplace follows: it verifies them, handles each once,
 * and opens the record.
 * @param {{secrets: string[], legs: Map<string, object>, onUpdate: Function, onWithdrawn: Function, seen?: Set<string>}} o
 *   secrets: the subscription's (two while rotating); legs: by locator;
 *   seen: TG-Webhook-Id of deliveries handled (keep them in your database)
 */
export function trackgateReceiver({ secrets, legs, onUpdate, onWithdrawn, seen = new Set() }) {
  return async (req, res) => {
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > 1 << 20) return res.writeHead(413).end();
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks);
    // 1. Verify first: only the gateway and you know the secret.
    try {
      await verifyWebhook(req.headers['tg-webhook-signature'], body, secrets);
    } catch {
      return res.writeHead(401).end('signature does not verify');
    }
    // 2. Deduplicate: delivery is at least once, and a retry has the same id.
    const id = String(req.headers['tg-webhook-id'] ?? '');
    if (seen.has(id)) return res.writeHead(204).end();
    // 3. Open the record with the leg whose locator it names.
    let delivery;
    try {
      delivery = parseDelivery(body);
    } catch (err) {
      return res.writeHead(err.code === WebhookErrorCode.UNKNOWN_TYPE ? 204 : 400).end();
    }
    const leg = legs.get(delivery.locator);
    if (!leg) return res.writeHead(204).end(); // a leg no longer followed
    seen.add(id); // before the first await: a concurrent retry is not handled twice
    try {
      onUpdate(leg, await openDelivery(body, leg));
    } catch (err) {
      if (err.code !== WebhookErrorCode.WITHDRAWN) {
        seen.delete(id);
        console.error(`delivery ${id} does not open: ${err.message}`); // never log the view or the number
        return res.writeHead(422).end();
      }
      onWithdrawn(leg);
    }
    res.writeHead(204).end();
  };
}
// docs/webhooks.md: Node receiver ends

/** Signs as the gateway does (webhook.Sign), with node:crypto. */
const sign = (/** @type {string} */ body, /** @type {string} */ secret, ms = Date.now()) => {
  const t = String(Math.floor(ms / 1000));
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
};

test('the receiver opens a delivery once, acknowledges its retry and refuses a forgery', async (t) => {
  const gw = new FakeGateway();
  await gw.addParcel('sim-east', 'SE1234567890', '');
  const result = await new TrackgateClient('http://gateway.test', { fetch: gw.fetch }).track('SE1234567890');
  const leg = result.legs[0];
  const secret = 'whsec_0123456789abcdef0123456789abcdef';
  const updates = [];
  const withdrawn = [];
  const server = createServer(trackgateReceiver({
    secrets: [secret],
    legs: new Map([[leg.locator, leg]]),
    onUpdate: (/** @type {any} */ l, /** @type {any} */ view) => updates.push(`${l.courier} ${view.status}`),
    onWithdrawn: (/** @type {any} */ l) => withdrawn.push(l.courier),
  }));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/hooks/trackgate`;
  const post = async (/** @type {string} */ body, /** @type {string} */ id, /** @type {string} */ signature) => (await fetch(url, {
    method: 'POST', body, headers: { 'Content-Type': 'application/json', 'TG-Webhook-Id': id, 'TG-Webhook-Signature': signature },
  })).status;

  const record = await gw.addParcel('sim-east', 'SE1234567890', '', { status: 'delivered', events: [{ time: '2026-12-02T08:00:00Z', status: 'delivered', description: 'Delivered' }], updated_at: '2026-12-02T08:00:00Z' });
  const id = `dlv_${'B'.repeat(22)}`;
  const body = JSON.stringify({ type: 'record.updated', subscription: `sub_${'A'.repeat(22)}`, delivery: id, locator: record.locator, version: 2, record });
  assert.equal(await post(body, id, sign(body, secret)), 204);
  assert.equal(await post(body, id, sign(body, secret)), 204, 'the retry');
  assert.equal(await post(body, `dlv_${'C'.repeat(22)}`, sign(body, 'whsec_not-the-secret-not-the-secret-!')), 401);
  assert.equal(await post(body, `dlv_${'C'.repeat(22)}`, sign(body, secret, Date.now() - 3_600_000)), 401, 'an hour-old signature');
  assert.deepEqual(updates, ['sim-east delivered']);

  const gone = JSON.stringify({ type: 'record.withdrawn', subscription: `sub_${'A'.repeat(22)}`, delivery: `dlv_${'D'.repeat(22)}`, locator: record.locator, version: 3 });
  assert.equal(await post(gone, `dlv_${'D'.repeat(22)}`, sign(gone, secret)), 204);
  assert.deepEqual(withdrawn, ['sim-east']);
});

test('docs/webhooks.md shows this receiver verbatim', async () => {
  const source = await readFile(new URL(import.meta.url), 'utf8');
  const code = source.split('// docs/webhooks.md: Node receiver begins\n')[1].split('// docs/webhooks.md: Node receiver ends')[0];
  const doc = await readFile(new URL('../../../docs/webhooks.md', import.meta.url), 'utf8');
  assert.ok(code.length > 500 && doc.includes(code), 'docs/webhooks.md does not show the receiver of test/receiver.test.js verbatim; copy it there');
});
