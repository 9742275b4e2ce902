// Package dhl is the adapter for DHL: it looks parcels up with DHL's
// Shipment Tracking – Unified API (GET /track/shipments?trackingNumber=…
// with the DHL-API-Key header) and turns the shipment into a tracking
// view.
//
// Statuses (status.go) are decided from the whole history with
// phrases.Advance, so an informational line never moves a parcel and a
// late scan does not undo a delivery. Each event is read by its
// statusCode: pre-transit → info_received, transit → in_transit,
// delivered → delivered, failure → exception; its text (phrases.Common)
// refines the code within its stage only — transit to out_for_delivery or
// available_for_pickup (a Packstation, a parcel locker: substatus
// locker), delivered to available_for_pickup (delivered to a locker) or
// returned, failure to attempt_failed, returned or returning_to_sender.
// DHL Express sends most events with no statusCode, and "unknown" says
// nothing either: those are read from their text alone ("Shipment is out
// with courier for delivery", "Clearance processing complete at …"), and
// a text phrases do not know ("Payment is received …") is informational.
// Any other code is in_transit with the code in the substatus. The
// shipment's own status is the last line of the history.
//
// Times keep DHL's offsets. Express times come without one and are local
// to the event's place: they are read in the place's zone
// (places.Zone), else the nearest event's place's, else the destination's, else
// the origin's, else as UTC.
// estimatedDeliveryTimeFrame, else estimatedTimeOfDelivery — a whole day
// when it is a day, or when estimatedTimeOfDeliveryRemark says "end of
// day" — gives the ETA, which a final parcel does not show; other ETA
// remarks have no place in the view and are dropped.
//
// A location is address.addressLocality read by places.Parse with
// address.countryCode: city, region and country ("LOS ANGELES, CA - USA",
// "Henderson, NV, US", "MANILA - PHILIPPINES, THE"), never a street. An
// event's description is followed by its remark and next steps (a
// customs hold and what comes of it). proofOfDelivery, its signature and
// the name of whoever signed are dropped: that name is masked wherever
// DHL repeats it in an event's text — but never a word of the event's own
// status, nor a place recorded as the signer ("FRONT DOOR") — and a
// description that is nothing but a name on a delivered status ("JESSICA")
// is dropped; every text then goes through scrub.Text. A shipment's id
// may come as a string or a number. The parcel's version is one more than
// its number of events. testdata/real holds answers others published,
// each read as its want file says.
//
// The adapter is registered as "dhl" with the options api_key
// (required), base_url (default ProductionURL), service (a DHL service to
// search, default all), courier (default dhl) and timeout (per attempt,
// default 10s). It answers lookups only; with the options "watchlist" (a
// JSON Lines file) and "poll" it comes wrapped in a watchlist.Watchlist,
// which a courier host can use.
package dhl
