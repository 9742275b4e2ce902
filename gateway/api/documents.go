package api

import (
	"time"

	"github.com/trackgate/trackgate/adapters/detect"
	"github.com/trackgate/trackgate/crypto"
)

// Protocol is the protocol name the directory announces.
const Protocol = "tg1"

// Revision is the protocol revision the directory announces
// (docs/protocol.md §7).
const Revision = 2

// Directory is the body of GET /v1/couriers.
type Directory struct {
	Protocol   string `json:"protocol"`
	Revision   int    `json:"revision"`
	Suite      string `json:"suite"`
	BucketBits int    `json:"bucket_bits"`
	// RecordSize is the exact ciphertext length of every record of the
	// deployment (docs/protocol.md §5).
	RecordSize int            `json:"record_size"`
	Couriers   []CourierEntry `json:"couriers"`
	// KeyLog is the gateway's key log and the checkpoint the couriers'
	// statements are proven against (docs/protocol.md §7.8).
	KeyLog *KeyLog `json:"key_log,omitempty"`
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
	// Loading is true while the courier's host is still publishing its
	// first records (docs/protocol.md §7.1): a miss at this courier is
	// "still loading", not "not found". Omitted when false.
	Loading bool `json:"loading,omitempty"`
	// Log is the courier's statements in the key log, proven against the
	// directory's checkpoint: clients use only keys stated there.
	Log *CourierLog `json:"log,omitempty"`
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
// It is defined by adapters/detect, whose built-in rules are patterns too,
// so that the adapters import nothing of the gateway.
type Pattern = detect.Pattern

// KeysResponse is the body of a courier host's GET /tg1/keys: its keys,
// their statements, the courier's signing-key statements and whether it
// is still publishing its first records (docs/protocol.md §8; omitted
// when false).
type KeysResponse struct {
	Keys []Key `json:"keys"`
	// Statements are the signed key statement of each key, in the order
	// of Keys (docs/protocol.md §8.1).
	Statements []string `json:"statements"`
	// SigningKeys are the courier's signing-key statements from its first
	// signing key on, in order, the last of the key signing the answer.
	SigningKeys []string `json:"signing_keys"`
	Loading     bool     `json:"loading,omitempty"`
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

// Records is what courier hosts send, authenticated: the body of a
// publish (PUT /v1/couriers/{courier}/records) and of a pull host's
// bucket answer (docs/protocol.md §7, §8). Extend and Withdraw are only
// meaningful in a publish.
type Records struct {
	Records  []crypto.SealedRecord `json:"records"`
	Extend   []Extension           `json:"extend,omitempty"`
	Withdraw []Withdrawal          `json:"withdraw,omitempty"`
}

// Items is the number of items of a publish: records, extensions and
// withdrawals together.
func (r *Records) Items() int { return len(r.Records) + len(r.Extend) + len(r.Withdraw) }

// Extension moves the expiry of the courier's live record at Locator, if
// it has exactly Version, to ExpiresAt, without sealing it again.
type Extension struct {
	Locator   crypto.B64 `json:"locator"`
	Version   uint64     `json:"version"`
	ExpiresAt time.Time  `json:"expires_at"`
}

// Withdrawal removes the courier's record at Locator up to Version,
// leaving a tombstone so that no older version comes back.
type Withdrawal struct {
	Locator crypto.B64 `json:"locator"`
	Version uint64     `json:"version"`
}

// PublicRecords is the gateway's answer to GET /v1/buckets/{bucket} and
// GET /v1/records/{locator}: public records, and the pull couriers whose
// records could not be included (never nil, so it encodes as []).
type PublicRecords struct {
	Records []crypto.PublicRecord `json:"records"`
	Missing []string              `json:"missing"`
}

// Statuses of one publish item (docs/protocol.md §7).
const (
	ItemStored  = "stored"
	ItemStale   = "stale"
	ItemRefused = "refused"
)

// PublishResponse answers PUT /v1/couriers/{courier}/records: the counts
// and one result per item, in the order records, extend, withdraw.
type PublishResponse struct {
	Stored  int          `json:"stored"`
	Stale   int          `json:"stale"`
	Refused int          `json:"refused"`
	Results []ItemResult `json:"results"`
}

// ItemResult is the outcome of one publish item; Limit (the name of the
// limit reached) and Detail are set on refusals only.
type ItemResult struct {
	Status string `json:"status"`
	Limit  string `json:"limit,omitempty"`
	Detail string `json:"detail,omitempty"`
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

// LogEntries is the answer of GET /v1/log/entries: the bytes of the
// entries, signed statements, in log order.
type LogEntries struct {
	Entries []crypto.B64 `json:"entries"`
}
