package crypto

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
)

func benchKey(b *testing.B) *PrivateKey {
	b.Helper()
	k, err := DeriveKey(bytes.Repeat([]byte{9}, 32), []byte("bench"))
	if err != nil {
		b.Fatal(err)
	}
	return k
}

func benchInputs(n int) [][]byte {
	inputs := make([][]byte, n)
	for i := range inputs {
		inputs[i] = Input("sim-east", fmt.Sprintf("SE%010d", i), "0042")
	}
	return inputs
}

// BenchmarkEvaluate is the courier host's cost per request: validation,
// evaluation and one batched proof.
func BenchmarkEvaluate(b *testing.B) {
	k := benchKey(b)
	for _, n := range []int{1, MaxBatch} {
		b.Run(fmt.Sprintf("batch=%d", n), func(b *testing.B) {
			blinding, err := Blind(k.Public(), benchInputs(n))
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, _, err := k.Evaluate(blinding.Elements); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFullEvaluate is the courier's cost of indexing one parcel.
func BenchmarkFullEvaluate(b *testing.B) {
	k := benchKey(b)
	x := benchInputs(1)[0]
	for b.Loop() {
		if _, err := k.FullEvaluate(x); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBlindFinalize is the client's cost of one lookup without the
// network: blinding, then verifying the proof and unblinding. The blind is
// fixed so that one precomputed evaluation answers every iteration; the
// work is the same as with a random blind.
func BenchmarkBlindFinalize(b *testing.B) {
	k := benchKey(b)
	inputs := benchInputs(1)
	blind := [][]byte{mustHex(b, "64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706")}
	first, err := DeterministicBlind(k.Public(), inputs, blind)
	if err != nil {
		b.Fatal(err)
	}
	evaluated, proof, err := k.Evaluate(first.Elements)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		bl, err := DeterministicBlind(k.Public(), inputs, blind)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := bl.Finalize(evaluated, proof); err != nil {
			b.Fatal(err)
		}
	}
}

// benchView is a realistic tracking view of about 2 KB (12 events).
func benchView() []byte {
	var events []string
	for i := range 12 {
		events = append(events, fmt.Sprintf(`{"time":"2030-12-%02dT10:00:00+01:00","status":"in_transit","description":"Arrived at sorting facility %d","location":{"city":"Rotterdam","region":"ZH","country":"NL"}}`, i+1, i))
	}
	return []byte(`{"courier":"sim-east","tracking_number":"SE1234567890","status":"in_transit","events":[` +
		strings.Join(events, ",") + `],"updated_at":"2030-12-15T10:00:00+01:00"}`)
}

func BenchmarkSeal(b *testing.B) {
	view := benchView()
	key, r := sealedForTest(b, view)
	b.SetBytes(int64(len(view)))
	for b.Loop() {
		if err := Seal(key, r, view, DefaultRecordSize, rand.Reader); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	view := benchView()
	key, r := sealedForTest(b, view)
	b.SetBytes(int64(len(view)))
	for b.Loop() {
		if _, err := Open(key, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyRequest(b *testing.B) {
	pk, sk := testSigningKey(b, 1)
	body := []byte(`{"kid":"3vYXFshhuxg","blinded":["XOmcDbWHypDufiV02jfu5iJGtFemjqooMom0YqpPYDE"]}`)
	r := SignedRequest{Method: "POST", Audience: "sim-east", PathAndQuery: "/tg1/evaluate", KeyID: "gateway", Body: body}
	sig, err := SignRequest(sk, &r, signedAt, rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := VerifyRequest(pk, r, sig, signedAt); err != nil {
			b.Fatal(err)
		}
	}
}
