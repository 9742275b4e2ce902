package client

// The receiving side of subscriptions (docs/protocol.md §10): a
// marketplace's server subscribes the locators of the legs it found
// (subscriptions.go), the gateway POSTs each new version of those records
// to its callback, and the server opens them here with what the leg
// kept. Verify the signature first, with webhook.Verify
// (gateway/webhook), then open:
//
//	if err := webhook.Verify(r.Header.Get(webhook.SignatureHeader), body, time.Now(), webhook.DefaultTolerance, secret); err != nil {
//		http.Error(w, "bad signature", http.StatusUnauthorized)
//		return
//	}
//	view, err := client.OpenDelivery(body, leg)

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// Delivery types (Delivery.Type).
const (
	// DeliveryUpdated carries a new version of a record.
	DeliveryUpdated = api.DeliveryUpdated
	// DeliveryWithdrawn says the courier withdrew the record; it carries
	// no record.
	DeliveryWithdrawn = api.DeliveryWithdrawn
)

// DeliveryIDHeader names the header carrying a delivery's id, the same
// across retries: what a receiver deduplicates by.
const DeliveryIDHeader = api.WebhookIDHeader

// Errors of ParseDelivery and OpenDelivery; compare with errors.Is.
var (
	// ErrBadDelivery: the body is not a delivery as docs/protocol.md §10
	// describes it.
	ErrBadDelivery = errors.New("not a trackgate delivery")
	// ErrUnknownDeliveryType: a well-formed delivery of a type this SDK
	// does not know. Acknowledge it (2xx) so the gateway does not retry.
	ErrUnknownDeliveryType = errors.New("unknown delivery type")
	// ErrWithdrawn: the delivery says the record was withdrawn; there is
	// no view to open.
	ErrWithdrawn = errors.New("the courier withdrew the record")
	// ErrNotThisLeg: the delivery names another locator than the leg's,
	// or the leg cannot open records (it was not found by Track nor
	// restored with RestoreLeg).
	ErrNotThisLeg = errors.New("the delivery is not for this leg")
	// ErrBadRecord: the record does not open with the leg's key, or opens
	// to a view of another parcel. The gateway cannot make a record that
	// opens, so this is a forgery or a mix-up: never a view to show.
	ErrBadRecord = errors.New("the delivered record does not open as this leg's")
)

// maxDeliveryBytes bounds a delivery body: one record and a few fields.
const maxDeliveryBytes = maxRecordBytes

// Delivery is the body of one webhook POST.
type Delivery struct {
	Type         string               `json:"type"`         // DeliveryUpdated or DeliveryWithdrawn
	Subscription string               `json:"subscription"` // "sub_…"
	ID           string               `json:"delivery"`     // "dlv_…", also in the TG-Webhook-Id header
	Locator      crypto.B64           `json:"locator"`
	Version      uint64               `json:"version"` // the record's version at the gateway, rising
	Record       *crypto.PublicRecord `json:"record,omitempty"`
}

var (
	subscriptionID = regexp.MustCompile(`^sub_[A-Za-z0-9_-]{16,64}$`)
	deliveryID     = regexp.MustCompile(`^dlv_[A-Za-z0-9_-]{16,64}$`)
)

// ParseDelivery decodes and checks a delivery body: its type, ids,
// locator and version, and a record at the same locator exactly when the
// type is DeliveryUpdated. A well-formed delivery of another type is
// returned with ErrUnknownDeliveryType. It does not verify the
// signature: do that first, with webhook.Verify.
func ParseDelivery(body []byte) (*Delivery, error) {
	if len(body) > maxDeliveryBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrBadDelivery, maxDeliveryBytes)
	}
	var d Delivery
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadDelivery, err)
	}
	switch {
	case !subscriptionID.MatchString(d.Subscription):
		return nil, fmt.Errorf("%w: no subscription id", ErrBadDelivery)
	case !deliveryID.MatchString(d.ID):
		return nil, fmt.Errorf("%w: no delivery id", ErrBadDelivery)
	case len(d.Locator) != crypto.LocatorSize:
		return nil, fmt.Errorf("%w: the locator is not %d bytes", ErrBadDelivery, crypto.LocatorSize)
	case d.Version == 0:
		return nil, fmt.Errorf("%w: no version", ErrBadDelivery)
	}
	switch d.Type {
	case DeliveryUpdated:
		if d.Record == nil {
			return nil, fmt.Errorf("%w: %s without a record", ErrBadDelivery, d.Type)
		}
		if err := d.Record.Check(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadDelivery, err)
		}
		if !bytes.Equal(d.Record.Locator, d.Locator) {
			return nil, fmt.Errorf("%w: the record's locator is not the delivery's", ErrBadDelivery)
		}
	case DeliveryWithdrawn:
		if d.Record != nil {
			return nil, fmt.Errorf("%w: %s with a record", ErrBadDelivery, d.Type)
		}
	default:
		return &d, fmt.Errorf("%w %q", ErrUnknownDeliveryType, printable(d.Type, 40))
	}
	return &d, nil
}

// Open opens the delivered record as leg's: the delivery must name the
// leg's locator, the record must open with the leg's record key and the
// additional data (courier, locator), and the view must name the leg's
// courier and tracking number (docs/protocol.md §5, §6). A withdrawal
// returns ErrWithdrawn.
func (d *Delivery) Open(leg Leg) (adapters.View, error) {
	if leg.key == nil || !bytes.Equal(d.Locator, leg.Locator) {
		return adapters.View{}, ErrNotThisLeg
	}
	if d.Type == DeliveryWithdrawn {
		return adapters.View{}, ErrWithdrawn
	}
	if d.Type != DeliveryUpdated || d.Record == nil {
		return adapters.View{}, fmt.Errorf("%w %q", ErrUnknownDeliveryType, printable(d.Type, 40))
	}
	plain, err := crypto.OpenPublic(leg.key.b, leg.Courier, d.Record)
	if err != nil {
		return adapters.View{}, fmt.Errorf("%w: %v", ErrBadRecord, err)
	}
	view, err := decodeView(plain, leg.Courier, leg.View.TrackingNumber)
	if err != nil {
		return adapters.View{}, fmt.Errorf("%w: %v", ErrBadRecord, err)
	}
	return view, nil
}

// OpenDelivery parses a delivery body and opens its record as leg's
// (ParseDelivery, then Delivery.Open). Verify the signature first.
func OpenDelivery(body []byte, leg Leg) (adapters.View, error) {
	d, err := ParseDelivery(body)
	if err != nil {
		return adapters.View{}, err
	}
	return d.Open(leg)
}

// recordKey holds a leg's record key (see Leg).
type recordKey struct{ b []byte }

// RecordKey returns a copy of the key that opens the leg's records, nil
// for a leg that was not found by Track. It is as secret as the tracking
// number: whoever holds it and the locator reads every version of the
// record. Keep it only where the number may be kept, to RestoreLeg the
// leg after a restart without a new lookup.
func (l Leg) RecordKey() []byte {
	if l.key == nil {
		return nil
	}
	return bytes.Clone(l.key.b)
}

// RestoreLeg rebuilds a leg that can open deliveries from what a
// subscriber kept of a found one: its courier, tracking number, Locator
// and RecordKey. Its View names only the courier and the number.
func RestoreLeg(courier, trackingNumber string, locator, key []byte) (Leg, error) {
	if err := crypto.CheckCourierID(courier); err != nil {
		return Leg{}, err
	}
	tn, err := crypto.NormalizeTrackingNumber(trackingNumber)
	if err != nil {
		return Leg{}, err
	}
	if len(locator) != crypto.LocatorSize || len(key) != crypto.RecordKeySize {
		return Leg{}, fmt.Errorf("restore leg: want a %d-byte locator and a %d-byte record key", crypto.LocatorSize, crypto.RecordKeySize)
	}
	return Leg{
		Courier: courier,
		View:    adapters.View{Courier: courier, TrackingNumber: tn},
		Locator: bytes.Clone(locator),
		key:     &recordKey{bytes.Clone(key)},
	}, nil
}

// Locators lists the locators of the legs found, in leg order, each once:
// what Subscribe takes to follow every leg of the parcel.
func (r *Result) Locators() [][]byte {
	var out [][]byte
	for _, l := range r.Legs {
		dup := len(l.Locator) == 0
		for _, seen := range out {
			dup = dup || bytes.Equal(seen, l.Locator)
		}
		if !dup {
			out = append(out, bytes.Clone(l.Locator))
		}
	}
	return out
}

// UpdateLeg puts view in place of the view of the leg at locator, as a
// delivery's newer version, and merges the timeline again. It reports
// false, changing nothing, when no leg of r has that locator or the view
// names another courier or number than the leg's.
func (r *Result) UpdateLeg(locator []byte, view adapters.View) bool {
	for i := range r.Legs {
		l := &r.Legs[i]
		if len(l.Locator) == 0 || !bytes.Equal(l.Locator, locator) {
			continue
		}
		if view.Courier != l.Courier || view.TrackingNumber != l.View.TrackingNumber {
			return false
		}
		l.View = view
		r.Timeline = nil // never write into a timeline another Result may share
		r.merge()
		return true
	}
	return false
}
