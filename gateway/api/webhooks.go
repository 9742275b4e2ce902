package api

import (
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// SubscriptionRequest is the body of POST /v1/subscriptions
// (docs/protocol.md §10).
type SubscriptionRequest struct {
	Locators    []crypto.B64 `json:"locators"`
	CallbackURL string       `json:"callback_url"`
	Secret      string       `json:"secret"`
}

// SecretRequest is the body of POST /v1/subscriptions/{id}/secret.
type SecretRequest struct {
	Secret string `json:"secret"`
}

// Subscription is how the gateway shows a subscription: never with its
// secret.
type Subscription struct {
	ID          string       `json:"id"`
	Locators    []crypto.B64 `json:"locators"`
	CallbackURL string       `json:"callback_url"`
	State       string       `json:"state"`
	CreatedAt   time.Time    `json:"created_at"`
	ExpiresAt   time.Time    `json:"expires_at"`
	// EndedReason is "expired" or "deleted" once State is "ended".
	EndedReason string             `json:"ended_reason,omitempty"`
	Counts      SubscriptionCounts `json:"counts"`
}

// SubscriptionCounts are a subscription's deliveries made, waiting, and
// given up (kept as dead letters).
type SubscriptionCounts struct {
	Delivered int64 `json:"delivered"`
	Pending   int64 `json:"pending"`
	Dead      int64 `json:"dead"`
}

// SubscriptionList is the body of GET /v1/subscriptions.
type SubscriptionList struct {
	Subscriptions []Subscription `json:"subscriptions"`
	// NextCursor continues the list; "" when there is no more.
	NextCursor string `json:"next_cursor"`
}

// DeadLetter is a delivery the gateway gave up on after its retries.
type DeadLetter struct {
	ID             string     `json:"id"`
	Locator        crypto.B64 `json:"locator"`
	Version        uint64     `json:"version"`
	Attempts       int        `json:"attempts"`
	FirstAttemptAt time.Time  `json:"first_attempt_at"`
	LastAttemptAt  time.Time  `json:"last_attempt_at"`
	LastError      string     `json:"last_error"`
}

// DeadLetters is the body of GET /v1/subscriptions/{id}/dead-letters.
type DeadLetters struct {
	DeadLetters []DeadLetter `json:"dead_letters"`
}

// ReplayRequest is the body of POST
// /v1/subscriptions/{id}/dead-letters/replay: the dead letters to send
// again, all of them when IDs is empty.
type ReplayRequest struct {
	IDs []string `json:"ids,omitempty"`
}

// ReplayResponse answers a replay.
type ReplayResponse struct {
	Replayed int `json:"replayed"`
}

// The types of a WebhookDelivery.
const (
	DeliveryUpdated   = "record.updated"
	DeliveryWithdrawn = "record.withdrawn"
)

// WebhookDelivery is the body the gateway POSTs to a callback URL. Record
// is the public record (§5.3), present for DeliveryUpdated only: the
// subscriber opens it as a client would.
type WebhookDelivery struct {
	Type         string               `json:"type"`
	Subscription string               `json:"subscription"`
	Delivery     string               `json:"delivery"`
	Locator      crypto.B64           `json:"locator"`
	Version      uint64               `json:"version"`
	Record       *crypto.PublicRecord `json:"record,omitempty"`
}

// Headers of a webhook delivery.
const (
	// WebhookIDHeader carries the delivery's id, the same across its
	// retries, for the receiver to deduplicate.
	WebhookIDHeader = "TG-Webhook-Id"
)
