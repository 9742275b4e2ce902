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
  if (view === null || typeof view !== 'object' || Array.isArray(view)) throw new Error('view is not an object');
  if (!statuses.has(view.status)) throw new Error('view has an unknown status');
  if (view.events !== undefined && !Array.isArray(view.events)) throw new Error('view events is not a list');
  if (view.handoffs !== undefined && view.handoffs !== null && !Array.isArray(view.handoffs)) throw new Error('view handoffs is not a list');
  if (view.courier !== courierId || view.tracking_number !== tn) throw new Error('view names another parcel');
  return view;
}
