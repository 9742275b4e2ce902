package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/trackgate/trackgate/gateway/keyfile"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

// KeyLogState is what a Client learned of a gateway's key log and must
// remember between runs: the log's key when it was pinned on first sight,
// the last checkpoint it trusted (which every later one must extend) and
// the couriers' signing keys it pinned on first sight. It marshals to
// JSON.
type KeyLogState struct {
	// Origin and Key are the log the state is about: its origin and the
	// note verifier key of its checkpoint signing key.
	Origin string `json:"origin,omitempty"`
	Key    string `json:"key,omitempty"`
	verify.State
}

// KeyLogStore keeps a Client's KeyLogState, for one gateway. A Client
// loads it before its first directory check and saves it after each.
type KeyLogStore interface {
	// Load returns the state last saved, or the zero state when none was.
	Load() (KeyLogState, error)
	// Save replaces the state kept.
	Save(KeyLogState) error
}

// memoryKeyLogStore keeps the state for the life of a Client.
type memoryKeyLogStore struct {
	mu sync.Mutex
	st KeyLogState
}

func (m *memoryKeyLogStore) Load() (KeyLogState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.st, nil
}

func (m *memoryKeyLogStore) Save(st KeyLogState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.st = st
	return nil
}

// KeyLogFile returns a KeyLogStore that keeps the state in the JSON file
// at path, readable by its owner only (0600, its directory 0700 when
// made). Each save replaces the file at once (a new file renamed over
// it), so a crash leaves the old state or the new, never half of one.
func KeyLogFile(path string) KeyLogStore { return keyLogFile(path) }

type keyLogFile string

func (f keyLogFile) Load() (KeyLogState, error) {
	b, err := os.ReadFile(string(f))
	if errors.Is(err, fs.ErrNotExist) {
		return KeyLogState{}, nil
	}
	if err != nil {
		return KeyLogState{}, err
	}
	var st KeyLogState
	if err := json.Unmarshal(b, &st); err != nil {
		return KeyLogState{}, fmt.Errorf("%s: %w", f, err)
	}
	return st, nil
}

func (f keyLogFile) Save(st KeyLogState) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(string(f)), 0o700); err != nil {
		return err
	}
	return keyfile.ReplaceFile(string(f), append(b, '\n'))
}
