package crypto

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"testing"
)

// generatorHex is the canonical encoding of the ristretto255 generator.
const generatorHex = "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"

// fieldPrime is p = 2^255 - 19, the field ristretto255 encodings live in.
var fieldPrime = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))

// littleEndian32 writes n as 32 little-endian bytes.
func littleEndian32(n *big.Int) []byte {
	b := n.FillBytes(make([]byte, 32))
	slices.Reverse(b)
	return b
}

func fromLittleEndian(b []byte) *big.Int {
	be := slices.Clone(b)
	slices.Reverse(be)
	return new(big.Int).SetBytes(be)
}

type namedBytes struct {
	name string
	in   []byte
}

// badElements are byte strings a receiver must refuse as group elements.
func badElements(t testing.TB) []namedBytes {
	t.Helper()
	gen := mustHex(t, generatorHex)
	s := fromLittleEndian(gen)
	highBit := slices.Clone(gen)
	highBit[31] |= 0x80
	return []namedBytes{
		{"empty", nil},
		{"31 bytes", gen[:31]},
		{"33 bytes", append(slices.Clone(gen), 0)},
		{"64 bytes", append(slices.Clone(gen), gen...)},
		{"identity (all zeros)", make([]byte, 32)},
		{"identity encoded as p", littleEndian32(fieldPrime)},
		{"field element p+1", littleEndian32(new(big.Int).Add(fieldPrime, big.NewInt(1)))},
		{"field element 2^255-1", littleEndian32(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(1)))},
		{"generator with bit 255 set", highBit},
		{"generator as p+s", littleEndian32(new(big.Int).Add(fieldPrime, s))},
		{"negative s (p - s of the generator)", littleEndian32(new(big.Int).Sub(fieldPrime, s))},
		{"odd s = 1", littleEndian32(big.NewInt(1))},
		{"not on the curve", littleEndian32(big.NewInt(2))},
		{"all 0xff", bytes.Repeat([]byte{0xff}, 32)},
	}
}

func TestValidateElementAcceptsCanonicalElements(t *testing.T) {
	if err := ValidateElement(mustHex(t, generatorHex)); err != nil {
		t.Errorf("generator: %v", err)
	}
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Blind(k.Public(), [][]byte{Input("sim-east", "SE1234567890", "")})
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateElement(b.Elements[0]); err != nil {
		t.Errorf("blinded element: %v", err)
	}
}

func TestValidateElementRejectsBadEncodings(t *testing.T) {
	for _, tt := range badElements(t) {
		t.Run(tt.name, func(t *testing.T) {
			if err := ValidateElement(tt.in); !errors.Is(err, ErrInvalidElement) {
				t.Errorf("ValidateElement(%x) = %v, want ErrInvalidElement", tt.in, err)
			}
		})
	}
}

func TestValidateBatchEnforcesSizeAndEveryElement(t *testing.T) {
	gen := mustHex(t, generatorHex)
	repeat := func(n int) [][]byte {
		out := make([][]byte, n)
		for i := range out {
			out[i] = gen
		}
		return out
	}
	withIdentityAt := func(n, i int) [][]byte {
		out := repeat(n)
		out[i] = make([]byte, 32)
		return out
	}
	tests := []struct {
		name  string
		batch [][]byte
		want  error
	}{
		{"one", repeat(1), nil},
		{"MaxBatch", repeat(MaxBatch), nil},
		{"nil", nil, ErrEmptyBatch},
		{"empty", [][]byte{}, ErrEmptyBatch},
		{"MaxBatch+1", repeat(MaxBatch + 1), ErrBatchTooLarge},
		{"identity first", withIdentityAt(3, 0), ErrInvalidElement},
		{"identity last", withIdentityAt(MaxBatch, MaxBatch-1), ErrInvalidElement},
		{"short element", [][]byte{gen, gen[:31]}, ErrInvalidElement},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateBatch(tt.batch)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("ValidateBatch = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestEvaluateRejectsInvalidBatches(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	gen := mustHex(t, generatorHex)
	tests := []struct {
		name  string
		batch [][]byte
		want  error
	}{
		{"empty", nil, ErrEmptyBatch},
		{"over MaxBatch", slices.Repeat([][]byte{gen}, MaxBatch+1), ErrBatchTooLarge},
	}
	for _, bad := range badElements(t) {
		tests = append(tests, struct {
			name  string
			batch [][]byte
			want  error
		}{"element " + bad.name, [][]byte{gen, bad.in}, ErrInvalidElement})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, proof, err := k.Evaluate(tt.batch)
			if !errors.Is(err, tt.want) {
				t.Errorf("Evaluate = %v, want %v", err, tt.want)
			}
			if ev != nil || proof != nil {
				t.Error("a refused batch still returned an evaluation")
			}
		})
	}
}

func TestBlindRejectsEmptyAndOversizedBatches(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	x := Input("sim-east", "SE1234567890", "")
	if _, err := Blind(k.Public(), nil); !errors.Is(err, ErrEmptyBatch) {
		t.Errorf("Blind(no inputs) = %v, want ErrEmptyBatch", err)
	}
	if _, err := Blind(k.Public(), slices.Repeat([][]byte{x}, MaxBatch+1)); !errors.Is(err, ErrBatchTooLarge) {
		t.Errorf("Blind(MaxBatch+1 inputs) = %v, want ErrBatchTooLarge", err)
	}
	blind := mustHex(t, "64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706")
	if _, err := DeterministicBlind(k.Public(), [][]byte{x, x}, [][]byte{blind}); err == nil {
		t.Error("DeterministicBlind accepted fewer blinds than inputs")
	}
	if _, err := DeterministicBlind(k.Public(), [][]byte{x}, [][]byte{bytes.Repeat([]byte{0xff}, 32)}); err == nil {
		t.Error("DeterministicBlind accepted a blind above the group order")
	}
}

func TestBatchFinalizeKeepsInputOrder(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	inputs := make([][]byte, MaxBatch)
	for i := range inputs {
		inputs[i] = Input("sim-east", fmt.Sprintf("SE%010d", i), "")
	}
	b, err := Blind(k.Public(), inputs)
	if err != nil {
		t.Fatal(err)
	}
	ev, proof, err := k.Evaluate(b.Elements)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) != MaxBatch || len(proof) != ProofSize {
		t.Fatalf("%d evaluated elements and a %d-byte proof", len(ev), len(proof))
	}
	ys, err := b.Finalize(ev, proof)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range inputs {
		y, err := k.FullEvaluate(x)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ys[i], y) || len(y) != OutputSize {
			t.Errorf("output %d does not match FullEvaluate of input %d", i, i)
		}
	}
}

func TestFinalizeRejectsBadEvaluations(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	inputs := [][]byte{Input("sim-east", "SE1234567890", ""), Input("sim-east", "SE0987654321", "")}
	b, err := Blind(k.Public(), inputs)
	if err != nil {
		t.Fatal(err)
	}
	ev, proof, err := k.Evaluate(b.Elements)
	if err != nil {
		t.Fatal(err)
	}
	otherEv, otherProof, err := other.Evaluate(b.Elements)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(p []byte, i int) []byte {
		p = slices.Clone(p)
		p[i] ^= 1
		return p
	}
	tests := []struct {
		name      string
		evaluated [][]byte
		proof     []byte
		want      error
	}{
		{"too few elements", ev[:1], proof, ErrInvalidElement},
		{"too many elements", append(slices.Clone(ev), ev[0]), proof, ErrInvalidElement},
		{"identity element", [][]byte{ev[0], make([]byte, 32)}, proof, ErrInvalidElement},
		{"short element", [][]byte{ev[0], ev[1][:31]}, proof, ErrInvalidElement},
		{"non-canonical element", [][]byte{ev[0], littleEndian32(fieldPrime)}, proof, ErrInvalidElement},
		{"empty proof", ev, nil, ErrInvalidProof},
		{"short proof", ev, proof[:63], ErrInvalidProof},
		{"long proof", ev, append(slices.Clone(proof), 0), ErrInvalidProof},
		{"proof scalars above the group order", ev, bytes.Repeat([]byte{0xff}, ProofSize), ErrInvalidProof},
		{"proof challenge changed", ev, flip(proof, 0), ErrInvalidProof},
		{"proof response changed", ev, flip(proof, 32), ErrInvalidProof},
		{"elements swapped", [][]byte{ev[1], ev[0]}, proof, ErrInvalidProof},
		{"elements of another key with our proof", otherEv, proof, ErrInvalidProof},
		{"another key's evaluation and proof", otherEv, otherProof, ErrInvalidProof},
		{"our elements with another key's proof", ev, otherProof, ErrInvalidProof},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ys, err := b.Finalize(tt.evaluated, tt.proof)
			if !errors.Is(err, tt.want) {
				t.Errorf("Finalize = %v, want %v", err, tt.want)
			}
			if ys != nil {
				t.Error("a refused evaluation still returned outputs")
			}
		})
	}
	if _, err := b.Finalize(ev, proof); err != nil {
		t.Errorf("the genuine evaluation no longer finalizes after the refusals: %v", err)
	}
}

func TestBlindIsRandomized(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	x := [][]byte{Input("sim-east", "SE1234567890", "")}
	a, err := Blind(k.Public(), x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Blind(k.Public(), x)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Elements[0], b.Elements[0]) {
		t.Error("two blindings of the same input are equal: lookups would be linkable")
	}
}
