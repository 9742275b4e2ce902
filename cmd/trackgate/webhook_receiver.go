package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/client"
	"github.com/trackgate/trackgate/gateway/webhook"
)

// maxDeliveryBody bounds a delivery: one record and a few fields.
const maxDeliveryBody = 1 << 20

// receiver takes the deliveries of webhook listen's subscriptions: it
// verifies each, handles it once, opens it with the leg it names and
// prints what it changed. Deliveries are handled one at a time, so the
// lines come out whole and in order.
type receiver struct {
	e      env
	secret string
	lang   string
	json   bool
	// follow is signalled (never blocking) when a delivery shows a
	// handoff to a leg not followed yet.
	follow chan struct{}

	mu         sync.Mutex
	res        *client.Result    // the parcel as known now
	versions   map[string]uint64 // the last version shown, by b64 locator
	seen       map[string]bool   // TG-Webhook-Id of deliveries handled
	subscribed map[string]bool   // b64 locators subscribed
	asked      map[string]bool   // handoffs already looked up after a delivery
}

func newReceiver(e env, res *client.Result, secret, lang string, asJSON bool) *receiver {
	return &receiver{
		e: e, secret: secret, lang: lang, json: asJSON, follow: make(chan struct{}, 1),
		res: res, versions: map[string]uint64{}, seen: map[string]bool{}, subscribed: map[string]bool{}, asked: map[string]bool{},
	}
}

func (rc *receiver) number() string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.res.TrackingNumber
}

// markSubscribed records locators as subscribed.
func (rc *receiver) markSubscribed(locators [][]byte) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, l := range locators {
		rc.subscribed[crypto.EncodeB64(l)] = true
	}
}

// note says something on stderr, as one plain sentence.
func (rc *receiver) note(format string, args ...any) {
	fmt.Fprintln(rc.e.stderr, sentence(fmt.Errorf(format, args...)))
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxDeliveryBody))
	if err != nil {
		rc.note("refused a delivery larger than %d bytes", maxDeliveryBody)
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err := webhook.Verify(r.Header.Get(webhook.SignatureHeader), body, rc.e.now(), webhook.DefaultTolerance, rc.secret); err != nil {
		rc.note("refused a delivery whose signature does not verify: %s", whyUnverified(err))
		http.Error(w, "signature does not verify", http.StatusUnauthorized)
		return
	}
	id := r.Header.Get(client.DeliveryIDHeader)
	if id == "" {
		rc.note("refused a signed delivery without a %s header", client.DeliveryIDHeader)
		http.Error(w, "no delivery id", http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.seen[id] {
		w.WriteHeader(http.StatusNoContent) // a retry of one already handled
		return
	}
	status := rc.handle(body)
	if status < 300 {
		rc.seen[id] = true
	}
	w.WriteHeader(status)
}

// whyUnverified words webhook.Verify's refusal without repeating any of
// the request.
func whyUnverified(err error) string {
	switch {
	case errors.Is(err, webhook.ErrTooOld):
		return "its timestamp is more than 5 minutes from this machine's clock"
	case errors.Is(err, webhook.ErrMismatch):
		return "no signature matches this subscription's secret"
	case errors.Is(err, webhook.ErrNoSignature):
		return "it carries no signature"
	}
	return "its " + webhook.SignatureHeader + " header is malformed"
}

// handle opens and shows one verified delivery and returns the status to
// answer; rc.mu is held.
func (rc *receiver) handle(body []byte) int {
	d, err := client.ParseDelivery(body)
	switch {
	case errors.Is(err, client.ErrUnknownDeliveryType):
		rc.note("ignored a delivery of a type this trackgate does not know")
		return http.StatusNoContent
	case err != nil:
		rc.note("refused a signed body that is not a delivery: %v", err)
		return http.StatusBadRequest
	}
	loc := crypto.EncodeB64(d.Locator)
	i := slices.IndexFunc(rc.res.Legs, func(l client.Leg) bool { return crypto.EncodeB64(l.Locator) == loc })
	if i < 0 {
		rc.note("ignored a delivery for a record this listener does not follow")
		return http.StatusNoContent
	}
	if d.Version <= rc.versions[loc] {
		return http.StatusNoContent // an older version than one shown: nothing new
	}
	leg := rc.res.Legs[i]
	view, err := d.Open(leg)
	switch {
	case errors.Is(err, client.ErrWithdrawn):
		rc.versions[loc] = d.Version
		rc.show(d, leg, nil, changes{})
		return http.StatusNoContent
	case err != nil:
		rc.note("a delivery for %s does not open as its record: %v", leg.Courier, err)
		return http.StatusUnprocessableEntity
	}
	rc.versions[loc] = d.Version
	next := *rc.res
	next.Legs = slices.Clone(rc.res.Legs)
	next.UpdateLeg(d.Locator, view)
	ch := diffResults(rc.res, &next)
	rc.res = &next
	rc.show(d, next.Legs[i], &view, ch)
	if rc.unfollowedLocked(true) {
		select {
		case rc.follow <- struct{}{}:
		default:
		}
	}
	return http.StatusNoContent
}

// deliveryJSON is a line of webhook listen --json.
type deliveryJSON struct {
	Type           string                 `json:"type"`
	Delivery       string                 `json:"delivery"`
	Subscription   string                 `json:"subscription"`
	Version        uint64                 `json:"version"`
	Courier        string                 `json:"courier"`
	TrackingNumber string                 `json:"tracking_number"`
	NewEvents      []client.TimelineEvent `json:"new_events"`
	Headline       headlineJSON           `json:"headline"`
	View           *adapters.View         `json:"view,omitempty"` // absent when withdrawn
}

// show prints one delivery: its new events and headline, or a line that
// says the record was withdrawn or that nothing visible changed.
func (rc *receiver) show(d *client.Delivery, leg client.Leg, view *adapters.View, ch changes) {
	w := rc.e.stdout
	if rc.json {
		h := rc.res.Headline()
		line := deliveryJSON{
			Delivery: d.ID, Subscription: d.Subscription, Type: d.Type, Version: d.Version,
			Courier: leg.Courier, TrackingNumber: leg.View.TrackingNumber, NewEvents: ch.events,
			Headline: headlineJSON{Headline: h, Label: headlineText(rc.res, h, rc.lang)}, View: view,
		}
		if line.NewEvents == nil {
			line.NewEvents = []client.TimelineEvent{}
		}
		b, err := json.Marshal(line)
		if err == nil {
			fmt.Fprintf(w, "%s\n", b)
		}
		return
	}
	who := fmt.Sprintf("%s · %s", printable(leg.View.TrackingNumber), courierLabel(leg.CourierName, leg.Courier))
	switch {
	case view == nil:
		fmt.Fprintf(w, "%s: %s\n", who, client.WithdrawnLabel(rc.lang))
	case ch.empty():
		fmt.Fprintf(w, "%s: %s\n", who, client.UpdatedLabel(rc.lang))
	default:
		printChanges(w, rc.res, ch, rc.e.location, rc.lang)
	}
}

// lookupJSON is a line of webhook listen --json for a lookup (at start,
// and to follow a handoff): the document of track --json, typed.
type lookupJSON struct {
	Type string `json:"type"` // "lookup"
	trackJSON
}

func (rc *receiver) printLookupLine(res *client.Result) {
	b, err := json.Marshal(lookupJSON{Type: "lookup", trackJSON: newTrackJSON(res, rc.lang)})
	if err == nil {
		fmt.Fprintf(rc.e.stdout, "%s\n", b)
	}
}

// takeLookup takes a newer lookup of the parcel: it shows what the lookup
// adds and returns the locators of the legs not subscribed yet.
func (rc *receiver) takeLookup(res *client.Result) [][]byte {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	ch := diffResults(rc.res, res)
	rc.res = res
	if !ch.empty() {
		if rc.json {
			rc.printLookupLine(res)
		} else {
			printChanges(rc.e.stdout, res, ch, rc.e.location, rc.lang)
		}
	}
	var fresh [][]byte
	for _, l := range res.Locators() {
		if !rc.subscribed[crypto.EncodeB64(l)] {
			fresh = append(fresh, l)
		}
	}
	return fresh
}

// unfollowedHandoffs reports whether a leg hands the parcel to a leg not
// found yet that a new lookup could find.
func (rc *receiver) unfollowedHandoffs() bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.unfollowedLocked(false)
}

// unfollowedLocked is unfollowedHandoffs with rc.mu held. With onlyNew,
// it counts only handoffs not already reported, and marks them.
func (rc *receiver) unfollowedLocked(onlyNew bool) bool {
	legs := map[string]bool{}
	for _, l := range rc.res.Legs {
		legs[l.Courier+"\x00"+l.View.TrackingNumber] = true
	}
	hopeless := map[string]bool{}
	for _, o := range rc.res.Couriers {
		switch o.Status {
		case client.OutcomeUnknownCourier, client.OutcomeInvalidHandoff, client.OutcomeFactorRequired, client.OutcomeNotFollowed, client.OutcomeNoKey:
			hopeless[o.Courier+"\x00"+o.TrackingNumber] = true
		}
	}
	found := false
	for _, l := range rc.res.Legs {
		if l.Depth >= client.DefaultMaxHandoffs {
			continue // its onward legs are beyond what a lookup follows
		}
		for _, h := range l.View.Handoffs {
			tn, err := crypto.NormalizeTrackingNumber(h.TrackingNumber)
			k := h.Courier + "\x00" + tn
			if err != nil || legs[k] || hopeless[k] || (onlyNew && rc.asked[k]) {
				continue
			}
			if onlyNew {
				rc.asked[k] = true
			}
			found = true
		}
	}
	return found
}
