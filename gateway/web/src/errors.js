// Errors of the tg1 client, with the same meanings as the Go SDK's
// sentinel errors (gateway/client/errors.go). Compare `err.code`.

/** Codes of TrackgateError, one per Go SDK sentinel error. */
export const ErrorCode = Object.freeze({
  /** The tracking number has the wrong shape (docs/protocol.md §3); no request was made. */
  INVALID_TRACKING_NUMBER: 'invalid_tracking_number',
  /** The second factor is not exactly 4 ASCII digits; no request was made. */
  INVALID_FACTOR: 'invalid_factor',
  /** The pinned courier id has the wrong shape; no request was made. */
  INVALID_COURIER_ID: 'invalid_courier_id',
  /** No courier in the directory matches the number (or the pinned one is unknown). */
  NO_CANDIDATE: 'no_candidate',
  /** Every candidate courier needs the last 4 phone digits and none were given. */
  FACTOR_REQUIRED: 'factor_required',
  /** No courier has the parcel, or the factor is wrong: tg1 cannot tell which, by design. */
  NOT_FOUND: 'not_found',
  /** Nothing found, and a courier asked could not answer for the moment: try again. */
  UNAVAILABLE: 'unavailable',
  /** Nothing found, and a courier asked is still publishing its first records (§7.1): try again shortly. Not "not found". */
  STILL_LOADING: 'still_loading',
  /** Nothing found, and some couriers could not be asked (bad proof, no key, invalid answer). */
  INCOMPLETE: 'incomplete',
  /** The gateway's directory breaks tg1 (wrong protocol, revision, suite, kid, …). */
  INVALID_DIRECTORY: 'invalid_directory',
  /** The gateway answered with an error status or a body that is not tg1. */
  GATEWAY: 'gateway',

  // The key log (docs/protocol.md §7.8): what the gateway shows of the
  // couriers' keys does not verify. A checkpoint's failure (err.courier
  // undefined) refuses the whole directory; a courier's refuses that
  // courier, which is never asked. The Go SDK's sentinels are in
  // gateway/keylog/verify and gateway/client.

  /** A checkpoint of another history than the one trusted: the gateway shows different logs to different clients. */
  KEY_LOG_FORK: 'key_log_fork',
  /** A checkpoint of a smaller log than one already trusted. */
  KEY_LOG_ROLLBACK: 'key_log_rollback',
  /** A courier key that is not the one its statement in the log states, or a statement not in the log. */
  KEY_NOT_IN_LOG: 'key_not_in_log',
  /** A checkpoint not signed by the log's key, or a statement not by the key it names. */
  KEY_LOG_BAD_SIGNATURE: 'key_log_bad_signature',
  /** More than two keys of one courier live at once. */
  TOO_MANY_LIVE_KEYS: 'too_many_live_keys',
  /** A courier's keys signed by another key than its signing key, or its signing key changed without the previous key's signature. */
  SIGNING_KEY_CHANGED: 'signing_key_changed',
  /** A checkpoint without the witness cosignatures required. */
  KEY_LOG_NOT_WITNESSED: 'key_log_not_witnessed',
  /** Another courier's statement shown as this courier's. */
  KEY_LOG_WRONG_COURIER: 'key_log_wrong_courier',
  /** Key log data (a checkpoint, a statement, a proof) not in its format. */
  KEY_LOG_MALFORMED: 'key_log_malformed',
  /** The directory shows no key log, though the client trusts one (configured, or seen before). */
  KEY_LOG_MISSING: 'key_log_missing',
});

/** The codes of key log failures. */
export const KEY_LOG_CODES = Object.freeze([
  ErrorCode.KEY_LOG_FORK, ErrorCode.KEY_LOG_ROLLBACK, ErrorCode.KEY_NOT_IN_LOG, ErrorCode.KEY_LOG_BAD_SIGNATURE,
  ErrorCode.TOO_MANY_LIVE_KEYS, ErrorCode.SIGNING_KEY_CHANGED, ErrorCode.KEY_LOG_NOT_WITNESSED,
  ErrorCode.KEY_LOG_WRONG_COURIER, ErrorCode.KEY_LOG_MALFORMED, ErrorCode.KEY_LOG_MISSING,
]);

/** An error of the tg1 client; `code` is one of ErrorCode. */
export class TrackgateError extends Error {
  /**
   * @param {string} code one of ErrorCode
   * @param {string} message
   * @param {{result?: import('./result.js').TrackResult, status?: number, retryAfter?: string, courier?: string}} [extra]
   *   result: what each courier answered (not found, factor required, unavailable, still loading, incomplete,
   *   and a key log failure of a courier);
   *   status and retryAfter: the gateway's answer (code GATEWAY);
   *   courier: the courier a key log failure refuses (none when it refuses the whole directory).
   */
  constructor(code, message, extra = {}) {
    super(message);
    this.name = 'TrackgateError';
    this.code = code;
    this.result = extra.result;
    this.status = extra.status;
    this.retryAfter = extra.retryAfter;
    this.courier = extra.courier;
  }
}
