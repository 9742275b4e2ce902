// Package dhl is the adapter for DHL: it looks parcels up with DHL's
// Shipment Tracking – Unified API (GET /track/shipments?trackingNumber=…
// with the DHL-API-Key header) and turns the shipment into a tracking
// view.
//
// Mapping of statusCode (status.go): pre-transit → info_received, transit
// → in_transit, delivered → delivered, failure → exception, unknown →
// the previous event's status (pending for the first); any other code is
// in_transit with the code in the substatus. The event's own text refines
// only where it is unambiguous in DHL's English wording: "out for
// delivery"/"with delivery courier" → out_for_delivery, "ready for
// pickup"/"available for pick up"/"awaiting collection" →
// available_for_pickup, a failure saying the delivery was attempted or
// could not be made → attempt_failed, and a failure or delivery saying
// the shipment was returned to the sender (not "being returned") →
// returned.
//
// DHL lists events newest first; the view has them oldest first. Times
// keep DHL's offsets; the rare timestamp without one is read as UTC.
// estimatedDeliveryTimeFrame, else estimatedTimeOfDelivery, gives the
// ETA, which a final parcel does not show. A location is the city of
// address.addressLocality (never a street: "Oderweg 2, AMSTERDAM" gives
// AMSTERDAM) and address.countryCode. proofOfDelivery, its signature and
// the name of whoever signed are dropped, and that name is masked
// wherever DHL repeats it in an event's text, which then goes through
// scrub.Text. The parcel's version is one more than its number of events.
//
// The adapter is registered as "dhl" with the options api_key
// (required), base_url (default ProductionURL), service (a DHL service to
// search, default all), courier (default dhl) and timeout (per attempt,
// default 10s). It answers lookups only; with the options "watchlist" (a
// JSON Lines file) and "poll" it comes wrapped in a watchlist.Watchlist,
// which a courier host can use.
package dhl
