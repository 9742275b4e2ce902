// Package ups is the adapter for UPS: it looks packages up with the UPS
// Track API v1 (GET /api/track/v1/details/{inquiryNumber}), authorized by
// an OAuth client-credentials token (POST /security/v1/oauth/token with
// HTTP basic authentication), and turns the package into a tracking view.
//
// The token is cached and fetched again shortly before it expires
// (expires_in, which UPS sends as a string), by one request however many
// lookups need it at once; a track answer of 401 drops the token and the
// lookup tries once more with a fresh one.
//
// Times: an activity's date ("YYYYMMDD") and time ("HHMMSS") are local to
// where it happened, without an offset. The adapter takes the instant
// from gmtDate and gmtTime (UTC; gmtTime comes as "HHMMSS", "HMMSS" or
// "HH:MM:SS") and shows it at gmtOffset; with gmtOffset alone it reads
// date and time at that offset; with neither it reads them as UTC, the
// only choice that does not invent an offset (a documented approximation).
// The ETA (deliveryDate RDD, else SDD, with the deliveryTime window) is
// read at the offset of the latest activity that has one.
//
// Mapping of the status type (status.go): D delivered, I in transit, M
// and MV label created (info_received), X exception, P picked up
// (in_transit), U the previous status (pending for the first); other
// types are in_transit with the type in the substatus. The description
// refines where UPS's wording is unambiguous: "out for delivery",
// ready for pickup at an access point, delivery attempts, returned to the
// sender. deliveryInformation (receivedBy, signature, deliveryPhoto),
// packageAddress and referenceNumber are never decoded. The parcel's
// version is one more than its number of activities.
//
// The adapter is registered as "ups" with the options client_id and
// client_secret (required), base_url (default ProductionURL; the
// customer integration environment is https://wwwcie.ups.com), courier
// (default ups), transaction_src (default trackgate) and timeout (per
// attempt, default 10s). It answers lookups only; with the options
// "watchlist" (a JSON Lines file) and "poll" it comes wrapped in a
// watchlist.Watchlist, which a courier host can use.
package ups
