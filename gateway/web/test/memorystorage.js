// A storage like localStorage, in memory, for the key log's tests.

export class MemoryStorage {
  constructor() {
    /** @type {Map<string, string>} */
    this.items = new Map();
  }

  /** @param {string} k */
  getItem(k) {
    return this.items.get(k) ?? null;
  }

  /** @param {string} k @param {string} v */
  setItem(k, v) {
    this.items.set(k, String(v));
  }
}
