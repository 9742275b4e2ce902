// One language of a bilingual event description: the port of
// gateway/client/language.go (Description), checked against the same
// cases (gateway/client/testdata/display-cases.json).

const han = /[\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF]/u;

/**
 * The part of an event description in lang when it carries both ("中文
 * English", as Chinese couriers write them), else the description as it
 * is. The English part is the shortest tail with no Chinese character
 * that begins with a word of Latin letters only (codes such as tracking
 * numbers stay with the Chinese part) and has at least two such words.
 * @param {string} textIn
 * @param {string} lang 'en' or 'zh-CN'
 * @returns {string}
 */
export function description(textIn, lang) {
  const split = splitBilingual(textIn ?? '');
  if (!split) return textIn ?? '';
  return lang === 'zh-CN' ? split.zh : split.en;
}

/**
 * @param {string} s
 * @returns {{zh: string, en: string}|null}
 */
function splitBilingual(s) {
  let start = -1;
  for (let i = 0; i < s.length;) {
    const cp = /** @type {number} */ (s.codePointAt(i));
    const size = cp > 0xffff ? 2 : 1;
    if (han.test(String.fromCodePoint(cp))) start = i + size;
    i += size;
  }
  if (start < 0) return null;
  // Walk the words after the last Chinese character; the first one made
  // of Latin letters only begins the English part.
  for (let i = start; i < s.length;) {
    while (i < s.length && s[i] === ' ') i++;
    let j = i;
    while (j < s.length && s[j] !== ' ') j++;
    if (letterWord(s.slice(i, j))) {
      const tail = s.slice(i).trim();
      if (latinWords(tail) < 2) return null;
      return { zh: s.slice(0, i).trim(), en: tail };
    }
    i = j;
  }
  return null;
}

/** A word of Latin letters, trailing punctuation allowed ("Delivered."). @param {string} w */
function letterWord(w) {
  return /^[A-Za-z]+[.,;:!?]*$/.test(w);
}

/** @param {string} s */
function latinWords(s) {
  return s.split(/\s+/).filter(letterWord).length;
}
