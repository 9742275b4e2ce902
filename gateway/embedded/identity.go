package embedded

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/keyfile"
	"github.com/trackgate/trackgate/gateway/keylog"
)

// IdentityFile is the name of the file in Config.StateDir that keeps the
// deployment's identity.
const IdentityFile = "identity.json"

// keyLifetime is how long a simulated courier's OPRF key is valid; one
// made at start is valid from an hour before, for clocks a little behind.
const (
	keyLifetime = 90 * 24 * time.Hour
	keyLeadTime = time.Hour
)

// identity is what makes a restarted deployment the same to its clients:
// the key log's key and entries (append-only, in log order) and each
// simulated courier's signing key and OPRF keys. Keys are raw bytes
// (JSON base64): the Ed25519 seeds and crypto.PrivateKey.Bytes.
type identity struct {
	LogKey   []byte                      `json:"log_key"`
	Couriers map[string]*courierIdentity `json:"couriers"`
	Entries  []string                    `json:"log_entries"`
}

type courierIdentity struct {
	SigningKey []byte      `json:"signing_key"`
	Keys       []storedKey `json:"keys"`
}

// storedKey is an OPRF key with its window, in whole seconds UTC as key
// statements write it, so that the host states it in the same bytes.
type storedKey struct {
	Key       []byte    `json:"key"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
}

// identityStore holds the identity, kept in path ("" keeps it in memory).
type identityStore struct {
	path string
	mu   sync.Mutex // guards id and the file
	id   identity
}

// loadIdentity reads dir's identity file, or starts an empty identity if
// there is none yet (or dir is "": in memory only). A file that cannot
// be read or holds something else is an error, never a silent reset:
// clients trust what it holds.
func loadIdentity(dir string) (*identityStore, error) {
	s := &identityStore{id: identity{Couriers: map[string]*courierIdentity{}}}
	if dir == "" {
		return s, nil
	}
	s.path = filepath.Join(dir, IdentityFile)
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err == nil {
		err = json.Unmarshal(data, &s.id)
	}
	if err == nil {
		err = s.id.check()
	}
	if err != nil {
		return nil, s.unusable(err)
	}
	if s.id.Couriers == nil {
		s.id.Couriers = map[string]*courierIdentity{}
	}
	return s, nil
}

// unusable is the error for an identity file that cannot be used.
func (s *identityStore) unusable(err error) error {
	return fmt.Errorf("the identity file %s cannot be used (%w): remove it to start a new identity; clients that trusted the old one must forget it", s.path, err)
}

// check reports whether every key parses and every entry is a statement.
func (id *identity) check() error {
	if id.LogKey != nil && len(id.LogKey) != ed25519.SeedSize {
		return errors.New("log_key is not an Ed25519 seed")
	}
	for courier, c := range id.Couriers {
		if c == nil || len(c.SigningKey) != ed25519.SeedSize {
			return fmt.Errorf("the signing key of %s is not an Ed25519 seed", courier)
		}
		for i, k := range c.Keys {
			if _, err := crypto.ParsePrivateKey(k.Key); err != nil {
				return fmt.Errorf("key %d of %s: %w", i, courier, err)
			}
			if !k.NotAfter.After(k.NotBefore) {
				return fmt.Errorf("key %d of %s: its window ends before it starts", i, courier)
			}
		}
	}
	for i, e := range id.Entries {
		if _, _, err := keystatement.Open([]byte(e)); err != nil {
			return fmt.Errorf("log entry %d: %w", i, err)
		}
	}
	return nil
}

// logKey returns the key log's key, made now if there is none.
func (s *identityStore) logKey() (ed25519.PrivateKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.id.LogKey == nil {
		seed, err := newSeed()
		if err != nil {
			return nil, err
		}
		s.id.LogKey = seed
	}
	return ed25519.NewKeyFromSeed(s.id.LogKey), nil
}

// courier returns a simulated courier's signing key and its OPRF keys
// valid at now or later, making what is missing: a signing key, and a
// new OPRF key when every stored one has expired. Expired keys are
// forgotten; their statements stay in the log.
func (s *identityStore) courier(id string, now time.Time) (ed25519.PrivateKey, []storedKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.id.Couriers[id]
	if c == nil {
		seed, err := newSeed()
		if err != nil {
			return nil, nil, err
		}
		c = &courierIdentity{SigningKey: seed}
		s.id.Couriers[id] = c
	}
	var live []storedKey
	for _, k := range c.Keys {
		if now.Before(k.NotAfter) {
			live = append(live, k)
		}
	}
	if len(live) == 0 {
		key, err := crypto.GenerateKey(rand.Reader)
		if err != nil {
			return nil, nil, err
		}
		live = append(live, storedKey{
			Key:       key.Bytes(),
			NotBefore: wholeSeconds(now.Add(-keyLeadTime)),
			NotAfter:  wholeSeconds(now.Add(keyLifetime)),
		})
	}
	c.Keys = live
	return ed25519.NewKeyFromSeed(c.SigningKey), live, nil
}

// wholeSeconds is t as key statements write it (docs/protocol.md §8.1).
func wholeSeconds(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

func newSeed() ([]byte, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, err
	}
	return seed, nil
}

// save writes the identity to its file, atomically (a new file renamed
// over the old), mode 0600 in a directory 0700; in memory it does nothing.
func (s *identityStore) save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saveLocked()
}

func (s *identityStore) saveLocked() error {
	if s.path == "" {
		return nil
	}
	data, err := json.MarshalIndent(s.id, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("keep the embedded default's identity: %w", err)
	}
	if err := keyfile.ReplaceFile(s.path, append(data, '\n')); err != nil {
		return fmt.Errorf("keep the embedded default's identity in %s: %w", s.path, err)
	}
	return nil
}

// keptLog is the key log's storage: in memory, its entries also kept in
// the identity, which is saved whenever the log grows.
type keptLog struct {
	*keylog.Memory
	identity *identityStore
}

// newKeptLog returns the log holding the identity's entries, in order.
func newKeptLog(ctx context.Context, s *identityStore) (*keptLog, error) {
	m := keylog.NewMemory()
	for i, e := range s.id.Entries {
		index, added, err := m.Append(ctx, []byte(e))
		if err != nil {
			return nil, err
		}
		if !added || index != int64(i) {
			return nil, s.unusable(fmt.Errorf("log entry %d repeats entry %d", i, index))
		}
	}
	return &keptLog{Memory: m, identity: s}, nil
}

// Append implements keylog.Storage: it appends in memory, then saves the
// identity with the new entry.
func (l *keptLog) Append(ctx context.Context, entry []byte) (int64, bool, error) {
	s := l.identity
	s.mu.Lock()
	defer s.mu.Unlock()
	index, added, err := l.Memory.Append(ctx, entry)
	if err != nil || !added {
		return index, added, err
	}
	s.id.Entries = append(s.id.Entries, string(entry))
	return index, true, s.saveLocked()
}
