// Checkpoints of the key log: the C2SP tlog-checkpoint text (docs/protocol.md
// §7.8), as gateway/keylog/verify's ParseCheckpoint reads it.
//
//   <origin>
//   <tree size, decimal>
//   <root hash, standard base64>
//   [extension lines, ignored]

import { decodeStd, encodeStd } from './note.js';
import { HASH_SIZE } from './tlog.js';

/**
 * @typedef {object} Checkpoint
 * @property {string} origin
 * @property {number} size
 * @property {Uint8Array} hash the root hash
 */

/**
 * Reads a checkpoint's note text, each value in its one encoding.
 * @param {string} text
 * @returns {Checkpoint}
 * @throws {Error} saying what is wrong
 */
export function parseCheckpoint(text) {
  if (!text.endsWith('\n')) throw new Error('checkpoint does not end in a line feed');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new Error(`checkpoint has ${lines.length} lines, want at least 3`);
  if (lines.slice(3).some((l) => l === '')) throw new Error('checkpoint has an empty extension line');
  const [origin, sizeText, hashText] = lines;
  if (origin === '') throw new Error('checkpoint has no origin');
  const size = Number(sizeText);
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(size)) throw new Error(`checkpoint size ${JSON.stringify(sizeText)} is not a decimal number`);
  let hash;
  try {
    hash = decodeStd(hashText);
  } catch {
    hash = null;
  }
  if (!hash || hash.length !== HASH_SIZE || encodeStd(hash) !== hashText) throw new Error(`checkpoint root hash ${JSON.stringify(hashText)} is not ${HASH_SIZE} bytes of base64`);
  return { origin, size, hash };
}
