package crypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestTG1VectorsFollowTheProtocol recomputes what it can of the vectors file
// straight from docs/protocol.md with the standard library, so that the file and
// this package cannot drift from the spec together. Only the OPRF itself
// goes through the package (the RFC 9497 tests pin that down).
func TestTG1VectorsFollowTheProtocol(t *testing.T) {
	b64url := base64.RawURLEncoding.Strict()
	tnPattern := regexp.MustCompile(`^[A-Z0-9]{6,40}$`)
	var vectors tg1VectorFile
	if *updateVectors {
		// Check what -update is about to write, not the stale file.
		var err error
		if vectors, err = buildTG1Vectors(); err != nil {
			t.Fatal(err)
		}
	} else {
		vectors = loadTG1Vectors(t)
	}
	for _, c := range vectors.Cases {
		t.Run(c.Name, func(t *testing.T) {
			in := c.Inputs
			unb64 := func(s string) []byte {
				t.Helper()
				b, err := b64url.DecodeString(s)
				if err != nil {
					t.Fatalf("b64 %q: %v", s, err)
				}
				return b
			}

			tn := strings.NewReplacer(" ", "", "-", "", ".", "").Replace(strings.ToUpper(in.TrackingNumber))
			if c.OPRF.TN != tn || !tnPattern.MatchString(tn) {
				t.Errorf("tn = %q, want %q matching %s", c.OPRF.TN, tn, tnPattern)
			}
			x := "tg1\x00" + in.CourierID + "\x00" + tn + "\x00" + in.Factor
			if got := string(mustHex(t, c.OPRF.XHex)); got != x {
				t.Errorf("x = %q, want %q", got, x)
			}

			pk := unb64(c.Key.PublicKeyB64)
			pkSum := sha256.Sum256(pk)
			if got := unb64(c.Key.KidB64); !bytes.Equal(got, pkSum[:8]) {
				t.Errorf("kid = %x, want SHA-256(pk)[0:8] = %x", got, pkSum[:8])
			}

			k, err := DeriveKey(mustHex(t, c.Seeds.OPRFKeySeedHex), mustHex(t, c.Seeds.OPRFKeyInfoHex))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(k.Bytes(), mustHex(t, c.Key.PrivateKeyHex)) || !bytes.Equal(k.Public().Bytes(), pk) {
				t.Errorf("key pair does not derive from the seed")
			}
			blinding, err := DeterministicBlind(k.Public(), [][]byte{[]byte(x)}, [][]byte{mustHex(t, c.Seeds.BlindHex)})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(blinding.Elements[0], unb64(c.OPRF.BlindedB64)) {
				t.Errorf("blinded element does not follow from the blind")
			}
			ys, err := blinding.Finalize([][]byte{unb64(c.OPRF.EvaluatedB64)}, unb64(c.OPRF.ProofB64))
			if err != nil {
				t.Fatalf("the file's evaluation and proof do not finalize: %v", err)
			}
			y := mustHex(t, c.OPRF.YHex)
			if !bytes.Equal(ys[0], y) {
				t.Errorf("y = %x, Finalize gives %x", y, ys[0])
			}

			locator, _ := hkdf.Key(sha256.New, y, nil, "tg1 locator", 16)
			recordKey, _ := hkdf.Key(sha256.New, y, nil, "tg1 record key", 32)
			if got := unb64(c.Derived.LocatorB64); !bytes.Equal(got, locator) {
				t.Errorf("locator = %x, want %x", got, locator)
			}
			if got := mustHex(t, c.Derived.RecordKeyHex); !bytes.Equal(got, recordKey) {
				t.Errorf("record_key = %x, want %x", got, recordKey)
			}
			var bucket uint32
			if in.BucketBits > 0 {
				bucket = binary.BigEndian.Uint32(locator[:4]) >> (32 - in.BucketBits)
			}
			if c.Derived.Bucket != bucket || c.Derived.BucketURL != fmt.Sprintf("%x", bucket) {
				t.Errorf("bucket = %d %q, want %d %q", c.Derived.Bucket, c.Derived.BucketURL, bucket, fmt.Sprintf("%x", bucket))
			}

			aad := []byte("tg1r2 record\x00" + in.CourierID + "\x00")
			aad = append(aad, locator...)
			if got := mustHex(t, c.Record.AADHex); !bytes.Equal(got, aad) {
				t.Errorf("aad = %x, want %x", got, aad)
			}

			var sealed map[string]any
			if err := json.Unmarshal([]byte(c.Record.SealedJSON), &sealed); err != nil {
				t.Fatalf("sealed_json: %v", err)
			}
			wantFields := map[string]any{
				"courier": in.CourierID, "locator": c.Derived.LocatorB64, "kid": c.Key.KidB64,
				"version": float64(in.Version), "nonce": b64url.EncodeToString(mustHex(t, c.Seeds.NonceHex)),
				"expires_at": in.ExpiresAt,
			}
			for name, want := range wantFields {
				if sealed[name] != want {
					t.Errorf("sealed %s = %v, want %v", name, sealed[name], want)
				}
			}
			if len(sealed) != len(wantFields)+1 {
				t.Errorf("sealed record has fields %v, want those of §5 only", sealed)
			}
			ciphertext, _ := sealed["ciphertext"].(string)
			if want := `{"locator":"` + c.Derived.LocatorB64 + `","nonce":"` + b64url.EncodeToString(mustHex(t, c.Seeds.NonceHex)) +
				`","ciphertext":"` + ciphertext + `"}`; c.Record.PublicJSON != want {
				t.Errorf("public_json = %s, want %s", c.Record.PublicJSON, want)
			}
			if in.RecordSize%384 != 0 || in.RecordSize < 384 || in.RecordSize > 24576 {
				t.Errorf("record_size %d is not a multiple of 384 from 384 to 24576", in.RecordSize)
			}
			if len(unb64(ciphertext)) != in.RecordSize || len(ciphertext) != in.RecordSize/3*4 {
				t.Errorf("ciphertext of %d bytes (%d b64 characters), want exactly record_size %d", len(unb64(ciphertext)), len(ciphertext), in.RecordSize)
			}
			block, _ := aes.NewCipher(recordKey)
			gcm, _ := cipher.NewGCM(block)
			padded, err := gcm.Open(nil, mustHex(t, c.Seeds.NonceHex), unb64(ciphertext), aad)
			if err != nil {
				t.Fatalf("AES-256-GCM open with record_key, nonce and aad: %v", err)
			}
			wantPadded := in.ViewJSON + strings.Repeat(" ", c.Record.PaddedSize-len(in.ViewJSON))
			if string(padded) != wantPadded || c.Record.PaddedSize != in.RecordSize-16 {
				t.Errorf("plaintext is %d bytes %q, want view_json padded with spaces to %d", len(padded), padded, c.Record.PaddedSize)
			}
			var view struct {
				Courier        string `json:"courier"`
				TrackingNumber string `json:"tracking_number"`
			}
			if err := json.Unmarshal([]byte(in.ViewJSON), &view); err != nil || view.Courier != in.CourierID || view.TrackingNumber != tn {
				t.Errorf("view names %q %q (%v), want the case's courier and tn", view.Courier, view.TrackingNumber, err)
			}

			req := c.Request
			bodySum := sha256.Sum256([]byte(req.Body))
			payload := "tg1-sig-r2\n" + req.Method + "\n" + req.Audience + "\n" + req.PathAndQuery + "\n" + req.Timestamp + "\n" +
				req.Nonce + "\n" + req.KeyID + "\n" + hex.EncodeToString(bodySum[:])
			if req.SigningPayload != payload || req.BodySHA256Hex != hex.EncodeToString(bodySum[:]) {
				t.Errorf("signing payload = %q, want %q", req.SigningPayload, payload)
			}
			if nonce := unb64(req.Nonce); len(nonce) != 16 {
				t.Errorf("nonce is %d bytes, want 16", len(nonce))
			}
			if req.Timestamp != strconv.FormatInt(in.SignedAtUnix, 10) {
				t.Errorf("timestamp = %q, want %d", req.Timestamp, in.SignedAtUnix)
			}
			signer := ed25519.NewKeyFromSeed(mustHex(t, c.Seeds.Ed25519SeedHex)).Public().(ed25519.PublicKey)
			if !bytes.Equal(signer, mustHex(t, req.Ed25519PublicHex)) {
				t.Errorf("ed25519 public key does not derive from the seed")
			}
			if !ed25519.Verify(signer, []byte(payload), unb64(req.SignatureB64)) {
				t.Errorf("signature does not verify over the payload")
			}
		})
	}
}
