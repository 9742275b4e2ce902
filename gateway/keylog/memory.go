package keylog

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"sync"

	"golang.org/x/mod/sumdb/tlog"
)

// Memory is Storage in this process: the log of the embedded default,
// lost when the process stops.
type Memory struct {
	mu      sync.RWMutex
	entries [][]byte
	hashes  []tlog.Hash
	index   map[[sha256.Size]byte]int64
	cosigs  map[string]Cosignature
}

var _ Storage = (*Memory)(nil)

// NewMemory returns an empty Memory.
func NewMemory() *Memory {
	return &Memory{index: map[[sha256.Size]byte]int64{}, cosigs: map[string]Cosignature{}}
}

// Size implements Storage.
func (m *Memory) Size(context.Context) (int64, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return int64(len(m.entries)), nil
}

// Entries implements Storage.
func (m *Memory) Entries(_ context.Context, start, end int64) ([][]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if start < 0 || end < start || end > int64(len(m.entries)) {
		return nil, fmt.Errorf("%w: entries [%d, %d) of %d", ErrRange, start, end, len(m.entries))
	}
	out := make([][]byte, 0, end-start)
	for _, e := range m.entries[start:end] {
		out = append(out, slices.Clone(e))
	}
	return out, nil
}

// ReadHashes implements Storage.
func (m *Memory) ReadHashes(_ context.Context, indexes []int64) ([]tlog.Hash, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.readHashes(indexes)
}

// readHashes reads hashes with m.mu held.
func (m *Memory) readHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m.hashes)) {
			return nil, fmt.Errorf("%w: stored hash %d of %d", ErrRange, x, len(m.hashes))
		}
		out[i] = m.hashes[x]
	}
	return out, nil
}

// IndexOf implements Storage.
func (m *Memory) IndexOf(_ context.Context, entry []byte) (int64, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	i, ok := m.index[sha256.Sum256(entry)]
	if !ok {
		return 0, ErrNotFound
	}
	return i, nil
}

// Append implements Storage.
func (m *Memory) Append(_ context.Context, entry []byte) (int64, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id := sha256.Sum256(entry)
	if i, ok := m.index[id]; ok {
		return i, false, nil
	}
	n := int64(len(m.entries))
	hashes, err := tlog.StoredHashes(n, entry, tlog.HashReaderFunc(m.readHashes))
	if err != nil {
		return 0, false, fmt.Errorf("hash entry %d: %w", n, err)
	}
	m.entries = append(m.entries, slices.Clone(entry))
	m.hashes = append(m.hashes, hashes...)
	m.index[id] = n
	return n, true, nil
}

// PutCosignature implements Storage.
func (m *Memory) PutCosignature(_ context.Context, witness string, c Cosignature) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.cosigs[witness]; !ok || old.Size <= c.Size {
		m.cosigs[witness] = c
	}
	return nil
}

// Cosignatures implements Storage.
func (m *Memory) Cosignatures(context.Context) (map[string]Cosignature, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make(map[string]Cosignature, len(m.cosigs))
	for w, c := range m.cosigs {
		out[w] = c
	}
	return out, nil
}
