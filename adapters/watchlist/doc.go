// Package watchlist makes a query-only adapter — one that can only look a
// parcel up, as the carrier APIs of sfexpress, dhl and ups can — usable by
// a courier host, which needs to list and watch parcels: a Watchlist is an
// adapters.Source that is also an adapters.Lister and adapters.Watcher.
//
// The courier's own systems name the live parcels, with the second factors
// they hold: in a JSON Lines file, one
//
//	{"tracking_number":"SF1234567890123","factors":["5678"]}
//
// a line, read again whenever it changes, and/or in process with Add and
// Remove. While Watch runs, the Watchlist looks each parcel up every
// PollInterval (with jitter, a bounded number at a time), keeps the last
// answer, reports changed ones to Watch's callback and lists them in
// Parcels. A parcel the carrier cannot answer for now is asked again with
// exponential backoff, no sooner than a Retry-After, which also pauses the
// other lookups (a rate limit is per account, not per parcel). A parcel
// is dropped after NotFoundLimit not-found answers in a row, or once it
// has been final (delivered, returned, expired) for FinalRetention.
//
// Versions: a Watchlist reports the adapter's version shifted left by 16
// bits, and one more than the last it reported when the view changed but
// the adapter's version did not (an ETA that moved). The shift keeps a new
// event above anything reported before a restart, when the in-process
// part starts again from zero.
//
// A Watchlist logs counts only, through its courier host's logger once
// the host gives it one (SetLogger), which it passes on to the adapter it
// polls.
//
// Wrap composes this with an adapter's factory, so that every adapter
// takes the options "watchlist" (the file) and "poll" (the interval):
//
//	func init() { adapters.Register("sfexpress", watchlist.Wrap(open)) }
package watchlist
