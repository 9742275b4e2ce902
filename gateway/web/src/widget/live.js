// Keeping a shown result fresh (the widget's live attribute): the same
// lookup again every `refresh` seconds while the page is visible, paused
// while it is hidden, caught up as soon as it shows again. Each refresh is
// a whole lookup of the fixed shape (docs/protocol.md §11), so it tells the
// gateway nothing a shopper's own lookup does not. This file holds the
// timing, free of the DOM so node can test it with fake timers; what a
// refresh changes on screen is in element.js and render.js.

/** The refresh interval without a refresh attribute, in seconds. */
export const DEFAULT_REFRESH_SECONDS = 60;
/** The shortest refresh interval, in seconds: a lookup costs the gateway (1 + H) × couriers evaluations. */
export const MIN_REFRESH_SECONDS = 30;

/**
 * The refresh interval an attribute asks for, in seconds: the default
 * when absent or not a number, never below the minimum.
 * @param {string|null|undefined} attribute
 */
export function refreshSeconds(attribute) {
  const n = Number(attribute);
  if (attribute === null || attribute === undefined || attribute.trim() === '' || !Number.isFinite(n)) return DEFAULT_REFRESH_SECONDS;
  return Math.max(MIN_REFRESH_SECONDS, n);
}

/**
 * Whether the live attribute leaves refreshing on: it is on by default
 * and when present; "off" (or "false", "no", "0") turns it off.
 * @param {string|null|undefined} attribute
 */
export function liveOn(attribute) {
  return !(typeof attribute === 'string' && /^(off|false|no|0)$/i.test(attribute.trim()));
}

/**
 * @typedef {object} LiveOptions
 * @property {() => number} interval the time between refreshes, in ms (read at each use)
 * @property {() => Promise<unknown>} refresh one refresh; its failure is its own to show
 * @property {() => boolean} visible whether the page is visible now
 * @property {() => number} [now] the clock, ms (default Date.now)
 */

/**
 * Schedules refreshes: one interval after the last one ended (or after
 * start), only while running and visible, never two at once.
 */
export class LiveRefresh {
  /** @type {ReturnType<typeof setTimeout>|undefined} */
  #timer;
  #running = false;
  #inFlight = false;
  /** When the last refresh ended, or start was called (ms). */
  #last = 0;
  /** @type {Required<LiveOptions>} */
  #o;

  /** @param {LiveOptions} options */
  constructor(options) {
    this.#o = { now: () => Date.now(), ...options };
  }

  /** Whether refreshes are scheduled (started and not stopped). */
  get running() {
    return this.#running;
  }

  /** Starts counting from now: a result was just shown. */
  start() {
    this.#running = true;
    this.#last = this.#o.now();
    this.#arm(this.#o.interval());
  }

  /** Stops refreshing; a refresh in flight finishes, and nothing follows it. */
  stop() {
    this.#running = false;
    this.#clear();
  }

  /** The page was hidden, or shown again: pause, or catch up. */
  visibilityChanged() {
    if (!this.#running || this.#inFlight) return;
    if (!this.#o.visible()) {
      this.#clear();
      return;
    }
    this.#arm(this.#last + this.#o.interval() - this.#o.now());
  }

  /** The interval changed: the next refresh counts from the last with the new one. */
  intervalChanged() {
    this.visibilityChanged();
  }

  /** @param {number} ms */
  #arm(ms) {
    this.#clear();
    if (!this.#running || !this.#o.visible()) return;
    this.#timer = setTimeout(() => void this.#fire(), Math.max(0, ms));
  }

  #clear() {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #fire() {
    this.#timer = undefined;
    if (!this.#running || this.#inFlight || !this.#o.visible()) return;
    this.#inFlight = true;
    try {
      await this.#o.refresh();
    } catch {
      // the refresh shows its own failure; the schedule goes on
    } finally {
      this.#inFlight = false;
      this.#last = this.#o.now();
      this.#arm(this.#o.interval());
    }
  }
}
