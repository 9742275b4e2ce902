// The tracking page's own behaviour around the <trackgate-tracker> widget:
// the language switch, the permalink in the URL's fragment, the sample
// parcels of a demo gateway, and the marketplace snippet. The tracking
// itself, blinding included, is the widget's.
//
// Privacy: the number is only ever put in the fragment (#track=…), which
// browsers do not send to servers; phone digits are never put in a URL.

const zh = {
  'nav.api': 'API',
  'hero.title': '我的包裹到哪了？',
  'hero.lede': '粘贴本网关上任一快递公司的运单号。运单号在发送前已在本浏览器中盲化，网关和快递公司都无法知道是谁在查询。',
  'permalink.title': '本包裹的链接',
  'permalink.note': '运单号位于链接的 # 之后，浏览器从不把这部分发送给任何服务器。手机号后四位从不放进链接。',
  copy: '复制',
  copied: '已复制',
  'samples.title': '试试示例包裹',
  'samples.note': '本网关运行着模拟快递公司。选一个包裹，看看它的行程。',
  'samples.digits': '手机号后四位 {digits}',
  'how.title': '运单号如何保持私密',
  'how.1.title': '在这里盲化。',
  'how.1.text': '浏览器先把运单号变成看似随机的值（RFC 9497 不经意伪随机函数），再发送出去。',
  'how.2.title': '由快递公司计算。',
  'how.2.text': '快递公司的密钥给出带证明的答复，却不知道运单号，也不知道是谁在问。',
  'how.3.title': '只有你能打开。',
  'how.3.text': '物流信息以密文送达，只有知道运单号的人才能解开；网关只存储和转发密文。',
  'embed.title': '电商平台：在自己的页面上显示物流',
  'embed.text': '把这两行加到订单页面显示包裹的位置。组件从买家的浏览器直接连接本网关；你的服务器从不经手运单号和物流信息。',
  'embed.key': '请网关运营方登记你网店的来源（origin），并发给你一个有独立配额的公开密钥。在订单邮件中，链接到本页并把运单号放在 # 之后：',
  'foot.api': 'API 参考',
  'foot.protocol': 'tg1 协议',
  'foot.threats': '威胁模型',
  'foot.tagline': 'trackgate：查物流，不必交出任何一方的客户。',
  'lang.toggle': 'English',
  'lang.toggleLabel': 'Switch to English',
};

/** The English texts are the page's own, read once from the markup. */
const en = {
  copied: 'Copied',
  'samples.digits': 'phone digits {digits}',
  'lang.toggle': '中文',
  'lang.toggleLabel': '切换到中文',
};
for (const el of document.querySelectorAll('[data-i18n]')) {
  en[el.dataset.i18n] ??= el.textContent;
}

const tracker = /** @type {HTMLElement & {track: Function}} */ (document.getElementById('tracker'));
let lang = initialLanguage();

function initialLanguage() {
  const asked = new URLSearchParams(location.hash.slice(1)).get('lang');
  if (asked === 'zh-CN' || asked === 'en') return asked;
  return /^zh\b/i.test(navigator.language) ? 'zh-CN' : 'en';
}

/** @param {string} key */
function text(key) {
  return (lang === 'zh-CN' ? zh[key] : undefined) ?? en[key] ?? key;
}

function applyLanguage() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll('[data-i18n]')) {
    el.textContent = text(el.dataset.i18n);
  }
  const toggle = document.getElementById('lang-toggle');
  toggle.textContent = text('lang.toggle');
  toggle.lang = lang === 'zh-CN' ? 'en' : 'zh-CN';
  toggle.setAttribute('aria-label', text('lang.toggleLabel'));
  tracker.setAttribute('lang', lang);
  renderSamples();
}

document.getElementById('lang-toggle').addEventListener('click', () => {
  lang = lang === 'zh-CN' ? 'en' : 'zh-CN';
  applyLanguage();
  updatePermalink();
});

// ---- permalink --------------------------------------------------------

/** @type {{number: string, courier?: string} | null} */
let shown = null;

function fragment() {
  const p = new URLSearchParams(location.hash.slice(1));
  return { number: p.get('track') ?? '', courier: p.get('courier') ?? '' };
}

function updatePermalink() {
  const box = document.getElementById('permalink');
  if (!shown) {
    box.hidden = true;
    return;
  }
  const p = new URLSearchParams();
  p.set('track', shown.number);
  if (shown.courier) p.set('courier', shown.courier);
  if (lang !== 'en') p.set('lang', lang);
  const url = `${location.origin}/#${p}`;
  history.replaceState(null, '', `#${p}`);
  /** @type {HTMLInputElement} */ (document.getElementById('permalink-url')).value = url;
  box.hidden = false;
}

tracker.addEventListener('trackgate:result', (ev) => {
  const { trackingNumber, result } = /** @type {CustomEvent} */ (ev).detail;
  const first = result?.legs?.find((l) => l.depth === 0);
  shown = { number: trackingNumber, courier: first?.courier };
  updatePermalink();
});
tracker.addEventListener('trackgate:error', () => {
  shown = null;
  updatePermalink();
});

async function trackFromFragment() {
  const { number, courier } = fragment();
  if (!number) return;
  await customElements.whenDefined('trackgate-tracker');
  tracker.track(number, courier ? { courier } : {});
}
window.addEventListener('hashchange', () => {
  const { number } = fragment();
  if (number && number !== shown?.number) trackFromFragment();
});

// ---- sample parcels -----------------------------------------------------

/** @type {{courier: string, tracking_number: string, factor: string}[]} */
let samples = [];
/** @type {Map<string, string>} courier id → name */
const courierNames = new Map();

async function loadSamples() {
  try {
    const [demo, dir] = await Promise.all([fetch('/v1/demo/parcels'), fetch('/v1/couriers')]);
    if (!demo.ok) return; // not a demo gateway
    samples = (await demo.json()).parcels.slice(0, 6);
    if (dir.ok) {
      for (const c of (await dir.json()).couriers) courierNames.set(c.id, c.name);
    }
    renderSamples();
  } catch {
    // The samples are an extra; the widget reports an unreachable gateway.
  }
}

function renderSamples() {
  const list = document.getElementById('sample-list');
  list.replaceChildren();
  for (const s of samples) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sample';
    button.dataset.number = s.tracking_number;
    const number = document.createElement('span');
    number.className = 'sample-number';
    number.textContent = s.tracking_number;
    const meta = document.createElement('span');
    meta.className = 'sample-meta';
    const name = courierNames.get(s.courier) ?? s.courier;
    meta.textContent = s.factor ? `${name} · ${text('samples.digits').replace('{digits}', s.factor)}` : name;
    button.append(number, meta);
    button.addEventListener('click', async () => {
      await customElements.whenDefined('trackgate-tracker');
      tracker.track(s.tracking_number, { courier: s.courier, factor: s.factor || undefined });
      tracker.scrollIntoView({ behavior: 'smooth', block: 'start' });
    });
    const item = document.createElement('li');
    item.append(button);
    list.append(item);
  }
  document.getElementById('samples').hidden = samples.length === 0;
}

// ---- marketplace snippet and copy buttons ------------------------------

function renderSnippet() {
  const origin = location.origin;
  document.getElementById('snippet').textContent =
    `<script type="module" src="${origin}/widget/trackgate-tracker.js"></script>\n` +
    `<trackgate-tracker gateway="${origin}" api-key="YOUR_PUBLISHABLE_KEY" lang="en"></trackgate-tracker>`;
}

for (const button of document.querySelectorAll('[data-copy]')) {
  button.addEventListener('click', async () => {
    const source = document.getElementById(button.dataset.copy);
    const value = source instanceof HTMLInputElement ? source.value : source.textContent;
    try {
      await navigator.clipboard.writeText(value);
      button.textContent = text('copied');
      setTimeout(() => { button.textContent = text('copy'); }, 1500);
    } catch {
      // No clipboard (an insecure origin): select it for a manual copy.
      const range = document.createRange();
      range.selectNodeContents(source);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
    }
  });
}

renderSnippet();
applyLanguage();
loadSamples();
trackFromFragment();
