package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
)

// The state file's buckets. Their names carry a format version so that a
// later layout can live beside them.
var (
	// parcelsBucket maps a normalized tracking number to the JSON of its
	// parcelState.
	parcelsBucket = []byte("webhook-parcels-v1")
	// metaBucket holds metaCourier, the courier the file belongs to.
	metaBucket  = []byte("webhook-meta-v1")
	metaCourier = []byte("courier")
)

// lockTimeout bounds the wait for the state file's lock: another process
// holding it is a second courier host on the same file, a mistake to
// report rather than wait for.
const lockTimeout = 2 * time.Second

// parcelState is one parcel as the state file keeps it.
type parcelState struct {
	// Factors are the parcel's second factors, in the order first given.
	Factors []string `json:"factors,omitempty"`
	// Events are oldest first; events at the same instant keep the order
	// in which they arrived.
	Events []storedEvent `json:"events,omitempty"`
	// Base is the version the parcel had when it was last dropped: a
	// parcel given events again continues above it.
	Base uint64 `json:"base,omitempty"`
	// ChangedAt is the wall-clock time of the last change, for retention.
	ChangedAt time.Time `json:"changed_at"`
}

// storedEvent is one accepted event, validated and scrubbed.
type storedEvent struct {
	Time        time.Time          `json:"time"`
	Status      adapters.Status    `json:"status"`
	Substatus   string             `json:"substatus,omitempty"`
	Description string             `json:"description"`
	Location    *adapters.Location `json:"location,omitempty"`
	ETA         *adapters.ETA      `json:"eta,omitempty"`
	Handoff     *adapters.Handoff  `json:"handoff,omitempty"`
}

// version is the parcel's version (docs/protocol.md §5).
func (p *parcelState) version() uint64 { return p.Base + uint64(len(p.Events)) }

// final reports whether the parcel's latest event is final.
func (p *parcelState) final() bool {
	return len(p.Events) > 0 && p.Events[len(p.Events)-1].Status.Final()
}

// expired reports whether the parcel is past its retention at now: final
// or without events, and unchanged for retention.
func (p *parcelState) expired(now time.Time, retention time.Duration) bool {
	return (len(p.Events) == 0 || p.final()) && !p.ChangedAt.Add(retention).After(now)
}

// live reports whether the parcel has a view to publish at now.
func (p *parcelState) live(now time.Time, retention time.Duration) bool {
	return len(p.Events) > 0 && !p.expired(now, retention)
}

// add inserts e after every event not later than it, unless an equal
// event is stored already; it reports whether it inserted.
func (p *parcelState) add(e storedEvent) bool {
	for _, old := range p.Events {
		if old.Time.Equal(e.Time) && old.Status == e.Status && old.Description == e.Description {
			return false
		}
	}
	i, _ := slices.BinarySearchFunc(p.Events, e.Time, func(old storedEvent, t time.Time) int {
		if old.Time.After(t) {
			return 1
		}
		return -1 // equal times sort before the newcomer
	})
	p.Events = slices.Insert(p.Events, i, e)
	return true
}

// addFactors adds the factors p lacks and reports whether it added any.
func (p *parcelState) addFactors(factors []string) bool {
	added := false
	for _, f := range factors {
		if !slices.Contains(p.Factors, f) {
			p.Factors = append(p.Factors, f)
			added = true
		}
	}
	return added
}

// store is the state file.
type store struct {
	db *bolt.DB
}

// openStore opens (creating it with mode 0600) the state file at path for
// courier, refusing a file that belongs to another courier.
func openStore(path, courier string) (*store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("open state file %s: another process holds it (is a second courier host running?)", path)
		}
		return nil, fmt.Errorf("open state file %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(parcelsBucket); err != nil {
			return err
		}
		meta, err := tx.CreateBucketIfNotExists(metaBucket)
		if err != nil {
			return err
		}
		switch owner := meta.Get(metaCourier); {
		case owner == nil:
			return meta.Put(metaCourier, []byte(courier))
		case string(owner) != courier:
			return fmt.Errorf("%w: the state file holds the events of courier %q, not %q", ErrConfig, owner, courier)
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open state file %s: %w", path, err)
	}
	return &store{db: db}, nil
}

func (s *store) close() error { return s.db.Close() }

// errRefused rolls back a transaction whose request broke a rule that
// depends on what is stored; the problems say which.
var errRefused = errors.New("request refused")

// ingestResult is what ingest did.
type ingestResult struct {
	stored, duplicates int
	parcels            int
	changed            []string // tracking numbers whose parcel changed
}

// ingest stores a validated batch in one transaction, committed to disk
// before it returns. A rule broken by the batch together with what is
// stored (too many events or factors for a parcel, a parcel left without
// the factor the courier requires) refuses all of it: it returns the
// problems and stores nothing.
func (s *store) ingest(events []event, factorKind string, now time.Time) (ingestResult, *problems, error) {
	var res ingestResult
	var refused problems
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(parcelsBucket)
		parcels := map[string]*parcelState{}
		first := map[string]int{} // tracking number → index of its first event
		var order []string
		for i, ev := range events {
			p, ok := parcels[ev.TrackingNumber]
			if !ok {
				var err error
				if p, err = getState(b, ev.TrackingNumber); err != nil {
					return err
				}
				if p == nil {
					p = &parcelState{}
				}
				parcels[ev.TrackingNumber], first[ev.TrackingNumber] = p, i
				order = append(order, ev.TrackingNumber)
			}
			changed := p.addFactors(ev.Factors)
			if p.add(ev.stored) {
				res.stored++
				changed = true
				if len(p.Events) > MaxEventsPerParcel {
					refused.add(fmt.Sprintf("/events/%d", i), "would give its parcel more than %d events", MaxEventsPerParcel)
				}
			} else {
				res.duplicates++
			}
			if len(p.Factors) > MaxFactorsPerParcel {
				refused.add(fmt.Sprintf("/events/%d/factors", i), "would give its parcel more than %d factors", MaxFactorsPerParcel)
			}
			if changed {
				p.ChangedAt = now
				if !slices.Contains(res.changed, ev.TrackingNumber) {
					res.changed = append(res.changed, ev.TrackingNumber)
				}
			}
		}
		for _, tn := range order {
			if factorKind == crypto.FactorPhoneLast4 && len(parcels[tn].Factors) == 0 {
				refused.add(fmt.Sprintf("/events/%d/factors", first[tn]), "is required: the parcel has no second factor yet and this courier requires one (the last 4 digits of a phone number)")
			}
		}
		if refused.total > 0 {
			return errRefused
		}
		for _, tn := range res.changed {
			if err := putState(b, tn, parcels[tn]); err != nil {
				return err
			}
		}
		res.parcels = len(order)
		return nil
	})
	switch {
	case errors.Is(err, errRefused):
		return ingestResult{}, &refused, nil
	case err != nil:
		return ingestResult{}, nil, fmt.Errorf("store events: %w", err)
	}
	return res, nil, nil
}

// setFactors replaces a parcel's factors, creating the parcel (with no
// events yet) if need be, and reports whether they changed. It refuses to
// leave a parcel with events but without the factor the courier requires.
func (s *store) setFactors(tn string, factors []string, factorKind string, now time.Time) (bool, *problems, error) {
	var refused problems
	changed := false
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(parcelsBucket)
		p, err := getState(b, tn)
		if err != nil {
			return err
		}
		if p == nil {
			p = &parcelState{}
		}
		if factorKind == crypto.FactorPhoneLast4 && len(factors) == 0 && len(p.Events) > 0 {
			refused.add("/factors", "must not be empty: the parcel has events and this courier requires a second factor; drop the parcel instead")
			return errRefused
		}
		if slices.Equal(p.Factors, factors) && b.Get([]byte(tn)) != nil {
			return nil
		}
		p.Factors, p.ChangedAt, changed = slices.Clone(factors), now, true
		return putState(b, tn, p)
	})
	switch {
	case errors.Is(err, errRefused):
		return false, &refused, nil
	case err != nil:
		return false, nil, fmt.Errorf("store factors: %w", err)
	}
	return changed, nil, nil
}

// drop removes a parcel's events and factors, keeping its version as the
// base of any later one; it reports whether the parcel had any.
func (s *store) drop(tn string, now time.Time) (bool, error) {
	dropped := false
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(parcelsBucket)
		p, err := getState(b, tn)
		if err != nil || p == nil || (len(p.Events) == 0 && len(p.Factors) == 0) {
			return err
		}
		dropped = true
		return putState(b, tn, &parcelState{Base: p.version(), ChangedAt: now})
	})
	if err != nil {
		return false, fmt.Errorf("drop parcel: %w", err)
	}
	return dropped, nil
}

// get returns the parcel stored under tn, or nil.
func (s *store) get(tn string) (*parcelState, error) {
	var p *parcelState
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		p, err = getState(tx.Bucket(parcelsBucket), tn)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read parcel: %w", err)
	}
	return p, nil
}

// storedParcel is a parcel and its tracking number.
type storedParcel struct {
	tn    string
	state *parcelState
}

// scan returns up to n parcels whose tracking numbers sort after after
// ("" for the first), in order. Callers page through the file with it so
// that no read transaction stays open while they work: a long one would
// hold up writers that need to grow the file.
func (s *store) scan(after string, n int) ([]storedParcel, error) {
	var out []storedParcel
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(parcelsBucket).Cursor()
		k, v := c.Seek([]byte(after))
		if k != nil && string(k) == after {
			k, v = c.Next()
		}
		for ; k != nil && len(out) < n; k, v = c.Next() {
			var p parcelState
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("a parcel does not decode: %w", err)
			}
			out = append(out, storedParcel{tn: string(k), state: &p})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scan parcels: %w", err)
	}
	return out, nil
}

// prune deletes the parcels past their retention at now and returns how
// many it deleted.
func (s *store) prune(now time.Time, retention time.Duration) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(parcelsBucket).Cursor()
		for k, v := c.First(); k != nil; {
			var p parcelState
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("a parcel does not decode: %w", err)
			}
			if !p.expired(now, retention) {
				k, v = c.Next()
				continue
			}
			// k points into the file's pages, which Delete may change.
			deleted := slices.Clone(k)
			if err := c.Delete(); err != nil {
				return err
			}
			n++
			// Delete leaves the cursor on the next item only sometimes;
			// seeking to where the deleted key was is always right.
			k, v = c.Seek(deleted)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("prune parcels: %w", err)
	}
	return n, nil
}

func getState(b *bolt.Bucket, tn string) (*parcelState, error) {
	v := b.Get([]byte(tn))
	if v == nil {
		return nil, nil
	}
	var p parcelState
	if err := json.Unmarshal(v, &p); err != nil {
		return nil, fmt.Errorf("a parcel does not decode: %w", err)
	}
	return &p, nil
}

func putState(b *bolt.Bucket, tn string, p *parcelState) error {
	v, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode parcel: %w", err)
	}
	return b.Put([]byte(tn), v)
}
