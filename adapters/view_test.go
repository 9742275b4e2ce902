package adapters

import (
	"errors"
	"testing"
	"time"
)

func TestViewCheck(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 14, 3, 11, 0, time.FixedZone("CST", 8*3600))
	valid := func() View {
		return View{
			Courier: "sim-swift", TrackingNumber: "SW123456789012", Status: StatusInTransit,
			Events: []Event{
				{Time: t0, Status: StatusInfoReceived, Description: "label"},
				{Time: t0.Add(time.Hour), Status: StatusInTransit, Description: "hub"},
			},
			UpdatedAt: t0.Add(time.Hour),
		}
	}
	cases := []struct {
		name string
		edit func(*View)
		ok   bool
	}{
		{"valid", func(*View) {}, true},
		{"no courier", func(v *View) { v.Courier = "" }, false},
		{"unknown status", func(v *View) { v.Status = "lost" }, false},
		{"unknown event status", func(v *View) { v.Events[1].Status = "teleported" }, false},
		{"events out of order", func(v *View) { v.Events[0].Time = t0.Add(2 * time.Hour) }, false},
		{"event without time", func(v *View) { v.Events[0].Time = time.Time{} }, false},
		{"no updated_at", func(v *View) { v.UpdatedAt = time.Time{} }, false},
		{"eta backwards", func(v *View) { v.ETA = &ETA{From: t0.Add(time.Hour), To: t0} }, false},
		{"half a handoff", func(v *View) { v.Handoffs = []Handoff{{Courier: "sim-global"}} }, false},
		{"no events yet", func(v *View) { v.Events = nil; v.Status = StatusPending }, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := valid()
			c.edit(&v)
			err := v.Check()
			if c.ok != (err == nil) || (err != nil && !errors.Is(err, ErrInvalidView)) {
				t.Fatalf("Check() = %v, want ok=%v", err, c.ok)
			}
		})
	}
}

func TestStatusesAreValidAndOnlyThreeAreFinal(t *testing.T) {
	final := 0
	for _, s := range Statuses {
		if !s.Valid() {
			t.Errorf("%s is not valid", s)
		}
		if s.Final() {
			final++
		}
	}
	if final != 3 || Status("unknown").Valid() {
		t.Fatalf("%d final statuses, want delivered, returned and expired", final)
	}
}
