package courierhost

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"slices"
	"sync"

	"github.com/trackgate/trackgate/crypto/keystatement"
)

// signer is the host's signing key and the courier's signing-key
// statements up to it (docs/protocol.md §8.1), replaced whole.
type signer struct {
	key ed25519.PrivateKey
	// chain holds the courier's signing-key statements from its first
	// key on, in order; the last is key's.
	chain [][]byte
}

func (s *signer) public() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

// newSigner checks key and the courier's signing-key statements that
// lead to it. Without statements the courier's history starts with key:
// its first statement, "previous none", is made here, the same bytes at
// every start (Ed25519 signatures are deterministic). With them, each
// must open and continue the history of the one before, and the history
// must reach key; statements past key (a rotation whose key file is not
// written yet) are left out.
func newSigner(courier string, key ed25519.PrivateKey, statements [][]byte) (*signer, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("%w: the signing key must be an Ed25519 private key", ErrConfig)
	}
	pub := key.Public().(ed25519.PublicKey)
	if len(statements) == 0 {
		first, err := keystatement.SignSigningKey(keystatement.SigningKey{Courier: courier, Key: pub}, key, nil)
		if err != nil {
			return nil, fmt.Errorf("%w: the first signing-key statement: %v", ErrConfig, err)
		}
		return &signer{key: key, chain: [][]byte{first}}, nil
	}
	history := keystatement.NewHistory(courier)
	reached := -1
	for i, msg := range statements {
		s, err := keystatement.OpenSigningKey(msg)
		if err == nil {
			err = history.Change(s)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: signing-key statement %d: %v", ErrConfig, i, err)
		}
		if bytes.Equal(history.Current(), pub) {
			reached = i
		}
	}
	if reached < 0 {
		return nil, fmt.Errorf("%w: the signing-key statements never reach this signing key (%d statements, ending with another key): give the statements written with it", ErrConfig, len(statements))
	}
	chain := make([][]byte, reached+1)
	for i := range chain {
		chain[i] = slices.Clone(statements[i])
	}
	return &signer{key: key, chain: chain}, nil
}

// CheckSigningKeyStatements reports whether statements lead to key as
// Config's SigningKeyStatements must (and SetSigningKey's): each opens,
// is courier's and continues the history of the one before, and the
// history reaches key. No statements is fine: the history starts with key.
func CheckSigningKeyStatements(courier string, key ed25519.PrivateKey, statements [][]byte) error {
	_, err := newSigner(courier, key, statements)
	return err
}

// next is the signer after a change to key: the host holds the previous
// key too, so it signs the change with both (docs/protocol.md §8.1).
func (s *signer) next(courier string, key ed25519.PrivateKey) (*signer, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("%w: the signing key must be an Ed25519 private key", ErrConfig)
	}
	if s.key.Equal(key) {
		return s, nil
	}
	change, err := keystatement.SignSigningKey(keystatement.SigningKey{
		Courier: courier, Key: key.Public().(ed25519.PublicKey), Previous: s.public(),
	}, key, s.key)
	if err != nil {
		return nil, fmt.Errorf("%w: the signing-key statement of the change: %v", ErrConfig, err)
	}
	return &signer{key: key, chain: append(slices.Clip(s.chain), change)}, nil
}

// statements are the host's answer's statements of its keys, made again
// only when the keys or the signing key changed.
type statements struct {
	mu      sync.Mutex
	keys    *[]hostKey
	signer  *signer
	keyText []string
	chain   []string
}

// KeyStatements returns the signed key statement of each of the host's
// keys, in the order Keys lists them, and the courier's signing-key
// statements from its first signing key on (docs/protocol.md §8.1): what
// GET /tg1/keys serves beside the keys. A host without a signing key yet
// (in process, before Handler or SetSigningKey) states nothing.
func (h *Host) KeyStatements() (keys, signingKeys []string, err error) {
	return h.statementsOf(h.keys.Load())
}

// statementsOf is KeyStatements for the key set ks.
func (h *Host) statementsOf(ks *[]hostKey) (keys, signingKeys []string, err error) {
	s := h.signer.Load()
	if s == nil {
		return []string{}, []string{}, nil
	}
	c := &h.statements
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == ks && c.signer == s {
		return c.keyText, c.chain, nil
	}
	keyText := make([]string, len(*ks))
	for i, k := range *ks {
		msg, err := keystatement.SignKey(keystatement.Key{
			Courier:    h.cfg.Courier,
			PublicKey:  k.key.Public().Bytes(),
			NotBefore:  k.notBefore,
			NotAfter:   k.notAfter,
			Mode:       h.cfg.Mode,
			Factor:     h.cfg.Factor,
			BucketBits: h.cfg.BucketBits,
			SigningKey: s.public(),
		}, s.key)
		if err != nil {
			return nil, nil, fmt.Errorf("key statement of %s: %w", k.kid, err)
		}
		keyText[i] = string(msg)
	}
	chain := make([]string, len(s.chain))
	for i, msg := range s.chain {
		chain[i] = string(msg)
	}
	c.keys, c.signer, c.keyText, c.chain = ks, s, keyText, chain
	return keyText, chain, nil
}
