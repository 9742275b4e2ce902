package api

import (
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// Protocol is the protocol name the directory announces.
const Protocol = "tg1"

// Directory is the body of GET /v1/couriers.
type Directory struct {
	Protocol   string         `json:"protocol"`
	Suite      string         `json:"suite"`
	BucketBits int            `json:"bucket_bits"`
	Couriers   []CourierEntry `json:"couriers"`
}

// Delivery modes of a courier (§7).
const (
	ModePush = "push"
	ModePull = "pull"
)

// CourierEntry describes one courier in the directory.
type CourierEntry struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Factor   string    `json:"factor"`
	Mode     string    `json:"mode"`
	Keys     []Key     `json:"keys"`
	Patterns []Pattern `json:"patterns"`
}

// Key is one OPRF public key of a courier with its validity window.
type Key struct {
	KeyID     string     `json:"kid"`
	PublicKey crypto.B64 `json:"public_key"`
	NotBefore time.Time  `json:"not_before"`
	NotAfter  time.Time  `json:"not_after"`
}

// Pattern is a JavaScript-compatible regular expression over a normalized
// tracking number, and the name of a check-digit algorithm ("" for none).
type Pattern struct {
	Regex    string `json:"regex"`
	Checksum string `json:"checksum"`
}

// KeysResponse is the body of a courier host's GET /tg1/keys.
type KeysResponse struct {
	Keys []Key `json:"keys"`
}

// EvaluateRequest is the body of the gateway's POST /v1/evaluate.
type EvaluateRequest struct {
	Requests []CourierEvaluation `json:"requests"`
}

// CourierEvaluation is one courier's part of an EvaluateRequest.
type CourierEvaluation struct {
	Courier string       `json:"courier"`
	KeyID   string       `json:"kid"`
	Blinded []crypto.B64 `json:"blinded"`
}

// Per-courier result statuses of an evaluation (§7).
const (
	StatusOK          = "ok"
	StatusTimeout     = "timeout"
	StatusUnavailable = "unavailable"
	StatusRateLimited = "rate_limited"
	StatusInvalid     = "invalid"
)

// EvaluateResponse is the gateway's answer to POST /v1/evaluate.
type EvaluateResponse struct {
	Results []EvaluateResult `json:"results"`
}

// EvaluateResult is one courier's result; Evaluated and Proof are set
// only when Status is "ok".
type EvaluateResult struct {
	Courier   string       `json:"courier"`
	KeyID     string       `json:"kid"`
	Status    string       `json:"status"`
	Evaluated []crypto.B64 `json:"evaluated,omitempty"`
	Proof     crypto.B64   `json:"proof,omitempty"`
}

// HostEvaluateRequest is the body of a courier host's POST /tg1/evaluate.
type HostEvaluateRequest struct {
	KeyID   string       `json:"kid"`
	Blinded []crypto.B64 `json:"blinded"`
}

// HostEvaluateResponse is a courier host's answer to POST /tg1/evaluate.
type HostEvaluateResponse struct {
	Evaluated []crypto.B64 `json:"evaluated"`
	Proof     crypto.B64   `json:"proof"`
}

// Records is the body of bucket answers and of publishes:
// {"records":[sealed record…]}.
type Records struct {
	Records []crypto.SealedRecord `json:"records"`
}

// PublishResponse answers PUT /v1/couriers/{courier}/records.
type PublishResponse struct {
	Stored int `json:"stored"`
	Stale  int `json:"stale"`
}

// DemoParcels is the body of GET /v1/demo/parcels, served only while
// simulated couriers run.
type DemoParcels struct {
	Parcels []DemoParcel `json:"parcels"`
}

// DemoParcel is one sample parcel to try.
type DemoParcel struct {
	Courier        string `json:"courier"`
	TrackingNumber string `json:"tracking_number"`
	Factor         string `json:"factor"`
}
