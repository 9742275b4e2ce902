// A tg1 gateway in memory for the client's tests: a fetch function that
// answers /v1/couriers, /v1/evaluate, /v1/buckets and /v1/records with
// real VOPRF evaluations (voprf-ts's server) and records sealed as a
// courier host seals them (docs/protocol.md §4, §5). Tests change its
// behaviour per courier and read the requests it received.

import { EvaluationRequest, Oprf, VOPRFServer, generatePublicKey } from '@cloudflare/voprf-ts';
import { CryptoNoble } from '@cloudflare/voprf-ts/crypto-noble';
import { readFileSync } from 'node:fs';
import { decodeB64, decodeHex, encodeB64 } from '../src/b64.js';
import { bucketOf, derive, formatBucket, recordAAD } from '../src/derive.js';
import { directoryETag, keyId } from '../src/directory.js';
import { oprfInput } from '../src/identifiers.js';

const suite = Oprf.Suite.RISTRETTO255_SHA512;
const vectors = JSON.parse(readFileSync(new URL('../../../crypto/testdata/tg1-vectors.json', import.meta.url), 'utf8'));
const privateKeys = vectors.cases.map((c) => decodeHex(c.key.private_key_hex));

export const RECORD_SIZE = 384;

/**
 * @typedef {object} FakeCourier
 * @property {string} id
 * @property {'none'|'phone_last4'} factor
 * @property {string} regex
 * @property {string} [evalStatus] answer this status instead of evaluating
 * @property {boolean} [missing] list the courier in every fetch answer's missing
 * @property {boolean} [badProof] answer with a proof of another key
 * @property {boolean} [expiredKey] list only a key whose window has passed
 * @property {boolean} [loading] mark it "loading" in the directory: its host is still publishing (§7.1)
 */

export class FakeGateway {
  /**
   * @param {object} [opts]
   * @param {number} [opts.bucketBits]
   * @param {number} [opts.revision]
   * @param {string} [opts.etag] serve this ETag instead of the body's hash
   */
  constructor(opts = {}) {
    this.bucketBits = opts.bucketBits ?? 4;
    this.revision = opts.revision ?? 2;
    this.etagOverride = opts.etag;
    /** @type {number} when set, every bucket and record fetch answers this status */
    this.fetchStatus = 0;
    this.startedAt = Date.now(); // key windows are fixed, so the directory body is too
    /** @type {FakeCourier[]} */
    this.couriers = [
      { id: 'sim-east', factor: 'none', regex: '^SE[0-9]{10}$' },
      { id: 'kuai-post', factor: 'phone_last4', regex: '^KP[0-9]{12}$' },
      { id: 'nordpost', factor: 'none', regex: '^NP[0-9]{9}$' },
    ];
    /** @type {{locator: string, nonce: string, ciphertext: string}[]} */
    this.records = [];
    /** @type {{method: string, path: string, headers: Record<string, string>, body?: any}[]} */
    this.requests = [];
    /** @type {Set<string>} tenant secret keys the subscription routes accept */
    this.secretKeys = new Set();
    /** @type {Map<string, any>} subscriptions by id, each with its tenant key and secrets */
    this.subscriptions = new Map();
    this.fetch = this.fetch.bind(this);
  }

  /** @param {string} id */
  courier(id) {
    return /** @type {FakeCourier} */ (this.couriers.find((c) => c.id === id));
  }

  /** @param {string} id */
  privateKey(id) {
    return privateKeys[this.couriers.findIndex((c) => c.id === id)];
  }

  /**
   * Seals and stores a parcel as its courier host would.
   * @param {string} courier
   * @param {string} tn
   * @param {string} factor
   * @param {object} [viewExtra] members added to (or replacing those of) the view
   */
  async addParcel(courier, tn, factor, viewExtra = {}) {
    const server = new VOPRFServer(suite, this.privateKey(courier), CryptoNoble);
    const y = await server.evaluate(oprfInput(courier, tn, factor));
    const { locator, recordKey } = await derive(y);
    const view = {
      courier, tracking_number: tn, status: 'in_transit',
      events: [{ time: '2026-12-01T08:00:00Z', status: 'in_transit', description: 'Departed' }],
      updated_at: '2026-12-01T08:00:00Z', ...viewExtra,
    };
    const plain = new TextEncoder().encode(JSON.stringify(view).padEnd(RECORD_SIZE - 16, ' '));
    const nonce = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const key = await globalThis.crypto.subtle.importKey('raw', recordKey, 'AES-GCM', false, ['encrypt']);
    const ciphertext = new Uint8Array(await globalThis.crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: nonce, additionalData: recordAAD(courier, locator) }, key, plain,
    ));
    const record = { locator: encodeB64(locator), nonce: encodeB64(nonce), ciphertext: encodeB64(ciphertext) };
    this.records.push(record);
    return record;
  }

  async directoryBody() {
    const now = this.startedAt;
    const day = 86_400_000;
    const couriers = [];
    for (const c of this.couriers) {
      const pk = generatePublicKey(suite, this.privateKey(c.id), CryptoNoble);
      const window = c.expiredKey ? [now - 2 * day, now - day] : [now - day, now + day];
      couriers.push({
        id: c.id, name: c.id.toUpperCase(), factor: c.factor, mode: 'push',
        keys: [{ kid: await keyId(pk), public_key: encodeB64(pk), not_before: new Date(window[0]).toISOString(), not_after: new Date(window[1]).toISOString() }],
        patterns: [{ regex: c.regex, checksum: '' }],
        ...(c.loading ? { loading: true } : {}),
      });
    }
    return new TextEncoder().encode(JSON.stringify({
      protocol: 'tg1', revision: this.revision, suite: 'ristretto255-SHA512',
      bucket_bits: this.bucketBits, record_size: RECORD_SIZE, couriers,
    }));
  }

  /**
   * @param {string|URL} url
   * @param {RequestInit} [init]
   * @returns {Promise<Response>}
   */
  async fetch(url, init = {}) {
    const u = new URL(url);
    const method = init.method ?? 'GET';
    const headers = /** @type {Record<string, string>} */ ({ ...(init.headers ?? {}) });
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    this.requests.push({ method, path: u.pathname, headers, body });
    const json = (obj, status = 200) => new Response(JSON.stringify(obj), { status, headers: { 'Content-Type': 'application/json' } });

    if (method === 'GET' && u.pathname === '/v1/couriers') {
      const b = await this.directoryBody();
      const etag = this.etagOverride ?? (await directoryETag(b));
      if (headers['If-None-Match'] === etag) return new Response(null, { status: 304, headers: { ETag: etag } });
      return new Response(b, { status: 200, headers: { 'Content-Type': 'application/json', ETag: etag } });
    }
    if (method === 'POST' && u.pathname === '/v1/evaluate') {
      const results = [];
      for (const r of body.requests) {
        const c = this.courier(r.courier);
        if (c.evalStatus) {
          results.push({ courier: r.courier, kid: r.kid, status: c.evalStatus });
          continue;
        }
        const keyOf = c.badProof ? this.couriers.find((o) => o.id !== c.id)?.id : c.id;
        const server = new VOPRFServer(suite, this.privateKey(/** @type {string} */ (keyOf)), CryptoNoble);
        const group = Oprf.getGroup(suite, CryptoNoble);
        const ev = await server.blindEvaluate(new EvaluationRequest(r.blinded.map((b) => group.desElt(decodeB64(b)))));
        results.push({
          courier: r.courier, kid: r.kid, status: 'ok',
          evaluated: ev.evaluated.map((e) => encodeB64(e.serialize())),
          proof: encodeB64(/** @type {any} */ (ev.proof).serialize()),
        });
      }
      return json({ results });
    }
    if (u.pathname.startsWith('/v1/subscriptions')) return this.serveSubscriptions(method, u, headers, body, json);
    const missing = this.couriers.filter((c) => c.missing).map((c) => c.id);
    if (this.fetchStatus && /^\/v1\/(buckets|records)\//.test(u.pathname)) {
      return new Response(JSON.stringify({ type: 'about:blank', title: 'Error', status: this.fetchStatus }), {
        status: this.fetchStatus, headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '1' },
      });
    }
    const bucketMatch = u.pathname.match(/^\/v1\/buckets\/([0-9a-f]+)$/);
    if (method === 'GET' && bucketMatch) {
      const records = this.records.filter((r) => formatBucket(bucketOf(decodeB64(r.locator), this.bucketBits)) === bucketMatch[1]);
      return json({ records, missing });
    }
    const locatorMatch = u.pathname.match(/^\/v1\/records\/([A-Za-z0-9_-]{22})$/);
    if (method === 'GET' && locatorMatch) {
      return json({ records: this.records.filter((r) => r.locator === locatorMatch[1]), missing });
    }
    return json({ title: 'Not Found', status: 404 }, 404);
  }

  /**
   * The subscription routes of docs/protocol.md §10, in memory: enough for
   * the client's calls (the gateway's own tests cover the rest).
   * @param {string} method @param {URL} u @param {Record<string, string>} headers @param {any} body
   * @param {(obj: any, status?: number) => Response} json
   */
  serveSubscriptions(method, u, headers, body, json) {
    const problem = (status, detail) => json({ title: 'Error', status, detail }, status);
    const key = (headers.Authorization ?? '').replace(/^Bearer /, '');
    if (!this.secretKeys.has(key)) return problem(401, 'Subscriptions need a tenant secret key, sent as Authorization: Bearer tg1sk_….');
    const view = (/** @type {any} */ s) => {
      const { tenant, secrets, ...rest } = s;
      return rest;
    };
    if (u.pathname === '/v1/subscriptions' && method === 'POST') {
      const id = `sub_${encodeB64(globalThis.crypto.getRandomValues(new Uint8Array(16)))}`;
      const now = new Date();
      const s = {
        id, locators: body.locators, callback_url: body.callback_url, state: 'active',
        created_at: now.toISOString(), expires_at: new Date(now.getTime() + 90 * 86_400_000).toISOString(),
        counts: { delivered: 0, pending: 0, dead: 0 }, tenant: key, secrets: [body.secret], dead_letters: [],
      };
      this.subscriptions.set(id, s);
      const { dead_letters: _, ...shown } = view(s);
      return json(shown, 201);
    }
    if (u.pathname === '/v1/subscriptions' && method === 'GET') {
      const all = [...this.subscriptions.values()].filter((s) => s.tenant === key);
      const limit = Number(u.searchParams.get('limit') ?? 50);
      const from = u.searchParams.get('cursor') ? all.findIndex((s) => s.id === u.searchParams.get('cursor')) + 1 : 0;
      const page = all.slice(from, from + limit);
      const next = from + limit < all.length ? page[page.length - 1].id : '';
      return json({ subscriptions: page.map((s) => { const { dead_letters: _, ...shown } = view(s); return shown; }), next_cursor: next });
    }
    const m = u.pathname.match(/^\/v1\/subscriptions\/(sub_[A-Za-z0-9_-]+)(\/secret|\/dead-letters|\/dead-letters\/replay)?$/);
    const s = m && this.subscriptions.get(m[1]);
    if (!s || s.tenant !== key) return problem(404, 'No such subscription.');
    const shown = () => { const { dead_letters: _, ...rest } = view(s); return rest; };
    switch (`${method} ${m[2] ?? ''}`) {
      case 'GET ': return json(shown());
      case 'DELETE ':
        s.state = 'ended';
        s.ended_reason = 'deleted';
        return new Response(null, { status: 204 });
      case 'POST /secret':
        s.secrets = [body.secret, s.secrets[0]];
        return json(shown());
      case 'GET /dead-letters': return json({ dead_letters: s.dead_letters });
      case 'POST /dead-letters/replay': {
        const ids = body?.ids ?? [];
        const replayed = s.dead_letters.filter((/** @type {any} */ d) => ids.length === 0 || ids.includes(d.id));
        s.dead_letters = s.dead_letters.filter((/** @type {any} */ d) => !replayed.includes(d));
        return json({ replayed: replayed.length }, 202);
      }
    }
    return problem(405, 'Method not allowed.');
  }

  /** The requests after the directory, as method and path kind, to compare lookup shapes. */
  shape() {
    return this.requests
      .filter((r) => r.path !== '/v1/couriers')
      .map((r) => (r.method === 'POST' ? `POST evaluate ${r.body.requests.map((q) => `${q.courier}:${q.blinded.length}`).join(',')}` : `GET ${r.path.split('/')[2]}`));
  }
}
