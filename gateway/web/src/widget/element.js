// <trackgate-tracker>: the custom element. It owns one TrackgateClient,
// the form, and the state shown below it (the host's data-state); what a
// state looks like comes from model.js and render.js, its words from
// labels.js. A result shown stays fresh while the page is visible: the
// same lookup again every `refresh` seconds (live.js), new events patched
// in without moving the page.
//
// Privacy: the number and the digits stay in the inputs and in memory.
// They are never written to an attribute (the page's own number and
// factor attributes excepted), a URL, storage or the console output.

import { TrackgateClient } from '../tg1.js';
import { ErrorCode } from '../errors.js';
import { checkCourierId, checkFactor, normalizeTrackingNumber } from '../identifiers.js';
import './checksums.js';
import { needsFactor } from './factor.js';
import { LANGUAGES, resolveLang, text } from './labels.js';
import { LiveRefresh, liveOn, refreshSeconds } from './live.js';
import { modelChange, resultModel } from './model.js';
import { el, icon, loading, notice, patchResult, result as renderResult, setFieldError, skeleton } from './render.js';
import { State, stateForError, titleKey } from './states.js';
import { styleSheet } from './styles.js';

// Importing this module outside a browser (node, for tests and to read
// its exports) must not fail for want of HTMLElement.
const Base = /** @type {typeof HTMLElement} */ (globalThis.HTMLElement ?? class {});

/** Where the script was loaded from: the gateway that serves it, by default. */
function scriptOrigin() {
  try {
    return new URL(import.meta.url).origin;
  } catch {
    return '';
  }
}

/** Notices of the states that have one: tone and icon. */
const noticeLook = /** @type {Record<string, {tone: string, icon: string, retry: boolean}>} */ ({
  [State.NOT_FOUND]: { tone: 'muted', icon: 'search', retry: false },
  [State.UNAVAILABLE]: { tone: 'warning', icon: 'clock', retry: true },
  [State.STILL_LOADING]: { tone: 'muted', icon: 'clock', retry: true },
  [State.RATE_LIMITED]: { tone: 'warning', icon: 'clock', retry: true },
  [State.ERROR]: { tone: 'danger', icon: 'wifi', retry: true },
  [State.KEY_LOG]: { tone: 'danger', icon: 'shield', retry: true },
});

/**
 * @typedef {{kind: 'none'}
 *   | {kind: 'result', result: import('../result.js').TrackResult}
 *   | {kind: 'error', error: import('./states.js').ErrorState}} Shown
 */

/**
 * The client's key log options from the widget's attributes: log-key,
 * and witnesses, "name=key" pairs between white space, all required to
 * have cosigned. A malformed pair is refused when the client checks it.
 * @param {string} logKey @param {string} witnesses
 * @returns {import('../keylog/check.js').KeyLogOptions}
 */
export function keyLogOptions(logKey, witnesses) {
  /** @type {Record<string, string>} */
  const w = {};
  for (const pair of witnesses.split(/\s+/).filter(Boolean)) {
    const i = pair.indexOf('=');
    w[i > 0 ? pair.slice(0, i) : pair] = i > 0 ? pair.slice(i + 1) : '';
  }
  const n = Object.keys(w).length;
  return { ...(logKey ? { key: logKey } : {}), ...(n > 0 ? { witnesses: w, quorum: n } : {}) };
}

export class TrackgateTracker extends Base {
  static observedAttributes = ['gateway', 'courier', 'number', 'factor', 'lang', 'theme', 'api-key', 'live', 'refresh', 'log-key', 'witnesses'];

  /** @type {import('./render.js').Skeleton} */
  #ui;
  /** @type {TrackgateClient|null} */
  #client = null;
  /** @type {import('../directory.js').DirectoryDoc|null} */
  #dir = null;
  /** @type {Promise<void>|null} */
  #dirLoad = null;
  /** @type {Shown} */
  #shown = { kind: 'none' };
  #state = State.IDLE;
  #seq = 0;
  #connected = false;
  #autoQueued = false;
  /** The courier asked for digits for the number in the form (FACTOR_REQUIRED). */
  #factorAsked = false;
  /** @type {ReturnType<typeof setTimeout>|undefined} */
  #announceTimer;
  /** The lookup whose result is shown, to repeat it (in memory only). @type {{number: string, courier: string, factor: string}|null} */
  #query = null;
  /** When the result shown was looked up (ms). */
  #shownAt = 0;
  /** The last refresh failed: the result shown is older than it should be. */
  #refreshFailed = false;
  #live = new LiveRefresh({
    interval: () => this.refresh * 1000,
    refresh: () => this.#refreshNow(),
    visible: () => globalThis.document?.visibilityState !== 'hidden',
  });
  #onVisibility = () => this.#live.visibilityChanged();

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [styleSheet()];
    this.#ui = skeleton(document);
    root.append(this.#ui.root);
    const ui = this.#ui;
    ui.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.#run(ui.numberInput.value, { courier: this.courier, factor: this.#factorShown() ? ui.factorInput.value : '' }, true);
    });
    ui.numberInput.addEventListener('input', () => {
      this.#factorAsked = false;
      setFieldError(document, ui.numberInput, ui.numberError, '');
      this.#updateFactorField();
    });
    ui.factorInput.addEventListener('input', () => {
      const digits = ui.factorInput.value.replace(/[^0-9]/g, '').slice(0, 4);
      if (digits !== ui.factorInput.value) ui.factorInput.value = digits;
      setFieldError(document, ui.factorInput, ui.factorError, '');
    });
  }

  connectedCallback() {
    // A property the page set before this element was defined shadows the
    // accessor: move it to the attribute it stands for.
    for (const prop of ['gateway', 'courier', 'number', 'factor', 'lang', 'theme', 'apiKey', 'live', 'refresh', 'logKey', 'witnesses']) {
      if (Object.hasOwn(this, prop)) {
        const value = /** @type {any} */ (this)[prop];
        delete (/** @type {any} */ (this))[prop];
        /** @type {any} */ (this)[prop] = value;
      }
    }
    this.#connected = true;
    document.addEventListener('visibilitychange', this.#onVisibility);
    this.#applyTexts();
    this.#show(this.#state);
    void this.#loadDirectory();
    if (this.getAttribute('number')) this.#queueAutoTrack();
    else this.#updateLive();
  }

  disconnectedCallback() {
    this.#connected = false;
    clearTimeout(this.#announceTimer);
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#live.stop();
  }

  /** @param {string} name @param {string|null} old @param {string|null} value */
  attributeChangedCallback(name, old, value) {
    if (old === value) return;
    switch (name) {
      case 'lang':
        if (this.#connected) {
          this.#applyTexts();
          this.#show(this.#state);
        }
        break;
      case 'gateway':
      case 'api-key':
      case 'log-key':
      case 'witnesses':
        this.#client = null;
        this.#dir = null;
        this.#dirLoad = null;
        if (this.#connected) void this.#loadDirectory();
        break;
      case 'courier':
        this.#updateFactorField();
        break;
      case 'number':
        this.#ui.numberInput.value = value ?? '';
        this.#factorAsked = false;
        this.#updateFactorField();
        if (this.#connected && value) this.#queueAutoTrack();
        break;
      case 'factor':
        this.#ui.factorInput.value = value ?? '';
        if (this.#connected && value && this.getAttribute('number')) this.#queueAutoTrack();
        break;
      case 'live':
        this.#updateLive();
        break;
      case 'refresh':
        this.#live.intervalChanged();
        break;
    }
  }

  /** The gateway's base URL; by default the origin the script came from. */
  get gateway() { return this.getAttribute('gateway') || scriptOrigin(); }
  set gateway(v) { this.#reflect('gateway', v); }
  /** A courier id that pins the courier ("" to detect it from the number). */
  get courier() { return this.getAttribute('courier') ?? ''; }
  set courier(v) { this.#reflect('courier', v); }
  /** The number to track; setting it tracks it. */
  get number() { return this.getAttribute('number') ?? ''; }
  set number(v) { this.#reflect('number', v); }
  /** The last 4 digits of a phone number, for couriers that ask for them. */
  get factor() { return this.getAttribute('factor') ?? ''; }
  set factor(v) { this.#reflect('factor', v); }
  /** The language shown: "en" or "zh-CN" (from the attribute, else the browser's). */
  get lang() { return resolveLang(this.getAttribute('lang'), globalThis.navigator?.language); }
  set lang(v) { this.#reflect('lang', v); }
  /** "light", "dark" or "auto" (the system's preference). */
  get theme() {
    const t = this.getAttribute('theme');
    return t === 'light' || t === 'dark' ? t : 'auto';
  }
  set theme(v) { this.#reflect('theme', v); }
  /** A tenant's publishable key, sent as TG-Api-Key. */
  get apiKey() { return this.getAttribute('api-key') ?? ''; }
  set apiKey(v) { this.#reflect('api-key', v); }
  /** The gateway's key log verifier key, "<origin>+<hash>+<base64>" ("": pinned on first sight). */
  get logKey() { return this.getAttribute('log-key') ?? ''; }
  set logKey(v) { this.#reflect('log-key', v); }
  /** Witnesses that must all have cosigned the key log's checkpoint: "name=key …", white space between. */
  get witnesses() { return this.getAttribute('witnesses') ?? ''; }
  set witnesses(v) { this.#reflect('witnesses', v); }
  /** Whether a result shown refreshes itself while the page is visible (default true; live="off" stops it). */
  get live() { return liveOn(this.getAttribute('live')); }
  set live(v) {
    if (v === false || (typeof v === 'string' && !liveOn(v))) this.setAttribute('live', 'off');
    else this.removeAttribute('live');
  }
  /** Seconds between refreshes of a result shown: 60 by default, at least 30. */
  get refresh() { return refreshSeconds(this.getAttribute('refresh')); }
  set refresh(v) { this.#reflect('refresh', v); }
  /** The state shown: a value of data-state. */
  get state() { return this.#state; }

  /** The languages the widget speaks. */
  static get languages() { return LANGUAGES; }

  /**
   * Tracks a parcel, as if typed in the form. Resolves with the result,
   * or null when nothing could be shown (the state and the
   * trackgate:error event say why).
   * @param {string} number
   * @param {{courier?: string, factor?: string}} [options]
   * @returns {Promise<import('../result.js').TrackResult|null>}
   */
  track(number, options = {}) {
    const ui = this.#ui;
    ui.numberInput.value = number ?? '';
    if (options.factor !== undefined) ui.factorInput.value = options.factor;
    this.#factorAsked = false;
    this.#updateFactorField();
    const factor = options.factor ?? (this.#factorShown() ? ui.factorInput.value : '');
    return this.#run(number, { courier: options.courier ?? this.courier, factor }, false);
  }

  /** @param {string} name @param {unknown} v */
  #reflect(name, v) {
    if (v === null || v === undefined || v === '') this.removeAttribute(name);
    else this.setAttribute(name, String(v));
  }

  #getClient() {
    if (!this.#client) {
      this.#client = new TrackgateClient(this.gateway, { apiKey: this.apiKey || undefined, keyLog: keyLogOptions(this.logKey, this.witnesses) });
    }
    return this.#client;
  }

  /** Fetches the public directory, to know which couriers ask for digits. */
  #loadDirectory() {
    if (!this.#dirLoad) {
      this.#dirLoad = (async () => {
        try {
          this.#dir = (await this.#getClient().directory()).doc;
          this.#updateFactorField();
        } catch {
          this.#dirLoad = null; // a lookup will say what is wrong
        }
      })();
    }
    return this.#dirLoad;
  }

  /** Tracks the number attribute once the attributes set together are all in. */
  #queueAutoTrack() {
    if (this.#autoQueued) return;
    this.#autoQueued = true;
    queueMicrotask(async () => {
      this.#autoQueued = false;
      const number = this.getAttribute('number');
      if (!this.#connected || !number) return;
      await this.#loadDirectory();
      if (needsFactor(this.#dir, number, this.courier) && !this.factor) {
        this.#updateFactorField(); // wait for the shopper's digits
        return;
      }
      await this.#run(number, { courier: this.courier, factor: this.factor }, false);
    });
  }

  #factorShown() {
    return !this.#ui.factorField.hidden;
  }

  #updateFactorField() {
    const ui = this.#ui;
    const show = this.#factorAsked || needsFactor(this.#dir, ui.numberInput.value, this.courier);
    ui.factorField.hidden = !show;
    ui.form.classList.toggle('with-factor', show);
    if (!show) setFieldError(document, ui.factorInput, ui.factorError, '');
  }

  /**
   * One lookup. Bad input is refused here, before any request; a newer
   * lookup makes an older one's answer moot.
   * @param {string} number
   * @param {{courier: string, factor: string}} opts
   * @param {boolean} byShopper focus the field to fix
   * @returns {Promise<import('../result.js').TrackResult|null>}
   */
  async #run(number, opts, byShopper) {
    const seq = ++this.#seq;
    const ui = this.#ui;
    setFieldError(document, ui.numberInput, ui.numberError, '');
    setFieldError(document, ui.factorInput, ui.factorError, '');
    try {
      normalizeTrackingNumber(number);
      if (opts.factor) checkFactor(opts.factor);
      if (opts.courier) checkCourierId(opts.courier);
    } catch (err) {
      this.#failed(err, byShopper);
      return null;
    }
    this.#shown = { kind: 'none' };
    this.#query = null;
    this.#updateLive();
    this.#setRefreshFailed(false);
    this.#show(State.LOADING);
    try {
      const client = this.#getClient();
      const res = await client.track(number, { courier: opts.courier || undefined, factor: opts.factor || undefined });
      if (seq !== this.#seq) return res;
      if (client.dir) this.#dir = client.dir.doc;
      this.#shown = { kind: 'result', result: res };
      this.#query = { number, courier: opts.courier, factor: opts.factor };
      this.#shownAt = Date.now();
      const model = this.#show(State.RESULT);
      this.#emit('trackgate:result', { trackingNumber: res.trackingNumber, headline: model?.headline ?? null, result: res });
      this.#updateLive();
      return res;
    } catch (err) {
      if (seq === this.#seq) this.#failed(err, byShopper);
      return null;
    }
  }

  /** Starts refreshing when a result is shown on a live, connected widget; stops otherwise. */
  #updateLive() {
    const wanted = this.#connected && this.live && this.#query !== null && this.#shown.kind === 'result';
    if (wanted && !this.#live.running) this.#live.start();
    if (!wanted) this.#live.stop();
  }

  /**
   * One live refresh: the same lookup again. What changed is patched in
   * (the page keeps its scroll and focus), a new headline is announced
   * and trackgate:update fires; a failure keeps the result and says so.
   */
  async #refreshNow() {
    const q = this.#query;
    const seq = this.#seq;
    if (!q || this.#shown.kind !== 'result') return;
    let res;
    try {
      res = await this.#getClient().track(q.number, { courier: q.courier || undefined, factor: q.factor || undefined });
    } catch {
      if (seq === this.#seq && this.#shown.kind === 'result') this.#setRefreshFailed(true);
      return;
    }
    if (seq !== this.#seq || this.#shown.kind !== 'result') return; // the shopper asked for another since
    const lang = this.lang;
    const names = { courierName: (/** @type {string} */ id) => this.#courierName(id) };
    const before = resultModel(this.#shown.result, lang, names);
    const after = resultModel(res, lang, names);
    this.#shown = { kind: 'result', result: res };
    this.#shownAt = Date.now();
    this.#setRefreshFailed(false);
    if (!after) return;
    const { changed, headlineChanged } = modelChange(before, after);
    if (!changed) return;
    this.#patch(after);
    if (headlineChanged) this.#announce(this.#resultAnnouncement(after));
    this.#emit('trackgate:update', { trackingNumber: res.trackingNumber, headline: after.headline, result: res });
  }

  /**
   * Redraws the result shown as model, keeping what did not change; when
   * the timeline's top is above the viewport, new items inserted there
   * would push what the shopper reads down: the page scrolls with them.
   * @param {import('./model.js').ResultModel} model
   */
  #patch(model) {
    const section = this.#ui.body.querySelector?.('section.result') ?? null;
    if (!section) {
      this.#show(State.RESULT);
      return;
    }
    const list = section.querySelector('ol.timeline');
    const anchor = list?.firstElementChild ?? null;
    const top = (/** @type {Element|null} */ e) => e?.getBoundingClientRect().top;
    const listTop = top(list);
    const before = listTop !== undefined && listTop < 0 ? top(anchor) : undefined;
    patchResult(/** @type {HTMLElement} */ (section), renderResult(document, model, this.#resultTexts(this.lang)));
    if (before !== undefined && anchor?.isConnected) {
      const moved = /** @type {number} */ (top(anchor)) - before;
      if (moved !== 0) globalThis.scrollBy?.(0, moved);
    }
  }

  /** Shows or hides the note that a refresh failed. @param {boolean} failed */
  #setRefreshFailed(failed) {
    const first = failed && !this.#refreshFailed;
    this.#refreshFailed = failed;
    this.#renderRefreshNote();
    if (first) this.#announce(this.#ui.refreshNote.textContent ?? '');
  }

  #renderRefreshNote() {
    const note = this.#ui.refreshNote;
    note.hidden = !this.#refreshFailed;
    if (!this.#refreshFailed) {
      note.replaceChildren();
      return;
    }
    const lang = this.lang;
    const time = new Intl.DateTimeFormat(lang, { hour: lang === 'zh-CN' ? '2-digit' : 'numeric', minute: '2-digit' }).format(this.#shownAt);
    note.replaceChildren(icon(document, 'clock'), el(document, 'span', {}, [text('widget', 'refresh_failed', lang, { time })]));
  }

  /** @param {unknown} err @param {boolean} byShopper */
  #failed(err, byShopper) {
    const error = stateForError(err);
    if (error.code === ErrorCode.FACTOR_REQUIRED) {
      this.#factorAsked = true;
      this.#updateFactorField();
    }
    this.#shown = { kind: 'error', error };
    this.#show(error.state);
    if (byShopper && error.field) (error.field === 'number' ? this.#ui.numberInput : this.#ui.factorInput).focus();
    this.#emit('trackgate:error', { code: error.code, state: error.state, message: text('widget', error.message, this.lang) });
  }

  /** @param {string} type @param {object} detail */
  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** The texts of the form and the note, in the current language. */
  #applyTexts() {
    const ui = this.#ui;
    const lang = this.lang;
    const t = (/** @type {string} */ key) => text('widget', key, lang);
    ui.root.setAttribute('lang', lang);
    ui.title.textContent = t('title');
    ui.numberLabel.textContent = t('number_label');
    ui.numberInput.placeholder = t('number_placeholder');
    ui.factorLabel.textContent = t('factor_label');
    ui.factorHint.textContent = t('factor_hint');
    ui.buttonLabel.textContent = t(this.#state === State.LOADING ? 'submitting' : 'submit');
    ui.privacy.replaceChildren(icon(document, 'lock'), el(document, 'span', {}, [t('privacy')]));
    this.#renderRefreshNote();
  }

  /**
   * Shows a state: the host's data-state, the body below the form, the
   * field errors and the announcement.
   * @param {string} state
   * @returns {import('./model.js').ResultModel|null} the result shown, if any
   */
  #show(state) {
    this.#state = state;
    this.setAttribute('data-state', state);
    const ui = this.#ui;
    const lang = this.lang;
    const t = (/** @type {string} */ key) => text('widget', key, lang);
    ui.buttonLabel.textContent = t(state === State.LOADING ? 'submitting' : 'submit');
    ui.body.setAttribute('aria-busy', String(state === State.LOADING));
    let announce = '';
    /** @type {import('./model.js').ResultModel|null} */
    let model = null;
    const shown = this.#shown;
    if (state === State.IDLE) {
      ui.body.replaceChildren(el(document, 'p', { class: 'intro' }, [t('state_idle')]));
    } else if (state === State.LOADING) {
      ui.body.replaceChildren(loading(document, t('state_loading')));
      announce = t('state_loading');
    } else if (shown.kind === 'result') {
      model = resultModel(shown.result, lang, { courierName: (id) => this.#courierName(id) });
      if (model) {
        ui.body.replaceChildren(renderResult(document, model, this.#resultTexts(lang)));
        announce = this.#resultAnnouncement(model);
      }
    } else if (shown.kind === 'error') {
      const e = shown.error;
      if (e.state === State.INVALID) {
        ui.body.replaceChildren();
        const [input, error] = e.field === 'factor' ? [ui.factorInput, ui.factorError] : [ui.numberInput, ui.numberError];
        setFieldError(document, input, error, t(e.message));
        announce = t(e.message);
      } else {
        const look = noticeLook[e.state];
        const title = t(/** @type {string} */ (titleKey(e.state)));
        const { notice: box, retry } = notice(document, {
          tone: look.tone, icon: look.icon, title, message: t(e.message), retry: look.retry ? t('retry') : undefined,
        });
        retry?.addEventListener('click', () => ui.form.requestSubmit());
        ui.body.replaceChildren(box);
        announce = `${title}. ${t(e.message)}`;
      }
    }
    this.#announce(announce);
    return model;
  }

  /** The words around a result, in lang. @param {import('./labels.js').Lang} lang */
  #resultTexts(lang) {
    return {
      progressLabel: text('widget', 'progress_label', lang), expected: text('timeline', 'expected', lang),
      history: text('widget', 'timeline_label', lang), noEvents: text('timeline', 'no_events', lang), lang,
    };
  }

  /** What the live region says of a result. @param {import('./model.js').ResultModel} model */
  #resultAnnouncement(model) {
    return [model.title, model.reason, model.onward, model.eta && `${text('timeline', 'expected', this.lang)}: ${model.eta}`].filter(Boolean).join('. ');
  }

  /** @param {string} id */
  #courierName(id) {
    return this.#dir?.couriers.find((c) => c.id === id)?.name ?? '';
  }

  /** Says message through the polite live region (emptied first, so a repeat is heard). @param {string} message */
  #announce(message) {
    const live = this.#ui.live;
    live.textContent = '';
    clearTimeout(this.#announceTimer);
    if (message) this.#announceTimer = setTimeout(() => { live.textContent = message; }, 60);
  }
}
