package config

import (
	"encoding/hex"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/store"
)

// Records is the gateway file's records section: the limits the store
// applies to publishes and the secret of the dummy records that pad
// bucket answers (docs/protocol.md §7, §12). Zero values take the
// defaults noted.
type Records struct {
	// MaxRecordTTL caps every record's expires_at to the publish time
	// plus this, and is how long a withdrawal's tombstone is kept
	// (default 90d).
	MaxRecordTTL Duration `yaml:"max_record_ttl"`
	// RecordSize is the deployment's record_size: the exact ciphertext
	// length of every record, a multiple of 384 from 384 to 24576
	// (default 6144, 16 blocks). The directory publishes it; every
	// courier host seals at it (its own record_size must be the same),
	// and a publish of another size is refused (docs/protocol.md §5).
	RecordSize int `yaml:"record_size"`
	// CourierRecords bounds the live records of one courier (default
	// 50000000).
	CourierRecords int64 `yaml:"courier_records"`
	// CourierBytes bounds the ciphertext bytes of one courier (default
	// 68719476736, 64 GiB).
	CourierBytes int64 `yaml:"courier_bytes"`
	// CourierBucketBytes bounds one courier's ciphertext in one bucket
	// (default 1048576, 1 MiB), so no courier can crowd a bucket.
	CourierBucketBytes int64 `yaml:"courier_bucket_bytes"`
	// PaddingSecretEnv names the environment variable that holds the
	// padding secret: 32 random bytes in hex (openssl rand -hex 32),
	// the same on every gateway of the deployment so that they answer
	// identical bodies. Without it each process draws its own.
	PaddingSecretEnv string `yaml:"padding_secret_env"`
}

func (r *Records) withDefaults() {
	setDefault(&r.MaxRecordTTL, store.DefaultMaxRecordTTL)
	if r.RecordSize == 0 {
		r.RecordSize = crypto.DefaultRecordSize
	}
	if r.CourierRecords == 0 {
		r.CourierRecords = store.DefaultCourierRecords
	}
	if r.CourierBytes == 0 {
		r.CourierBytes = store.DefaultCourierBytes
	}
	if r.CourierBucketBytes == 0 {
		r.CourierBucketBytes = store.DefaultCourierBucketBytes
	}
}

// check validates the section and reads the padding secret; it returns
// the secret (nil without padding_secret_env).
func (r *Records) check(o loadOptions) ([]byte, error) {
	if err := checkRecordSize("records.record_size", r.RecordSize, "every courier host's record_size"); err != nil {
		return nil, err
	}
	switch {
	case r.MaxRecordTTL < Duration(time.Hour):
		return nil, fieldErr("records.max_record_ttl", "%s is too short for a record to be read; use at least 1h (default 90d)", time.Duration(r.MaxRecordTTL))
	case r.CourierRecords < 1:
		return nil, fieldErr("records.courier_records", "%d must be a positive number of records (default %d)", r.CourierRecords, store.DefaultCourierRecords)
	case r.CourierBytes < int64(r.RecordSize):
		return nil, fieldErr("records.courier_bytes", "%d must be at least records.record_size (%d), or no record fits (default %d)", r.CourierBytes, r.RecordSize, store.DefaultCourierBytes)
	case r.CourierBucketBytes < int64(r.RecordSize):
		return nil, fieldErr("records.courier_bucket_bytes", "%d must be at least records.record_size (%d), or no record fits (default %d)", r.CourierBucketBytes, r.RecordSize, store.DefaultCourierBucketBytes)
	}
	if r.PaddingSecretEnv == "" {
		return nil, nil
	}
	value := o.getenv(r.PaddingSecretEnv)
	if value == "" {
		return nil, fieldErr("records.padding_secret_env", "the environment variable %s is empty or not set; export 32 random bytes in hex in it (openssl rand -hex 32), the same on every gateway, or remove padding_secret_env", r.PaddingSecretEnv)
	}
	secret, err := hex.DecodeString(value)
	if err != nil || len(secret) != gateway.PaddingSecretSize {
		// The value itself is a secret: never repeat it.
		return nil, fieldErr("records.padding_secret_env", "the environment variable %s must hold %d bytes in hex (%d characters, e.g. from openssl rand -hex 32)", r.PaddingSecretEnv, gateway.PaddingSecretSize, 2*gateway.PaddingSecretSize)
	}
	return secret, nil
}

// limits returns the section as the store's limits: the largest record
// it keeps is the record size.
func (r *Records) limits(bucketBits int) store.Limits {
	return store.Limits{
		BucketBits:         bucketBits,
		MaxRecordTTL:       time.Duration(r.MaxRecordTTL),
		MaxCiphertextBytes: r.RecordSize,
		CourierRecords:     r.CourierRecords,
		CourierBytes:       r.CourierBytes,
		CourierBucketBytes: r.CourierBucketBytes,
	}
}
