package crypto

import "errors"

// Sentinel errors; compare with errors.Is. The wrapped text adds detail.
var (
	ErrBadBase64             = errors.New("not unpadded base64url")
	ErrInvalidTrackingNumber = errors.New("invalid tracking number")
	ErrInvalidCourierID      = errors.New("invalid courier id")
	ErrInvalidFactor         = errors.New("invalid second factor")
	ErrInvalidElement        = errors.New("invalid group element")
	ErrBatchTooLarge         = errors.New("too many elements in one batch")
	ErrEmptyBatch            = errors.New("no elements in batch")
	ErrInvalidProof          = errors.New("evaluation proof does not verify")
	ErrInvalidKey            = errors.New("invalid key")
	ErrInvalidLocator        = errors.New("invalid locator")
	ErrInvalidBucket         = errors.New("invalid bucket")
	ErrOpenRecord            = errors.New("record does not open with this key")
	ErrInvalidRecord         = errors.New("invalid sealed record")
	ErrInvalidRecordSize     = errors.New("invalid record size")
	ErrViewTooLarge          = errors.New("view does not fit the record size")
	ErrBadSignature          = errors.New("bad request signature")
	ErrStaleTimestamp        = errors.New("request timestamp outside the allowed window")
)
