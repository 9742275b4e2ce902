package client

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
)

// Couriers of the fake gateway used throughout these tests.
var (
	east = clienttest.Courier{ID: "sim-east", Name: "Sim East", Patterns: []api.Pattern{{Regex: `^SE[0-9]{10}$`}}}
	west = clienttest.Courier{ID: "sim-west", Name: "Sim West", Factor: crypto.FactorPhoneLast4,
		Patterns: []api.Pattern{{Regex: `^SW[0-9]{10}$`}}}
	// anyShape matches every number, as a catch-all courier would.
	anyShape = []api.Pattern{{Regex: `^[A-Z0-9]{6,40}$`}}
)

func newGateway(t *testing.T, bucketBits int, couriers ...clienttest.Courier) *clienttest.Gateway {
	t.Helper()
	return clienttest.New(t, clienttest.Config{BucketBits: bucketBits, Couriers: couriers})
}

func newClient(t *testing.T, g *clienttest.Gateway, opts ...Option) *Client {
	t.Helper()
	c, err := New(g.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func inTransit(courier, tn string) adapters.View {
	return clienttest.View(courier, tn,
		clienttest.Event("2026-11-20T09:00:00+08:00", adapters.StatusInfoReceived, "Label created", "Shenzhen", "Guangdong", "CN"),
		clienttest.Event("2026-11-21T14:03:00+08:00", adapters.StatusInTransit, "Departed facility", "Shenzhen", "Guangdong", "CN"))
}

func statuses(r *Result) map[string]string {
	out := map[string]string{}
	for _, o := range r.Couriers {
		out[o.Courier+" "+o.TrackingNumber] = o.Status
	}
	return out
}

// wantShape checks that every evaluation asks every courier once, in
// directory order, and that rounds evaluations were made.
func wantShape(t *testing.T, g *clienttest.Gateway, rounds int, couriers ...string) {
	t.Helper()
	evals := g.Evaluations()
	if len(evals) != rounds {
		t.Errorf("%d evaluations, want %d (one per round)", len(evals), rounds)
	}
	for i, e := range evals {
		var got []string
		for _, part := range e.Requests {
			got = append(got, part.Courier)
			if len(part.Blinded) != 1 {
				t.Errorf("evaluation %d sends %s %d elements, want 1", i, part.Courier, len(part.Blinded))
			}
		}
		if strings.Join(got, ",") != strings.Join(couriers, ",") {
			t.Errorf("evaluation %d asks %v, want %v", i, got, couriers)
		}
	}
}

func TestTrackFindsParcel(t *testing.T) {
	g := newGateway(t, 8, east, west)
	g.AddParcel(t, "sim-east", "SE1234567890", "", inTransit("sim-east", "SE1234567890"))
	g.AddParcel(t, "sim-east", "SE0000000001", "", inTransit("sim-east", "SE0000000001")) // a neighbour

	res, err := newClient(t, g).Track(ctxT(t), "se-1234 567.890", TrackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Legs) != 1 || res.Legs[0].Courier != "sim-east" || res.Legs[0].View.TrackingNumber != "SE1234567890" {
		t.Fatalf("legs = %+v, want one sim-east leg for SE1234567890", res.Legs)
	}
	if got := res.Current(); got != adapters.StatusInTransit {
		t.Errorf("Current() = %q, want in_transit", got)
	}
	if len(res.Timeline) != 2 || res.Timeline[0].Courier != "sim-east" {
		t.Errorf("timeline = %+v, want the 2 events of sim-east", res.Timeline)
	}
	wantShape(t, g, 1+DefaultMaxHandoffs, "sim-east", "sim-west")
	if got := statuses(res); !equalMaps(got, map[string]string{"sim-east SE1234567890": OutcomeFound}) {
		t.Errorf("outcomes = %v, want sim-east found and nothing else (sim-west got dummies)", got)
	}
}

func TestTrackSecondFactor(t *testing.T) {
	g := newGateway(t, 8, west)
	g.AddParcel(t, "sim-west", "SW1234567890", "0042", inTransit("sim-west", "SW1234567890"))
	c := newClient(t, g)

	tests := []struct {
		name    string
		factor  string
		wantErr error
	}{
		{"right factor finds it", "0042", nil},
		{"wrong factor is not found", "0043", ErrNotFound},
		{"no factor is required", "", ErrFactorRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := c.Track(ctxT(t), "SW1234567890", TrackOptions{Factor: tt.factor})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && len(res.Legs) != 1 {
				t.Fatalf("legs = %d, want 1", len(res.Legs))
			}
		})
	}
}

func TestNotFoundSaysFactorAndAbsenceAreIndistinguishable(t *testing.T) {
	g := newGateway(t, 8, west)
	_, err := newClient(t, g).Track(ctxT(t), "SW1234567890", TrackOptions{Factor: "1111"})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	for _, want := range []string{"not found", "second factor is wrong", "cannot tell which, by design"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
}

func TestTrackRefusesBadInputBeforeAnyRequest(t *testing.T) {
	tests := []struct {
		name   string
		number string
		opts   TrackOptions
		want   error
	}{
		{"too short", "SE123", TrackOptions{}, crypto.ErrInvalidTrackingNumber},
		{"too long", strings.Repeat("1", 41), TrackOptions{}, crypto.ErrInvalidTrackingNumber},
		{"punctuation", "SE12345/67890", TrackOptions{}, crypto.ErrInvalidTrackingNumber},
		{"non-ASCII", "SE12345６7890", TrackOptions{}, crypto.ErrInvalidTrackingNumber},
		{"empty", "", TrackOptions{}, crypto.ErrInvalidTrackingNumber},
		{"factor not 4 digits", "SE1234567890", TrackOptions{Factor: "12a4"}, crypto.ErrInvalidFactor},
		{"factor too long", "SE1234567890", TrackOptions{Factor: "12345"}, crypto.ErrInvalidFactor},
		{"pinned courier id malformed", "SE1234567890", TrackOptions{Courier: "Sim East"}, crypto.ErrInvalidCourierID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGateway(t, 8, east)
			_, err := newClient(t, g).Track(ctxT(t), tt.number, tt.opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if n := g.Requests(); n != 0 {
				t.Errorf("%d HTTP requests made, want none", n)
			}
		})
	}
}

func TestFactorRequiredNamesCouriersAndSendsNothing(t *testing.T) {
	other := clienttest.Courier{ID: "sim-north", Name: "Sim North", Factor: crypto.FactorPhoneLast4, Patterns: anyShape}
	g := newGateway(t, 8, west, other)
	res, err := newClient(t, g).Track(ctxT(t), "SW1234567890", TrackOptions{})
	if !errors.Is(err, ErrFactorRequired) {
		t.Fatalf("err = %v, want ErrFactorRequired", err)
	}
	for _, want := range []string{"Sim West (sim-west)", "Sim North (sim-north)", "last 4 digits"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if n := g.Hits(clienttest.RouteEvaluate); n != 0 {
		t.Errorf("%d evaluations sent, want none", n)
	}
	if got := statuses(res); got["sim-west SW1234567890"] != OutcomeFactorRequired {
		t.Errorf("outcomes = %v, want sim-west factor_required", got)
	}
}

func TestTrackAsksOnlyCouriersItCanWhenSomeNeedAFactor(t *testing.T) {
	open := clienttest.Courier{ID: "sim-open", Name: "Sim Open", Patterns: anyShape}
	g := newGateway(t, 8, west, open)
	res, err := newClient(t, g).Track(ctxT(t), "SW1234567890", TrackOptions{})
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "sim-west also matches but needs") {
		t.Fatalf("err = %v, want ErrNotFound mentioning sim-west's factor", err)
	}
	wantShape(t, g, 1+DefaultMaxHandoffs, "sim-west", "sim-open") // a dummy for sim-west
	want := map[string]string{"sim-west SW1234567890": OutcomeFactorRequired, "sim-open SW1234567890": OutcomeNotFound}
	if got := statuses(res); !equalMaps(got, want) {
		t.Errorf("outcomes = %v, want %v", got, want)
	}
}

func TestTrackNeedsACandidate(t *testing.T) {
	g := newGateway(t, 8, east)
	c := newClient(t, g)
	for _, opts := range []TrackOptions{{}, {Courier: "sim-gone"}} {
		_, err := c.Track(ctxT(t), "ZZ1234567890", opts)
		if !errors.Is(err, ErrNoCandidate) {
			t.Errorf("opts %+v: err = %v, want ErrNoCandidate", opts, err)
		}
	}
	if n := g.Hits(clienttest.RouteEvaluate); n != 0 {
		t.Errorf("%d evaluations sent, want none", n)
	}
}

func TestPinnedCourierSkipsDetection(t *testing.T) {
	hidden := clienttest.Courier{ID: "sim-hidden", Name: "Sim Hidden"} // no patterns at all
	g := newGateway(t, 8, east, hidden)
	g.AddParcel(t, "sim-hidden", "XX99887766", "", inTransit("sim-hidden", "XX99887766"))
	res, err := newClient(t, g).Track(ctxT(t), "XX99887766", TrackOptions{Courier: "sim-hidden"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Legs) != 1 || res.Legs[0].Courier != "sim-hidden" {
		t.Fatalf("legs = %+v, want sim-hidden", res.Legs)
	}
}

func TestCourierWithBadProofIsExcluded(t *testing.T) {
	liar := clienttest.Courier{ID: "sim-liar", Name: "Sim Liar", Patterns: anyShape, Behaviour: clienttest.BadProof}
	honest := clienttest.Courier{ID: "sim-honest", Name: "Sim Honest", Patterns: anyShape}

	t.Run("beside an honest courier", func(t *testing.T) {
		g := newGateway(t, 8, liar, honest)
		g.AddParcel(t, "sim-liar", "AB1234567890", "", inTransit("sim-liar", "AB1234567890"))
		g.AddParcel(t, "sim-honest", "AB1234567890", "", inTransit("sim-honest", "AB1234567890"))
		res, err := newClient(t, g).Track(ctxT(t), "AB1234567890", TrackOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Legs) != 1 || res.Legs[0].Courier != "sim-honest" {
			t.Fatalf("legs = %+v, want sim-honest only", res.Legs)
		}
		if got := statuses(res)["sim-liar AB1234567890"]; got != OutcomeProofFailed {
			t.Errorf("sim-liar outcome = %q, want proof_failed", got)
		}
		if n := g.Hits(clienttest.RouteBuckets); n != 2*(1+DefaultMaxHandoffs) {
			t.Errorf("%d buckets fetched, want one per element, the failed courier's included", n)
		}
	})
	t.Run("alone", func(t *testing.T) {
		g := newGateway(t, 8, liar)
		g.AddParcel(t, "sim-liar", "AB1234567890", "", inTransit("sim-liar", "AB1234567890"))
		res, err := newClient(t, g).Track(ctxT(t), "AB1234567890", TrackOptions{})
		if !errors.Is(err, ErrIncomplete) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnavailable) {
			t.Fatalf("err = %v, want ErrIncomplete and neither ErrNotFound nor ErrUnavailable", err)
		}
		if len(res.Legs) != 0 {
			t.Errorf("legs %d: want none", len(res.Legs))
		}
	})
}

func TestRecordWhoseViewNamesAnotherParcelIsRejected(t *testing.T) {
	tests := []struct {
		name string
		view adapters.View
	}{
		{"another number", inTransit("sim-east", "SE9999999999")},
		{"another courier", inTransit("sim-west", "SE1234567890")},
		{"malformed view", adapters.View{Courier: "sim-east", TrackingNumber: "SE1234567890", Status: "lost_in_space"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, private := range []bool{true, false} {
				g := newGateway(t, 8, east)
				g.AddParcel(t, "sim-east", "SE1234567890", "", tt.view)
				res, err := newClient(t, g, WithPrivateFetch(private)).Track(ctxT(t), "SE1234567890", TrackOptions{})
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("private=%v: err = %v, want ErrNotFound", private, err)
				}
				if got := statuses(res)["sim-east SE1234567890"]; got != OutcomeRejected {
					t.Errorf("private=%v: outcome = %q, want rejected", private, got)
				}
			}
		})
	}
}

func TestHandoffChainIsMergedAndSorted(t *testing.T) {
	a := clienttest.Courier{ID: "leg-a", Name: "Leg A", Patterns: []api.Pattern{{Regex: `^AA[0-9]{8}$`}}}
	b := clienttest.Courier{ID: "leg-b", Name: "Leg B", Factor: crypto.FactorPhoneLast4}
	c := clienttest.Courier{ID: "leg-c", Name: "Leg C"}
	g := newGateway(t, 8, a, b, c)

	va := clienttest.View("leg-a", "AA00000001",
		clienttest.Event("2026-11-20T08:00:00+08:00", adapters.StatusInfoReceived, "Label created", "Shenzhen", "Guangdong", "CN"),
		clienttest.Event("2026-11-22T10:00:00+08:00", adapters.StatusInTransit, "Handed to airline", "Shenzhen", "Guangdong", "CN"))
	va.Handoffs = []adapters.Handoff{{Courier: "leg-b", TrackingNumber: "BB00000002"}}
	// B's first event precedes A's last one: the timeline must interleave.
	vb := clienttest.View("leg-b", "BB00000002",
		clienttest.Event("2026-11-21T20:00:00Z", adapters.StatusInfoReceived, "Pre-advice", "Leipzig", "Saxony", "DE"),
		clienttest.Event("2026-11-23T09:00:00Z", adapters.StatusInTransit, "Arrived at hub", "Leipzig", "Saxony", "DE"))
	vb.Handoffs = []adapters.Handoff{{Courier: "leg-c", TrackingNumber: "CC00000003"}}
	vc := clienttest.View("leg-c", "CC00000003",
		clienttest.Event("2026-11-24T07:30:00+01:00", adapters.StatusOutForDelivery, "Out for delivery", "Lyon", "Auvergne-Rhône-Alpes", "FR"))
	g.AddParcel(t, "leg-a", "AA00000001", "", va)
	g.AddParcel(t, "leg-b", "BB00000002", "0042", vb) // B needs the factor: reused from the first leg
	g.AddParcel(t, "leg-c", "CC00000003", "", vc)

	res, err := newClient(t, g).Track(ctxT(t), "AA00000001", TrackOptions{Factor: "0042"})
	if err != nil {
		t.Fatal(err)
	}
	var legs []string
	for _, l := range res.Legs {
		legs = append(legs, l.Courier)
		if l.Depth != len(legs)-1 {
			t.Errorf("leg %s at depth %d, want %d", l.Courier, l.Depth, len(legs)-1)
		}
	}
	if strings.Join(legs, ",") != "leg-a,leg-b,leg-c" {
		t.Fatalf("legs = %v, want leg-a, leg-b, leg-c", legs)
	}
	var order []string
	for i, e := range res.Timeline {
		order = append(order, e.Courier+":"+e.Description)
		if i > 0 && e.Time.Before(res.Timeline[i-1].Time) {
			t.Errorf("timeline event %d is older than event %d", i, i-1)
		}
	}
	want := "leg-a:Label created,leg-b:Pre-advice,leg-a:Handed to airline,leg-b:Arrived at hub,leg-c:Out for delivery"
	if strings.Join(order, ",") != want {
		t.Errorf("timeline = %v\nwant %s", order, want)
	}
	if got := res.Current(); got != adapters.StatusOutForDelivery {
		t.Errorf("Current() = %q, want out_for_delivery", got)
	}
}

func TestHandoffsAreBounded(t *testing.T) {
	a := clienttest.Courier{ID: "leg-a", Name: "Leg A", Patterns: []api.Pattern{{Regex: `^AA[0-9]{8}$`}}}
	b := clienttest.Courier{ID: "leg-b", Name: "Leg B"}
	c := clienttest.Courier{ID: "leg-c", Name: "Leg C"}
	chain := func(t *testing.T, g *clienttest.Gateway, back bool) {
		va := inTransit("leg-a", "AA00000001")
		va.Handoffs = []adapters.Handoff{{Courier: "leg-b", TrackingNumber: "BB00000002"}}
		vb := inTransit("leg-b", "BB00000002")
		vb.Handoffs = []adapters.Handoff{{Courier: "leg-c", TrackingNumber: "CC00000003"}}
		if back { // b points back at a: a cycle
			vb.Handoffs = []adapters.Handoff{{Courier: "leg-a", TrackingNumber: "AA00000001"}}
		}
		g.AddParcel(t, "leg-a", "AA00000001", "", va)
		g.AddParcel(t, "leg-b", "BB00000002", "", vb)
		g.AddParcel(t, "leg-c", "CC00000003", "", inTransit("leg-c", "CC00000003"))
	}
	tests := []struct {
		name        string
		maxHandoffs int
		cycle       bool
		wantLegs    int
		notFollowed string
	}{
		{"no handoffs followed", 0, false, 1, "leg-b BB00000002"},
		{"one handoff followed", 1, false, 2, "leg-c CC00000003"},
		{"whole chain", 2, false, 3, ""},
		{"deeper than the chain", 4, false, 3, ""},
		{"cycle ends", 4, true, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGateway(t, 8, a, b, c)
			chain(t, g, tt.cycle)
			res, err := newClient(t, g, WithMaxHandoffs(tt.maxHandoffs)).Track(ctxT(t), "AA00000001", TrackOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Legs) != tt.wantLegs {
				t.Errorf("legs = %d, want %d", len(res.Legs), tt.wantLegs)
			}
			wantShape(t, g, 1+tt.maxHandoffs, "leg-a", "leg-b", "leg-c")
			var notFollowed []string
			for k, v := range statuses(res) {
				if v == OutcomeNotFollowed {
					notFollowed = append(notFollowed, k)
				}
			}
			if strings.Join(notFollowed, ",") != tt.notFollowed {
				t.Errorf("not followed: %v, want %q", notFollowed, tt.notFollowed)
			}
		})
	}
}

func TestHandoffProblemsAreReported(t *testing.T) {
	a := clienttest.Courier{ID: "leg-a", Name: "Leg A", Patterns: []api.Pattern{{Regex: `^AA[0-9]{8}$`}}}
	g := newGateway(t, 8, a, west)
	va := inTransit("leg-a", "AA00000001")
	va.Handoffs = []adapters.Handoff{
		{Courier: "leg-gone", TrackingNumber: "GG00000001"},
		{Courier: "sim-west", TrackingNumber: "SW1234567890"},
		{Courier: "sim-west", TrackingNumber: "no/such shape"},
	}
	g.AddParcel(t, "leg-a", "AA00000001", "", va)
	res, err := newClient(t, g).Track(ctxT(t), "AA00000001", TrackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"leg-a AA00000001":      OutcomeFound,
		"leg-gone GG00000001":   OutcomeUnknownCourier,
		"sim-west SW1234567890": OutcomeFactorRequired,
		"sim-west ":             OutcomeInvalidHandoff,
	}
	if got := statuses(res); !equalMaps(got, want) {
		t.Errorf("outcomes = %v\nwant %v", got, want)
	}
}

func TestFetchModes(t *testing.T) {
	tests := []struct {
		name                      string
		private                   bool
		wantBuckets, wantLocators int
	}{
		{"private fetches the bucket", true, 1 + DefaultMaxHandoffs, 0},
		{"fast fetches the record", false, 0, 1 + DefaultMaxHandoffs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGateway(t, 4, east)
			g.AddParcel(t, "sim-east", "SE1234567890", "", inTransit("sim-east", "SE1234567890"))
			for _, n := range []string{"SE0000000001", "SE0000000002", "SE0000000003"} {
				g.AddParcel(t, "sim-east", n, "", inTransit("sim-east", n))
			}
			res, err := newClient(t, g, WithPrivateFetch(tt.private)).Track(ctxT(t), "SE1234567890", TrackOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Legs[0].View.TrackingNumber != "SE1234567890" {
				t.Errorf("found %s, want SE1234567890", res.Legs[0].View.TrackingNumber)
			}
			if b, l := g.Hits(clienttest.RouteBuckets), g.Hits(clienttest.RouteRecords); b != tt.wantBuckets || l != tt.wantLocators {
				t.Errorf("bucket fetches %d, record fetches %d; want %d and %d", b, l, tt.wantBuckets, tt.wantLocators)
			}
		})
	}
}

func TestFastFetchOfMissingRecordIsNotFound(t *testing.T) {
	g := newGateway(t, 8, east)
	_, err := newClient(t, g, WithPrivateFetch(false)).Track(ctxT(t), "SE1234567890", TrackOptions{})
	if !errors.Is(err, ErrNotFound) || g.Hits(clienttest.RouteRecords) != 1+DefaultMaxHandoffs {
		t.Fatalf("err = %v after %d record fetches, want ErrNotFound after %d", err, g.Hits(clienttest.RouteRecords), 1+DefaultMaxHandoffs)
	}
}

func TestPrivateFetchDoesNotCollapseDuplicateBuckets(t *testing.T) {
	one := clienttest.Courier{ID: "sim-one", Name: "Sim One", Patterns: anyShape}
	two := clienttest.Courier{ID: "sim-two", Name: "Sim Two", Patterns: anyShape}
	g := newGateway(t, 0, one, two) // bucket_bits 0: every record in bucket 0
	g.AddParcel(t, "sim-one", "AB1234567890", "", inTransit("sim-one", "AB1234567890"))
	g.AddParcel(t, "sim-two", "AB1234567890", "", inTransit("sim-two", "AB1234567890"))
	res, err := newClient(t, g).Track(ctxT(t), "AB1234567890", TrackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Collapsing equal buckets would make the count depend on where the
	// locators fall: one fetch per element, always.
	if want := 2 * (1 + DefaultMaxHandoffs); len(res.Legs) != 2 || g.Hits(clienttest.RouteBuckets) != want {
		t.Errorf("%d legs from %d bucket fetches, want 2 from %d", len(res.Legs), g.Hits(clienttest.RouteBuckets), want)
	}
}

func TestPerCourierStatusesBesideAFind(t *testing.T) {
	slow := clienttest.Courier{ID: "sim-slow", Name: "Sim Slow", Patterns: anyShape, Behaviour: clienttest.Timeout}
	busy := clienttest.Courier{ID: "sim-busy", Name: "Sim Busy", Patterns: anyShape, Behaviour: clienttest.RateLimited}
	down := clienttest.Courier{ID: "sim-down", Name: "Sim Down", Patterns: anyShape, Behaviour: clienttest.Unavailable}
	quick := clienttest.Courier{ID: "sim-quick", Name: "Sim Quick", Patterns: anyShape}

	g := newGateway(t, 8, slow, busy, down, quick)
	g.AddParcel(t, "sim-slow", "AB1234567890", "", inTransit("sim-slow", "AB1234567890"))
	g.AddParcel(t, "sim-quick", "AB1234567890", "", inTransit("sim-quick", "AB1234567890"))
	res, err := newClient(t, g).Track(ctxT(t), "AB1234567890", TrackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"sim-slow AB1234567890":  api.StatusTimeout,
		"sim-busy AB1234567890":  api.StatusRateLimited,
		"sim-down AB1234567890":  api.StatusUnavailable,
		"sim-quick AB1234567890": OutcomeFound,
	}
	if got := statuses(res); !equalMaps(got, want) {
		t.Errorf("outcomes = %v\nwant %v", got, want)
	}
	if len(res.Legs) != 1 || res.Legs[0].Courier != "sim-quick" {
		t.Errorf("legs = %+v, want sim-quick", res.Legs)
	}

	g2 := newGateway(t, 8, slow)
	_, err = newClient(t, g2).Track(ctxT(t), "AB1234567890", TrackOptions{})
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "try again: sim-slow (timeout)") {
		t.Errorf("only a timed-out courier: err = %v, want ErrUnavailable naming sim-slow", err)
	}
}

func TestGatewayErrorCarriesProblemDetail(t *testing.T) {
	g := newGateway(t, 8, east)
	g.Fail(clienttest.RouteEvaluate, 429, "Too many lookups from your address; wait a minute.\x1b[31m")
	_, err := newClient(t, g).Track(ctxT(t), "SE1234567890", TrackOptions{})
	var ge *GatewayError
	if !errors.Is(err, ErrGateway) || !errors.As(err, &ge) {
		t.Fatalf("err = %v, want a *GatewayError", err)
	}
	if ge.StatusCode != 429 || ge.Op != "POST /v1/evaluate" {
		t.Errorf("status %d op %q, want 429 POST /v1/evaluate", ge.StatusCode, ge.Op)
	}
	if !strings.Contains(err.Error(), "wait a minute.") || strings.ContainsRune(err.Error(), 0x1b) {
		t.Errorf("message %q: want the detail without control characters", err)
	}
}

// An error answer to a fetch makes the courier unavailable, or rate
// limited after a 429, so the shopper is told to wait rather than that
// nothing was found; the lookup keeps its shape either way.
func TestFetchErrorMarksCourier(t *testing.T) {
	tests := []struct {
		route   string
		private bool
		status  int
		want    string
	}{
		{clienttest.RouteBuckets, true, 503, api.StatusUnavailable},
		{clienttest.RouteBuckets, true, 429, api.StatusRateLimited},
		{clienttest.RouteRecords, false, 503, api.StatusUnavailable},
		{clienttest.RouteRecords, false, 429, api.StatusRateLimited},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %d", tt.route, tt.status), func(t *testing.T) {
			g := newGateway(t, 8, east)
			g.AddParcel(t, "sim-east", "SE1234567890", "", inTransit("sim-east", "SE1234567890"))
			g.Fail(tt.route, tt.status, "Try later.")
			res, err := newClient(t, g, WithPrivateFetch(tt.private)).Track(ctxT(t), "SE1234567890", TrackOptions{})
			if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrNotFound) {
				t.Fatalf("err = %v, want ErrUnavailable", err)
			}
			if got := statuses(res)["sim-east SE1234567890"]; got != tt.want {
				t.Errorf("outcome = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNoKeyValidNow(t *testing.T) {
	g := newGateway(t, 8, east)
	later := func() time.Time { return time.Now().Add(365 * 24 * time.Hour) }
	res, err := newClient(t, g, WithNow(later)).Track(ctxT(t), "SE1234567890", TrackOptions{})
	if !errors.Is(err, ErrIncomplete) || statuses(res)["sim-east SE1234567890"] != OutcomeNoKey {
		t.Fatalf("err = %v, outcomes %v; want ErrIncomplete with no_key", err, statuses(res))
	}
	if n := g.Hits(clienttest.RouteEvaluate); n != 0 {
		t.Errorf("%d evaluations sent without a valid key, want none", n)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
