// A document just big enough for src/widget/render.js, so node can check
// what the widget builds. It has no parser: innerHTML and its kin throw,
// so a test fails if the widget ever reaches for markup.

class FakeNode {
  constructor() {
    /** @type {FakeNode[]} */
    this.childNodes = [];
    /** @type {FakeNode|null} */
    this.parentNode = null;
  }

  /** @param {...(FakeNode|string)} nodes */
  append(...nodes) {
    for (const n of nodes) this.insertBefore(typeof n === 'string' ? new FakeText(n) : n, null);
  }

  /**
   * Inserts node before ref (at the end when ref is null), taking it from
   * where it was first, as the DOM does.
   * @param {FakeNode} node @param {FakeNode|null} ref
   */
  insertBefore(node, ref) {
    node.remove();
    const at = ref === null ? this.childNodes.length : this.childNodes.indexOf(ref);
    if (at < 0) throw new Error('insertBefore: the reference is not a child');
    node.parentNode = this;
    this.childNodes.splice(at, 0, node);
    return node;
  }

  remove() {
    if (!this.parentNode) return;
    const siblings = this.parentNode.childNodes;
    siblings.splice(siblings.indexOf(this), 1);
    this.parentNode = null;
  }

  /** @param {FakeNode} node */
  replaceWith(node) {
    const parent = this.parentNode;
    if (!parent) return;
    parent.insertBefore(node, this);
    this.remove();
  }

  /** @param {...(FakeNode|string)} nodes */
  replaceChildren(...nodes) {
    for (const c of this.childNodes) c.parentNode = null;
    this.childNodes = [];
    this.append(...nodes);
  }

  get textContent() {
    return this.childNodes.map((c) => c.textContent).join('');
  }

  set textContent(v) {
    this.replaceChildren(...(v ? [String(v)] : []));
  }
}

export class FakeText extends FakeNode {
  /** @param {string} data */
  constructor(data) {
    super();
    this.data = String(data);
  }

  get textContent() {
    return this.data;
  }
}

const markup = () => {
  throw new Error('markup parsing is not allowed in the widget');
};

export class FakeElement extends FakeNode {
  /** @param {string} tag @param {string} ns */
  constructor(tag, ns) {
    super();
    this.tagName = tag.toUpperCase();
    this.localName = tag;
    this.namespaceURI = ns;
    /** @type {Map<string, string>} */
    this.attributes = new Map();
    /** @type {Record<string, string>} */
    this.style = {};
  }

  /** @param {string} k @param {unknown} v */
  setAttribute(k, v) {
    if (k.toLowerCase().startsWith('on')) throw new Error(`event handler attribute ${k}`);
    this.attributes.set(k, String(v));
  }

  /** @param {string} k */
  getAttribute(k) {
    return this.attributes.has(k) ? /** @type {string} */ (this.attributes.get(k)) : null;
  }

  /** @param {string} k */
  hasAttribute(k) {
    return this.attributes.has(k);
  }

  /** @param {string} k */
  removeAttribute(k) {
    this.attributes.delete(k);
  }

  getAttributeNames() {
    return [...this.attributes.keys()];
  }

  get hidden() {
    return this.attributes.has('hidden');
  }

  set hidden(v) {
    if (v) this.attributes.set('hidden', '');
    else this.attributes.delete('hidden');
  }

  /** @returns {FakeElement[]} */
  get children() {
    return /** @type {FakeElement[]} */ (this.childNodes.filter((c) => c instanceof FakeElement));
  }

  set innerHTML(_) { markup(); }
  get innerHTML() { return markup(); }
  set outerHTML(_) { markup(); }
  insertAdjacentHTML() { markup(); }

  /** Every element below this one, depth first. @returns {FakeElement[]} */
  descendants() {
    return this.children.flatMap((c) => [c, ...c.descendants()]);
  }

  /** Elements below whose attribute name holds the space-separated word. @param {string} name @param {string} word */
  withWord(name, word) {
    return this.descendants().filter((e) => (e.getAttribute(name) ?? '').split(/\s+/).includes(word));
  }

  /** Text nodes below, depth first. @returns {FakeText[]} */
  texts() {
    return this.childNodes.flatMap((c) => (c instanceof FakeText ? [c] : /** @type {FakeElement} */ (c).texts()));
  }
}

/** A document that makes FakeElements. */
export const fakeDocument = {
  /** @param {string} tag */
  createElement: (tag) => new FakeElement(tag, 'http://www.w3.org/1999/xhtml'),
  /** @param {string} ns @param {string} tag */
  createElementNS: (ns, tag) => new FakeElement(tag, ns),
  /** @param {string} data */
  createTextNode: (data) => new FakeText(data),
  write: markup,
};
