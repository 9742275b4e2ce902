package crypto

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"
)

func TestLookupRoundTripMatchesFullEvaluate(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	x := Input("sim-east", "SE1234567890", "0042")
	b, err := Blind(k.Public(), [][]byte{x})
	if err != nil {
		t.Fatal(err)
	}
	ev, proof, err := k.Evaluate(b.Elements)
	if err != nil {
		t.Fatal(err)
	}
	ys, err := b.Finalize(ev, proof)
	if err != nil {
		t.Fatal(err)
	}
	y, err := k.FullEvaluate(x)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ys[0], y) {
		t.Fatalf("client y %x != courier y %x", ys[0], y)
	}
	other, _ := GenerateKey(rand.Reader)
	ev2, proof2, _ := other.Evaluate(b.Elements)
	if _, err := b.Finalize(ev2, proof2); !errors.Is(err, ErrInvalidProof) {
		t.Fatalf("finalize under another key: got %v, want ErrInvalidProof", err)
	}
}
