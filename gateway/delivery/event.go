package delivery

import (
	"encoding/binary"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// The types of deliveries (docs/protocol.md §10).
const (
	TypeUpdated   = "record.updated"
	TypeWithdrawn = "record.withdrawn"
)

// Event is a change of a courier's record at a locator that the
// subscribers of the locator are told of: a new version stored, or a
// withdrawal (a tombstone). It holds what the gateway serves anyway: the
// public record, never more.
type Event struct {
	Courier   string
	Locator   []byte
	Version   uint64
	Withdrawn bool
	// Nonce and Ciphertext are the record's (nil for a withdrawal).
	Nonce, Ciphertext []byte
}

// RecordEvent is the event of a stored record.
func RecordEvent(r *crypto.SealedRecord) Event {
	return Event{Courier: r.Courier, Locator: r.Locator, Version: r.Version, Nonce: r.Nonce, Ciphertext: r.Ciphertext}
}

// Delivery is one pending delivery: an event for one subscription, with
// the attempts made so far.
type Delivery struct {
	ID string // "dlv_…", the same across retries and a replay
	Event
	Attempts       int
	FirstAttemptAt time.Time
	LastAttemptAt  time.Time
	LastError      string
	// Replay marks a dead letter sent again: it goes before the lane's
	// other deliveries, whatever its version.
	Replay bool
}

// Type is the delivery's type, TypeUpdated or TypeWithdrawn.
func (d *Delivery) Type() string {
	if d.Withdrawn {
		return TypeWithdrawn
	}
	return TypeUpdated
}

// DeadLetter is a delivery given up after its retries, kept for
// DeadLetterTTL so that its tenant can replay it.
type DeadLetter struct {
	Delivery
	DiedAt time.Time
}

// Attempt is a delivery a worker holds: the first of its lane (the
// deliveries of one subscription, courier and locator, in version order),
// with what it needs to send it. Token is the queue's hold on the lane;
// Finish must be given the Attempt back.
type Attempt struct {
	Lane         string
	Token        string
	Delivery     Delivery
	Subscription Subscription // without Locators and Counts
}

// Order is the position of a delivery in its lane: replays first, then
// by version, an update of a version before its withdrawal. Comparing two
// orders bytewise compares the positions.
func Order(d *Delivery) []byte {
	b := make([]byte, 0, 10)
	if d.Replay {
		b = append(b, 0)
	} else {
		b = append(b, 1)
	}
	b = binary.BigEndian.AppendUint64(b, d.Version)
	if d.Withdrawn {
		return append(b, 'w')
	}
	return append(b, 'u')
}
