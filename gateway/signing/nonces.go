package signing

import (
	"context"
	"errors"
	"sync"
	"time"
)

// NonceStore remembers the (key id, nonce) pairs of verified requests.
// It lives here, beside the Verifier that is its only user, so the
// replay guard is part of verifying; the Redis store is a package of its
// own (signing/redisnonce) so a courier host's verifier does not depend
// on a Redis client.
type NonceStore interface {
	// Seen records (keyID, nonce) for ttl and reports whether it was
	// already recorded within the last ttl. An error means the store
	// could not tell: the caller refuses the request.
	Seen(ctx context.Context, keyID, nonce string, ttl time.Duration) (bool, error)
}

// ErrNonceStoreFull is returned by MemoryNonces.Seen when it holds its
// maximum of unexpired pairs.
var ErrNonceStoreFull = errors.New("nonce store is full")

// DefaultMaxNonces bounds a MemoryNonces: at 600 s per pair, it holds the
// requests of about 1,700 a second. Only correctly signed requests are
// recorded, so only holders of a registered key can fill it.
const DefaultMaxNonces = 1 << 20

// MemoryNonces is a NonceStore in this process's memory, bounded and
// expiring. It is safe for concurrent use.
type MemoryNonces struct {
	mu    sync.Mutex
	max   int
	now   func() time.Time
	until map[string]time.Time
	// order holds the keys in the order they were recorded; with one ttl
	// for every pair it is also the order they expire in.
	order []nonceEntry
	head  int // order[:head] have expired
}

type nonceEntry struct {
	key   string
	until time.Time
}

// NewMemoryNonces returns an empty store holding at most max pairs
// (DefaultMaxNonces when max <= 0); now is its clock (nil: time.Now).
func NewMemoryNonces(max int, now func() time.Time) *MemoryNonces {
	if max <= 0 {
		max = DefaultMaxNonces
	}
	if now == nil {
		now = time.Now
	}
	return &MemoryNonces{max: max, now: now, until: map[string]time.Time{}}
}

// Seen implements NonceStore.
func (m *MemoryNonces) Seen(_ context.Context, keyID, nonce string, ttl time.Duration) (bool, error) {
	now := m.now()
	key := keyID + "\x00" + nonce
	m.mu.Lock()
	defer m.mu.Unlock()
	m.expire(now)
	if until, ok := m.until[key]; ok && now.Before(until) {
		return true, nil
	}
	if len(m.until) >= m.max {
		return false, ErrNonceStoreFull
	}
	until := now.Add(ttl)
	m.until[key] = until
	m.order = append(m.order, nonceEntry{key: key, until: until})
	return false, nil
}

// expire drops the pairs whose time is up, oldest first. The queue is
// compacted once half of it is spent, so each pair is copied O(1) times.
func (m *MemoryNonces) expire(now time.Time) {
	for m.head < len(m.order) && !now.Before(m.order[m.head].until) {
		e := m.order[m.head]
		if m.until[e.key].Equal(e.until) {
			delete(m.until, e.key)
		}
		m.order[m.head] = nonceEntry{}
		m.head++
	}
	if m.head > 0 && m.head >= len(m.order)/2 {
		m.order = append(m.order[:0], m.order[m.head:]...)
		m.head = 0
	}
}

// Len reports how many pairs the store holds.
func (m *MemoryNonces) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.until)
}
