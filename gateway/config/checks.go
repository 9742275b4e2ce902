package config

import (
	"crypto/ed25519"
	"net"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// checkListen checks a listen address: host:port, the host optional.
func checkListen(field, addr string) error {
	if addr == "" {
		return fieldErr(field, "missing; give the address to serve on as host:port, e.g. 127.0.0.1:8081 or :8081")
	}
	return checkHostPort(field, addr, true)
}

func checkHostPort(field, addr string, hostOptional bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || (host == "" && !hostOptional) {
		return fieldErr(field, "%q is not host:port, e.g. 127.0.0.1:6379", addr)
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return fieldErr(field, "%q has no valid port", addr)
	}
	return nil
}

func checkBucketBits(bits int) error {
	if bits == notSet {
		return fieldErr("bucket_bits", "missing; set the deployment's bucket_bits (0 to %d), the same on every gateway and courier host", crypto.MaxBucketBits)
	}
	if crypto.CheckBucketBits(bits) != nil {
		return fieldErr("bucket_bits", "%d is not from 0 to %d", bits, crypto.MaxBucketBits)
	}
	return nil
}

// checkRecordSize accepts a deployment's record_size; peer names the
// setting that must hold the same value.
func checkRecordSize(field string, size int, peer string) error {
	if crypto.CheckRecordSize(size) != nil {
		return fieldErr(field, "%d is not a multiple of %d from %d to %d; use the default %d or another multiple of %d, the same as %s",
			size, crypto.BlockSize, crypto.MinRecordSize, crypto.MaxRecordSize, crypto.DefaultRecordSize, crypto.BlockSize, peer)
	}
	return nil
}

func checkMode(field, mode string) error {
	if mode != api.ModePush && mode != api.ModePull {
		return fieldErr(field, "%q must be push (the courier host publishes records) or pull (the gateway asks the host)", mode)
	}
	return nil
}

func checkFactor(field, factor string) error {
	if factor != crypto.FactorNone && factor != crypto.FactorPhoneLast4 {
		return fieldErr(field, "%q must be none or phone_last4, the same as in the courier host's file", factor)
	}
	return nil
}

// parsePublicKey decodes an Ed25519 public key in b64.
func parsePublicKey(field, s, whose string) (ed25519.PublicKey, error) {
	if s == "" {
		return nil, fieldErr(field, "missing; paste the \"public_key\" of %s printed by 'trackgate keys show'", whose)
	}
	b, err := crypto.DecodeB64(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fieldErr(field, "not 32 bytes of base64url; paste the \"public_key\" of %s printed by 'trackgate keys show'", whose)
	}
	return ed25519.PublicKey(b), nil
}
