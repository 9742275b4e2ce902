// Package web serves the browser side of trackgate from files embedded in
// the binary, so `go run ./cmd/trackgate serve` needs no Node: the tg1
// client and the <trackgate-tracker> widget bundles (built from src/ by
// build.mjs and committed under dist/) at stable paths under /widget/, and
// the tracking page for shoppers at / with its stylesheet and script
// under /assets/.
//
// The page and the widget keep the tracking number in the browser: it
// leaves only blinded, and a permalink carries it in the URL's fragment,
// which browsers never send to the gateway.
package web
