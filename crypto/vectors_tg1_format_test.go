package crypto

// The format of testdata/tg1-vectors.json.

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

const tg1VectorsPath = "testdata/tg1-vectors.json"

// The head of the vectors file, which other implementations (the browser
// widget first) check themselves against, says how to read each field.
const tg1VectorsDescription = "tg1 test vectors, revision 2 (docs/protocol.md §2–§5, §9). Each case starts from fixed seeds and inputs and lists every value of one lookup, " +
	"from the typed tracking number to the sealed record and a signed request. Regenerate with: go test ./crypto -run TestTG1Vectors -update"

const tg1VectorsEncodings = "*_hex: lowercase hex of raw bytes (scalars little-endian, as RFC 9497 encodes them). " +
	"*_b64: base64url without padding, used where the protocol itself writes b64. " +
	"view_json, sealed_json, body and signing_payload: the exact UTF-8 bytes, as JSON strings."

var tg1VectorsFields = map[string]string{
	"seeds.oprf_key_seed_hex":               "seed of RFC 9497 DeriveKeyPair (VOPRF mode 0x01, ristretto255-SHA512)",
	"seeds.oprf_key_info_hex":               "info of DeriveKeyPair (\"tg1 vectors\" in every case)",
	"seeds.blind_hex":                       "the client's blind scalar for Blind(x)",
	"seeds.proof_r_hex":                     "the randomness r of the DLEQ proof (RFC 9497 GenerateProof); a real courier draws r at random, so its proof differs but must verify just the same",
	"seeds.nonce_hex":                       "the AES-256-GCM nonce of the sealed record",
	"seeds.ed25519_seed_hex":                "RFC 8032 private key seed of the party signing the request",
	"inputs.tracking_number":                "the number as the user typed it",
	"inputs.factor_kind":                    "the courier's factor in the directory: none or phone_last4",
	"inputs.factor":                         "the second factor (empty for none)",
	"inputs.signed_at_unix":                 "the signer's clock when signing the request",
	"inputs.record_size":                    "the deployment's record_size (the directory's record_size): every record's ciphertext is exactly this many bytes, a multiple of 384 (1536 here to keep the file small; 6144 by default)",
	"key.private_key_hex":                   "the courier's OPRF scalar skS",
	"key.public_key_b64":                    "pkS as the directory lists it",
	"key.kid_b64":                           "b64(SHA-256(pkS)[0:8]) (§3)",
	"oprf.tn":                               "the normalized tracking number (§3)",
	"oprf.x_hex":                            "the OPRF input \"tg1\" 0x00 courier_id 0x00 tn 0x00 factor (§4)",
	"oprf.blinded_b64":                      "Blind(x) with seeds.blind_hex",
	"oprf.evaluated_b64":                    "the courier's BlindEvaluate of the blinded element",
	"oprf.proof_b64":                        "the batched DLEQ proof c||s, made with seeds.proof_r_hex",
	"oprf.y_hex":                            "Finalize(evaluated, proof) = FullEvaluate(x), 64 bytes",
	"derived.locator_b64":                   "HKDF-SHA256(ikm=y, salt=\"\", info=\"tg1 locator\", L=16)",
	"derived.record_key_hex":                "HKDF-SHA256(ikm=y, salt=\"\", info=\"tg1 record key\", L=32)",
	"derived.bucket":                        "uint32_be(locator[0:4]) >> (32 - bucket_bits), 0 when bucket_bits is 0",
	"derived.bucket_url":                    "the bucket in URLs: lowercase hex without leading zeros",
	"record.aad_hex":                        "\"tg1r2 record\" 0x00 courier_id 0x00 locator (§5)",
	"record.padded_size":                    "length of view_json right-padded with spaces: record_size − 16, so the ciphertext is exactly record_size bytes",
	"record.sealed_json":                    "the courier record as a Go courier writes it; other writers may order or space fields differently",
	"record.public_json":                    "the public record the gateway serves: exactly locator, nonce, ciphertext in this order, no white space",
	"signed_request.key_id":                 "TG-Key-Id",
	"signed_request.audience":               "the receiver's id: the courier id for a request to a courier host, the gateway's id (\"gateway\") for one to the gateway",
	"signed_request.timestamp":              "TG-Timestamp",
	"signed_request.nonce_b64":              "TG-Nonce: 16 bytes; here SHA-256(\"tg1 vectors request nonce\" ‖ seeds.ed25519_seed)[0:16], a real signer draws them at random",
	"signed_request.signing_payload":        "\"tg1-sig-r2\\n\" METHOD \\n AUDIENCE \\n PATH_AND_QUERY \\n TIMESTAMP \\n NONCE \\n KEY_ID \\n hex(SHA-256(body)) (§9)",
	"signed_request.signature_b64":          "TG-Signature: Ed25519 signature of signing_payload",
	"signed_request.ed25519_public_key_hex": "the signer's Ed25519 public key",
}

type tg1VectorFile struct {
	Description string            `json:"description"`
	Protocol    string            `json:"protocol"`
	Suite       string            `json:"suite"`
	Encodings   string            `json:"encodings"`
	Fields      map[string]string `json:"fields"`
	Cases       []tg1Case         `json:"cases"`
}

type tg1Case struct {
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Seeds       tg1Seeds      `json:"seeds"`
	Inputs      tg1Inputs     `json:"inputs"`
	Key         tg1Key        `json:"key"`
	OPRF        tg1OPRF       `json:"oprf"`
	Derived     tg1Derived    `json:"derived"`
	Record      tg1Record     `json:"record"`
	Request     tg1SignedCall `json:"signed_request"`
}

type tg1Seeds struct {
	OPRFKeySeedHex string `json:"oprf_key_seed_hex"`
	OPRFKeyInfoHex string `json:"oprf_key_info_hex"`
	BlindHex       string `json:"blind_hex"`
	ProofRHex      string `json:"proof_r_hex"`
	NonceHex       string `json:"nonce_hex"`
	Ed25519SeedHex string `json:"ed25519_seed_hex"`
}

type tg1Inputs struct {
	CourierID      string `json:"courier_id"`
	TrackingNumber string `json:"tracking_number"` // as the user typed it
	FactorKind     string `json:"factor_kind"`
	Factor         string `json:"factor"`
	BucketBits     int    `json:"bucket_bits"`
	RecordSize     int    `json:"record_size"`
	Version        uint64 `json:"version"`
	ExpiresAt      string `json:"expires_at"`
	ViewJSON       string `json:"view_json"`
	SignedAtUnix   int64  `json:"signed_at_unix"`
}

type tg1Key struct {
	PrivateKeyHex string `json:"private_key_hex"`
	PublicKeyB64  string `json:"public_key_b64"`
	KidB64        string `json:"kid_b64"`
}

type tg1OPRF struct {
	TN           string `json:"tn"`
	XHex         string `json:"x_hex"`
	BlindedB64   string `json:"blinded_b64"`
	EvaluatedB64 string `json:"evaluated_b64"`
	ProofB64     string `json:"proof_b64"`
	YHex         string `json:"y_hex"`
}

type tg1Derived struct {
	LocatorB64   string `json:"locator_b64"`
	RecordKeyHex string `json:"record_key_hex"`
	Bucket       uint32 `json:"bucket"`
	BucketURL    string `json:"bucket_url"`
}

type tg1Record struct {
	AADHex     string `json:"aad_hex"`
	PaddedSize int    `json:"padded_size"`
	SealedJSON string `json:"sealed_json"`
	PublicJSON string `json:"public_json"`
}

type tg1SignedCall struct {
	KeyID            string `json:"key_id"`
	Audience         string `json:"audience"`
	Method           string `json:"method"`
	PathAndQuery     string `json:"path_and_query"`
	Timestamp        string `json:"timestamp"`
	Nonce            string `json:"nonce_b64"`
	Body             string `json:"body"`
	BodySHA256Hex    string `json:"body_sha256_hex"`
	SigningPayload   string `json:"signing_payload"`
	Ed25519PublicHex string `json:"ed25519_public_key_hex"`
	SignatureB64     string `json:"signature_b64"`
}

func encodeTG1Vectors(f tg1VectorFile) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func loadTG1Vectors(t testing.TB) tg1VectorFile {
	t.Helper()
	raw, err := os.ReadFile(tg1VectorsPath)
	if err != nil {
		t.Fatalf("%v (create it with -update)", err)
	}
	var f tg1VectorFile
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("parse %s: %v", tg1VectorsPath, err)
	}
	if len(f.Cases) == 0 {
		t.Fatalf("%s has no cases", tg1VectorsPath)
	}
	return f
}
