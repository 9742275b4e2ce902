package memory

import (
	"container/heap"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// expiryHeap orders every entry by until, soonest first, so that expired
// records and tombstones leave the store (and the limits) exactly when
// they expire, without scanning the live ones.
type expiryHeap []*entry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].until.Before(h[j].until) }
func (h expiryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].heapIndex, h[j].heapIndex = i, j
}
func (h *expiryHeap) Push(x any) {
	e := x.(*entry)
	e.heapIndex = len(*h)
	*h = append(*h, e)
}
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}

// Sweep removes the records and tombstones that are not live at now, so
// a long-running process does not keep them. Apply sweeps on its own;
// Sweep is for a process that reads far more than it publishes.
func (s *Store) Sweep(now time.Time) (removed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sweepLocked(now)
}

func (s *Store) sweepLocked(now time.Time) (removed int) {
	for len(s.expiring) > 0 && !s.expiring[0].until.After(now) {
		s.remove(s.expiring[0])
		removed++
	}
	return removed
}

// remove takes e out of every index and releases its share of the limits.
func (s *Store) remove(e *entry) {
	heap.Remove(&s.expiring, e.heapIndex)
	s.release(e)
	atLocator := s.entries[e.locator]
	delete(atLocator, e.courier)
	if len(atLocator) > 0 {
		return
	}
	delete(s.entries, e.locator)
	b := crypto.Bucket(e.locator[:], s.limits.BucketBits)
	delete(s.buckets[b], e.locator)
	if len(s.buckets[b]) == 0 {
		delete(s.buckets, b)
	}
}
