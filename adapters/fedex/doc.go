// Package fedex is the adapter for FedEx: it looks shipments up with the
// FedEx Track API (Basic Integrated Visibility; POST
// /track/v1/trackingnumbers with includeDetailedScans), authorized by an
// OAuth client-credentials token (POST /oauth/token, the API key and
// secret key in the form body), and turns the shipment into a tracking
// view.
//
// The token is cached and fetched again shortly before it expires, by
// one request however many lookups need it at once
// (carrierhttp.TokenSource); a track answer of 401 drops the token and the lookup tries once more with a fresh one.
// 400/401/403 at the token endpoint, 401 with a fresh token and 403 at
// the track endpoint are adapters.ErrMisconfigured; 429 (honouring
// Retry-After) and 5xx are adapters.ErrUnavailable. FedEx answers an
// unknown number with 200 and an error inside its track result
// (TRACKING.TRACKINGNUMBER.NOTFOUND); that, and 400 about the tracking
// number, are adapters.ErrNotFound. Any other 400 or 404 is
// adapters.ErrMisconfigured: FedEx would refuse the request again.
//
// A number FedEx has used for several shipments (or a door tag) comes
// with a track result each; the view is of the one scanned last.
//
// Statuses (status.go) come from each scan's eventType, FedEx's scan
// code, not its derivedStatusCode, which FedEx sets to DL for a return to
// the shipper and to IT for out for delivery; derivedStatusCode is read
// only for a code the table does not know. OC → info_received (the
// status before it when the shipment information reaches FedEx after the
// parcel did); PU →
// in_transit (picked_up); arrivals, departures and the like → in_transit;
// customs: CP, CU, BR → in_transit (customs), CC → in_transit
// (customs_cleared), CD (clearance delay) → exception (customs_hold); OD
// → out_for_delivery; HL and HP (ready for pickup at a FedEx location) →
// available_for_pickup (hold_at_location); DL → delivered, or returned
// after a return to the shipper; DE and SE → exception, refined by the
// words of the scan and its exception (FedEx's own, then phrases.Common)
// into attempt_failed (customer not available, business closed),
// returned, exception (returning_to_sender, redirected, refused, …); RS →
// exception (returning_to_sender); CA → exception (cancelled). Notes
// rather than scans — arriving early or on time (AE, AO), delays (DY, DD:
// substatus delayed), delivery options requested — keep the status
// before them. The shipment's status is its latest event's, except that
// a delivery or return stays the status whatever follows it; the
// substatus is that event's. An unknown code is in_transit with the code
// in the substatus (fedex_xx).
//
// Times carry FedEx's offsets. A scan time without one (FedEx sends
// "2024-08-15T00:00:00" for some pickups) is given its place's zone
// (places.Zone: its state's in the United States, its country's where the
// country keeps one time), else the offset of the nearest scan that has
// one, else UTC. Scans are sorted oldest first.
//
// ETA: estimatedDeliveryTimeWindow, else the ESTIMATED_DELIVERY date,
// else standardTransitTimeWindow; a date (FedEx writes dates as midnight)
// is its whole day. It is not shown once the shipment is delivered or
// returned, while it waits for pickup at a FedEx location, on its way
// back to the shipper, or when it ends before the latest scan.
//
// What is carried: each scan's description with its exception's text
// ("Delivery exception: Customer not available or business closed"),
// minus any street address FedEx appends to it; the place the delivered
// shipment was left (deliveryDetails.locationDescription: "Delivered,
// left at: Residence"); the city (without FedEx facility words: "FEDEX
// SMARTPOST INDIANAPOLIS" → INDIANAPOLIS), state and country code of each
// scan. What is dropped, never decoded: who signed or received it
// (receivedByName, signedByName), the delivery, recipient, shipper and
// hold-location addresses, street lines and postal codes of scans,
// customer references, notes and nicknames, the service and package
// details. Free text passes through scrub.Text. A scan that names a
// country only by name (no countryCode) shows no place. The parcel's
// version is one more than its number of events.
//
// The adapter is registered as "fedex" with the options client_id and
// client_secret (required), base_url (default ProductionURL; SandboxURL
// for FedEx's sandbox), courier (default fedex), locale (default en_US)
// and timeout (per attempt, default 10s). It answers lookups only; with
// the options "watchlist" (a JSON Lines file) and "poll" it comes wrapped
// in a watchlist.Watchlist, which a courier host can use.
package fedex
