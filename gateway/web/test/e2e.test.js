// End to end: the client against a real gateway, the embedded default of
// `trackgate serve` with its fixed demo parcels. TRACKGATE_BIN names a
// prebuilt trackgate binary; without it the test runs `go run
// ./cmd/trackgate` from the repository root.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ErrorCode, Outcome, TrackgateClient } from '../src/tg1.js';
import '../src/widget/checksums.js';
import { resultModel } from '../src/widget/model.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const startTimeoutMs = 180_000; // go run compiles first on a cold cache

/** @type {import('node:child_process').ChildProcess} */
let gateway;
let gatewayURL = '';
let output = '';
// serve keeps its identity here, not in the user's cache dir.
const stateDir = mkdtempSync(join(tmpdir(), 'trackgate-e2e-'));

/** @returns {Promise<number>} a free loopback port */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

before(async () => {
  const addr = `127.0.0.1:${await freePort()}`;
  const bin = process.env.TRACKGATE_BIN;
  const serveArgs = ['serve', '--addr', addr, '--state-dir', stateDir];
  const [cmd, args] = bin ? [bin, serveArgs] : ['go', ['run', './cmd/trackgate', ...serveArgs]];
  // Its own process group, so that stopping it also stops the binary go run started.
  gateway = spawn(cmd, args, { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  gateway.stdout?.on('data', (d) => { output += d; });
  gateway.stderr?.on('data', (d) => { output += d; });
  gatewayURL = `http://${addr}`;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (gateway.exitCode !== null) throw new Error(`gateway exited early:\n${output.slice(-2000)}`);
    // The directory answers as soon as the gateway listens; serve prints
    // its demo parcels only once the simulated couriers have published.
    try {
      const resp = await fetch(`${gatewayURL}/v1/couriers`);
      if (resp.ok && output.includes('Demo parcels')) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`gateway did not answer within ${startTimeoutMs} ms:\n${output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}, { timeout: startTimeoutMs + 10_000 });

after(async () => {
  try {
    await stopGateway();
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});

/** Stops the gateway: SIGTERM to its process group, SIGKILL after 10 s. */
async function stopGateway() {
  if (!gateway || gateway.exitCode !== null || gateway.pid === undefined) return;
  const exited = new Promise((resolve) => gateway.once('exit', resolve));
  process.kill(-gateway.pid, 'SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (gateway.exitCode === null && gateway.signalCode === null) process.kill(-gateway.pid, 'SIGKILL');
}

/** A client whose fetch counts the requests it makes. */
function countingClient() {
  const counter = { requests: 0 };
  const client = new TrackgateClient(gatewayURL, {
    fetch: (url, init) => { counter.requests++; return fetch(url, init); },
  });
  return { client, counter };
}

test('SW100000000001 is found, in transit', async () => {
  const { client } = countingClient();
  const result = await client.track('sw 1000-0000-0001');
  assert.equal(result.trackingNumber, 'SW100000000001');
  assert.equal(result.legs.length, 1);
  assert.equal(result.legs[0].courier, 'sim-swift');
  assert.equal(result.legs[0].view.status, 'in_transit');
  assert.ok(result.timeline.length > 0);
  assert.deepEqual(result.couriers, [{ courier: 'sim-swift', trackingNumber: 'SW100000000001', status: Outcome.FOUND }]);
  assert.match(client.directoryETag, /^"[A-Za-z0-9_-]{43}"$/);
});

test('7700000000001 with factor 1234 is found', async () => {
  const result = await countingClient().client.track('7700000000001', { factor: '1234' });
  assert.equal(result.legs[0].courier, 'sim-panda');
  assert.equal(result.legs[0].view.tracking_number, '7700000000001');
});

test('a wrong factor is not found, with the same requests as a hit', async () => {
  const hit = countingClient();
  await hit.client.track('7700000000001', { factor: '1234' });
  const miss = countingClient();
  await assert.rejects(miss.client.track('7700000000001', { factor: '9999' }), (err) => {
    assert.equal(err.code, ErrorCode.NOT_FOUND);
    assert.equal(err.result.couriers[0].status, Outcome.NOT_FOUND);
    return true;
  });
  assert.equal(miss.counter.requests, hit.counter.requests);
});

test('no factor where the courier needs one', async () => {
  await assert.rejects(countingClient().client.track('7700000000001'), (err) => err.code === ErrorCode.FACTOR_REQUIRED);
});

test('a handoff is followed', async () => {
  const result = await countingClient().client.track('SW100000000002');
  assert.deepEqual(result.legs.map((l) => [l.courier, l.depth]), [['sim-swift', 0], ['sim-global', 1]]);
});

test('a malformed number is refused before any request', async () => {
  const { client, counter } = countingClient();
  await assert.rejects(client.track('SW-1000/0000'), (err) => err.code === ErrorCode.INVALID_TRACKING_NUMBER);
  await assert.rejects(client.track('SW100000000001', { factor: '12a4' }), (err) => err.code === ErrorCode.INVALID_FACTOR);
  assert.equal(counter.requests, 0);
});

/**
 * The CLI's --json answer for a number, from the same gateway.
 * @param {string[]} args
 */
async function cliTrack(args) {
  const bin = process.env.TRACKGATE_BIN;
  const [cmd, pre] = bin ? [bin, []] : ['go', ['run', './cmd/trackgate']];
  const { stdout } = await promisify(execFile)(cmd, [...pre, 'track', ...args, '--json', '--gateway', gatewayURL], { cwd: repoRoot, timeout: 120_000 });
  return JSON.parse(stdout);
}

test('the widget reads the demo parcels as the CLI does', { timeout: 300_000 }, async () => {
  const parcels = [
    [['SW100000000001'], 'in_transit', true],
    [['7700000000001', '--factor', '1234'], 'available_for_pickup', false],
    [['SW100000000002'], 'customs_hold', false],
    [['SW100000000003'], 'returning_to_sender', false],
    [['GP000000028CN'], 'in_transit', true], // detected through the widget's S10 check digit
  ];
  for (const [args, code, eta] of parcels) {
    const [number, , factor] = args;
    const result = await new TrackgateClient(gatewayURL).track(number, { factor });
    const m = resultModel(result, 'en');
    assert.ok(m, number);
    const cli = (await cliTrack(args)).headline;
    assert.equal(m.headline.code, code, number);
    assert.deepEqual(
      [m.headline.code, m.headline.status, m.headline.substatus, m.headline.courier, m.headline.trackingNumber, m.headline.eta],
      [cli.code, cli.status, cli.substatus ?? '', cli.courier, cli.tracking_number, cli.eta],
      `${number}: the widget's headline differs from the CLI's`,
    );
    assert.equal(Boolean(m.eta), eta, `${number}: ETA shown`);
    assert.ok(cli.label.startsWith(m.reason ? `${m.title} — ${m.reason}` : m.title), `${number}: "${cli.label}" does not begin with "${m.title}"`);
    assert.equal(m.items.filter((i) => i.kind === 'event').length, result.timeline.length, `${number}: every event is shown`);
  }
});
