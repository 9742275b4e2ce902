package outbox

import (
	"sync"

	bolt "go.etcd.io/bbolt"

	"github.com/trackgate/trackgate/gateway/courierhost"
)

var _ courierhost.Backlog = (*Outbox)(nil)

// Watermark implements courierhost.Backlog: the function it returns
// reports whether every record pending now has left the outbox since —
// acknowledged by the gateway, or dropped as expired. A locator whose
// record was replaced by a newer one meanwhile counts once the newer one
// has left. The courier host asks it to tell when its first records are
// out (docs/protocol.md §8). While the file cannot be read, the records
// are taken as still pending.
func (o *Outbox) Watermark() func() bool {
	w := &watermark{o: o}
	w.taken = w.take() == nil
	return w.reached
}

// watermark is the locators pending when it was taken that have not left
// the outbox yet, in key order: the order Run sends them in.
type watermark struct {
	o       *Outbox
	mu      sync.Mutex
	taken   bool
	waiting [][]byte
}

func (w *watermark) take() error {
	return w.o.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(pendingBucket).ForEach(func(k, _ []byte) error {
			w.waiting = append(w.waiting, append([]byte(nil), k...))
			return nil
		})
	})
}

func (w *watermark) reached() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.taken {
		// Taken late, it waits for more than it had to: never for less.
		w.waiting = nil
		if w.take() != nil {
			return false
		}
		w.taken = true
	}
	err := w.o.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(pendingBucket)
		// The first locator still pending ends the pass: the others
		// most likely wait behind it.
		for len(w.waiting) > 0 && b.Get(w.waiting[0]) == nil {
			w.waiting = w.waiting[1:]
		}
		return nil
	})
	return err == nil && len(w.waiting) == 0
}
