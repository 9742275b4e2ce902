// The widget's states (the host's data-state) and how the client's
// errors map to them (src/errors.js).

import { ErrorCode, KEY_LOG_CODES } from '../errors.js';

/** Values of the host's data-state attribute. */
export const State = Object.freeze({
  IDLE: 'idle',
  LOADING: 'loading',
  RESULT: 'result',
  /** Not found, or wrong phone digits: the same answer by design. */
  NOT_FOUND: 'not-found',
  /** A courier could not answer for the moment. */
  UNAVAILABLE: 'unavailable',
  /** A courier is still publishing its first records: not "not found" (§7.1). */
  STILL_LOADING: 'still-loading',
  RATE_LIMITED: 'rate-limited',
  /** Bad number or digits: refused before any lookup. */
  INVALID: 'invalid',
  /** The tracking service could not be reached or answered wrongly. */
  ERROR: 'error',
  /** The gateway showed courier keys that its key log does not confirm (§7.8): they were not used. */
  KEY_LOG: 'key-log',
});

/**
 * @typedef {object} ErrorState
 * @property {string} state a State
 * @property {string} code the ErrorCode, or 'network' when fetch itself failed
 * @property {'number'|'factor'} [field] the field to mark, for State.INVALID
 * @property {string} message the key of the widget label to show
 */

/**
 * What the widget shows for an error of TrackgateClient.track. The
 * client's own message is never shown: it is for developers, in English,
 * and may name internals.
 * @param {unknown} err
 * @returns {ErrorState}
 */
export function stateForError(err) {
  const e = /** @type {{code?: unknown, status?: unknown, result?: {couriers?: {status: string}[]}}} */ (err ?? {});
  const code = typeof e.code === 'string' && Object.values(ErrorCode).includes(e.code) ? e.code : 'network';
  if (KEY_LOG_CODES.includes(code)) {
    // Not "unreachable": the service answered, and what it showed failed
    // the check that keeps numbers safe (§7.8).
    return { state: State.KEY_LOG, code, message: 'state_key_log' };
  }
  switch (code) {
    case ErrorCode.INVALID_TRACKING_NUMBER:
      return { state: State.INVALID, code, field: 'number', message: 'error_number_invalid' };
    case ErrorCode.NO_CANDIDATE:
      return { state: State.INVALID, code, field: 'number', message: 'error_number_unknown' };
    case ErrorCode.INVALID_FACTOR:
      return { state: State.INVALID, code, field: 'factor', message: 'error_factor_invalid' };
    case ErrorCode.FACTOR_REQUIRED:
      return { state: State.INVALID, code, field: 'factor', message: 'error_factor_required' };
    case ErrorCode.NOT_FOUND:
      return { state: State.NOT_FOUND, code, message: 'state_not_found' };
    case ErrorCode.UNAVAILABLE:
      // Nothing found because the gateway asked us to slow down: say wait.
      if (e.result?.couriers?.some((c) => c.status === 'rate_limited')) {
        return { state: State.RATE_LIMITED, code, message: 'state_rate_limited' };
      }
      return { state: State.UNAVAILABLE, code, message: 'state_unavailable' };
    case ErrorCode.STILL_LOADING:
      return { state: State.STILL_LOADING, code, message: 'state_still_loading' };
    case ErrorCode.INCOMPLETE:
      return { state: State.UNAVAILABLE, code, message: 'state_unavailable' };
    case ErrorCode.GATEWAY:
      if (e.status === 429) return { state: State.RATE_LIMITED, code, message: 'state_rate_limited' };
      return { state: State.ERROR, code, message: 'state_error' };
  }
  // INVALID_COURIER_ID and INVALID_DIRECTORY (the page's or the gateway's
  // set-up), and fetch failures: a refused origin, no network.
  return { state: State.ERROR, code, message: 'state_error' };
}

/** The title above a state's message, when it has one. @param {string} state */
export function titleKey(state) {
  switch (state) {
    case State.NOT_FOUND: return 'state_not_found_title';
    case State.UNAVAILABLE: return 'state_unavailable_title';
    case State.STILL_LOADING: return 'state_still_loading_title';
    case State.RATE_LIMITED: return 'state_rate_limited_title';
    case State.ERROR: return 'state_error_title';
    case State.KEY_LOG: return 'state_key_log_title';
  }
  return null;
}
