// Package carrierhttp is the HTTP plumbing shared by adapters that call a
// carrier's web API (sfexpress, dhl, ups, fedex, jdl, zto, declarative): a
// timeout on every attempt, a cap on response sizes, a bounded number of
// retries with exponential backoff that honour Retry-After on 429 and 5xx
// answers, and errors in the classes of adapters.Source whose texts never
// carry a URL — carriers' URLs hold tracking numbers, and an error text
// may end up in a log.
//
// A Client sends a request and returns the first answer that is not a
// transient failure; the adapter then reads the carrier's own status codes
// and body. A transient failure that outlasts the attempts, or a
// Retry-After longer than the Client is willing to wait within one call,
// comes back as adapters.ErrUnavailable (an *adapters.RetryAfterError when
// the carrier said how long to wait), so that the caller — typically a
// watchlist polling on an interval — comes back later.
//
// A TokenSource fetches and caches OAuth 2.0 client-credentials tokens
// for carriers that ask for one (ups, fedex, and declarative
// descriptions with oauth2); its Send tries a request once more with a
// fresh token when the carrier refuses the cached one.
//
// StatusError classifies the HTTP status of carriers that answer with 200
// and put their errors in the body (jdl, zto, sfexpress); JavaURLEncode is
// the URL encoding their signatures are defined with.
package carrierhttp
