// Check digits the widget verifies when it detects a courier. The tg1
// client knows none yet (src/detect.js): a directory pattern naming an
// algorithm it does not know never matches, so without these a shopper
// could not track, say, a UPU S10 number (GP000000028CN) without the page
// pinning the courier. Each is the port of adapters/detect/checksums.go.
// Importing this module registers them, once.

import { registerChecksum } from '../detect.js';

/**
 * A UPU S10 identifier: 2 letters, 8 serial digits, the check digit, 2
 * letters; the weights 8 6 4 2 3 5 9 7, check 11 − sum mod 11 (10 → 0,
 * 11 → 5).
 * @param {string} tn normalized tracking number
 */
export function s10(tn) {
  if (!/^[A-Z]{2}[0-9]{9}[A-Z]{2}$/.test(tn)) return false;
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const sum = weights.reduce((acc, w, i) => acc + Number(tn[2 + i]) * w, 0);
  let check = 11 - (sum % 11);
  if (check === 10) check = 0;
  if (check === 11) check = 5;
  return check === Number(tn[10]);
}

/** The algorithms by the name directory patterns give them. */
export const CHECKSUMS = Object.freeze({ s10 });

for (const [name, check] of Object.entries(CHECKSUMS)) {
  try {
    registerChecksum(name, check);
  } catch {
    // already registered (by the client, or by the page): keep that one
  }
}
