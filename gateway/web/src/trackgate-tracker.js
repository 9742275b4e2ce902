// <trackgate-tracker>: the tracking widget (README.md, "The widget").
// Importing this module defines the element, once; it bundles the tg1
// client, so a page needs only this script:
//
//   <script type="module" src="https://GATEWAY/widget/trackgate-tracker.js"></script>
//   <trackgate-tracker lang="zh-CN"></trackgate-tracker>

import { TrackgateTracker } from './widget/element.js';

export { TrackgateTracker } from './widget/element.js';
export { State } from './widget/states.js';
export { HeadlineCode } from './widget/headline.js';

/** The element's tag name. */
export const TAG = 'trackgate-tracker';

if (globalThis.customElements && !globalThis.customElements.get(TAG)) {
  globalThis.customElements.define(TAG, TrackgateTracker);
}
