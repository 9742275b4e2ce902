package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/client"
	"github.com/trackgate/trackgate/gateway/privacyscan"
)

// chain finds a parcel that went sim-swift → sim-global → sim-panda, all
// three legs visible now, and returns the first number and the last leg's
// phone factor.
func chain(t *testing.T, w *simulator.World) (tn, factor string, legs []string) {
	t.Helper()
	swift, _ := w.Source(simulator.SwiftID)
	global, _ := w.Source(simulator.GlobalID)
	panda, _ := w.Source(simulator.PandaID)
	ctx := context.Background()
	err := swift.Parcels(ctx, func(p adapters.Parcel) bool {
		for _, h1 := range p.View.Handoffs {
			g, err := global.Lookup(ctx, adapters.ParcelRef{TrackingNumber: h1.TrackingNumber})
			if h1.Courier != simulator.GlobalID || err != nil {
				continue
			}
			for _, h2 := range g.View.Handoffs {
				pp, err := panda.Lookup(ctx, adapters.ParcelRef{TrackingNumber: h2.TrackingNumber})
				if h2.Courier != simulator.PandaID || err != nil || len(pp.Factors) == 0 {
					continue
				}
				tn, factor = p.View.TrackingNumber, pp.Factors[0]
				legs = []string{p.View.TrackingNumber, g.View.TrackingNumber, pp.View.TrackingNumber}
				return false
			}
		}
		return true
	})
	if err != nil || tn == "" {
		t.Fatalf("no three-courier chain in the simulated world (err %v)", err)
	}
	return tn, factor, legs
}

func sample(t *testing.T, w *simulator.World, courier string) simulator.Sample {
	t.Helper()
	for _, s := range w.Samples(3) {
		if s.Courier == courier {
			return s
		}
	}
	t.Fatalf("no sample parcel of %s", courier)
	return simulator.Sample{}
}

func (top *topology) client(t *testing.T, opts ...client.Option) *client.Client {
	t.Helper()
	return top.clientWith(t, nil, opts...)
}

// shopClient is a client as the tenant's page in a browser is: from the
// shop's origin, with the tenant's API key.
func (top *topology) shopClient(t *testing.T) *client.Client {
	t.Helper()
	return top.clientWith(t, http.Header{"Tg-Api-Key": {top.shopKey}, "Origin": {shopOrigin}})
}

func (top *topology) clientWith(t *testing.T, header http.Header, opts ...client.Option) *client.Client {
	t.Helper()
	transport := &validatingTransport{t: t, v: top.validator, extra: http.Header{
		"Cookie":          {"session=shopper-cookie"},
		"X-Forwarded-For": {"198.51.100.23"},
		"Referer":         {"https://marketplace.example/orders/123"},
	}}
	for name, v := range header {
		transport.extra[name] = v
	}
	opts = append([]client.Option{client.WithHTTPClient(&http.Client{Transport: transport, Timeout: 20 * time.Second})}, opts...)
	c, err := client.New(top.gateway.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEndToEnd(t *testing.T) {
	top := startTopology(t)
	ctx := t.Context()
	asked := map[string]string{} // numbers and factors the clients used

	t.Run("FanOutToEveryCourier", func(t *testing.T) {
		c := top.client(t)
		dir, err := c.Directory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(dir.Couriers) != 3 {
			t.Fatalf("directory lists %d couriers, want 3", len(dir.Couriers))
		}
		// One evaluation asks all three couriers at once.
		res := evaluateAll(t, top, dir)
		for _, r := range res.Results {
			if r.Status != "ok" {
				t.Errorf("%s: %s", r.Courier, r.Status)
			}
		}
	})

	t.Run("HandoffChainOfThreeCouriers", func(t *testing.T) {
		tn, factor, legs := chain(t, top.world)
		asked[tn], asked[factor] = "number", "factor"
		for _, l := range legs {
			asked[l] = "handoff number"
		}
		res, err := top.client(t).Track(ctx, tn, client.TrackOptions{Factor: factor})
		if err != nil {
			t.Fatalf("Track: %v", err)
		}
		var got []string
		for _, l := range res.Legs {
			got = append(got, l.Courier+":"+l.View.TrackingNumber)
		}
		want := []string{simulator.SwiftID + ":" + legs[0], simulator.GlobalID + ":" + legs[1], simulator.PandaID + ":" + legs[2]}
		if !slices.Equal(got, want) {
			t.Fatalf("legs %v, want %v (outcomes %+v)\n%s", got, want, res.Couriers, top.logs.String())
		}
		for i := 1; i < len(res.Timeline); i++ {
			if res.Timeline[i].Time.Before(res.Timeline[i-1].Time) {
				t.Fatalf("merged timeline not in time order at %d", i)
			}
		}
		couriers := map[string]bool{}
		for _, e := range res.Timeline {
			couriers[e.Courier] = true
		}
		if len(couriers) != 3 {
			t.Fatalf("merged timeline has events of %d couriers, want 3", len(couriers))
		}
	})

	t.Run("PullModeIsReadByBucketOnly", func(t *testing.T) {
		s := sample(t, top.world, simulator.GlobalID)
		asked[s.TrackingNumber] = "number"
		for _, private := range []bool{true, false} {
			before := len(top.traffic.all())
			res, err := top.client(t, client.WithPrivateFetch(private)).Track(ctx, s.TrackingNumber, client.TrackOptions{})
			if err != nil {
				t.Fatalf("private=%v: %v", private, err)
			}
			if res.Legs[0].Courier != simulator.GlobalID || res.Legs[0].View.TrackingNumber != s.TrackingNumber {
				t.Fatalf("private=%v: found %s %s", private, res.Legs[0].Courier, res.Legs[0].View.TrackingNumber)
			}
			// Both ways the gateway reads the pull host's bucket, never a
			// locator (docs/protocol.md §7).
			traffic := top.traffic.all()[before:]
			if !slices.ContainsFunc(traffic, func(r recorded) bool {
				return r.host == simulator.GlobalID && strings.HasPrefix(r.uri, "/tg1/buckets/")
			}) {
				t.Fatalf("private=%v: the pull host was never asked for a bucket", private)
			}
			if slices.ContainsFunc(traffic, func(r recorded) bool { return strings.HasPrefix(r.uri, "/tg1/records/") }) {
				t.Fatalf("private=%v: the gateway sent a courier host a locator", private)
			}
		}
	})

	t.Run("SecondFactorIsRequiredAndChecked", func(t *testing.T) {
		s := sample(t, top.world, simulator.PandaID)
		asked[s.TrackingNumber], asked[s.Factor] = "number", "factor"
		c := top.client(t)
		if _, err := c.Track(ctx, s.TrackingNumber, client.TrackOptions{Factor: s.Factor}); err != nil {
			t.Fatalf("right factor: %v", err)
		}
		wrong := "0000"
		if s.Factor == wrong {
			wrong = "1111"
		}
		if _, err := c.Track(ctx, s.TrackingNumber, client.TrackOptions{Factor: wrong}); !errors.Is(err, client.ErrNotFound) {
			t.Fatalf("wrong factor: err %v, want ErrNotFound", err)
		}
		if _, err := c.Track(ctx, s.TrackingNumber, client.TrackOptions{}); !errors.Is(err, client.ErrFactorRequired) {
			t.Fatalf("no factor: err %v, want ErrFactorRequired", err)
		}
	})

	t.Run("WrongShapeMakesNoRequest", func(t *testing.T) {
		before := len(top.traffic.all())
		if _, err := top.client(t).Track(ctx, "AB-1", client.TrackOptions{}); !errors.Is(err, crypto.ErrInvalidTrackingNumber) {
			t.Fatalf("err %v, want ErrInvalidTrackingNumber", err)
		}
		if after := len(top.traffic.all()); after != before {
			t.Fatalf("a malformed number caused %d courier host requests", after-before)
		}
	})

	// A found parcel, a handoff chain and a missing number make every
	// courier host evaluate the same elements (docs/protocol.md §11).
	t.Run("CourierHostsSeeTheSameEvaluationsFoundOrNot", func(t *testing.T) {
		found := sample(t, top.world, simulator.SwiftID)
		chained, factor, _ := chain(t, top.world)
		missing := found.TrackingNumber[:len(found.TrackingNumber)-4] + "0000"
		if missing == found.TrackingNumber {
			missing = found.TrackingNumber[:len(found.TrackingNumber)-4] + "9999"
		}
		asked[missing] = "number"
		lookups := []struct {
			name, number, factor string
			wantErr              error
		}{
			{"found", found.TrackingNumber, "", nil},
			{"handed off twice", chained, factor, nil},
			{"missing", missing, "", client.ErrNotFound},
		}
		c := top.client(t)
		var shapes []string
		for _, l := range lookups {
			before := len(top.traffic.all())
			if _, err := c.Track(ctx, l.number, client.TrackOptions{Factor: l.factor}); !errors.Is(err, l.wantErr) {
				t.Fatalf("%s: err %v, want %v", l.name, err, l.wantErr)
			}
			var lines []string
			for _, r := range top.traffic.all()[before:] {
				if r.uri == "/tg1/evaluate" {
					lines = append(lines, fmt.Sprintf("%s %s %s body=%d", r.host, r.method, r.uri, len(r.body)))
				}
			}
			slices.Sort(lines)
			shapes = append(shapes, strings.Join(lines, "\n"))
		}
		if n := strings.Count(shapes[0], "\n") + 1; n != 3*(1+client.DefaultMaxHandoffs) {
			t.Errorf("%d evaluations reached the hosts, want one per courier per round", n)
		}
		for i := 1; i < len(shapes); i++ {
			if shapes[i] != shapes[0] {
				t.Errorf("the courier hosts tell %q from %q:\n%s\n--- versus ---\n%s", lookups[i].name, lookups[0].name, shapes[i], shapes[0])
			}
		}
	})

	// A marketplace's page tracks with its tenant's API key (docs/protocol.md
	// §7.6): the key goes no further than the gateway.
	t.Run("MarketplacePageWithATenantKey", func(t *testing.T) {
		s := sample(t, top.world, simulator.SwiftID)
		asked[s.TrackingNumber], asked[top.shopKey] = "number", "tenant's API key"
		before := len(top.traffic.all())
		res, err := top.shopClient(t).Track(ctx, s.TrackingNumber, client.TrackOptions{})
		if err != nil {
			t.Fatalf("Track with the tenant's key: %v", err)
		}
		if res.Legs[0].View.TrackingNumber != s.TrackingNumber {
			t.Fatalf("found %s", res.Legs[0].View.TrackingNumber)
		}
		if len(top.traffic.all()) == before {
			t.Fatal("the keyed lookup reached no courier host: the test would prove nothing")
		}
		if !strings.Contains(top.logs.String(), "tenant=e2e-shop") {
			t.Error("the gateway's request lines do not name the tenant")
		}
	})

	// Privacy: nothing a client knows or sends about itself reaches a
	// courier host, and no number, factor or API key reaches a log.
	t.Run("CourierHostsLearnNothingOfTheClient", func(t *testing.T) {
		requests := top.traffic.all()
		if len(requests) == 0 {
			t.Fatal("no courier host traffic was recorded")
		}
		for _, r := range requests {
			for secret, what := range asked {
				if r.contains(secret, what == "factor") {
					t.Errorf("%s %s to %s carries the %s", r.method, r.uri, r.host, what)
				}
			}
			for _, h := range []string{"Cookie", "X-Forwarded-For", "Referer", "Forwarded", "X-Real-Ip", "Origin", "Tg-Api-Key"} {
				if r.header.Get(h) != "" {
					t.Errorf("%s %s to %s carries the client's %s header", r.method, r.uri, r.host, h)
				}
			}
			if r.header.Get("User-Agent") == client.UserAgent {
				t.Errorf("%s %s to %s carries the client's User-Agent", r.method, r.uri, r.host)
			}
			if r.header.Get("TG-Key-Id") != "gateway" {
				t.Errorf("%s %s to %s is not signed by the gateway", r.method, r.uri, r.host)
			}
		}
		logs := top.logs.String()
		for secret, what := range asked {
			held := strings.Contains(logs, secret)
			if what == "factor" {
				held = privacyscan.LogsHoldFactor(logs, secret)
			}
			if held {
				t.Errorf("the logs carry a %s", what)
			}
		}
	})
}
