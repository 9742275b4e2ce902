package crypto

import (
	"bytes"
	"fmt"

	"github.com/cloudflare/circl/oprf"
	"github.com/cloudflare/circl/zk/dleq"
)

// ValidateElement checks a received group element before any use: exactly
// 32 bytes, the canonical encoding of a ristretto255 element, and not the
// identity. circl's Evaluate does not check the last of these itself.
func ValidateElement(b []byte) error {
	if len(b) != ElementSize {
		return fmt.Errorf("%w: %d bytes, want %d", ErrInvalidElement, len(b), ElementSize)
	}
	e := suite.Group().NewElement()
	if err := e.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("%w: does not decode", ErrInvalidElement)
	}
	if e.IsIdentity() {
		return fmt.Errorf("%w: identity element", ErrInvalidElement)
	}
	// Refuse any encoding other than the canonical one, so that one element
	// has exactly one accepted byte string.
	again, err := e.MarshalBinaryCompress()
	if err != nil || !bytes.Equal(again, b) {
		return fmt.Errorf("%w: non-canonical encoding", ErrInvalidElement)
	}
	return nil
}

// ValidateBatch checks the size of a batch and every element in it.
func ValidateBatch(elements [][]byte) error {
	if len(elements) == 0 {
		return ErrEmptyBatch
	}
	if len(elements) > MaxBatch {
		return fmt.Errorf("%w: %d, at most %d", ErrBatchTooLarge, len(elements), MaxBatch)
	}
	for i, b := range elements {
		if err := ValidateElement(b); err != nil {
			return fmt.Errorf("element %d: %w", i, err)
		}
	}
	return nil
}

func decodeBatch(elements [][]byte) ([]oprf.Blinded, error) {
	if err := ValidateBatch(elements); err != nil {
		return nil, err
	}
	out := make([]oprf.Blinded, len(elements))
	for i, b := range elements {
		e := suite.Group().NewElement()
		if err := e.UnmarshalBinary(b); err != nil {
			return nil, fmt.Errorf("element %d: %w", i, ErrInvalidElement)
		}
		out[i] = e
	}
	return out, nil
}

func encodeBatch(elements []oprf.Evaluated) ([][]byte, error) {
	out := make([][]byte, len(elements))
	for i, e := range elements {
		b, err := e.MarshalBinaryCompress()
		if err != nil {
			return nil, fmt.Errorf("encode element %d: %w", i, err)
		}
		out[i] = b
	}
	return out, nil
}

// Evaluate is the courier host's side of a lookup: it validates every
// blinded element and the batch size, evaluates them under k and returns
// the evaluated elements with one batched DLEQ proof (64 bytes).
func (k *PrivateKey) Evaluate(blinded [][]byte) (evaluated [][]byte, proof []byte, err error) {
	elems, err := decodeBatch(blinded)
	if err != nil {
		return nil, nil, err
	}
	ev, err := oprf.NewVerifiableServer(suite, k.k).Evaluate(&oprf.EvaluationRequest{Elements: elems})
	if err != nil {
		return nil, nil, fmt.Errorf("evaluate: %w", err)
	}
	if evaluated, err = encodeBatch(ev.Elements); err != nil {
		return nil, nil, err
	}
	if proof, err = ev.Proof.MarshalBinary(); err != nil {
		return nil, nil, fmt.Errorf("encode proof: %w", err)
	}
	return evaluated, proof, nil
}

// FullEvaluate computes y for input x directly, as the courier does to
// index its own parcels (§4).
func (k *PrivateKey) FullEvaluate(x []byte) ([]byte, error) {
	y, err := oprf.NewVerifiableServer(suite, k.k).FullEvaluate(x)
	if err != nil {
		return nil, fmt.Errorf("full evaluate: %w", err)
	}
	return y, nil
}

// Blinding is a client's state between Blind and Finalize. It holds the
// secret blinds and must not be reused for another evaluation.
type Blinding struct {
	client oprf.VerifiableClient
	data   *oprf.FinalizeData
	// Elements are the encoded blinded elements to send for evaluation.
	Elements [][]byte
}

// Blind blinds each input with a fresh random scalar for an evaluation
// under pk, the key the directory lists for the kid that will be asked.
func Blind(pk *PublicKey, inputs [][]byte) (*Blinding, error) {
	return blind(pk, inputs, nil)
}

// DeterministicBlind blinds inputs with the given 32-byte scalars. Only test
// vectors should use it: reusing a blind links lookups.
func DeterministicBlind(pk *PublicKey, inputs [][]byte, blinds [][]byte) (*Blinding, error) {
	if len(blinds) != len(inputs) {
		return nil, fmt.Errorf("blind: %d blinds for %d inputs", len(blinds), len(inputs))
	}
	scalars := make([]oprf.Blind, len(blinds))
	for i, b := range blinds {
		s := suite.Group().NewScalar()
		if err := s.UnmarshalBinary(b); err != nil {
			return nil, fmt.Errorf("blind %d: %w", i, err)
		}
		scalars[i] = s
	}
	return blind(pk, inputs, scalars)
}

func blind(pk *PublicKey, inputs [][]byte, scalars []oprf.Blind) (*Blinding, error) {
	if len(inputs) == 0 {
		return nil, ErrEmptyBatch
	}
	if len(inputs) > MaxBatch {
		return nil, fmt.Errorf("%w: %d, at most %d", ErrBatchTooLarge, len(inputs), MaxBatch)
	}
	// The mode is part of the hash-to-group domain separation, so even
	// blinding needs the verifiable client.
	c := oprf.NewVerifiableClient(suite, pk.k)
	var (
		fd  *oprf.FinalizeData
		req *oprf.EvaluationRequest
		err error
	)
	if scalars == nil {
		fd, req, err = c.Blind(inputs)
	} else {
		fd, req, err = c.DeterministicBlind(inputs, scalars)
	}
	if err != nil {
		return nil, fmt.Errorf("blind: %w", err)
	}
	enc, err := encodeBatch(req.Elements)
	if err != nil {
		return nil, err
	}
	return &Blinding{client: c, data: fd, Elements: enc}, nil
}

// Finalize checks the courier's answer and unblinds it into the outputs y
// (64 bytes each, in input order). It validates every evaluated element,
// then verifies the proof against the key given to Blind; ErrInvalidProof
// means the courier did not use the key the directory lists, and nothing
// may be derived.
func (b *Blinding) Finalize(evaluated [][]byte, proof []byte) ([][]byte, error) {
	if len(evaluated) != len(b.Elements) {
		return nil, fmt.Errorf("%w: %d evaluated elements for %d blinded", ErrInvalidElement, len(evaluated), len(b.Elements))
	}
	elems, err := decodeBatch(evaluated)
	if err != nil {
		return nil, err
	}
	if len(proof) != ProofSize {
		return nil, fmt.Errorf("%w: proof is %d bytes, want %d", ErrInvalidProof, len(proof), ProofSize)
	}
	p := new(dleq.Proof)
	if err := p.UnmarshalBinary(suite.Group(), proof); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidProof, err)
	}
	ys, err := b.client.Finalize(b.data, &oprf.Evaluation{Elements: elems, Proof: p})
	if err != nil {
		if err == oprf.ErrInvalidProof {
			return nil, ErrInvalidProof
		}
		return nil, fmt.Errorf("finalize: %w", err)
	}
	return ys, nil
}
