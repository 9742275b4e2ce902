// Checking an opened tracking view (docs/protocol.md §6).

/**
 * @typedef {object} ViewEvent
 * @property {string} time RFC 3339
 * @property {string} status
 * @property {string} [description]
 * @property {{city?: string, region?: string, country?: string}} [location]
 */
/**
 * @typedef {object} View the tracking view (§6)
 * @property {string} courier
 * @property {string} tracking_number
 * @property {string} status
 * @property {string} [substatus]
 * @property {{from: string, to: string}} [eta]
 * @property {ViewEvent[]} [events] oldest first
 * @property {{courier: string, tracking_number: string}[]} [handoffs] onward legs
 * @property {string} updated_at
 */

const statuses = new Set([
  'pending', 'info_received', 'in_transit', 'out_for_delivery', 'available_for_pickup',
  'attempt_failed', 'delivered', 'exception', 'returned', 'expired',
]);

/**
 * Decodes an opened record and checks that it is a well-formed view of
 * exactly the courier and number asked for (§6: a client MUST check).
 * @param {string} json
 * @param {string} courierId
 * @param {string} tn
 * @returns {View} the view
 * @throws {Error} when it is malformed or names another parcel
 */
export function decodeView(json, courierId, tn) {
  const view = JSON.parse(json);
  checkView(view);
  if (view.courier !== courierId || view.tracking_number !== tn) throw new Error('view names another parcel');
  return view;
}

/** @param {unknown} t @returns {number} ms since the epoch, NaN when not a time */
function time(t) {
  return typeof t === 'string' ? Date.parse(t) : NaN;
}

/**
 * Checks a view as the Go SDK does (adapters.View.Check): the required
 * members, statuses in the taxonomy, events with times, oldest first,
 * handoffs naming a courier and a number.
 * @param {any} v
 * @throws {Error}
 */
function checkView(v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('view is not an object');
  if (!v.courier || !v.tracking_number) throw new Error('view: courier and tracking_number are required');
  if (!statuses.has(v.status)) throw new Error('view: status not in the taxonomy');
  if (Number.isNaN(time(v.updated_at))) throw new Error('view: updated_at is required');
  if (v.eta != null && !(time(v.eta.to) >= time(v.eta.from))) throw new Error('view: eta ends before it starts');
  const events = v.events ?? [];
  if (!Array.isArray(events)) throw new Error('view: events is not a list');
  events.forEach((/** @type {any} */ e, /** @type {number} */ i) => {
    if (e === null || typeof e !== 'object' || !statuses.has(e.status)) throw new Error(`view: event ${i}: status not in the taxonomy`);
    if (Number.isNaN(time(e.time))) throw new Error(`view: event ${i} has no time`);
    if (i > 0 && time(e.time) < time(events[i - 1].time)) throw new Error(`view: event ${i} is older than event ${i - 1}`);
  });
  const handoffs = v.handoffs ?? [];
  if (!Array.isArray(handoffs)) throw new Error('view: handoffs is not a list');
  for (const h of handoffs) {
    if (h === null || typeof h !== 'object' || !h.courier || !h.tracking_number) throw new Error('view: a handoff needs courier and tracking_number');
  }
}
