// Courier detection from the directory's patterns (docs/protocol.md §7.1).
//
// Check-digit algorithms are not implemented in this client yet: a
// pattern that names one never matches, as in an older Go SDK that does
// not know the algorithm, so the client does not guess. Pin the courier
// (track(number, {courier})) for such numbers.

/** @type {Map<string, (tn: string) => boolean>} */
const checksums = new Map();

/**
 * Makes a check-digit algorithm available to patterns under name.
 * @param {string} name
 * @param {(tn: string) => boolean} check
 */
export function registerChecksum(name, check) {
  if (!name || typeof check !== 'function' || checksums.has(name)) {
    throw new Error(`registerChecksum: bad or taken name ${JSON.stringify(name)}`);
  }
  checksums.set(name, check);
}

/** Counts the literal characters a regex fixes, roughly (prefixes like "SW"). @param {string} regex */
function literalCount(regex) {
  const body = regex.replace(/\\./g, '').replace(/\[[^\]]*\]/g, '').replace(/\{[^}]*\}/g, '');
  return (body.match(/[A-Za-z0-9]/g) ?? []).length;
}

/**
 * @typedef {object} Candidate
 * @property {import('./directory.js').DirectoryCourier} courier
 * @property {import('./directory.js').DirectoryPattern} pattern the pattern that matched
 */

/**
 * Returns the couriers whose patterns match tn, best first, each once.
 * Ranking as in the Go SDK: a verified check digit, then more literal
 * characters, then the longer regex, then directory order. A pattern
 * that does not compile never matches.
 * @param {import('./directory.js').DirectoryDoc} doc
 * @param {string} tn normalized tracking number
 * @returns {Candidate[]}
 */
export function detect(doc, tn) {
  /** @type {{c: Candidate, rank: number[], order: number}[]} */
  const found = [];
  doc.couriers.forEach((courier, order) => {
    let best;
    for (const pattern of courier.patterns ?? []) {
      const rank = matchPattern(pattern, tn);
      if (rank && (!best || above(rank, best.rank))) best = { c: { courier, pattern }, rank, order };
    }
    if (best) found.push(best);
  });
  found.sort((a, b) => (above(a.rank, b.rank) ? -1 : above(b.rank, a.rank) ? 1 : a.order - b.order));
  return found.map((f) => f.c);
}

/** @param {number[]} a @param {number[]} b */
function above(a, b) {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
}

/**
 * @param {import('./directory.js').DirectoryPattern} p
 * @param {string} tn
 * @returns {number[]|null} the rank, or null when it does not match
 */
function matchPattern(p, tn) {
  let re;
  try {
    re = new RegExp(p.regex);
  } catch {
    return null;
  }
  if (!re.test(tn)) return null;
  if (p.checksum) {
    const check = checksums.get(p.checksum);
    if (!check || !check(tn)) return null;
  }
  return [p.checksum ? 1 : 0, literalCount(p.regex), p.regex.length];
}
