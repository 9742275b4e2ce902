// Dates, delivery windows and places in the page's language, with Intl.

/**
 * @typedef {object} FormatOptions
 * @property {string} [timeZone] an IANA zone; the browser's by default
 * @property {number} [now] ms since the epoch, to leave out this year
 */

/**
 * An event's date and time, apart: "Nov 20" and "9:05 AM" (the year when
 * it is not this year's), or "11月20日" and "09:05".
 * @param {string} iso RFC 3339
 * @param {string} lang
 * @param {FormatOptions} [opts]
 * @returns {{date: string, time: string}}
 */
export function formatEventTime(iso, lang, opts = {}) {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return { date: '', time: '' };
  const zone = opts.timeZone ? { timeZone: opts.timeZone } : {};
  const thisYear = new Intl.DateTimeFormat('en', { year: 'numeric', ...zone });
  const sameYear = thisYear.format(t) === thisYear.format(new Date(opts.now ?? Date.now()));
  const date = new Intl.DateTimeFormat(lang, { ...(sameYear ? {} : { year: 'numeric' }), month: 'short', day: 'numeric', ...zone }).format(t);
  const time = new Intl.DateTimeFormat(lang, { hour: lang === 'zh-CN' ? '2-digit' : 'numeric', minute: '2-digit', ...zone }).format(t);
  return { date, time };
}

/**
 * A delivery window: "Mon, Nov 23, 5:00 – 9:00 PM", "11月23日周一 17:00–21:00".
 * @param {{from: string, to: string}} eta
 * @param {string} lang
 * @param {FormatOptions} [opts]
 * @returns {string}
 */
export function formatETA(eta, lang, opts = {}) {
  const from = new Date(eta.from);
  const to = new Date(eta.to);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return '';
  const zone = opts.timeZone ? { timeZone: opts.timeZone } : {};
  if (lang === 'zh-CN') {
    // ICU writes Chinese ranges as "11/23周一"; shoppers read "11月23日周一".
    const day = new Intl.DateTimeFormat(lang, { month: 'long', day: 'numeric', weekday: 'short', ...zone });
    const clock = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...zone });
    if (!(to > from)) return `${day.format(from)} ${clock.format(from)}`;
    if (day.format(from) === day.format(to)) return `${day.format(from)} ${clock.formatRange(from, to)}`;
    return `${day.format(from)} ${clock.format(from)} – ${day.format(to)} ${clock.format(to)}`;
  }
  const f = new Intl.DateTimeFormat(lang, { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', ...zone });
  return to > from ? f.formatRange(from, to) : f.format(from);
}

/**
 * "Shenzhen, Guangdong, China": city, region and the country's name in
 * lang; "" when the event has no place.
 * @param {{city?: string, region?: string, country?: string}|undefined} loc
 * @param {string} lang
 * @returns {string}
 */
export function formatPlace(loc, lang) {
  if (!loc) return '';
  const parts = [loc.city, loc.region].filter((p) => typeof p === 'string' && p !== '');
  if (loc.country) parts.push(countryName(loc.country, lang));
  return parts.join(', ');
}

/** @param {string} code ISO 3166-1 alpha-2 @param {string} lang */
function countryName(code, lang) {
  try {
    return new Intl.DisplayNames([lang], { type: 'region', fallback: 'code' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code; // not a region code
  }
}
