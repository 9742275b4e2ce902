package delivery

import (
	"crypto/rand"
	"encoding/base64"
	"regexp"
	"time"
)

// States of a subscription, and why one ended.
const (
	StateActive = "active"
	StateEnded  = "ended"

	// EndedExpired: it reached its expires_at, or every parcel it watched
	// was gone (expired or withdrawn) for the grace period.
	EndedExpired = "expired"
	// EndedDeleted: its tenant deleted it.
	EndedDeleted = "deleted"
)

// Subscription is a tenant's request to be told of every new version of
// the records at some locators (docs/protocol.md §10).
type Subscription struct {
	ID     string // "sub_" and 22 b64url characters
	Tenant string
	// Locators are 1 to MaxLocators distinct 16-byte locators.
	Locators    [][]byte
	CallbackURL string
	// Secret signs every delivery; PreviousSecret signs them too until
	// PreviousUntil, after a rotation.
	Secret         string
	PreviousSecret string
	PreviousUntil  time.Time

	State       string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	EndedAt     time.Time // zero while active
	EndedReason string    // "" while active

	Counts Counts
}

// Counts are a subscription's deliveries: made, still to make, and
// given up (dead letters kept).
type Counts struct {
	Delivered, Pending, Dead int64
}

// Secrets are the secrets that sign a delivery at now: the current one
// first, then the previous one during its overlap.
func (s Subscription) Secrets(now time.Time) []string {
	if s.PreviousSecret != "" && now.Before(s.PreviousUntil) {
		return []string{s.Secret, s.PreviousSecret}
	}
	return []string{s.Secret}
}

// Prefixes of ids.
const (
	SubscriptionPrefix = "sub_"
	DeliveryPrefix     = "dlv_"
)

var (
	subscriptionID = regexp.MustCompile(`^sub_[A-Za-z0-9_-]{22}$`)
	deliveryID     = regexp.MustCompile(`^dlv_[A-Za-z0-9_-]{22}$`)
)

// NewSubscriptionID and NewDeliveryID draw fresh ids of 16 random bytes.
func NewSubscriptionID() string { return SubscriptionPrefix + randomID() }
func NewDeliveryID() string     { return DeliveryPrefix + randomID() }

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ValidSubscriptionID and ValidDeliveryID report whether s has the form
// of an id.
func ValidSubscriptionID(s string) bool { return subscriptionID.MatchString(s) }
func ValidDeliveryID(s string) bool     { return deliveryID.MatchString(s) }
