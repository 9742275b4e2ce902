// Package ups is the adapter for UPS: it looks packages up with the UPS
// Track API v1 (GET /api/track/v1/details/{inquiryNumber}), authorized by
// an OAuth client-credentials token (POST /security/v1/oauth/token with
// HTTP basic authentication), and turns the package into a tracking view.
//
// The token is cached and fetched again shortly before it expires
// (expires_in, which UPS sends as a string), by one request however many
// lookups need it at once (carrierhttp.TokenSource); a track answer of 401 drops the token and the
// lookup tries once more with a fresh one.
//
// Times: an activity's date ("YYYYMMDD") and time ("HHMMSS") are local to
// where it happened, without an offset. The adapter takes the instant
// from gmtDate and gmtTime (UTC; gmtTime comes as "HHMMSS", "HMMSS" or
// "HH:MM:SS") and shows it at gmtOffset; with gmtOffset alone it reads
// date and time at that offset; with neither — the usual case — it reads
// them in the zone of the activity's place (places.Zone: Atlanta, GA is
// America/New_York), else of the nearest activity that has a zone (a
// label created "in US" is where the next scan is), else as UTC, the one
// choice that does not invent an offset. The ETA (deliveryDate RDD, else
// SDD, with the deliveryTime window) is read at the latest activity's
// zone.
//
// Statuses (status.go) are decided from the whole history with
// phrases.Advance, currentStatus being its last line, so an informational
// line never moves a package and a late scan does not undo a delivery.
// The status type maps D delivered, I in transit, M and MV label created
// (info_received), X exception, P picked up (in_transit); the
// description (UPS's phrases, then phrases.Common) refines it within its
// stage: "Out For Delivery", "Loaded on Delivery Vehicle" →
// out_for_delivery; delivered to or waiting at an access point →
// available_for_pickup; delivery attempts; returned to the sender. Type X
// also carries news that is no exception — "Your package has cleared
// customs and is on the way", "released by the customs agency" — which
// stays in_transit (substatus customs_cleared). A status with no type
// (currentStatus mostly) or U is read from its description, else its
// three-digit code (003 label created, 005 in transit, 011 delivered, 021
// out for delivery, 038 picked up), else is informational. Other types
// are in_transit with the type in the substatus.
//
// What a shopper wants goes where the view has a place: the delivery
// location (deliveryInformation.location, "Front Door") at the end of
// the delivery event's description, the access point's pickup-by date
// at the end of the event that put the package there, and the service
// ("UPS Ground") at the end of the first event's. receivedBy, the
// signature, the delivery photo, packageAddress and referenceNumber are
// personal data and never decoded; locations are city, state and country
// only (places.Fields), and every text goes through scrub.Text. The
// parcel's version is one more than its number of activities.
// testdata/real holds answers others published, each read as its want
// file says.
//
// The adapter is registered as "ups" with the options client_id and
// client_secret (required), base_url (default ProductionURL; the
// customer integration environment is https://wwwcie.ups.com), courier
// (default ups), transaction_src (default trackgate) and timeout (per
// attempt, default 10s). It answers lookups only; with the options
// "watchlist" (a JSON Lines file) and "poll" it comes wrapped in a
// watchlist.Watchlist, which a courier host can use.
package ups
