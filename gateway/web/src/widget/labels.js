// The texts the widget shows, from gateway/client/labels.json: the file
// the Go SDK and the CLI read too, so a label changes in one place.

import labels from '../../../client/labels.json' with { type: 'json' };

/** The languages of every label. */
export const LANGUAGES = Object.freeze(['en', 'zh-CN']);

/** @typedef {'en'|'zh-CN'} Lang */
/** @typedef {{en: string, 'zh-CN': string}} Label */

/** @type {Record<string, Record<string, Label>>} */
export const LABELS = labels;

/**
 * The language to show: the lang attribute when it names one we have
 * ("zh", "zh-Hans", "zh-CN" … read as zh-CN; "en-GB" as en), else zh-CN
 * when the browser's language is Chinese, else English.
 * @param {string|null|undefined} attribute
 * @param {string|undefined} [browser] navigator.language
 * @returns {Lang}
 */
export function resolveLang(attribute, browser) {
  return known(attribute) ?? (known(browser) === 'zh-CN' ? 'zh-CN' : 'en');
}

/** @param {string|null|undefined} tag @returns {Lang|null} */
function known(tag) {
  const lower = (tag ?? '').toLowerCase();
  if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-CN';
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  return null;
}

/**
 * One text in lang with its {placeholders} filled, in a single pass so a
 * value holding "{number}" stays as it is. An unknown key gives the key,
 * which a test guards against.
 * @param {string} section headline, status, reason, timeline or widget
 * @param {string} key
 * @param {Lang} lang
 * @param {Record<string, string>} [values]
 * @returns {string}
 */
export function text(section, key, lang, values = {}) {
  const label = LABELS[section]?.[key];
  if (!label) return key;
  return label[lang].replace(/\{([a-z_]+)\}/g, (whole, name) => (Object.hasOwn(values, name) ? values[name] : whole));
}

/**
 * Whether section has a label for key.
 * @param {string} section
 * @param {string} key
 */
export function hasText(section, key) {
  return Object.hasOwn(LABELS[section] ?? {}, key);
}
