package webhook_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/webhook"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client"
	"github.com/trackgate/trackgate/gateway/courierhost"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/memory"
)

// TestEndToEnd runs the path of a courier without an API: its systems
// POST events to the webhook adapter of its courier host (push mode),
// which seals and publishes them into a gateway, where a shopper's client
// tracks the parcel over loopback HTTP with the phone factor.
func TestEndToEnd(t *testing.T) {
	const bucketBits = 4
	in := openIngest(t, phoneCourier, func(c *webhook.Config) { c.Now = time.Now })

	oprfKey, err := crypto.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signPub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	publisher := &gateway.LocalPublisher{Courier: testCourier}
	host, err := courierhost.New(courierhost.Config{
		Courier: testCourier, BucketBits: bucketBits, Mode: api.ModePush, Factor: crypto.FactorPhoneLast4,
		Keys:   []courierhost.KeyConfig{{Key: oprfKey, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}},
		Source: in.Adapter, EvaluateRate: rate.Limit(500), EvaluateBurst: 500,
		Publisher: publisher,
	})
	if err != nil {
		t.Fatal(err)
	}
	gw, err := gateway.New(gateway.Config{
		BucketBits: bucketBits,
		Couriers: []gateway.Courier{{
			ID: testCourier, Name: "Acme Post", Factor: crypto.FactorPhoneLast4, Mode: api.ModePush,
			Host: host, SigningKey: signPub,
		}},
		Store:        memory.New(store.Limits{BucketBits: bucketBits}),
		EvaluateRate: 1000, EvaluateBurst: 1000,
	})
	if err != nil {
		t.Fatal(err)
	}
	publisher.Gateway = gw
	srv := httptest.NewServer(gw.Handler())
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	if err := gw.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	wg.Go(func() { _ = host.Run(ctx) })
	c, err := client.New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}

	// Events posted by the courier's systems, with a recipient's phone
	// and name in the remarks.
	const tn, factor = "AP202606010001", "8000"
	start := time.Now().Add(-3 * time.Hour).Truncate(time.Second).In(time.FixedZone("", 8*3600))
	at := func(h int) string { return start.Add(time.Duration(h) * time.Hour).Format(time.RFC3339) }
	in.mustPost(t,
		webhook.EventIn{TrackingNumber: tn, Factors: []string{factor}, Time: at(0), Status: "info_received",
			Description: "Shipment information received"},
		webhook.EventIn{TrackingNumber: tn, Time: at(1), Status: "in_transit",
			Description: "Departed Hangzhou hub, 收件人：张先生 13800138000",
			Location:    &webhook.LocationIn{City: "Hangzhou", Country: "CN"}},
	)
	leg := trackUntil(t, c, tn, factor, 2)
	if leg.View.Status != adapters.StatusInTransit || leg.View.Events[1].Location.City != "Hangzhou" {
		t.Fatalf("view %+v", leg.View)
	}
	data, _ := json.Marshal(leg.View)
	for _, secret := range []string{"13800138000", "8000", "张先生"} {
		if strings.Contains(string(data), secret) {
			t.Fatalf("the tracked view holds %q: %s", secret, data)
		}
	}

	// The host's first records are out: once the directory says so, a
	// miss is "not found", no longer "still loading".
	for deadline := time.Now().Add(30 * time.Second); host.Loading(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the host still loads after its parcel was published")
		}
	}
	if err := gw.Refresh(ctx); err != nil {
		t.Fatal(err)
	}

	// The second factor guards the parcel.
	if _, err := c.Track(ctx, tn, client.TrackOptions{Courier: testCourier}); !errors.Is(err, client.ErrFactorRequired) {
		t.Fatalf("Track without the factor: %v", err)
	}
	if _, err := c.Track(ctx, tn, client.TrackOptions{Courier: testCourier, Factor: "0000"}); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("Track with a wrong factor: %v", err)
	}

	// A later event reaches the shopper too, through Watch.
	in.mustPost(t, webhook.EventIn{TrackingNumber: tn, Time: at(2), Status: "delivered", Description: "Delivered to the parcel locker"})
	leg = trackUntil(t, c, tn, factor, 3)
	if leg.View.Status != adapters.StatusDelivered {
		t.Fatalf("after delivery: %+v", leg.View)
	}
	var got []string
	for _, e := range leg.View.Events {
		got = append(got, e.Time.Format(time.RFC3339))
	}
	if want := []string{at(0), at(1), at(2)}; !slices.Equal(got, want) {
		t.Fatalf("event times %q, want %q", got, want)
	}
}

// trackUntil tracks tn until the view shows events events, for at most
// 30 s: the host indexes and publishes in the background.
func trackUntil(t *testing.T, c *client.Client, tn, factor string, events int) client.Leg {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		res, err := c.Track(t.Context(), tn, client.TrackOptions{Courier: testCourier, Factor: factor})
		if err == nil && len(res.Legs) == 1 && len(res.Legs[0].View.Events) == events {
			return res.Legs[0]
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the parcel did not show %d events within 30 s (last error %v)", events, last)
	return client.Leg{}
}
