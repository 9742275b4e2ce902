package client

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
)

// trafficShape writes down what a gateway sees of a lookup without
// breaking any encryption: each request's route, body size and, for an
// evaluation, its couriers and their element counts. The fetches between
// two evaluations are sorted, since they are issued together.
func trafficShape(seen []clienttest.Request) string {
	var lines, batch []string
	flush := func() {
		slices.Sort(batch)
		lines, batch = append(lines, batch...), nil
	}
	for _, r := range seen {
		line := fmt.Sprintf("%s body=%d", r.Route, r.BodyBytes)
		for i, c := range r.Couriers {
			line += fmt.Sprintf(" %s×%d", c, r.Elements[i])
		}
		if r.Route == clienttest.RouteBuckets || r.Route == clienttest.RouteRecords {
			batch = append(batch, line)
			continue
		}
		flush()
		lines = append(lines, line)
	}
	flush()
	return strings.Join(lines, "\n")
}

// TestAttackTrafficShapeLeaksFound: revision 1 asked only the candidates, added a round per handoff and fetched only verified, deduplicated buckets, so counting requests told found, handed-off, missing and wrong-factor lookups apart; these four would differ.
func TestAttackTrafficShapeLeaksFound(t *testing.T) {
	a := clienttest.Courier{ID: "leg-a", Name: "Leg A", Patterns: []api.Pattern{{Regex: `^AA[0-9]{8}$`}}}
	b := clienttest.Courier{ID: "leg-b", Name: "Leg B", Factor: crypto.FactorPhoneLast4, Patterns: []api.Pattern{{Regex: `^BB[0-9]{8}$`}}}
	c := clienttest.Courier{ID: "leg-c", Name: "Leg C"}
	lookups := []struct {
		name, number, factor string
		wantErr              error
		wantLegs             int
	}{
		{"found", "AA00000001", "", nil, 1},
		{"handed off", "AA00000002", "", nil, 2},
		{"missing", "AA00000009", "", ErrNotFound, 0},
		{"wrong factor", "BB00000003", "1111", ErrNotFound, 0},
	}
	for _, private := range []bool{true, false} {
		t.Run(fmt.Sprintf("private=%v", private), func(t *testing.T) {
			g := newGateway(t, 8, a, b, c)
			g.AddParcel(t, "leg-a", "AA00000001", "", inTransit("leg-a", "AA00000001"))
			handed := inTransit("leg-a", "AA00000002")
			handed.Handoffs = []adapters.Handoff{{Courier: "leg-c", TrackingNumber: "CC00000002"}}
			g.AddParcel(t, "leg-a", "AA00000002", "", handed)
			g.AddParcel(t, "leg-c", "CC00000002", "", inTransit("leg-c", "CC00000002"))
			g.AddParcel(t, "leg-b", "BB00000003", "0042", inTransit("leg-b", "BB00000003"))
			cl := newClient(t, g, WithPrivateFetch(private))

			shapes := make([]string, len(lookups))
			for i, l := range lookups {
				before := len(g.Seen())
				res, err := cl.Track(ctxT(t), l.number, TrackOptions{Factor: l.factor})
				if !errors.Is(err, l.wantErr) || res == nil || len(res.Legs) != l.wantLegs {
					t.Fatalf("%s: err = %v, result %+v; want %v with %d legs", l.name, err, res, l.wantErr, l.wantLegs)
				}
				shapes[i] = trafficShape(g.Seen()[before:])
			}
			// The first lookup fetched the directory, the others revalidated
			// it: same route, same (empty) body.
			wantFetches := 3 * (1 + DefaultMaxHandoffs)
			if n := strings.Count(shapes[0], "GET /v1/buckets") + strings.Count(shapes[0], "GET /v1/records"); n != wantFetches {
				t.Errorf("%d fetches, want %d (one per courier per round)", n, wantFetches)
			}
			for i := 1; i < len(shapes); i++ {
				if shapes[i] != shapes[0] {
					t.Errorf("the gateway tells %q from %q:\n%s\n--- versus ---\n%s", lookups[i].name, lookups[0].name, shapes[i], shapes[0])
				}
			}
		})
	}
}

func TestHandoffsToOneCourierAreSpreadOverRounds(t *testing.T) {
	a := clienttest.Courier{ID: "leg-a", Name: "Leg A", Patterns: []api.Pattern{{Regex: `^AA[0-9]{8}$`}}}
	b := clienttest.Courier{ID: "leg-b", Name: "Leg B"}
	tests := []struct {
		maxHandoffs int
		wantLegs    []string
		wantStatus  string // of the second handoff
	}{
		{1, []string{"leg-a AA00000001", "leg-b BB00000001"}, OutcomeNotFollowed},
		{2, []string{"leg-a AA00000001", "leg-b BB00000001", "leg-b BB00000002"}, OutcomeFound},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d handoffs", tt.maxHandoffs), func(t *testing.T) {
			g := newGateway(t, 8, a, b)
			va := inTransit("leg-a", "AA00000001")
			va.Handoffs = []adapters.Handoff{{Courier: "leg-b", TrackingNumber: "BB00000001"}, {Courier: "leg-b", TrackingNumber: "BB00000002"}}
			g.AddParcel(t, "leg-a", "AA00000001", "", va)
			g.AddParcel(t, "leg-b", "BB00000001", "", inTransit("leg-b", "BB00000001"))
			g.AddParcel(t, "leg-b", "BB00000002", "", inTransit("leg-b", "BB00000002"))
			res, err := newClient(t, g, WithMaxHandoffs(tt.maxHandoffs)).Track(ctxT(t), "AA00000001", TrackOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var legs []string
			for _, l := range res.Legs {
				legs = append(legs, l.Courier+" "+l.View.TrackingNumber)
				if l.Courier == "leg-b" && l.Depth != 1 {
					t.Errorf("%s at depth %d, want 1: a carried handoff keeps its depth", l.View.TrackingNumber, l.Depth)
				}
			}
			if !slices.Equal(legs, tt.wantLegs) {
				t.Errorf("legs %v, want %v", legs, tt.wantLegs)
			}
			if got := statuses(res)["leg-b BB00000002"]; got != tt.wantStatus {
				t.Errorf("second handoff %q, want %q", got, tt.wantStatus)
			}
			wantShape(t, g, 1+tt.maxHandoffs, "leg-a", "leg-b") // one real query per courier per round
		})
	}
}

func TestUnavailableCourierIsNotNotFound(t *testing.T) {
	tests := []struct {
		name       string
		behaviour  clienttest.Behaviour
		missing    bool
		wantStatus string
	}{
		{"evaluation timed out", clienttest.Timeout, false, api.StatusTimeout},
		{"evaluation unavailable", clienttest.Unavailable, false, api.StatusUnavailable},
		{"evaluation rate limited", clienttest.RateLimited, false, api.StatusRateLimited},
		{"left out of the bucket answer", clienttest.Answer, true, api.StatusUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			down := clienttest.Courier{ID: "sim-down", Name: "Sim Down", Patterns: anyShape, Behaviour: tt.behaviour, Missing: tt.missing}
			up := clienttest.Courier{ID: "sim-up", Name: "Sim Up", Patterns: anyShape}
			g := newGateway(t, 8, down, up)
			g.AddParcel(t, "sim-down", "AB1234567890", "", inTransit("sim-down", "AB1234567890"))
			res, err := newClient(t, g).Track(ctxT(t), "AB1234567890", TrackOptions{})
			if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrIncomplete) {
				t.Fatalf("err = %v, want ErrUnavailable only", err)
			}
			if !strings.Contains(err.Error(), "try again") || !strings.Contains(err.Error(), "sim-down") || strings.Contains(err.Error(), "sim-up") {
				t.Errorf("message %q: want it to say try again and name sim-down alone", err)
			}
			want := map[string]string{"sim-down AB1234567890": tt.wantStatus, "sim-up AB1234567890": OutcomeNotFound}
			if got := statuses(res); !equalMaps(got, want) {
				t.Errorf("outcomes %v, want %v", got, want)
			}
			wantShape(t, g, 1+DefaultMaxHandoffs, "sim-down", "sim-up")
		})
	}
	t.Run("another courier missing beside a find", func(t *testing.T) {
		down := clienttest.Courier{ID: "sim-down", Name: "Sim Down", Patterns: anyShape, Missing: true}
		up := clienttest.Courier{ID: "sim-up", Name: "Sim Up", Patterns: anyShape}
		g := newGateway(t, 8, down, up)
		g.AddParcel(t, "sim-up", "AB1234567890", "", inTransit("sim-up", "AB1234567890"))
		res, err := newClient(t, g).Track(ctxT(t), "AB1234567890", TrackOptions{})
		if err != nil || len(res.Legs) != 1 {
			t.Fatalf("err = %v, legs %+v; want the sim-up leg", err, res)
		}
		if got := statuses(res)["sim-down AB1234567890"]; got != api.StatusUnavailable {
			t.Errorf("sim-down %q, want unavailable", got)
		}
	})
}

func TestCourierWithoutCurrentKeyIsSkippedInEveryRound(t *testing.T) {
	stale := clienttest.Courier{ID: "sim-stale", Name: "Sim Stale", Patterns: anyShape, Expired: true}
	open := clienttest.Courier{ID: "sim-open", Name: "Sim Open", Patterns: anyShape}
	g := newGateway(t, 8, stale, open)
	res, err := newClient(t, g).Track(ctxT(t), "AB1234567890", TrackOptions{})
	if !errors.Is(err, ErrIncomplete) {
		t.Fatalf("err = %v, want ErrIncomplete", err)
	}
	want := map[string]string{"sim-stale AB1234567890": OutcomeNoKey, "sim-open AB1234567890": OutcomeNotFound}
	if got := statuses(res); !equalMaps(got, want) {
		t.Errorf("outcomes %v, want %v", got, want)
	}
	wantShape(t, g, 1+DefaultMaxHandoffs, "sim-open")
}
