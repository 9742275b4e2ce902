// Package client is the Go SDK of trackgate: what a shopper's app or a
// marketplace back end uses to track a parcel through a gateway without the
// gateway learning the tracking number (docs/protocol.md §1–§7, §11).
//
// A Client talks to one gateway. Track runs the whole tg1 lookup:
//
//  1. normalize the tracking number, refusing a bad shape before any
//     network call;
//  2. fetch the courier directory (cached with its ETag, validated: every
//     key's kid must match its public key) and check it against the
//     gateway's key log (docs/protocol.md §7.8): its checkpoint must
//     extend the last one trusted, and every key must be the one its
//     courier stated in the log;
//  3. pick the candidate couriers, by detection (Detect) or pinned by the
//     caller;
//  4. run 1 + H rounds (H = WithMaxHandoffs). Each round blinds one OPRF
//     input for every courier of the directory that has a key valid now:
//     the round's real query for that courier, or a dummy (32 random
//     bytes). All go in one POST /v1/evaluate (one per 16 couriers);
//  5. verify every courier's proof against the directory key, derive the
//     locators and fetch one bucket per element (or, in fast mode, one
//     record), dummies included; open the real queries' records and check
//     that each view names the courier and number that were asked for;
//  6. ask in the next round for the handoffs to onward couriers found, and
//     merge every leg into one Result with a single timeline.
//
// Why the fixed shape: the gateway and the couriers see the requests a
// lookup makes, even though they cannot read them. If a lookup stopped
// after the candidates' answers, asked only the candidates, or added a
// round per handoff, the count, order and sizes of its requests would say
// whether the parcel exists, which couriers might carry it and how far it
// travelled. So once the input is accepted, a found parcel, a handed-off
// one, a missing number and a wrong factor all make the same requests
// (docs/protocol.md §11). The price is (1+H) × couriers evaluations and
// fetches per lookup; handoffs beyond H are reported as not followed.
//
// A lookup refused locally (a number of the wrong shape, no courier
// matching, a required factor missing) sends no evaluation at all: that
// depends on what was typed and on the public directory, not on any
// answer.
//
// "Not found" and "wrong second factor" are the same answer by design
// (ErrNotFound): the protocol makes them indistinguishable so that a
// factor cannot be guessed one digit at a time. A courier that could not
// answer for the moment makes it ErrUnavailable instead: try again. A
// courier whose host is still publishing its first records ("loading" in
// the directory, docs/protocol.md §7.1) makes it ErrStillLoading: the
// parcel may not be there yet, try again shortly. Neither changes what a
// lookup sends.
//
// Marketplaces can be told of changes instead of asking again
// (docs/protocol.md §10, docs/webhooks.md). A found Leg keeps its Locator
// and, unexported, its record key. A marketplace's server, holding its
// tenant's secret key (tg1sk_…), subscribes the locators (Subscribe,
// Result.Locators) with a callback URL and a secret of its own; the
// gateway then POSTs every new version of those records there, sealed
// as they are stored and signed with the secret. The receiver checks the
// signature with webhook.Verify (package gateway/webhook), deduplicates by
// the TG-Webhook-Id header and opens the record with OpenDelivery and the
// leg (or RestoreLeg, after a restart). The gateway still learns nothing
// but the locators: it cannot open what it delivers.
//
// The key log is why a client can trust the keys it blinds with: a
// gateway could otherwise hand one client a key of its own and read its
// numbers, or each client another key to tell them apart. Each directory
// names a signed checkpoint of the log; the Client keeps the last one it
// trusted (KeyLog.Store: in memory, or KeyLogFile) and asks for a
// consistency proof when the log grew, so a log rolled back or forked for
// it is caught (verify.ErrRollback, verify.ErrFork), and the whole
// directory refused. Each courier's keys must be stated, in the log, by
// the courier's signing key, the same key as before (pinned on first
// sight or configured, KeyLog.Pins), at most two live at once; a courier
// that fails is refused (OutcomeKeyLogRefused) and never asked, with a
// *KeyLogError that says which attack it is.
//
// The files follow the steps: directory.go, keylog.go and keylog_state.go
// (the key log check and what it remembers), detect.go, track.go
// (candidates and handoffs), shape.go (rounds, dummies and the fixed
// shape), evaluate.go (blinding and proofs), fetch.go (records and views),
// result.go (the merged answer) and errors.go; subscriptions.go (the
// subscription routes) and delivery.go (opening what they deliver). For showing the answer to
// people: headline.go (Result.Headline, the status that tells the truth
// across handoff legs), language.go (Description, one language of a
// bilingual event description) and labels.go (the texts shown to shoppers
// in each language, from labels.json, which the web widget in gateway/web
// imports too).
package client
