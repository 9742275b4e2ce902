// Building the widget's elements. Everything a courier or a gateway wrote
// (descriptions, places, names, numbers) goes in through text nodes:
// nothing here parses markup, so it cannot run a script or add a style.

import { ICONS, HEADLINE_ICON } from './icons.js';
import { percent } from './progress.js';

const SVG = 'http://www.w3.org/2000/svg';

/**
 * @typedef {Record<string, string|boolean|undefined>} Attrs
 *   attributes; true sets an empty one, false and undefined none
 */

/**
 * An element with attributes and children; strings become text nodes.
 * @param {Document} doc
 * @param {string} tag
 * @param {Attrs} [attrs]
 * @param {Array<Node|string|null|undefined|false>} [children]
 * @returns {HTMLElement}
 */
export function el(doc, tag, attrs = {}, children = []) {
  const e = doc.createElement(tag);
  setAttrs(e, attrs);
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(typeof c === 'string' ? doc.createTextNode(c) : c);
  }
  return e;
}

/** @param {Element} e @param {Attrs} attrs */
function setAttrs(e, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : v);
  }
}

/**
 * A line icon, hidden from screen readers.
 * @param {Document} doc
 * @param {string} name a key of ICONS
 * @returns {Element}
 */
export function icon(doc, name) {
  const svg = doc.createElementNS(SVG, 'svg');
  setAttrs(svg, { viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false' });
  for (const d of ICONS[name] ?? []) {
    const path = doc.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

/**
 * @typedef {object} Skeleton the parts that live as long as the widget
 * @property {HTMLElement} root
 * @property {HTMLElement} title
 * @property {HTMLFormElement} form
 * @property {HTMLLabelElement} numberLabel
 * @property {HTMLInputElement} numberInput
 * @property {HTMLElement} numberError
 * @property {HTMLElement} factorField
 * @property {HTMLLabelElement} factorLabel
 * @property {HTMLInputElement} factorInput
 * @property {HTMLElement} factorHint
 * @property {HTMLElement} factorError
 * @property {HTMLButtonElement} button
 * @property {HTMLElement} buttonLabel
 * @property {HTMLElement} live the polite live region
 * @property {HTMLElement} refreshNote "couldn't refresh", above a result kept on screen
 * @property {HTMLElement} body what the state shows
 * @property {HTMLElement} privacy
 */

/**
 * The form, the live region, the state's body and the privacy note.
 * @param {Document} doc
 * @returns {Skeleton}
 */
export function skeleton(doc) {
  const title = el(doc, 'h2', { class: 'title', id: 'tg-title', part: 'title' });
  const numberLabel = /** @type {HTMLLabelElement} */ (el(doc, 'label', { for: 'tg-number', part: 'label' }));
  const numberInput = /** @type {HTMLInputElement} */ (el(doc, 'input', {
    id: 'tg-number', class: 'number', part: 'input number-input', type: 'text',
    autocomplete: 'off', autocapitalize: 'characters', autocorrect: 'off', spellcheck: 'false',
    enterkeyhint: 'search', maxlength: '64', 'aria-describedby': 'tg-number-error',
  }));
  const numberError = el(doc, 'p', { id: 'tg-number-error', class: 'field-error', part: 'field-error', hidden: true });
  const factorLabel = /** @type {HTMLLabelElement} */ (el(doc, 'label', { for: 'tg-factor', part: 'label' }));
  const factorInput = /** @type {HTMLInputElement} */ (el(doc, 'input', {
    id: 'tg-factor', class: 'factor', part: 'input factor-input', type: 'text', inputmode: 'numeric',
    autocomplete: 'off', maxlength: '4', enterkeyhint: 'search', 'aria-describedby': 'tg-factor-hint tg-factor-error',
  }));
  const factorHint = el(doc, 'p', { id: 'tg-factor-hint', class: 'hint' });
  const factorError = el(doc, 'p', { id: 'tg-factor-error', class: 'field-error', part: 'field-error', hidden: true });
  const factorField = el(doc, 'div', { class: 'field field-factor', part: 'factor-field', hidden: true }, [factorLabel, factorInput, factorHint, factorError]);
  const buttonLabel = el(doc, 'span', { class: 'button-label' });
  const button = /** @type {HTMLButtonElement} */ (el(doc, 'button', { type: 'submit', class: 'submit', part: 'button' }, [
    el(doc, 'span', { class: 'spinner', 'aria-hidden': 'true' }), buttonLabel,
  ]));
  const form = /** @type {HTMLFormElement} */ (el(doc, 'form', { part: 'form', novalidate: true, 'aria-labelledby': 'tg-title' }, [
    el(doc, 'div', { class: 'field field-number' }, [numberLabel, numberInput, numberError]),
    factorField,
    button,
  ]));
  const live = el(doc, 'p', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true', part: 'live' });
  const refreshNote = el(doc, 'p', { class: 'refresh-note', part: 'refresh-note', hidden: true });
  const body = el(doc, 'div', { class: 'body', part: 'body' });
  const privacy = el(doc, 'p', { class: 'privacy', part: 'privacy' });
  const root = el(doc, 'div', { class: 'tracker', part: 'container' }, [title, form, live, refreshNote, body, privacy]);
  return { root, title, form, numberLabel, numberInput, numberError, factorField, factorLabel, factorInput, factorHint, factorError, button, buttonLabel, live, refreshNote, body, privacy };
}

/**
 * Marks a field invalid with its message, or clears it (message "").
 * @param {Document} doc
 * @param {HTMLInputElement} input
 * @param {HTMLElement} error
 * @param {string} message
 */
export function setFieldError(doc, input, error, message) {
  if (message) {
    input.setAttribute('aria-invalid', 'true');
    error.replaceChildren(icon(doc, 'alert'), doc.createTextNode(message));
    error.hidden = false;
  } else {
    input.removeAttribute('aria-invalid');
    error.replaceChildren();
    error.hidden = true;
  }
}

/**
 * The body of a state without a result: not found, unavailable, rate
 * limited, error.
 * @param {Document} doc
 * @param {{tone: string, icon: string, title: string, message: string, retry?: string}} n
 * @returns {{notice: HTMLElement, retry: HTMLButtonElement|null}}
 */
export function notice(doc, n) {
  const retry = n.retry ? /** @type {HTMLButtonElement} */ (el(doc, 'button', { type: 'button', class: 'retry', part: 'retry' }, [n.retry])) : null;
  const box = el(doc, 'div', { class: 'notice', part: 'message', 'data-tone': n.tone }, [
    el(doc, 'span', { class: 'icon' }, [icon(doc, n.icon)]),
    el(doc, 'h3', { class: 'notice-title' }, [n.title]),
    el(doc, 'p', { class: 'notice-text' }, [n.message]),
    retry,
  ]);
  return { notice: box, retry };
}

/**
 * The body while a lookup runs: its text and the shape of a result.
 * @param {Document} doc
 * @param {string} message
 */
export function loading(doc, message) {
  return el(doc, 'div', { class: 'loading', part: 'loading' }, [
    el(doc, 'p', { class: 'loading-text' }, [message]),
    el(doc, 'div', { class: 'bone wide' }), el(doc, 'div', { class: 'bone' }), el(doc, 'div', { class: 'bone half' }),
  ]);
}

/**
 * A result: headline, progress, delivery window and timeline.
 * @param {Document} doc
 * @param {import('./model.js').ResultModel} m
 * @param {{progressLabel: string, expected: string, history: string, noEvents: string, lang: string}} t
 * @returns {HTMLElement}
 */
export function result(doc, m, t) {
  const tone = m.progress.tone;
  const summary = el(doc, 'div', { class: 'summary', 'data-tone': tone }, [
    el(doc, 'span', { class: 'icon' }, [icon(doc, HEADLINE_ICON[m.headline.code] ?? 'box')]),
    el(doc, 'div', {}, [
      el(doc, 'p', { class: 'parcel', part: 'parcel' }, [m.parcel]),
      el(doc, 'h3', { class: 'headline', part: 'headline', id: 'tg-headline', 'data-code': m.headline.code }, [m.title]),
      m.reason && el(doc, 'p', { class: 'reason', part: 'reason' }, [m.reason]),
      m.onward && el(doc, 'p', { class: 'onward', part: 'onward' }, [m.onward]),
    ]),
  ]);
  const eta = m.eta && el(doc, 'p', { class: 'eta', part: 'eta' }, [
    el(doc, 'span', { class: 'eta-label' }, [t.expected]),
    el(doc, 'span', { class: 'eta-value' }, [m.eta]),
  ]);
  const history = el(doc, 'h3', { class: 'history-title', id: 'tg-history' }, [t.history]);
  const timeline = m.items.length === 0
    ? el(doc, 'p', { class: 'empty' }, [t.noEvents])
    : el(doc, 'ol', { class: 'timeline', part: 'timeline', 'aria-labelledby': 'tg-history' },
      m.items.map((item, i) => (item.kind === 'event' ? eventItem(doc, item, i === 0, tone) : handoffItem(doc, item))));
  return el(doc, 'section', { class: 'result', part: 'result', 'aria-labelledby': 'tg-headline' }, [
    summary, eta, progressBar(doc, m, t.progressLabel), history, timeline,
  ]);
}

/**
 * Brings a result on screen up to date with a freshly built one (result),
 * keeping in place what did not change, so that the page keeps its scroll
 * position (browsers anchor scrolling on nodes that stay) and its focus:
 * the parts above the timeline are replaced; the timeline's items are
 * matched by what they stand for (itemKey), the new ones inserted where
 * they belong, the ones gone removed, the others kept as they are and
 * given the new attributes (the newest item's mark) and, when their
 * words changed (a leg more puts the courier's name on every event),
 * the new contents.
 * @param {HTMLElement} shown the section in the document
 * @param {HTMLElement} fresh a section result() built
 */
export function patchResult(shown, fresh) {
  const oldParts = [...shown.children];
  const newParts = [...fresh.children];
  const oldList = /** @type {HTMLElement} */ (oldParts.pop());
  const newList = /** @type {HTMLElement} */ (newParts.pop());
  for (const part of oldParts) part.remove();
  for (const part of newParts) shown.insertBefore(part, oldList);
  if (oldList.tagName !== newList.tagName || oldList.tagName !== 'OL') {
    oldList.replaceWith(newList);
    return;
  }
  /** @type {Map<string, Element[]>} */
  const kept = new Map();
  for (const item of oldList.children) kept.set(itemKey(item), [...(kept.get(itemKey(item)) ?? []), item]);
  const wanted = [...newList.children].map((item) => {
    const same = kept.get(itemKey(item))?.shift();
    if (!same) return item;
    copyAttributes(item, same);
    if (same.textContent !== item.textContent) same.replaceChildren(...item.childNodes);
    return same;
  });
  wanted.forEach((item, i) => {
    if (oldList.children[i] !== item) oldList.insertBefore(item, oldList.children[i] ?? null);
  });
  for (const extra of [...oldList.children].slice(wanted.length)) extra.remove();
}

/**
 * What a timeline item stands for: an event (its time, status and
 * description) or a handoff (its text), whatever else it shows.
 * @param {Element} item
 */
function itemKey(item) {
  const time = descendant(item, (e) => e.tagName === 'TIME');
  const words = descendant(item, (e) => /(^| )(event-text|handoff-text)( |$)/.test(e.getAttribute('class') ?? ''));
  return JSON.stringify([time?.getAttribute('datetime') ?? '', item.getAttribute('data-status') ?? '', words?.textContent ?? '']);
}

/** The first element below e, depth first, for which test holds. @param {Element} e @param {(e: Element) => boolean} test @returns {Element|null} */
function descendant(e, test) {
  for (const c of e.children) {
    if (test(c)) return c;
    const below = descendant(c, test);
    if (below) return below;
  }
  return null;
}

/** Gives to exactly the attributes of from. @param {Element} from @param {Element} to */
function copyAttributes(from, to) {
  for (const name of to.getAttributeNames()) if (!from.hasAttribute(name)) to.removeAttribute(name);
  for (const name of from.getAttributeNames()) {
    const v = /** @type {string} */ (from.getAttribute(name));
    if (to.getAttribute(name) !== v) to.setAttribute(name, v);
  }
}

/**
 * @param {Document} doc
 * @param {import('./model.js').ResultModel} m
 * @param {string} label
 */
function progressBar(doc, m, label) {
  const p = m.progress;
  const value = percent(p);
  const fill = el(doc, 'div', { class: 'fill' });
  fill.style.width = `${value}%`; // a property set from script: allowed under style-src 'self'
  const dots = p.stages.map((_, i) => el(doc, 'span', { class: `dot${i <= p.step ? ' reached' : ''}${i === p.step ? ' current' : ''}` }));
  return el(doc, 'div', {
    class: 'progress', part: 'progress', role: 'progressbar', 'data-tone': p.tone, 'data-step': String(p.step),
    'aria-label': label, 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(value), 'aria-valuetext': m.progressText,
  }, [
    el(doc, 'div', { class: 'bar' }, [fill, el(doc, 'div', { class: 'dots' }, dots)]),
    el(doc, 'ol', { class: 'stages', 'aria-hidden': 'true' },
      p.stages.map((key, i) => el(doc, 'li', { class: i <= p.step ? 'reached' : undefined }, [m.stageLabels[i]]))),
  ]);
}

/**
 * @param {Document} doc
 * @param {import('./model.js').EventItem} e
 * @param {boolean} latest
 * @param {string} tone
 */
function eventItem(doc, e, latest, tone) {
  const meta = [e.place, e.courier].filter(Boolean).join(' · ');
  return el(doc, 'li', { class: latest ? 'event latest' : 'event', part: latest ? 'event latest-event' : 'event', 'data-status': e.status, 'data-tone': latest ? tone : undefined }, [
    el(doc, 'time', { datetime: e.datetime }, [
      el(doc, 'span', { class: 'date' }, [e.date]),
      el(doc, 'span', { class: 'clock' }, [e.time]),
    ]),
    el(doc, 'span', { class: 'rail', 'aria-hidden': 'true' }, [el(doc, 'span', { class: 'marker' })]),
    el(doc, 'div', { class: 'event-body' }, [
      el(doc, 'span', { class: 'event-status' }, [e.statusLabel]),
      e.description && el(doc, 'p', { class: 'event-text' }, [e.description]),
      meta && el(doc, 'p', { class: 'event-meta' }, [meta]),
    ]),
  ]);
}

/**
 * @param {Document} doc
 * @param {import('./model.js').HandoffItem} h
 */
function handoffItem(doc, h) {
  return el(doc, 'li', { class: 'handoff', part: 'event handoff' }, [
    el(doc, 'span', {}),
    el(doc, 'span', { class: 'rail', 'aria-hidden': 'true' }, [el(doc, 'span', { class: 'marker' })]),
    el(doc, 'p', { class: 'handoff-text' }, [icon(doc, 'handoff'), el(doc, 'span', {}, [h.text])]),
  ]);
}
