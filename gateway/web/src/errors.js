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
});

/** An error of the tg1 client; `code` is one of ErrorCode. */
export class TrackgateError extends Error {
  /**
   * @param {string} code one of ErrorCode
   * @param {string} message
   * @param {{result?: import('./result.js').TrackResult, status?: number, retryAfter?: string}} [extra]
   *   result: what each courier answered (not found, factor required, unavailable, still loading, incomplete);
   *   status and retryAfter: the gateway's answer (code GATEWAY).
   */
  constructor(code, message, extra = {}) {
    super(message);
    this.name = 'TrackgateError';
    this.code = code;
    this.result = extra.result;
    this.status = extra.status;
    this.retryAfter = extra.retryAfter;
  }
}
