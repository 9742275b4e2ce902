package adapters

import (
	"errors"
	"fmt"
	"time"
)

// Status is the unified parcel status of docs/protocol.md §6.
type Status string

// The tg1 status taxonomy, in the order a parcel usually meets them.
const (
	StatusPending            Status = "pending"
	StatusInfoReceived       Status = "info_received"
	StatusInTransit          Status = "in_transit"
	StatusOutForDelivery     Status = "out_for_delivery"
	StatusAvailableForPickup Status = "available_for_pickup"
	StatusAttemptFailed      Status = "attempt_failed"
	StatusDelivered          Status = "delivered"
	StatusException          Status = "exception"
	StatusReturned           Status = "returned"
	StatusExpired            Status = "expired"
)

// Statuses lists every valid Status.
var Statuses = []Status{
	StatusPending, StatusInfoReceived, StatusInTransit, StatusOutForDelivery,
	StatusAvailableForPickup, StatusAttemptFailed, StatusDelivered,
	StatusException, StatusReturned, StatusExpired,
}

// Valid reports whether s is in the taxonomy.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Final reports whether a parcel in status s will see no further events.
func (s Status) Final() bool {
	return s == StatusDelivered || s == StatusReturned || s == StatusExpired
}

// View is the plaintext tracking view that a courier seals into a record
// (docs/protocol.md §6). Its JSON form is the wire format.
type View struct {
	Courier        string    `json:"courier"`
	TrackingNumber string    `json:"tracking_number"`
	Status         Status    `json:"status"`
	Substatus      string    `json:"substatus,omitempty"`
	ETA            *ETA      `json:"eta,omitempty"`
	Events         []Event   `json:"events"`
	Handoffs       []Handoff `json:"handoffs,omitempty"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// ETA is the window in which delivery is expected.
type ETA struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Event is one scan or status change, oldest first in View.Events.
type Event struct {
	Time        time.Time `json:"time"`
	Status      Status    `json:"status"`
	Description string    `json:"description"`
	Location    *Location `json:"location,omitempty"`
}

// Location is where an event happened, never finer than a city.
type Location struct {
	City    string `json:"city,omitempty"`
	Region  string `json:"region,omitempty"`
	Country string `json:"country,omitempty"` // ISO 3166-1 alpha-2
}

// Handoff names an onward leg of the parcel with another courier.
type Handoff struct {
	Courier        string `json:"courier"`
	TrackingNumber string `json:"tracking_number"`
}

// ErrInvalidView is returned by View.Check.
var ErrInvalidView = errors.New("invalid tracking view")

// Check reports whether v is well formed: a known status on the view and
// every event, events oldest first, a courier and number, an ETA window
// that does not end before it starts, and handoffs that name both parts.
func (v *View) Check() error {
	switch {
	case v.Courier == "" || v.TrackingNumber == "":
		return fmt.Errorf("%w: courier and tracking_number are required", ErrInvalidView)
	case !v.Status.Valid():
		return fmt.Errorf("%w: status %q is not in the taxonomy", ErrInvalidView, v.Status)
	case v.UpdatedAt.IsZero():
		return fmt.Errorf("%w: updated_at is required", ErrInvalidView)
	case v.ETA != nil && v.ETA.To.Before(v.ETA.From):
		return fmt.Errorf("%w: eta ends before it starts", ErrInvalidView)
	}
	for i, e := range v.Events {
		if !e.Status.Valid() {
			return fmt.Errorf("%w: event %d: status %q is not in the taxonomy", ErrInvalidView, i, e.Status)
		}
		if e.Time.IsZero() {
			return fmt.Errorf("%w: event %d has no time", ErrInvalidView, i)
		}
		if i > 0 && e.Time.Before(v.Events[i-1].Time) {
			return fmt.Errorf("%w: event %d is older than event %d", ErrInvalidView, i, i-1)
		}
	}
	for i, h := range v.Handoffs {
		if h.Courier == "" || h.TrackingNumber == "" {
			return fmt.Errorf("%w: handoff %d needs courier and tracking_number", ErrInvalidView, i)
		}
	}
	return nil
}
