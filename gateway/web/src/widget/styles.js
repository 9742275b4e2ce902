// The widget's styles, adopted as a constructable stylesheet: pages that
// host the widget run under a strict CSP (style-src 'self'), which forbids
// <style> elements and style="" attributes in markup, but not a sheet
// built from script. Marketplaces theme it with the --tg-* custom
// properties on the host, and style the parts (::part(headline) …).

/** Light defaults of the --tg-* properties. */
const light = `
  --_bg: var(--tg-background, #ffffff);
  --_fg: var(--tg-foreground, #171a20);
  --_muted: var(--tg-muted, #5b6472);
  --_border: var(--tg-border, #e1e4e9);
  --_accent: var(--tg-accent, #1f5bd0);
  --_on-accent: var(--tg-accent-contrast, #ffffff);
  --_success: var(--tg-success, #137446);
  --_warning: var(--tg-warning, #9a5300);
  --_danger: var(--tg-danger, #c02730);
  --_returning: var(--tg-returning, #6d45c2);
  --_shadow: 0 1px 2px rgb(16 24 40 / 0.05), 0 8px 24px rgb(16 24 40 / 0.06);
  color-scheme: light;
`;

/** Dark defaults of the --tg-* properties. */
const dark = `
  --_bg: var(--tg-background, #16191e);
  --_fg: var(--tg-foreground, #e8ecf1);
  --_muted: var(--tg-muted, #9da7b4);
  --_border: var(--tg-border, #2d333c);
  --_accent: var(--tg-accent, #82a8ff);
  --_on-accent: var(--tg-accent-contrast, #0b1222);
  --_success: var(--tg-success, #52c48c);
  --_warning: var(--tg-warning, #f1b458);
  --_danger: var(--tg-danger, #ff8080);
  --_returning: var(--tg-returning, #bca2ff);
  --_shadow: 0 1px 2px rgb(0 0 0 / 0.3), 0 8px 24px rgb(0 0 0 / 0.25);
  color-scheme: dark;
`;

export const css = `
:host {
  ${light}
  --_radius: var(--tg-radius, 14px);
  --_font: var(--tg-font-family, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", sans-serif);
  --_subtle: color-mix(in srgb, var(--_fg) 4%, var(--_bg));
  --_ring: color-mix(in srgb, var(--_accent) 55%, transparent);
  display: block;
  container-type: inline-size;
  font-family: var(--_font);
  font-size: 16px;
  line-height: 1.5;
  color: var(--_fg);
  -webkit-text-size-adjust: 100%;
}
:host([theme="dark"]) { ${dark} }
@media (prefers-color-scheme: dark) {
  :host(:not([theme="light"]):not([theme="dark"])) { ${dark} }
}
:host([hidden]) { display: none; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
p, h2, h3, ol { margin: 0; }
ol { padding: 0; list-style: none; }

.tracker {
  background: var(--_bg);
  color: var(--_fg);
  border: 1px solid var(--_border);
  border-radius: var(--_radius);
  box-shadow: var(--_shadow);
  padding: 24px;
}
.title { font-size: 18px; line-height: 26px; font-weight: 650; margin-bottom: 16px; letter-spacing: -0.01em; }

/* The form: number, digits when asked, button. */
form {
  display: grid;
  grid-template-columns: minmax(0, 1fr) auto;
  column-gap: 12px;
  row-gap: 14px;
}
.field { grid-column: 1; display: flex; flex-direction: column; gap: 6px; min-width: 0; }
label { font-size: 14px; line-height: 20px; font-weight: 600; }
.hint { font-size: 13px; line-height: 18px; color: var(--_muted); }
input {
  font: inherit;
  font-size: 16px;
  line-height: 24px;
  width: 100%;
  min-height: 46px;
  padding: 10px 14px;
  color: var(--_fg);
  background: var(--_bg);
  border: 1px solid color-mix(in srgb, var(--_fg) 22%, var(--_bg));
  border-radius: calc(var(--_radius) * 0.7);
  transition: border-color 120ms, box-shadow 120ms;
}
input::placeholder { color: var(--_muted); opacity: 0.8; }
input:hover { border-color: color-mix(in srgb, var(--_fg) 40%, var(--_bg)); }
input:focus { outline: none; border-color: var(--_accent); box-shadow: 0 0 0 3px var(--_ring); }
input[aria-invalid="true"] { border-color: var(--_danger); }
input[aria-invalid="true"]:focus { box-shadow: 0 0 0 3px color-mix(in srgb, var(--_danger) 35%, transparent); }
.number { letter-spacing: 0.04em; font-variant-numeric: tabular-nums; }
.factor { max-width: 150px; letter-spacing: 0.3em; font-variant-numeric: tabular-nums; }
.field-error {
  display: flex; gap: 6px; align-items: flex-start;
  font-size: 14px; line-height: 20px; color: var(--_danger); font-weight: 500;
}
.field-error svg { flex: none; width: 18px; height: 18px; margin-top: 1px; }
button {
  font: inherit;
  cursor: pointer;
  border-radius: calc(var(--_radius) * 0.7);
}
button:focus-visible { outline: 3px solid var(--_ring); outline-offset: 2px; }
.submit {
  grid-column: 2;
  grid-row: 1;
  align-self: start;
  margin-top: 26px;
  min-height: 46px;
  min-width: 104px;
  padding: 10px 22px;
  font-size: 16px;
  font-weight: 650;
  color: var(--_on-accent);
  background: var(--_accent);
  border: 1px solid transparent;
  display: inline-flex; align-items: center; justify-content: center; gap: 8px;
  transition: filter 120ms, transform 60ms;
}
.submit:hover { filter: brightness(1.08); }
.submit:active { transform: translateY(1px); }
form.with-factor .submit { grid-row: 2; }
.spinner {
  display: none;
  width: 16px; height: 16px;
  border: 2px solid color-mix(in srgb, var(--_on-accent) 35%, transparent);
  border-top-color: var(--_on-accent);
  border-radius: 50%;
  animation: tg-spin 0.8s linear infinite;
}
:host([data-state="loading"]) .spinner { display: inline-block; }
@keyframes tg-spin { to { transform: rotate(360deg); } }

@container (max-width: 440px) {
  .tracker { padding: 18px 16px; }
  form { grid-template-columns: minmax(0, 1fr); }
  .submit, form.with-factor .submit { grid-column: 1; grid-row: auto; margin-top: 2px; width: 100%; }
}

/* Below the form: one body per state. */
.body { margin-top: 20px; }
.body:empty { display: none; }
.intro { color: var(--_muted); font-size: 15px; }
/* A live refresh that failed: the result stays, this says how old it is. */
.refresh-note {
  display: flex; gap: 6px; align-items: center;
  margin-top: 14px; font-size: 13px; line-height: 18px; color: var(--_muted);
}
.refresh-note svg { flex: none; width: 15px; height: 15px; }
.privacy {
  display: flex; gap: 8px; align-items: flex-start;
  margin-top: 18px; padding-top: 14px;
  border-top: 1px solid var(--_border);
  font-size: 12.5px; line-height: 18px; color: var(--_muted);
}
.privacy svg { flex: none; width: 16px; height: 16px; margin-top: 1px; }

.notice {
  display: grid; grid-template-columns: auto minmax(0, 1fr); column-gap: 14px; row-gap: 4px;
  padding: 16px;
  border-radius: calc(var(--_radius) * 0.8);
  background: color-mix(in srgb, var(--_tone) 8%, var(--_bg));
  border: 1px solid color-mix(in srgb, var(--_tone) 28%, var(--_bg));
}
.notice .icon { grid-row: span 3; }
.notice-title { font-size: 16px; line-height: 24px; font-weight: 650; }
.notice-text { font-size: 15px; color: color-mix(in srgb, var(--_fg) 85%, var(--_bg)); }
.retry {
  justify-self: start;
  margin-top: 10px;
  min-height: 40px;
  padding: 8px 16px;
  font-size: 15px; font-weight: 600;
  color: var(--_fg);
  background: var(--_bg);
  border: 1px solid color-mix(in srgb, var(--_fg) 22%, var(--_bg));
}
.retry:hover { border-color: var(--_fg); }

[data-tone="active"] { --_tone: var(--_accent); }
[data-tone="success"] { --_tone: var(--_success); }
[data-tone="warning"] { --_tone: var(--_warning); }
[data-tone="danger"] { --_tone: var(--_danger); }
[data-tone="returning"] { --_tone: var(--_returning); }
[data-tone="muted"] { --_tone: var(--_muted); }

.icon {
  display: inline-flex; align-items: center; justify-content: center;
  width: 40px; height: 40px; border-radius: 50%;
  color: var(--_tone);
  background: color-mix(in srgb, var(--_tone) 14%, var(--_bg));
}
.icon svg { width: 22px; height: 22px; }
svg { fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }

/* Loading: the shape of a result, shimmering. */
.loading { display: grid; gap: 12px; }
.loading-text { color: var(--_muted); font-size: 15px; }
.bone { height: 14px; border-radius: 7px; background: var(--_subtle); position: relative; overflow: hidden; }
.bone.wide { height: 26px; width: 60%; }
.bone.half { width: 45%; }
.bone::after {
  content: ""; position: absolute; inset: 0;
  background: linear-gradient(90deg, transparent, color-mix(in srgb, var(--_fg) 6%, transparent), transparent);
  transform: translateX(-100%);
  animation: tg-shimmer 1.4s ease-in-out infinite;
}
@keyframes tg-shimmer { to { transform: translateX(100%); } }
@media (prefers-reduced-motion: reduce) {
  .bone::after, .spinner { animation: none; }
}

/* The result. */
.summary { display: grid; grid-template-columns: auto minmax(0, 1fr); column-gap: 14px; align-items: start; }
.summary .icon { width: 48px; height: 48px; }
.summary .icon svg { width: 26px; height: 26px; }
.parcel { font-size: 13px; line-height: 18px; color: var(--_muted); overflow-wrap: anywhere; }
.headline { font-size: 24px; line-height: 32px; font-weight: 700; letter-spacing: -0.015em; color: var(--_tone); margin-top: 2px; }
.reason { font-size: 15px; line-height: 22px; font-weight: 500; }
.reason::first-letter { text-transform: uppercase; }
.onward { font-size: 14px; line-height: 20px; color: var(--_muted); margin-top: 2px; overflow-wrap: anywhere; }

.eta {
  display: flex; flex-wrap: wrap; align-items: baseline; column-gap: 10px; row-gap: 2px;
  margin-top: 18px; padding: 12px 14px;
  border-radius: calc(var(--_radius) * 0.7);
  background: color-mix(in srgb, var(--_accent) 8%, var(--_bg));
}
.eta-label { font-size: 13px; font-weight: 600; color: var(--_muted); text-transform: uppercase; letter-spacing: 0.05em; }
.eta-value { font-size: 16px; font-weight: 650; }

.progress { margin-top: 22px; }
.bar { position: relative; height: 6px; margin: 0 12.5%; border-radius: 3px; background: var(--_subtle); border: 0; }
.fill { position: absolute; inset: 0 auto 0 0; width: 0; border-radius: 3px; background: var(--_tone); transition: width 400ms ease; }
.dots { position: absolute; inset: 0; }
.dot {
  position: absolute; top: 50%; width: 14px; height: 14px; margin: -7px 0 0 -7px; border-radius: 50%;
  background: var(--_bg); border: 2px solid color-mix(in srgb, var(--_fg) 20%, var(--_bg));
}
.dot:nth-child(1) { left: 0; }
.dot:nth-child(2) { left: 33.333%; }
.dot:nth-child(3) { left: 66.667%; }
.dot:nth-child(4) { left: 100%; }
.dot.reached { background: var(--_tone); border-color: var(--_tone); }
.dot.current { box-shadow: 0 0 0 4px color-mix(in srgb, var(--_tone) 22%, transparent); }
.stages { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); margin-top: 12px; }
.stages li { text-align: center; font-size: 12.5px; line-height: 16px; color: var(--_muted); padding: 0 2px; }
.stages li.reached { color: var(--_fg); font-weight: 600; }

.history-title { margin-top: 26px; font-size: 15px; line-height: 22px; font-weight: 650; }
.timeline { margin-top: 10px; }
.event, .handoff {
  display: grid;
  grid-template-columns: 84px 22px minmax(0, 1fr);
  column-gap: 10px;
}
.event time { padding-top: 1px; text-align: right; font-variant-numeric: tabular-nums; }
.event .date { display: block; font-size: 13px; line-height: 20px; font-weight: 600; }
.event .clock { display: block; font-size: 13px; line-height: 18px; color: var(--_muted); }
.rail { position: relative; display: flex; justify-content: center; }
.rail::before {
  content: ""; position: absolute; top: 0; bottom: 0; left: 50%; width: 2px; margin-left: -1px;
  background: var(--_border);
}
li:first-child > .rail::before { top: 8px; }
li:last-child > .rail::before { bottom: calc(100% - 10px); }
.marker {
  position: relative; margin-top: 5px;
  width: 11px; height: 11px; border-radius: 50%;
  background: var(--_bg); border: 2px solid color-mix(in srgb, var(--_fg) 30%, var(--_bg));
}
.event.latest .marker {
  width: 15px; height: 15px; margin-top: 3px;
  background: var(--_tone); border-color: var(--_tone);
  box-shadow: 0 0 0 4px color-mix(in srgb, var(--_tone) 20%, transparent);
}
.event-body { padding-bottom: 18px; min-width: 0; }
.event-status { display: inline-block; font-size: 13px; line-height: 20px; font-weight: 650; color: var(--_muted); }
.event-status::first-letter { text-transform: uppercase; }
.event.latest .event-status { color: var(--_tone); }
.event-text { font-size: 15px; line-height: 22px; overflow-wrap: anywhere; }
.event:not(.latest) .event-text { color: color-mix(in srgb, var(--_fg) 82%, var(--_bg)); }
.event-meta { font-size: 13px; line-height: 18px; color: var(--_muted); margin-top: 2px; overflow-wrap: anywhere; }
.handoff .handoff-text {
  display: flex; gap: 8px; align-items: center;
  margin-bottom: 18px; padding: 8px 12px;
  font-size: 14px; line-height: 20px; font-weight: 600; color: var(--_accent);
  border: 1px dashed color-mix(in srgb, var(--_accent) 45%, var(--_bg));
  border-radius: calc(var(--_radius) * 0.6);
  background: color-mix(in srgb, var(--_accent) 6%, var(--_bg));
  overflow-wrap: anywhere;
}
.handoff-text span { display: inline-block; }
.handoff-text span::first-letter { text-transform: uppercase; }
.handoff-text svg { flex: none; width: 18px; height: 18px; }
.handoff .rail .marker { margin-top: 15px; border-color: var(--_accent); background: color-mix(in srgb, var(--_accent) 18%, var(--_bg)); }
.empty { color: var(--_muted); font-size: 15px; }

@container (max-width: 440px) {
  .headline { font-size: 21px; line-height: 28px; }
  .event, .handoff { grid-template-columns: 64px 18px minmax(0, 1fr); column-gap: 8px; }
  .event .date, .event .clock { font-size: 12px; }
  .stages li { font-size: 11.5px; }
}

.sr-only {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
@media (forced-colors: active) {
  .fill, .dot.reached, .event.latest .marker { background: Highlight; }
}
`;

/** @type {CSSStyleSheet|undefined} */
let shared;

/** The sheet every widget on the page adopts, built on first use. */
export function styleSheet() {
  if (!shared) {
    shared = new CSSStyleSheet();
    shared.replaceSync(css);
  }
  return shared;
}
