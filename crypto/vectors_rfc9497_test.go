package crypto

import (
	"bytes"
	"crypto"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cloudflare/circl/group"
	"github.com/cloudflare/circl/zk/dleq"
)

// rfc9497Vectors is the ristretto255-SHA512 VOPRF (mode 0x01) entry of the
// RFC 9497 Appendix A test vectors, copied from circl's rfc9497.json.gz with
// the RFC's field names. Lists inside a batch are comma-separated hex.
type rfc9497Vectors struct {
	Identifier string `json:"identifier"`
	Mode       int    `json:"mode"`
	Hash       string `json:"hash"`
	GroupDST   string `json:"groupDST"`
	KeyInfo    string `json:"keyInfo"`
	Seed       string `json:"seed"`
	SkSm       string `json:"skSm"`
	PkSm       string `json:"pkSm"`
	Vectors    []struct {
		Batch             int    `json:"Batch"`
		Blind             string `json:"Blind"`
		BlindedElement    string `json:"BlindedElement"`
		EvaluationElement string `json:"EvaluationElement"`
		Input             string `json:"Input"`
		Output            string `json:"Output"`
		Proof             struct {
			Proof string `json:"proof"`
			R     string `json:"r"`
		} `json:"Proof"`
	} `json:"vectors"`
}

func loadRFC9497Vectors(t testing.TB) rfc9497Vectors {
	t.Helper()
	raw, err := os.ReadFile("testdata/rfc9497-voprf-ristretto255.json")
	if err != nil {
		t.Fatal(err)
	}
	var v rfc9497Vectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("parse RFC 9497 vectors: %v", err)
	}
	if v.Identifier != Suite || v.Mode != 1 || len(v.Vectors) == 0 {
		t.Fatalf("vectors file holds %s mode %d with %d vectors, want %s mode 1", v.Identifier, v.Mode, len(v.Vectors), Suite)
	}
	return v
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("hex %q: %v", s, err)
	}
	return b
}

// mustHexList decodes the RFC's comma-separated hex lists.
func mustHexList(t testing.TB, s string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, part := range strings.Split(s, ",") {
		out = append(out, mustHex(t, part))
	}
	return out
}

func equalLists(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// proveWithRandomness makes the batched DLEQ proof of an evaluation with a
// fixed randomness r, as RFC 9497 §2.2.1 GenerateProof does. Evaluate draws
// r at random, so deterministic vectors need this; it is checked against the
// RFC's own proofs below.
func proveWithRandomness(k *PrivateKey, blinded, evaluated [][]byte, r []byte) ([]byte, error) {
	g := suite.Group()
	secret := g.NewScalar()
	if err := secret.UnmarshalBinary(k.Bytes()); err != nil {
		return nil, fmt.Errorf("private scalar: %w", err)
	}
	rnd := g.NewScalar()
	if err := rnd.UnmarshalBinary(r); err != nil {
		return nil, fmt.Errorf("proof randomness: %w", err)
	}
	pk := g.NewElement()
	if err := pk.UnmarshalBinary(k.Public().Bytes()); err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	decode := func(list [][]byte) ([]group.Element, error) {
		out := make([]group.Element, len(list))
		for i, b := range list {
			e := g.NewElement()
			if err := e.UnmarshalBinary(b); err != nil {
				return nil, fmt.Errorf("element %d: %w", i, err)
			}
			out[i] = e
		}
		return out, nil
	}
	bs, err := decode(blinded)
	if err != nil {
		return nil, err
	}
	es, err := decode(evaluated)
	if err != nil {
		return nil, err
	}
	// The DLEQ domain separation of RFC 9497 §3.1: "OPRFV1-" ‖ mode ‖ "-" ‖ suite.
	dst := append([]byte("OPRFV1-\x01-"), Suite...)
	p, err := dleq.Prover{Params: dleq.Params{G: g, H: crypto.SHA512, DST: dst}}.
		ProveBatchWithRandomnessRFC9497(secret, pk, bs, es, rnd)
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	return p.MarshalBinary()
}

func TestRFC9497DeriveKeyGivesVectorKeys(t *testing.T) {
	v := loadRFC9497Vectors(t)
	k, err := DeriveKey(mustHex(t, v.Seed), mustHex(t, v.KeyInfo))
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(k.Bytes()); got != v.SkSm {
		t.Errorf("skSm = %s, want %s", got, v.SkSm)
	}
	if got := hex.EncodeToString(k.Public().Bytes()); got != v.PkSm {
		t.Errorf("pkSm = %s, want %s", got, v.PkSm)
	}
}

func TestRFC9497VectorsThroughWrappers(t *testing.T) {
	v := loadRFC9497Vectors(t)
	k, err := DeriveKey(mustHex(t, v.Seed), mustHex(t, v.KeyInfo))
	if err != nil {
		t.Fatal(err)
	}
	sawBatch := map[int]bool{}
	for i, vec := range v.Vectors {
		sawBatch[vec.Batch] = true
		t.Run(fmt.Sprintf("vector%d_batch%d", i+1, vec.Batch), func(t *testing.T) {
			inputs := mustHexList(t, vec.Input)
			blinds := mustHexList(t, vec.Blind)
			wantBlinded := mustHexList(t, vec.BlindedElement)
			wantEvaluated := mustHexList(t, vec.EvaluationElement)
			wantOutputs := mustHexList(t, vec.Output)
			rfcProof := mustHex(t, vec.Proof.Proof)
			if len(inputs) != vec.Batch {
				t.Fatalf("vector has %d inputs for Batch %d", len(inputs), vec.Batch)
			}

			b, err := DeterministicBlind(k.Public(), inputs, blinds)
			if err != nil {
				t.Fatal(err)
			}
			if !equalLists(b.Elements, wantBlinded) {
				t.Errorf("BlindedElement = %x, want %x", b.Elements, wantBlinded)
			}

			evaluated, proof, err := k.Evaluate(b.Elements)
			if err != nil {
				t.Fatal(err)
			}
			if !equalLists(evaluated, wantEvaluated) {
				t.Errorf("EvaluationElement = %x, want %x", evaluated, wantEvaluated)
			}

			ys, err := b.Finalize(wantEvaluated, rfcProof)
			if err != nil {
				t.Fatalf("Finalize with the RFC's evaluation and proof: %v", err)
			}
			if !equalLists(ys, wantOutputs) {
				t.Errorf("Output = %x, want %x", ys, wantOutputs)
			}

			ys, err = b.Finalize(evaluated, proof)
			if err != nil {
				t.Fatalf("Finalize with our own randomized proof: %v", err)
			}
			if !equalLists(ys, wantOutputs) {
				t.Errorf("Output from our proof = %x, want %x", ys, wantOutputs)
			}

			for j, x := range inputs {
				y, err := k.FullEvaluate(x)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(y, wantOutputs[j]) {
					t.Errorf("FullEvaluate(input %d) = %x, want %x", j, y, wantOutputs[j])
				}
			}

			fixed, err := proveWithRandomness(k, wantBlinded, wantEvaluated, mustHex(t, vec.Proof.R))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(fixed, rfcProof) {
				t.Errorf("proof with the RFC's r = %x, want %x", fixed, rfcProof)
			}
		})
	}
	if !sawBatch[1] || !sawBatch[2] {
		t.Errorf("vectors cover batch sizes %v, want both 1 and 2", sawBatch)
	}
}
