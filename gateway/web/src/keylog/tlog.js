// RFC 6962 Merkle tree hashing and the checks of inclusion and consistency
// proofs: a port of golang.org/x/mod/sumdb/tlog's RecordHash, NodeHash,
// CheckRecord and CheckTree (docs/protocol.md §7.8), so that both clients
// accept exactly the same proofs.

import { concat, sha256 } from './note.js';

export const HASH_SIZE = 32;

/** The leaf hash of an entry: SHA-256(0x00 ‖ data). @param {Uint8Array} data */
export function recordHash(data) {
  return sha256(concat(Uint8Array.of(0), data));
}

/** An interior node's hash: SHA-256(0x01 ‖ left ‖ right). @param {Uint8Array} left @param {Uint8Array} right */
export function nodeHash(left, right) {
  return sha256(concat(Uint8Array.of(1), left, right));
}

/** The largest power of 2 smaller than n (n > 1). @param {number} n */
function maxpow2(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** @param {Uint8Array} a @param {Uint8Array} b */
function same(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Whether proof shows that the tree of size t with root th has at index n
 * the entry of leaf hash h (tlog.CheckRecord).
 * @param {Uint8Array[]} proof
 * @param {number} t @param {Uint8Array} th
 * @param {number} n @param {Uint8Array} h
 * @returns {Promise<boolean>}
 */
export async function checkRecord(proof, t, th, n, h) {
  if (!(Number.isSafeInteger(t) && Number.isSafeInteger(n)) || t < 0 || n < 0 || n >= t) return false;
  const root = await runRecordProof(proof, 0, t, n, h);
  return root !== null && same(root, th);
}

/**
 * The hash of the subtree [lo, hi) that the proof implies for leaf n, or
 * null when the proof has too many or too few hashes.
 * @param {Uint8Array[]} p @param {number} lo @param {number} hi @param {number} n @param {Uint8Array} leaf
 * @returns {Promise<Uint8Array|null>}
 */
async function runRecordProof(p, lo, hi, n, leaf) {
  if (lo + 1 === hi) return p.length === 0 ? leaf : null;
  if (p.length === 0) return null;
  const k = maxpow2(hi - lo);
  const last = p[p.length - 1];
  if (n < lo + k) {
    const th = await runRecordProof(p.slice(0, -1), lo, lo + k, n, leaf);
    return th && nodeHash(th, last);
  }
  const th = await runRecordProof(p.slice(0, -1), lo + k, hi, n, leaf);
  return th && nodeHash(last, th);
}

/**
 * Whether proof shows that the tree of size t with root th contains as a
 * prefix the tree of size n with root h (tlog.CheckTree).
 * @param {Uint8Array[]} proof
 * @param {number} t @param {Uint8Array} th
 * @param {number} n @param {Uint8Array} h
 * @returns {Promise<boolean>}
 */
export async function checkTree(proof, t, th, n, h) {
  if (!(Number.isSafeInteger(t) && Number.isSafeInteger(n)) || t < 1 || n < 1 || n > t) return false;
  const r = await runTreeProof(proof, 0, t, n, h);
  return r !== null && same(r[0], h) && same(r[1], th);
}

/**
 * The hashes of the subtree [lo, hi) in the old tree (of n leaves, root
 * old) and in the new one that the proof implies, or null.
 * @param {Uint8Array[]} p @param {number} lo @param {number} hi @param {number} n @param {Uint8Array} old
 * @returns {Promise<[Uint8Array, Uint8Array]|null>}
 */
async function runTreeProof(p, lo, hi, n, old) {
  if (n === hi) {
    if (lo === 0) return p.length === 0 ? [old, old] : null;
    return p.length === 1 ? [p[0], p[0]] : null;
  }
  if (p.length === 0) return null;
  const k = maxpow2(hi - lo);
  const last = p[p.length - 1];
  if (n <= lo + k) {
    const r = await runTreeProof(p.slice(0, -1), lo, lo + k, n, old);
    return r && [r[0], await nodeHash(r[1], last)];
  }
  const r = await runTreeProof(p.slice(0, -1), lo + k, hi, n, old);
  return r && [await nodeHash(last, r[0]), await nodeHash(last, r[1])];
}
