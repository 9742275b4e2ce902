// Line icons (24×24, stroked with currentColor), as path data: render.js
// builds them with createElementNS, never from markup.

/** @type {Record<string, string[]>} */
export const ICONS = {
  box: ['M3.5 7.5 12 3l8.5 4.5v9L12 21l-8.5-4.5z', 'M3.5 7.5 12 12l8.5-4.5', 'M12 12v9'],
  truck: ['M2.5 6.5h11v9h-11z', 'M13.5 9.5h4l3 3.5v2.5h-7', 'M5 18a1.8 1.8 0 1 0 3.6 0a1.8 1.8 0 1 0-3.6 0', 'M15 18a1.8 1.8 0 1 0 3.6 0a1.8 1.8 0 1 0-3.6 0'],
  check: ['M12 21a9 9 0 1 0 0-18a9 9 0 1 0 0 18z', 'M8 12.5l2.8 2.8L16.5 9.5'],
  pin: ['M12 21s-6.5-5.8-6.5-11a6.5 6.5 0 0 1 13 0c0 5.2-6.5 11-6.5 11z', 'M9.8 10a2.2 2.2 0 1 0 4.4 0a2.2 2.2 0 1 0-4.4 0'],
  alert: ['M12 21a9 9 0 1 0 0-18a9 9 0 1 0 0 18z', 'M12 7.5v5.5', 'M12 16.5h.01'],
  shield: ['M12 3 4.5 6v5.5c0 4.5 3.2 8.2 7.5 9.5 4.3-1.3 7.5-5 7.5-9.5V6z', 'M12 8.5v4', 'M12 15.5h.01'],
  back: ['M9 14 4 9l5-5', 'M4 9h10.5a5.5 5.5 0 0 1 0 11H11'],
  clock: ['M12 21a9 9 0 1 0 0-18a9 9 0 1 0 0 18z', 'M12 7.5V12l3 2'],
  search: ['M10.5 17a6.5 6.5 0 1 0 0-13a6.5 6.5 0 1 0 0 13z', 'M15.5 15.5 20 20'],
  lock: ['M6 11h12v9.5H6z', 'M8.5 11V8a3.5 3.5 0 0 1 7 0v3'],
  handoff: ['M4 12h13', 'M13 7l5 5-5 5'],
  wifi: ['M12 21a9 9 0 1 0 0-18a9 9 0 1 0 0 18z', 'M9 9l6 6', 'M15 9l-6 6'],
};

/** The icon of each headline code. */
export const HEADLINE_ICON = /** @type {Record<string, string>} */ ({
  pending: 'clock',
  info_received: 'box',
  in_transit: 'truck',
  out_for_delivery: 'truck',
  available_for_pickup: 'pin',
  attempt_failed: 'alert',
  delivered: 'check',
  exception: 'alert',
  expired: 'clock',
  customs_hold: 'shield',
  returning_to_sender: 'back',
  returned: 'back',
});
