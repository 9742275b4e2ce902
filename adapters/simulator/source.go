package simulator

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// Source is one simulated courier as an adapter: it looks parcels up,
// lists the live ones and watches them change as the simulated clock runs.
type Source struct {
	world   *World
	courier courier
}

var (
	_ adapters.Source  = (*Source)(nil)
	_ adapters.Lister  = (*Source)(nil)
	_ adapters.Watcher = (*Source)(nil)
)

// Profile is the directory entry of this courier.
func (s *Source) Profile() Profile { return s.courier.profile() }

// World is the world this courier belongs to, for the demo's samples and
// the simulated clock.
func (s *Source) World() *World { return s.world }

func (s *Source) fleet() *fleet { return &s.world.fleets[s.courier] }

// Lookup returns the parcel ref names as it is now on the simulated
// clock. A parcel whose first event is still in the future is not found,
// like one that does not exist. The simulator knows every parcel's
// factors itself and ignores ref.Factors.
func (s *Source) Lookup(ctx context.Context, ref adapters.ParcelRef) (adapters.Parcel, error) {
	if err := ctx.Err(); err != nil {
		return adapters.Parcel{}, err
	}
	f := s.fleet()
	i, ok := f.byNumber[ref.TrackingNumber]
	if !ok {
		return adapters.Parcel{}, fmt.Errorf("%s: %w", s.courier.profile().ID, adapters.ErrNotFound)
	}
	p := &f.parcels[i]
	k := p.visible(s.world.SimNow())
	if k == 0 {
		return adapters.Parcel{}, fmt.Errorf("%s: %w", s.courier.profile().ID, adapters.ErrNotFound)
	}
	return s.world.parcelAt(s.courier, p, k), nil
}

// Parcels yields every live parcel: one that has had an event, the last of
// them at most 30 simulated days ago.
func (s *Source) Parcels(ctx context.Context, yield func(adapters.Parcel) bool) error {
	now := s.world.SimNow()
	f := s.fleet()
	for i := range f.parcels {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := &f.parcels[i]
		if k := p.visible(now); p.live(k, now) {
			if !yield(s.world.parcelAt(s.courier, p, k)) {
				return nil
			}
		}
	}
	return nil
}

// Watch looks at the simulated clock every Config.TickInterval and calls
// changed with the current state of each parcel that has had new events
// since the last look (or since Watch began), oldest news first. It
// returns ctx's error when ctx ends.
func (s *Source) Watch(ctx context.Context, changed func(adapters.Parcel)) error {
	f := s.fleet()
	versions := make([]int, len(f.parcels))
	now := s.world.SimNow()
	for i := range f.parcels {
		versions[i] = f.parcels[i].visible(now)
	}
	ticker := time.NewTicker(s.world.tick)
	defer ticker.Stop()
	var rose []int
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
		}
		now := s.world.SimNow()
		rose = rose[:0]
		for i := range f.parcels {
			// A clock set back (only a fake one) never lowers a version.
			if k := f.parcels[i].visible(now); k > versions[i] {
				versions[i] = k
				rose = append(rose, i)
			}
		}
		slices.SortFunc(rose, func(a, b int) int {
			return cmp.Or(
				cmp.Compare(f.parcels[a].events[versions[a]-1].at, f.parcels[b].events[versions[b]-1].at),
				cmp.Compare(a, b))
		})
		for _, i := range rose {
			if err := ctx.Err(); err != nil {
				return err
			}
			changed(s.world.parcelAt(s.courier, &f.parcels[i], versions[i]))
		}
	}
}
