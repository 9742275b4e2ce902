package simulator

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Defaults of Config.
const (
	DefaultParcelsPerCourier = 3000
	DefaultTickInterval      = time.Second
)

// DefaultStart is the simulated epoch when Config.Start is zero: a
// Monday morning in China, when couriers are out delivering.
func DefaultStart() time.Time { return time.Date(2026, time.June, 1, 10, 0, 0, 0, chinaTime) }

// Config says which world to simulate and how fast its clock runs.
type Config struct {
	// Seed determines every parcel: equal seeds (and ParcelsPerCourier
	// and Start) give equal worlds.
	Seed int64
	// ParcelsPerCourier is the size of each courier's random population,
	// DefaultParcelsPerCourier when zero or negative; the DemoParcels come
	// on top.
	ParcelsPerCourier int
	// Start is the simulated time when the wall clock reads WallStart,
	// DefaultStart() when zero.
	Start time.Time
	// Speed is how many simulated seconds pass per wall-clock second: 1
	// is real time, the demo runs at 600. Zero or less means 1.
	Speed float64
	// Now is the wall clock, time.Now when nil; tests inject a fake one.
	// It must be safe for concurrent use.
	Now func() time.Time
	// WallStart is the wall-clock time at which the simulated clock reads
	// Start; Now() at NewWorld when zero. Worlds that simulate the
	// couriers of one deployment in separate processes share a clock only
	// when they share WallStart.
	WallStart time.Time
	// TickInterval is how often (wall time) Source.Watch looks at the
	// simulated clock, DefaultTickInterval when zero or negative.
	TickInterval time.Duration
}

// World is the simulated couriers with all their parcels, generated once by
// NewWorld and read-only afterwards, so it is safe for concurrent use.
type World struct {
	start     time.Time
	wallStart time.Time
	speed     float64
	now       func() time.Time
	tick      time.Duration
	fleets    [courierCount]fleet
}

// NewWorld generates the world that cfg describes.
func NewWorld(cfg Config) *World {
	if cfg.ParcelsPerCourier <= 0 {
		cfg.ParcelsPerCourier = DefaultParcelsPerCourier
	}
	if cfg.Start.IsZero() {
		cfg.Start = DefaultStart()
	}
	if !(cfg.Speed > 0) || math.IsInf(cfg.Speed, 1) {
		cfg.Speed = 1
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.WallStart.IsZero() {
		cfg.WallStart = cfg.Now()
	}
	if cfg.TickInterval <= 0 {
		cfg.TickInterval = DefaultTickInterval
	}
	return &World{
		start:     cfg.Start,
		wallStart: cfg.WallStart,
		speed:     cfg.Speed,
		now:       cfg.Now,
		tick:      cfg.TickInterval,
		fleets:    generate(cfg.Seed, cfg.ParcelsPerCourier, cfg.Start),
	}
}

// SimNow is the current simulated time: Start plus the wall time elapsed
// since WallStart, times Speed.
func (w *World) SimNow() time.Time {
	elapsed := float64(w.now().Sub(w.wallStart)) * w.speed
	// Clamp rather than overflow: at high speeds a long-running demo runs
	// past what a Duration holds (292 years).
	const limit = float64(math.MaxInt64 - 1<<10) // the largest float64 below 2^63
	elapsed = max(min(elapsed, limit), -limit)
	return w.start.Add(time.Duration(elapsed))
}

// ErrUnknownCourier is returned for a courier id the simulator does not have.
var ErrUnknownCourier = errors.New("unknown simulated courier")

// Source returns the adapter of one simulated courier, by id (SwiftID,
// PandaID or GlobalID).
func (w *World) Source(courierID string) (*Source, error) {
	c, ok := courierByID(courierID)
	if !ok {
		return nil, fmt.Errorf("%w %q; want one of %s", ErrUnknownCourier, courierID, strings.Join(courierIDs(), ", "))
	}
	return &Source{world: w, courier: c}, nil
}

func courierIDs() []string {
	ids := make([]string, 0, courierCount)
	for _, p := range Profiles() {
		ids = append(ids, p.ID)
	}
	return ids
}
