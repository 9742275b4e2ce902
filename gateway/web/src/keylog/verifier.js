// The client's side of the key log (docs/protocol.md §7.8): a port of
// gateway/keylog/verify's Verifier. It keeps the last checkpoint it
// trusted and checks, each failure with its own code:
//
//   - a checkpoint: signed by the log's key (KEY_LOG_BAD_SIGNATURE) and
//     cosigned by enough witnesses (KEY_LOG_NOT_WITNESSED);
//   - that the log only grew since: not smaller (KEY_LOG_ROLLBACK), the
//     same history (KEY_LOG_FORK);
//   - that each statement is in the log (KEY_NOT_IN_LOG), well formed,
//     signed by the key it names, about the courier asked about;
//   - the courier's history of signing keys and its pin
//     (SIGNING_KEY_CHANGED), and at most two live keys (TOO_MANY_LIVE_KEYS).

import { bytesEqual, decodeB64, encodeB64 } from '../b64.js';
import { ErrorCode, TrackgateError } from '../errors.js';
import { isCourierId } from '../identifiers.js';
import { parseCheckpoint } from './checkpoint.js';
import { InvalidSignatureError, MalformedNoteError, newVerifier, openNote, encodeStd } from './note.js';
import { History, checkLive, openStatement } from './statement.js';
import { checkRecord, checkTree, recordHash } from './tlog.js';

/** A signed checkpoint is its text and at most a hundred signatures. */
export const MAX_CHECKPOINT_SIZE = 16 << 10;
const encoder = new TextEncoder();

/** @param {string} code @param {string} message */
const fail = (code, message) => new TrackgateError(code, message);

/**
 * @typedef {object} VerifierConfig
 * @property {string} origin
 * @property {Uint8Array} logKey
 * @property {Map<string, Uint8Array>} [witnesses] by note name
 * @property {number} [quorum]
 * @property {Map<string, Uint8Array>} [pins] couriers' signing keys, by courier id
 */
/**
 * @typedef {object} VerifierState what a verifier remembers between runs
 * @property {string} [checkpoint] the last signed checkpoint trusted
 * @property {Record<string, string>} [pins] couriers' signing keys pinned on first sight, b64
 */
/**
 * @typedef {object} Proven a log entry as a gateway shows it
 * @property {number} index
 * @property {string} entry the signed statement
 * @property {Uint8Array[]} proof
 */

export class KeyLogVerifier {
  /**
   * @param {VerifierConfig} cfg
   * @param {VerifierState} [state]
   * @returns {Promise<KeyLogVerifier>}
   */
  static async create(cfg, state = {}) {
    const v = new KeyLogVerifier();
    v.origin = cfg.origin;
    v.log = await newVerifier(cfg.origin, cfg.logKey);
    v.witnesses = [];
    for (const [name, pk] of [...(cfg.witnesses ?? new Map())].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (name === cfg.origin) throw new TypeError(`witness ${name} has the log's own name`);
      v.witnesses.push(await newVerifier(name, pk));
    }
    v.quorum = cfg.quorum ?? 0;
    if (!Number.isInteger(v.quorum) || v.quorum < 0 || v.quorum > v.witnesses.length) {
      throw new TypeError(`a quorum of ${v.quorum} from ${v.witnesses.length} witnesses`);
    }
    v.pins = new Map(cfg.pins ?? []);
    /** @type {Map<string, Uint8Array>} */
    v.seenPins = new Map();
    for (const [courier, pk] of v.pins) checkPin(courier, pk);
    for (const [courier, b64] of Object.entries(state.pins ?? {})) {
      const pk = decodeB64(b64);
      checkPin(courier, pk);
      v.seenPins.set(courier, pk);
    }
    /** @type {import('./checkpoint.js').Checkpoint|null} */
    v.latest = null;
    v.latestSigned = '';
    if (state.checkpoint) {
      v.latest = v.open(state.checkpoint, 0);
      v.latestSigned = state.checkpoint;
    }
    return v;
  }

  /** What to remember: save it after each update and verifyCourier that succeeded. @returns {VerifierState} */
  state() {
    /** @type {VerifierState} */
    const st = {};
    if (this.latestSigned) st.checkpoint = this.latestSigned;
    if (this.seenPins.size > 0) st.pins = Object.fromEntries([...this.seenPins].map(([c, pk]) => [c, encodeB64(pk)]));
    return st;
  }

  /**
   * Checks a signed checkpoint on its own: the log's signature, the
   * origin, and a quorum of witness cosignatures.
   * @param {string} signed
   * @param {number} [quorum]
   * @returns {import('./checkpoint.js').Checkpoint}
   */
  open(signed, quorum = this.quorum) {
    if (typeof signed !== 'string' || encoder.encode(signed).length > MAX_CHECKPOINT_SIZE) {
      throw fail(ErrorCode.KEY_LOG_MALFORMED, `checkpoint of more than ${MAX_CHECKPOINT_SIZE} bytes`);
    }
    let n;
    try {
      n = openNote(signed, [this.log, ...this.witnesses]);
    } catch (err) {
      if (err instanceof InvalidSignatureError) throw fail(ErrorCode.KEY_LOG_BAD_SIGNATURE, `checkpoint signature of ${err.signer} does not verify`);
      if (err instanceof MalformedNoteError) throw fail(ErrorCode.KEY_LOG_MALFORMED, `checkpoint: ${err.message}`);
      throw err;
    }
    const logSigned = n.sigs.some((s) => s.name === this.log.name && s.hash === this.log.hash);
    if (!logSigned) throw fail(ErrorCode.KEY_LOG_BAD_SIGNATURE, `checkpoint not signed by the log ${this.origin}`);
    const cosigned = n.sigs.length - 1;
    let c;
    try {
      c = parseCheckpoint(n.text);
    } catch (err) {
      throw fail(ErrorCode.KEY_LOG_MALFORMED, /** @type {Error} */ (err).message);
    }
    if (c.origin !== this.origin) throw fail(ErrorCode.KEY_LOG_MALFORMED, `checkpoint of log ${JSON.stringify(c.origin)} signed by the key of ${this.origin}`);
    if (cosigned < quorum) throw fail(ErrorCode.KEY_LOG_NOT_WITNESSED, `${cosigned} of ${quorum} cosignatures`);
    return c;
  }

  /**
   * Checks a signed checkpoint and that it extends the last one trusted,
   * with proof, a consistency proof from the last trusted size (empty
   * when either is 0 or they are equal). The first is trusted as it is.
   * @param {string} signed
   * @param {Uint8Array[]} proof
   */
  async update(signed, proof) {
    const c = this.open(signed);
    const old = this.latest;
    if (old) {
      if (c.size < old.size) throw fail(ErrorCode.KEY_LOG_ROLLBACK, `a checkpoint of ${c.size} entries after one of ${old.size}`);
      if (c.size === old.size && !bytesEqual(c.hash, old.hash)) {
        throw fail(ErrorCode.KEY_LOG_FORK, `two checkpoints of ${c.size} entries with roots ${encodeStd(old.hash)} and ${encodeStd(c.hash)}`);
      }
      if (c.size > old.size && old.size > 0 && !(await checkTree(proof, c.size, c.hash, old.size, old.hash))) {
        throw fail(ErrorCode.KEY_LOG_FORK, `the log of ${c.size} entries does not extend the one of ${old.size} trusted`);
      }
    }
    this.latest = c;
    this.latestSigned = signed;
    return c;
  }

  /**
   * Checks a courier's statements against the last checkpoint trusted
   * (update first) and returns its keys, in log order. A courier not
   * pinned by configuration is pinned to its current signing key, and the
   * pin follows its changes of key.
   * @param {{id: string, signingKeys: Proven[], keys: Proven[]}} c
   * @param {number} now ms since the epoch
   * @returns {Promise<import('./statement.js').KeyStatement[]>}
   */
  async verifyCourier(c, now) {
    const latest = this.latest;
    if (!latest) throw fail(ErrorCode.KEY_NOT_IN_LOG, 'no checkpoint trusted yet');
    if (!isCourierId(c.id)) throw fail(ErrorCode.KEY_LOG_MALFORMED, `${JSON.stringify(c.id)} is not a courier id`);
    const keyIndexes = new Set(c.keys.map((p) => p.index));
    const entries = [...c.signingKeys, ...c.keys].sort((a, b) => a.index - b.index);
    for (const p of entries) {
      if (!Number.isSafeInteger(p.index) || p.index < 0 || p.index >= latest.size
          || !(await checkRecord(p.proof, latest.size, latest.hash, p.index, await recordHash(encoder.encode(p.entry))))) {
        throw fail(ErrorCode.KEY_NOT_IN_LOG, `entry ${p.index} of a log of ${latest.size}`);
      }
    }
    const history = new History(c.id);
    const keys = [];
    for (const [i, p] of entries.entries()) {
      if (i > 0 && entries[i - 1].index === p.index) throw fail(ErrorCode.KEY_LOG_MALFORMED, `entry ${p.index} shown twice`);
      const st = await openStatement(p.entry);
      if (Boolean(st.key) !== keyIndexes.has(p.index)) throw fail(ErrorCode.KEY_LOG_MALFORMED, `entry ${p.index} is not the kind of statement shown`);
      if (st.signing) {
        history.change(st.signing);
      } else if (st.key) {
        history.check(st.key);
        keys.push(st.key);
      }
    }
    checkLive(keys, now);
    for (const [pin, how] of [[this.pins.get(c.id), 'configured'], [this.seenPins.get(c.id), 'seen before']]) {
      if (pin && !history.had(/** @type {Uint8Array} */ (pin))) {
        throw fail(ErrorCode.SIGNING_KEY_CHANGED, `${c.id}'s signing key ${encodeB64(/** @type {Uint8Array} */ (pin))} (${how}) is not in its history in the log`);
      }
    }
    const current = history.current();
    if (!this.pins.has(c.id) && current) this.seenPins.set(c.id, current);
    return keys;
  }
}

/** @param {string} courier @param {Uint8Array} pk */
function checkPin(courier, pk) {
  if (!isCourierId(courier)) throw new TypeError(`pin of ${JSON.stringify(courier)}: not a courier id`);
  if (!(pk instanceof Uint8Array) || pk.length !== 32) throw new TypeError(`pin of ${courier}: not a 32-byte Ed25519 public key`);
}
