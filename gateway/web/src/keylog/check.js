// The key log check of every directory (docs/protocol.md §7.8), as the Go
// SDK's gateway/client/keylog.go: the directory's checkpoint must extend
// the last one trusted (a consistency proof fetched when the log grew),
// and every courier key must be the one its courier stated in the log. A
// checkpoint that fails refuses the directory; a courier that fails is
// marked refused and never asked.
//
// What was learned (the log's key when pinned on first sight, the last
// checkpoint trusted, couriers' signing keys pinned on first sight) is
// kept in storage (localStorage by default) under
// `trackgate:keylog:<gateway origin>`; where storage cannot be used, in
// memory, for the client's life. Checking goes on either way.

import { decodeB64, encodeB64 } from '../b64.js';
import { ErrorCode, KEY_LOG_CODES, TrackgateError } from '../errors.js';
import { isCourierId } from '../identifiers.js';
import { parseVerifierKey, verifierKey } from './note.js';
import { openKey } from './statement.js';
import { HASH_SIZE } from './tlog.js';
import { KeyLogVerifier } from './verifier.js';

/**
 * @typedef {object} KeyLogOptions what a client trusts of the gateway's key log before it sees it
 * @property {string} [key] the note verifier key of the log, "<origin>+<hash>+<base64>"; without it the
 *   key of the first directory is pinned, and every later one must show the same
 * @property {string} [origin] when set, must be key's name
 * @property {Record<string, string>} [witnesses] witnesses whose cosignatures count: name → note verifier key
 *   or b64 Ed25519 public key
 * @property {number} [quorum] how many witnesses must have cosigned a checkpoint (default 0)
 * @property {Record<string, string>} [pins] couriers' signing keys, courier id → b64 Ed25519 public key
 * @property {{getItem(k: string): string|null, setItem(k: string, v: string): void}|null} [storage]
 *   where to keep what was learned (default localStorage when there is one; null: memory only)
 */

/**
 * @typedef {object} KeyLogState
 * @property {string} [origin]
 * @property {string} [key]
 * @property {string} [checkpoint]
 * @property {Record<string, string>} [pins]
 */

/** What each code says happened, of the whole directory and of one courier. */
const attacks = {
  [ErrorCode.KEY_LOG_FORK]: ["the gateway's key log forked"],
  [ErrorCode.KEY_LOG_ROLLBACK]: ["the gateway's key log rolled back"],
  [ErrorCode.KEY_LOG_NOT_WITNESSED]: ["the gateway's key log checkpoint lacks the witness cosignatures required"],
  [ErrorCode.KEY_LOG_MISSING]: ["the gateway's directory no longer shows its key log"],
  [ErrorCode.TOO_MANY_LIVE_KEYS]: [null, (/** @type {string} */ c) => `the gateway shows more than two live keys of ${c}`],
  [ErrorCode.SIGNING_KEY_CHANGED]: [null, (/** @type {string} */ c) => `the key log shows ${c}'s signing key changed without its previous key's signature`],
  [ErrorCode.KEY_LOG_WRONG_COURIER]: [null, (/** @type {string} */ c) => `the gateway shows another courier's key statement as ${c}'s`],
  [ErrorCode.KEY_NOT_IN_LOG]: [null, (/** @type {string} */ c) => `the gateway shows a key of ${c} that is not in its key log`],
  [ErrorCode.KEY_LOG_BAD_SIGNATURE]: ["the gateway's key log checkpoint is not signed by the log's key", (/** @type {string} */ c) => `a key statement of ${c} is not signed by the key it names`],
  [ErrorCode.KEY_LOG_MALFORMED]: ["the gateway's key log data is malformed", (/** @type {string} */ c) => `the gateway's key log data about ${c} is malformed`],
};

/**
 * A key log failure as the client reports it: a sentence that names the
 * attack, then the detail.
 * @param {string} code @param {string} detail @param {string} [courier]
 */
export function keyLogError(code, detail, courier) {
  const [whole, one] = attacks[code] ?? [];
  const what = (courier && one ? one(courier) : whole) ?? (courier ? `the key log check of ${courier} failed` : 'the key log check failed');
  return new TrackgateError(code, `${what}: ${detail}`, { courier });
}

/** @param {unknown} err */
const isKeyLogFailure = (err) => err instanceof TrackgateError && KEY_LOG_CODES.includes(err.code);

/** @param {string} b64 @param {string} what */
function ed25519Key(b64, what) {
  let pk;
  try {
    pk = decodeB64(b64);
  } catch {
    pk = null;
  }
  if (!pk || pk.length !== 32) throw new TypeError(`${what}: not a 32-byte Ed25519 public key in b64`);
  return pk;
}

/** @returns {KeyLogOptions['storage']} */
function defaultStorage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage refused to this page
  }
}

export class KeyLogCheck {
  /**
   * @param {KeyLogOptions} options
   * @param {string} gatewayOrigin
   */
  constructor(options, gatewayOrigin) {
    this.options = options ?? {};
    this.storageKey = `trackgate:keylog:${gatewayOrigin}`;
    this.storage = this.options.storage === undefined ? defaultStorage() : this.options.storage;
    const q = this.options.quorum ?? 0;
    if (!Number.isInteger(q) || q < 0 || q > Object.keys(this.options.witnesses ?? {}).length) {
      throw new TypeError(`keyLog.quorum ${q}: at most the number of witnesses`);
    }
    if (this.options.origin && !this.options.key) throw new TypeError('keyLog.origin without keyLog.key');
    for (const [courier, b64] of Object.entries(this.options.pins ?? {})) {
      if (!isCourierId(courier)) throw new TypeError(`keyLog.pins: ${JSON.stringify(courier)} is not a courier id`);
      ed25519Key(b64, `keyLog.pins.${courier}`);
    }
    /** @type {KeyLogState|null} */
    this.state = null;
    /** @type {{verifier: import('./note.js').Verifier, how: string}|null} the log's key, configured or pinned */
    this.trusted = null;
    /** @type {KeyLogVerifier|null} */
    this.verifier = null;
    this.ready = this.#configure();
    this.ready.catch(() => {}); // reported by check
  }

  async #configure() {
    if (this.options.key) {
      const v = await parseVerifierKey(this.options.key).catch(() => {
        throw new TypeError(`keyLog.key ${JSON.stringify(this.options.key)} is not a note verifier key`);
      });
      if (this.options.origin && this.options.origin !== v.name) throw new TypeError(`keyLog.origin ${this.options.origin}, but the key is of ${v.name}`);
      this.trusted = { verifier: v, how: 'configured' };
    }
    /** @type {Map<string, Uint8Array>} */
    this.witnesses = new Map();
    for (const [name, key] of Object.entries(this.options.witnesses ?? {})) {
      const v = await parseVerifierKey(key).catch(() => null);
      if (v && v.name !== name) throw new TypeError(`keyLog.witnesses.${name}: the verifier key is of ${v.name}`);
      this.witnesses.set(name, v ? v.key : ed25519Key(key, `keyLog.witnesses.${name}`));
    }
    this.pins = new Map(Object.entries(this.options.pins ?? {}).map(([c, b64]) => [c, ed25519Key(b64, `keyLog.pins.${c}`)]));
  }

  /** @returns {KeyLogState} */
  #load() {
    let raw = null;
    try {
      raw = this.storage?.getItem(this.storageKey) ?? null;
    } catch {
      this.storage = null;
    }
    if (raw === null) return {};
    try {
      const st = JSON.parse(raw);
      if (st && typeof st === 'object') return st;
    } catch {
      // not JSON: what was kept is lost, as if it never was
    }
    throw new Error(`the key log state kept under ${this.storageKey} is not JSON; remove it to start over`);
  }

  #save() {
    try {
      this.storage?.setItem(this.storageKey, JSON.stringify(this.state));
    } catch {
      this.storage = null; // full or refused: kept in memory from now on
    }
  }

  /**
   * Checks dir against the key log and marks refused couriers
   * (info.refused). Throws the failure of the whole directory.
   * @param {import('../directory.js').Directory} dir
   * @param {(old: number, size: number) => Promise<unknown>} consistency fetches /v1/log/consistency's answer
   * @param {number} now ms since the epoch
   */
  async check(dir, consistency, now) {
    await this.ready;
    if (!this.state) this.state = this.#load();
    const kl = /** @type {any} */ (dir.doc).key_log;
    if (kl === undefined || kl === null) {
      const trusted = this.trusted?.verifier.name ?? this.state.origin;
      if (trusted) throw keyLogError(ErrorCode.KEY_LOG_MISSING, `the log ${trusted} is trusted (${this.trusted?.how ?? 'pinned on first sight'})`);
      return; // a gateway that never showed a key log: nothing to check yet
    }
    const verifier = await this.#open(kl);
    let next;
    try {
      next = verifier.open(kl.checkpoint);
    } catch (err) {
      throw isKeyLogFailure(err) ? keyLogError(/** @type {TrackgateError} */ (err).code, /** @type {Error} */ (err).message) : err;
    }
    /** @type {Uint8Array[]} */
    let proof = [];
    if (verifier.latest && verifier.latest.size > 0 && next.size > verifier.latest.size) {
      const answer = /** @type {any} */ (await consistency(verifier.latest.size, next.size));
      try {
        proof = hashes(answer?.proof, 'GET /v1/log/consistency');
      } catch (err) {
        throw keyLogError(/** @type {TrackgateError} */ (err).code, /** @type {Error} */ (err).message);
      }
    }
    try {
      await verifier.update(kl.checkpoint, proof);
    } catch (err) {
      throw isKeyLogFailure(err) ? keyLogError(/** @type {TrackgateError} */ (err).code, /** @type {Error} */ (err).message) : err;
    }
    for (const entry of dir.doc.couriers) {
      const info = /** @type {import('../directory.js').CourierInfo} */ (dir.couriers.get(entry.id));
      try {
        await checkCourier(verifier, entry, info, dir.doc.bucket_bits, now);
      } catch (err) {
        if (!isKeyLogFailure(err)) throw err;
        info.refused = keyLogError(/** @type {TrackgateError} */ (err).code, /** @type {Error} */ (err).message, entry.id);
      }
    }
    this.state = { ...this.state, ...verifier.state() };
    this.#save();
  }

  /**
   * The verifier, made on first use: with the configured log key, else
   * the one pinned in the state, else the directory's, pinned now. A
   * directory that announces another key than the one trusted is refused:
   * its checkpoints would not verify.
   * @param {any} kl the directory's key_log
   */
  async #open(kl) {
    const st = /** @type {KeyLogState} */ (this.state);
    if (typeof kl !== 'object' || typeof kl.origin !== 'string' || typeof kl.key !== 'string' || typeof kl.checkpoint !== 'string') {
      throw keyLogError(ErrorCode.KEY_LOG_MALFORMED, 'key_log is not an origin, a key and a checkpoint');
    }
    const shown = await parseVerifierKey(kl.key).catch(() => null);
    if (!shown || shown.name !== kl.origin) {
      throw keyLogError(ErrorCode.KEY_LOG_MALFORMED, `key_log key ${JSON.stringify(kl.key)} is not a note verifier key of origin ${JSON.stringify(kl.origin)}`);
    }
    if (!this.trusted) {
      const pinned = st.key ? await parseVerifierKey(st.key) : shown;
      this.trusted = { verifier: pinned, how: 'pinned on first sight' };
    } else if (!this.verifier && st.key && st.key !== verifierKey(this.trusted.verifier)) {
      throw keyLogError(ErrorCode.KEY_LOG_BAD_SIGNATURE,
        `the key log state was kept for the log key ${st.key}, not the configured ${verifierKey(this.trusted.verifier)}; remove it to trust the configured key`);
    }
    const t = this.trusted.verifier;
    if (shown.name !== t.name || encodeB64(shown.key) !== encodeB64(t.key)) {
      throw keyLogError(ErrorCode.KEY_LOG_BAD_SIGNATURE, `the gateway announces the log key ${kl.key}, not ${verifierKey(t)} (${this.trusted.how})`);
    }
    if (this.verifier) return this.verifier;
    st.origin = t.name;
    st.key = verifierKey(t);
    try {
      this.verifier = await KeyLogVerifier.create(
        { origin: t.name, logKey: t.key, witnesses: this.witnesses, quorum: this.options.quorum ?? 0, pins: this.pins },
        { checkpoint: st.checkpoint, pins: st.pins },
      );
    } catch (err) {
      throw isKeyLogFailure(err) ? keyLogError(/** @type {TrackgateError} */ (err).code, /** @type {Error} */ (err).message) : err;
    }
    return this.verifier;
  }
}

/**
 * The hashes of a proof, each 32 bytes.
 * @param {unknown} list @param {string} where
 */
function hashes(list, where) {
  if (!Array.isArray(list)) throw new TrackgateError(ErrorCode.KEY_LOG_MALFORMED, `${where}: no proof`);
  return list.map((h) => {
    let b;
    try {
      b = decodeB64(h);
    } catch {
      b = null;
    }
    if (!b || b.length !== HASH_SIZE) throw new TrackgateError(ErrorCode.KEY_LOG_MALFORMED, `${where}: a proof hash that is not ${HASH_SIZE} bytes`);
    return b;
  });
}

/**
 * Checks one courier of the directory against the log: its statements,
 * and that every key it lists is the key its statement states, in its
 * mode and factor and the directory's bucket bits.
 * @param {KeyLogVerifier} verifier
 * @param {import('../directory.js').DirectoryCourier & {log?: any}} entry
 * @param {import('../directory.js').CourierInfo} info
 * @param {number} bucketBits
 * @param {number} now
 */
async function checkCourier(verifier, entry, info, bucketBits, now) {
  const log = entry.log;
  if (log === undefined || log === null) throw new TrackgateError(ErrorCode.KEY_NOT_IN_LOG, `the directory shows no statement of ${entry.id}'s keys`);
  if (!Array.isArray(log.signing_keys) || !Array.isArray(log.keys)) throw new TrackgateError(ErrorCode.KEY_LOG_MALFORMED, `${entry.id}'s log is not two lists of statements`);
  if (log.keys.length !== entry.keys.length) {
    throw new TrackgateError(ErrorCode.KEY_NOT_IN_LOG, `the directory lists ${entry.keys.length} keys of ${entry.id} but shows ${log.keys.length} statements`);
  }
  /** @param {any} p */
  const proven = (p) => {
    if (!p || !Number.isSafeInteger(p.index) || typeof p.statement !== 'string') {
      throw new TrackgateError(ErrorCode.KEY_LOG_MALFORMED, `${entry.id}: a statement shown without its index`);
    }
    return { index: p.index, entry: p.statement, proof: hashes(p.proof, `entry ${p.index}`) };
  };
  const shown = { id: entry.id, signingKeys: log.signing_keys.map(proven), keys: log.keys.map(proven) };
  await verifier.verifyCourier(shown, now);
  for (const [i, key] of info.keys.entries()) {
    const st = await openKey(shown.keys[i].entry);
    const field = key.kid !== st.kid ? 'kid'
      : encodeB64(key.pk) !== encodeB64(st.publicKey) ? 'public_key'
        : key.notBefore !== st.notBefore ? 'not_before'
          : key.notAfter !== st.notAfter ? 'not_after'
            : entry.mode !== st.mode ? 'mode'
              : entry.factor !== st.factor ? 'factor'
                : bucketBits !== st.bucketBits ? 'bucket_bits' : '';
    if (field) {
      throw new TrackgateError(ErrorCode.KEY_NOT_IN_LOG, `the directory lists ${entry.id}'s key ${key.kid} with another ${field} than its statement at entry ${shown.keys[i].index}`);
    }
  }
}
