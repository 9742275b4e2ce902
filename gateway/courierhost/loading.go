package courierhost

import (
	"context"
	"sync"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/gateway/api"
)

// Backlog is an optional ability of a Publisher that acknowledges records
// before the gateway has them, as the durable outbox does: Watermark
// returns a function that reports whether every record handed to Publish
// before Watermark was called has reached the gateway since (stored or
// stale), or will never be sent (expired). A record the gateway refused
// has not reached it. The host asks it to tell when its first records are
// out (Loading).
type Backlog interface {
	Watermark() (reached func() bool)
}

// loadState follows a run of the host from its start until its first
// records are out (docs/protocol.md §7.1, §8).
type loadState struct {
	mu    sync.Mutex
	start time.Time
	done  bool
	// In push mode, once the index is built and the adapter is done
	// loading: the queue's mark then, and the publisher's watermark once
	// the queue has handed over everything up to the mark.
	marked  bool
	mark    uint64
	backlog func() bool
}

// reset starts a new run: loading again.
func (s *loadState) reset(start time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.start, s.done = start, false
	s.marked, s.mark, s.backlog = false, 0, nil
}

// Loading reports whether the host is still publishing its first records
// (docs/protocol.md §7.1, §8): from its start until Run has built the
// index, the adapter is no longer loading (adapters.Loader: a watchlist
// that has asked its carrier about every parcel once) and, in push mode,
// every record queued by then has reached the gateway — through the
// publisher's backlog too, when it has one (Backlog). Once false it stays
// false until Run returns. It says one thing about the whole courier,
// nothing about any parcel.
func (h *Host) Loading() bool {
	s := &h.load
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return false
	}
	if !h.Ready() {
		return true
	}
	if l, ok := h.cfg.Source.(adapters.Loader); ok && l.Loading() {
		return true
	}
	if h.queue != nil {
		if !s.marked {
			s.mark, s.marked = h.queue.mark(), true
		}
		if h.queue.holdsFrom(s.mark) {
			return true
		}
		if b, ok := h.cfg.Publisher.(Backlog); ok {
			if s.backlog == nil {
				s.backlog = b.Watermark()
			}
			if !s.backlog() {
				return true
			}
		}
	}
	s.done = true
	h.cfg.Logger.Info("first records out; the host is no longer loading",
		"duration", time.Since(s.start).Round(time.Millisecond))
	return false
}

// KeysAnswer is the answer of GET /tg1/keys: the keys, their statements
// and the courier's signing-key statements (KeyStatements), and whether
// the host is still loading (api.KeysAnswerer).
func (h *Host) KeysAnswer(context.Context) (api.KeysResponse, error) {
	ks := h.keys.Load()
	statements, signingKeys, err := h.statementsOf(ks)
	if err != nil {
		return api.KeysResponse{}, err
	}
	return api.KeysResponse{Keys: listKeys(*ks), Statements: statements, SigningKeys: signingKeys, Loading: h.Loading()}, nil
}
