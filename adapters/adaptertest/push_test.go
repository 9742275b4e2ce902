package adaptertest

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/scrub"
	"github.com/trackgate/trackgate/crypto"
)

// memoryPush is a push adapter kept in memory. Its defects, all off by
// default, are the mistakes RunPush must catch.
type memoryPush struct {
	courier string
	defects pushDefects

	mu      sync.Mutex
	parcels map[string]*memoryParcel
}

type pushDefects struct {
	noValidation   bool // accepts any status
	partialStore   bool // stores a batch's good events before refusing it
	noDedupe       bool // stores a repeated event again
	lastPushedWins bool // takes the status of the event pushed last
	noScrub        bool // keeps descriptions as pushed
	vagueRefusal   bool // refuses without naming the field
}

type memoryParcel struct {
	factors    []string
	events     []adapters.Event
	lastPushed adapters.Status
}

func newMemoryPush(d pushDefects) *memoryPush {
	return &memoryPush{courier: "acme-post", defects: d, parcels: map[string]*memoryParcel{}}
}

var isoCountry = regexp.MustCompile(`^[A-Z]{2}$`)

func (m *memoryPush) push(ctx context.Context, events []PushEvent) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	type valid struct {
		tn string
		at time.Time
		e  PushEvent
	}
	var good []valid
	var problems []string
	for i, e := range events {
		tn, err := crypto.NormalizeTrackingNumber(e.TrackingNumber)
		at, terr := time.Parse(time.RFC3339, e.Time)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("events[%d].tracking_number does not normalize", i))
		case terr != nil:
			problems = append(problems, fmt.Sprintf("events[%d].time is not RFC 3339 with an offset", i))
		case !adapters.Status(e.Status).Valid() && !m.defects.noValidation:
			problems = append(problems, fmt.Sprintf("events[%d].status is not a tg1 status", i))
		case e.Location != nil && e.Location.Country != "" && !isoCountry.MatchString(e.Location.Country):
			problems = append(problems, fmt.Sprintf("events[%d].location.country is not ISO 3166-1 alpha-2", i))
		default:
			good = append(good, valid{tn, at, e})
		}
	}
	if len(problems) == 0 || m.defects.partialStore {
		for _, v := range good {
			m.store(v.tn, v.e.Factors, v.at, v.e)
		}
	}
	switch {
	case len(problems) > 0 && m.defects.vagueRefusal:
		return errors.New("bad request")
	case len(problems) > 0:
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

func (m *memoryPush) store(tn string, factors []string, at time.Time, e PushEvent) {
	p := m.parcels[tn]
	if p == nil {
		p = &memoryParcel{}
		m.parcels[tn] = p
	}
	for _, f := range factors {
		if !slices.Contains(p.factors, f) {
			p.factors = append(p.factors, f)
		}
	}
	description := e.Description
	if !m.defects.noScrub {
		description = scrub.Text(description)
	}
	ev := adapters.Event{Time: at, Status: adapters.Status(e.Status), Description: description, Location: e.Location}
	p.lastPushed = ev.Status
	if !m.defects.noDedupe && slices.ContainsFunc(p.events, func(old adapters.Event) bool {
		return old.Time.Equal(ev.Time) && old.Status == ev.Status && old.Description == ev.Description
	}) {
		return
	}
	p.events = append(p.events, ev)
	slices.SortStableFunc(p.events, func(a, b adapters.Event) int { return a.Time.Compare(b.Time) })
}

func (m *memoryPush) Lookup(ctx context.Context, ref adapters.ParcelRef) (adapters.Parcel, error) {
	if err := ctx.Err(); err != nil {
		return adapters.Parcel{}, fmt.Errorf("memory: %w", err)
	}
	tn, err := crypto.NormalizeTrackingNumber(ref.TrackingNumber)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("memory: %w", adapters.ErrNotFound)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.parcels[tn]
	if p == nil || len(ref.Factors) > 0 && !slices.ContainsFunc(ref.Factors, func(f string) bool { return slices.Contains(p.factors, f) }) {
		return adapters.Parcel{}, fmt.Errorf("memory: %w", adapters.ErrNotFound)
	}
	return m.parcel(tn, p), nil
}

func (m *memoryPush) parcel(tn string, p *memoryParcel) adapters.Parcel {
	latest := p.events[len(p.events)-1]
	v := adapters.View{Courier: m.courier, TrackingNumber: tn, Status: latest.Status,
		Events: slices.Clone(p.events), UpdatedAt: latest.Time}
	if m.defects.lastPushedWins {
		v.Status = p.lastPushed
	}
	return adapters.Parcel{Factors: slices.Clone(p.factors), Version: uint64(len(p.events)), View: v}
}

func (m *memoryPush) Parcels(ctx context.Context, yield func(adapters.Parcel) bool) error {
	m.mu.Lock()
	var all []adapters.Parcel
	for tn, p := range m.parcels {
		all = append(all, m.parcel(tn, p))
	}
	m.mu.Unlock()
	for _, p := range all {
		if !yield(p) {
			return nil
		}
	}
	return ctx.Err()
}

func pushHarness(d pushDefects, factors bool) (PushHarness, *memoryPush) {
	m := newMemoryPush(d)
	return PushHarness{
		Courier: m.courier,
		Factors: factors,
		Open:    func(*testing.T) (adapters.Source, Push) { return m, m.push },
	}, m
}

func TestRunPushPassesAConformingPushAdapter(t *testing.T) {
	for _, factors := range []bool{false, true} {
		t.Run(fmt.Sprintf("factors=%v", factors), func(t *testing.T) {
			h, _ := pushHarness(pushDefects{}, factors)
			RunPush(t, h)
		})
	}
}

// seeded returns a push adapter with defects d holding the kit's found
// parcel, pushed newest first.
func seeded(t *testing.T, d pushDefects) (PushHarness, *memoryPush, time.Time) {
	t.Helper()
	h, m := pushHarness(d, false)
	now := time.Now()
	history := h.history(pushFound, now)
	slices.Reverse(history)
	if err := m.push(context.Background(), history); err != nil {
		t.Fatal(err)
	}
	return h, m, now
}

func TestRunPushChecksCatchDefects(t *testing.T) {
	ref := adapters.ParcelRef{TrackingNumber: pushFound}
	refusal := func(name string) malformedPush {
		i := slices.IndexFunc(malformedPushes, func(m malformedPush) bool { return m.name == name })
		return malformedPushes[i]
	}
	cases := []struct {
		name  string
		d     pushDefects
		check func(t *testing.T, h PushHarness, m *memoryPush, now time.Time) error
		want  string
	}{
		{"malformed status accepted", pushDefects{noValidation: true},
			func(t *testing.T, h PushHarness, m *memoryPush, now time.Time) error {
				return checkRefusal(t, m, m.push, h, now, refusal("StatusOutsideTheTaxonomy"))
			}, "accepted"},
		{"refused batch half stored", pushDefects{partialStore: true},
			func(t *testing.T, h PushHarness, m *memoryPush, now time.Time) error {
				return checkRefusal(t, m, m.push, h, now, refusal("TimeWithoutOffset"))
			}, "changed the parcel"},
		{"refusal that names nothing", pushDefects{vagueRefusal: true},
			func(t *testing.T, h PushHarness, m *memoryPush, now time.Time) error {
				return checkRefusal(t, m, m.push, h, now, refusal("CountryNotISO"))
			}, "does not name"},
		{"repeat stored twice", pushDefects{noDedupe: true},
			func(t *testing.T, h PushHarness, m *memoryPush, now time.Time) error {
				return checkRepeatIsStable(t, m, m.push, ref, h.history(pushFound, now)[1:3])
			}, "version"},
		{"late older event wins", pushDefects{lastPushedWins: true},
			func(t *testing.T, h PushHarness, m *memoryPush, now time.Time) error {
				return checkOutOfOrder(t, m, m.push, h, now)
			}, "moved the status"},
		{"personal data kept", pushDefects{noScrub: true},
			func(t *testing.T, h PushHarness, m *memoryPush, now time.Time) error {
				p, err := m.Lookup(context.Background(), ref)
				if err != nil {
					return err
				}
				return checkPushedParcel(p, h, ref, h.history(pushFound, now))
			}, "personal data"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, m, now := seeded(t, tc.d)
			err := tc.check(t, h, m, now)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("check = %v; want an error about %q", err, tc.want)
			}
			// The same check passes without the defect.
			h, m, now = seeded(t, pushDefects{})
			if err := tc.check(t, h, m, now); err != nil {
				t.Fatalf("without the defect: %v", err)
			}
		})
	}
}
