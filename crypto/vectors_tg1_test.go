package crypto

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"testing"
	"time"
)

var updateVectors = flag.Bool("update", false, "rewrite testdata/tg1-vectors.json from the seeds in vectors_tg1_cases_test.go")

// buildTG1Case computes every value of one case from its seeds and inputs
// through this package's API, checking on the way that the parties agree.
func buildTG1Case(spec tg1CaseSpec) (tg1Case, error) {
	seeds := spec.seeds
	seeds.OPRFKeyInfoHex = hex.EncodeToString([]byte("tg1 vectors")) // the same for every case
	in := spec.inputs
	c := tg1Case{Name: spec.name, Description: spec.description, Seeds: seeds, Inputs: in}
	raw := map[string][]byte{}
	for name, h := range map[string]string{
		"seed": seeds.OPRFKeySeedHex, "info": seeds.OPRFKeyInfoHex, "blind": seeds.BlindHex,
		"r": seeds.ProofRHex, "nonce": seeds.NonceHex, "ed25519": seeds.Ed25519SeedHex,
	} {
		b, err := hex.DecodeString(h)
		if err != nil {
			return c, fmt.Errorf("seed %s: %w", name, err)
		}
		raw[name] = b
	}

	if err := CheckCourierID(in.CourierID); err != nil {
		return c, err
	}
	tn, err := NormalizeTrackingNumber(in.TrackingNumber)
	if err != nil {
		return c, err
	}
	if err := CheckFactor(in.FactorKind, in.Factor); err != nil {
		return c, err
	}
	x := Input(in.CourierID, tn, in.Factor)

	k, err := DeriveKey(raw["seed"], raw["info"])
	if err != nil {
		return c, err
	}
	pk := k.Public()
	c.Key = tg1Key{PrivateKeyHex: hex.EncodeToString(k.Bytes()), PublicKeyB64: EncodeB64(pk.Bytes()), KidB64: pk.KeyID()}

	b, err := DeterministicBlind(pk, [][]byte{x}, [][]byte{raw["blind"]})
	if err != nil {
		return c, err
	}
	evaluated, _, err := k.Evaluate(b.Elements)
	if err != nil {
		return c, err
	}
	proof, err := proveWithRandomness(k, b.Elements, evaluated, raw["r"])
	if err != nil {
		return c, err
	}
	ys, err := b.Finalize(evaluated, proof)
	if err != nil {
		return c, fmt.Errorf("finalize with the fixed-r proof: %w", err)
	}
	y := ys[0]
	if direct, err := k.FullEvaluate(x); err != nil || !bytes.Equal(direct, y) {
		return c, fmt.Errorf("FullEvaluate = %x (%v), client y = %x", direct, err, y)
	}
	c.OPRF = tg1OPRF{
		TN: tn, XHex: hex.EncodeToString(x), BlindedB64: EncodeB64(b.Elements[0]),
		EvaluatedB64: EncodeB64(evaluated[0]), ProofB64: EncodeB64(proof), YHex: hex.EncodeToString(y),
	}

	d, err := Derive(y)
	if err != nil {
		return c, err
	}
	if err := CheckBucketBits(in.BucketBits); err != nil {
		return c, err
	}
	bucket := Bucket(d.Locator, in.BucketBits)
	c.Derived = tg1Derived{
		LocatorB64: EncodeB64(d.Locator), RecordKeyHex: hex.EncodeToString(d.RecordKey),
		Bucket: bucket, BucketURL: FormatBucket(bucket),
	}

	expires, err := time.Parse(time.RFC3339, in.ExpiresAt)
	if err != nil {
		return c, err
	}
	rec := SealedRecord{
		Courier: in.CourierID, Locator: d.Locator, KeyID: KeyIDBytes(pk.Bytes()),
		Version: in.Version, ExpiresAt: expires,
	}
	if err := Seal(d.RecordKey, &rec, []byte(in.ViewJSON), in.RecordSize, bytes.NewReader(raw["nonce"])); err != nil {
		return c, err
	}
	if opened, err := Open(d.RecordKey, &rec); err != nil || string(opened) != in.ViewJSON {
		return c, fmt.Errorf("open own record: %q, %v", opened, err)
	}
	sealed, err := json.Marshal(&rec)
	if err != nil {
		return c, err
	}
	public, err := json.Marshal(rec.Public())
	if err != nil {
		return c, err
	}
	c.Record = tg1Record{
		AADHex:     hex.EncodeToString(AAD(rec.Courier, rec.Locator)),
		PaddedSize: len(rec.Ciphertext) - TagSize,
		SealedJSON: string(sealed),
		PublicJSON: string(public),
	}

	call, err := tg1Call(spec.call, c, sealed)
	if err != nil {
		return c, err
	}
	sk := ed25519.NewKeyFromSeed(raw["ed25519"])
	now := time.Unix(in.SignedAtUnix, 0)
	signed := SignedRequest{Method: call.Method, Audience: call.Audience, PathAndQuery: call.PathAndQuery, KeyID: call.KeyID, Body: []byte(call.Body)}
	if call.SignatureB64, err = SignRequest(sk, &signed, now, bytes.NewReader(vectorRequestNonce(raw["ed25519"]))); err != nil {
		return c, err
	}
	call.Timestamp, call.Nonce = signed.Timestamp, signed.Nonce
	call.SigningPayload = string(SigningPayload(signed))
	call.BodySHA256Hex = call.SigningPayload[len(call.SigningPayload)-64:]
	call.Ed25519PublicHex = hex.EncodeToString(sk.Public().(ed25519.PublicKey))
	if err := VerifyRequest(sk.Public().(ed25519.PublicKey), signed, call.SignatureB64, now); err != nil {
		return c, fmt.Errorf("verify own request: %w", err)
	}
	c.Request = call
	return c, nil
}

// vectorRequestNonce is the TG-Nonce of a case's signed request:
// SHA-256("tg1 vectors request nonce" ‖ ed25519 seed)[0:16]. A real
// signer draws it at random.
func vectorRequestNonce(ed25519Seed []byte) []byte {
	sum := sha256.Sum256(append([]byte("tg1 vectors request nonce"), ed25519Seed...))
	return sum[:RequestNonceSize]
}

// tg1Call fills the method, path and body of the signed request a case shows.
func tg1Call(kind string, c tg1Case, sealed []byte) (tg1SignedCall, error) {
	switch kind {
	case callPublish:
		return tg1SignedCall{
			KeyID: c.Inputs.CourierID, Audience: "gateway", Method: "PUT",
			PathAndQuery: "/v1/couriers/" + c.Inputs.CourierID + "/records",
			Body:         `{"records":[` + string(sealed) + `]}`,
		}, nil
	case callEvaluate:
		body, err := json.Marshal(struct {
			Kid     string   `json:"kid"`
			Blinded []string `json:"blinded"`
		}{c.Key.KidB64, []string{c.OPRF.BlindedB64}})
		return tg1SignedCall{KeyID: "gateway", Audience: c.Inputs.CourierID, Method: "POST", PathAndQuery: "/tg1/evaluate", Body: string(body)}, err
	case callBucket:
		return tg1SignedCall{KeyID: "gateway", Audience: c.Inputs.CourierID, Method: "GET", PathAndQuery: "/tg1/buckets/" + c.Derived.BucketURL}, nil
	case callRecord:
		return tg1SignedCall{KeyID: "gateway", Audience: c.Inputs.CourierID, Method: "GET", PathAndQuery: "/tg1/records/" + c.Derived.LocatorB64}, nil
	}
	return tg1SignedCall{}, fmt.Errorf("unknown signed request kind %q", kind)
}

func buildTG1Vectors() (tg1VectorFile, error) {
	f := tg1VectorFile{
		Description: tg1VectorsDescription, Protocol: "tg1", Suite: Suite,
		Encodings: tg1VectorsEncodings, Fields: tg1VectorsFields,
	}
	for _, spec := range tg1CaseSpecs {
		c, err := buildTG1Case(spec)
		if err != nil {
			return f, fmt.Errorf("case %s: %w", spec.name, err)
		}
		f.Cases = append(f.Cases, c)
	}
	return f, nil
}

func TestTG1VectorsRegenerateFromSeeds(t *testing.T) {
	want, err := buildTG1Vectors()
	if err != nil {
		t.Fatal(err)
	}
	encoded, err := encodeTG1Vectors(want)
	if err != nil {
		t.Fatal(err)
	}
	if *updateVectors {
		if err := os.WriteFile(tg1VectorsPath, encoded, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %s", tg1VectorsPath)
		return
	}
	onDisk := loadTG1Vectors(t)
	if len(onDisk.Cases) != len(want.Cases) {
		t.Fatalf("%s has %d cases, the seeds give %d", tg1VectorsPath, len(onDisk.Cases), len(want.Cases))
	}
	for i := range want.Cases {
		for _, diff := range diffJSON(onDisk.Cases[i], want.Cases[i]) {
			t.Errorf("case %s: %s", want.Cases[i].Name, diff)
		}
	}
	if raw, _ := os.ReadFile(tg1VectorsPath); !bytes.Equal(raw, encoded) {
		t.Errorf("%s is not byte for byte what the seeds give; run with -update if the change is intended", tg1VectorsPath)
	}
}

// flattenJSON maps each leaf of v's JSON form to its path, e.g. "oprf.tn"
// (no leading dot), so that a mismatch names the field.
func flattenJSON(v any) map[string]string {
	raw, _ := json.Marshal(v)
	var tree any
	_ = json.Unmarshal(raw, &tree)
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		if obj, ok := v.(map[string]any); ok {
			for k, child := range obj {
				if prefix != "" {
					k = prefix + "." + k
				}
				walk(k, child)
			}
			return
		}
		leaf, _ := json.Marshal(v)
		out[prefix] = string(leaf)
	}
	walk("", tree)
	return out
}

// diffJSON lists the JSON paths at which two values differ.
func diffJSON(file, regenerated any) []string {
	a, b := flattenJSON(file), flattenJSON(regenerated)
	var diffs []string
	for path, got := range a {
		if want, ok := b[path]; !ok || got != want {
			diffs = append(diffs, fmt.Sprintf("%s: file has %s, seeds give %s", path, got, orMissing(want, ok)))
		}
	}
	for path, want := range b {
		if _, ok := a[path]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: missing from the file, seeds give %s", path, want))
		}
	}
	return diffs
}

func orMissing(s string, ok bool) string {
	if !ok {
		return "nothing"
	}
	return s
}

func TestTG1VectorFieldDescriptionsNameRealFields(t *testing.T) {
	c, err := buildTG1Case(tg1CaseSpecs[0])
	if err != nil {
		t.Fatal(err)
	}
	paths := flattenJSON(c)
	for path := range tg1VectorsFields {
		if _, ok := paths[path]; !ok {
			t.Errorf("fields describes %q, which no case has", path)
		}
	}
}
