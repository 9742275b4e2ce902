package adaptertest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/trackgate/trackgate/adapters"
)

// Run tests the adapter h opens against every scenario; see the package
// documentation for what it checks.
func Run(t *testing.T, h Harness) {
	t.Helper()
	failures := h.Failures
	if failures == nil {
		for _, f := range allFailures {
			failures = append(failures, f.s)
		}
	}
	switch {
	case h.Courier == "" || h.Ref.TrackingNumber == "" || h.Open == nil:
		t.Fatal("adaptertest: Harness needs Courier, Ref.TrackingNumber and Open")
	case slices.Contains(failures, RateLimited) && h.RetryAfter <= 0:
		t.Fatal("adaptertest: Harness needs the RetryAfter its fake sends with 429")
	case len(h.PII) == 0:
		t.Fatal("adaptertest: Harness needs the personal data its Found fixture carries, to check none reaches the view")
	}
	t.Run("Found", func(t *testing.T) { runFound(t, h) })
	t.Run("FoundTwiceIsStable", func(t *testing.T) { runStable(t, h) })
	for _, s := range failures {
		i := slices.IndexFunc(allFailures, func(f failure) bool { return f.s == s })
		if i < 0 {
			t.Fatalf("adaptertest: Harness.Failures lists %v, which is not a failure scenario", s)
		}
		want := allFailures[i].want
		t.Run(s.String(), func(t *testing.T) {
			_, err := lookup(t, open(t, h, s), h.Ref)
			if cerr := CheckError(err, want, h.Ref); cerr != nil {
				t.Fatal(cerr)
			}
			if s == RateLimited {
				if d, ok := adapters.RetryAfter(err); !ok || d != h.RetryAfter {
					t.Errorf("adapters.RetryAfter(%q) = %v, %v; want the fake's Retry-After %v", err, d, ok, h.RetryAfter)
				}
			}
		})
	}
	t.Run("CancelledContext", func(t *testing.T) {
		src := open(t, h, Found)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := src.Lookup(ctx, h.Ref)
		switch {
		case err == nil:
			t.Fatal("Lookup with a cancelled context succeeded")
		case errors.Is(err, adapters.ErrNotFound):
			t.Fatalf("Lookup with a cancelled context says the parcel does not exist: %v", err)
		}
	})
}

func runFound(t *testing.T, h Harness) {
	p, err := lookup(t, open(t, h, Found), h.Ref)
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if p.Version == 0 {
		t.Error("parcel has version 0; versions start at 1")
	}
	for _, f := range p.Factors {
		if !slices.Contains(h.Ref.Factors, f) {
			t.Errorf("parcel has factor %q, which the courier's systems did not give", f)
		}
	}
	v := p.View
	if err := CheckView(v, h.Courier, h.Ref.TrackingNumber, h.PII); err != nil {
		t.Fatal(err)
	}
	if len(v.Events) < minEvents {
		t.Fatalf("view has %d events; the Found fixture must give a history of at least %d", len(v.Events), minEvents)
	}
	if h.Status != "" && v.Status != h.Status {
		t.Errorf("view status %q; want %q", v.Status, h.Status)
	}
	if h.EventTimes != nil {
		var wire struct {
			Events []struct {
				Time string `json:"time"`
			} `json:"events"`
		}
		data, _ := json.Marshal(v)
		if err := json.Unmarshal(data, &wire); err != nil {
			t.Fatal(err)
		}
		got := make([]string, len(wire.Events))
		for i, e := range wire.Events {
			got[i] = e.Time
		}
		if !slices.Equal(got, h.EventTimes) {
			t.Errorf("event times\n got %q\nwant %q", got, h.EventTimes)
		}
	}
}

func runStable(t *testing.T, h Harness) {
	src := open(t, h, Found)
	first, err := lookup(t, src, h.Ref)
	if err != nil {
		t.Fatalf("first Lookup: %v", err)
	}
	second, err := lookup(t, src, h.Ref)
	if err != nil {
		t.Fatalf("second Lookup: %v", err)
	}
	a, _ := json.Marshal(first.View)
	b, _ := json.Marshal(second.View)
	if string(a) != string(b) {
		t.Errorf("two lookups of the same fixture differ:\n%s\n%s", a, b)
	}
	if first.Version != second.Version || !slices.Equal(first.Factors, second.Factors) {
		t.Errorf("two lookups give versions %d, %d and factors %q, %q", first.Version, second.Version, first.Factors, second.Factors)
	}
}

// open opens the adapter for scenario s and closes it after the test.
func open(t *testing.T, h Harness, s Scenario) adapters.Source {
	t.Helper()
	src := h.Open(t, s)
	if src == nil {
		t.Fatalf("Harness.Open(%v) returned no adapter", s)
	}
	if c, ok := src.(adapters.Closer); ok {
		t.Cleanup(func() { c.Close() })
	}
	return src
}

func lookup(t *testing.T, src adapters.Source, ref adapters.ParcelRef) (adapters.Parcel, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	return src.Lookup(ctx, ref)
}
