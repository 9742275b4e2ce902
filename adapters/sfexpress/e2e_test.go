package sfexpress

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/detect"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client"
	"github.com/trackgate/trackgate/gateway/courierhost"
	"github.com/trackgate/trackgate/gateway/remotehost"
	"github.com/trackgate/trackgate/gateway/signing"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/memory"
)

// TestSFParcelTrackedThroughTheGateway runs the whole path with the SF
// adapter: fake SF open platform ← courier host (sfexpress + watchlist,
// its own HTTP server) ← gateway (its own HTTP server) ← Go SDK, with the
// phone factor.
func TestSFParcelTrackedThroughTheGateway(t *testing.T) {
	_, sf := serveFake(t, adaptertest.Found)
	watch := filepath.Join(t.TempDir(), "parcels.jsonl")
	line := `{"tracking_number":"` + foundNumber + `","factors":["` + senderLast4 + `","` + receiverLast4 + `"]}` + "\n"
	if err := os.WriteFile(watch, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := adapters.Open(AdapterName, map[string]string{
		"partner_id": fakePartner, "checkword": fakeCheckword, "base_url": sf.URL + "/std/service",
		"timeout": "5s", "watchlist": watch, "poll": "1h",
	})
	if err != nil {
		t.Fatal(err)
	}
	oprfKey, _ := crypto.GenerateKey(rand.Reader)
	now := time.Now()
	host, err := courierhost.New(courierhost.Config{
		Courier: DefaultCourier, BucketBits: 4, Mode: api.ModePull, Factor: crypto.FactorPhoneLast4,
		Keys:   []courierhost.KeyConfig{{Key: oprfKey, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour)}},
		Source: src, EvaluateRate: 100, EvaluateBurst: crypto.MaxBatch,
	})
	if err != nil {
		t.Fatal(err)
	}
	gatewayPub, gatewayKey, _ := ed25519.GenerateKey(rand.Reader)
	courierPub, courierKey, _ := ed25519.GenerateKey(rand.Reader)
	hostSrv := httptest.NewServer(host.Handler(&signing.Verifier{Keys: func(id string) (ed25519.PublicKey, bool) {
		return gatewayPub, id == "gateway"
	}}, courierKey))
	defer hostSrv.Close()

	gw, err := gateway.New(gateway.Config{
		BucketBits: 4, Store: memory.New(store.Limits{BucketBits: 4}),
		Couriers: []gateway.Courier{{
			ID: DefaultCourier, Name: "SF Express 顺丰速运", Factor: crypto.FactorPhoneLast4, Mode: api.ModePull,
			Patterns: detect.Patterns("sf-express"),
			Host:     remotehost.New(hostSrv.URL, &signing.Signer{KeyID: "gateway", Key: gatewayKey, Audience: DefaultCourier}, courierPub, nil),
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	gwSrv := httptest.NewServer(gw.Handler())
	defer gwSrv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- host.Run(ctx) }()
	defer func() { cancel(); <-done }()
	if err := gw.Refresh(ctx); err != nil {
		t.Fatal(err)
	}

	c, err := client.New(gwSrv.URL)
	if err != nil {
		t.Fatal(err)
	}
	var res *client.Result
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		res, err = c.Track(ctx, "sf 1234-5678-90123", client.TrackOptions{Factor: receiverLast4})
		waiting := errors.Is(err, client.ErrNotFound) || errors.Is(err, client.ErrStillLoading)
		if err == nil || !waiting || time.Now().After(deadline) {
			break // found, failed otherwise, or the watchlist never polled
		}
	}
	if err != nil {
		t.Fatalf("Track: %v", err)
	}
	v := res.Legs[0].View
	if v.Courier != DefaultCourier || v.TrackingNumber != foundNumber || v.Status != adapters.StatusDelivered || len(v.Events) != len(foundRoutes) {
		t.Fatalf("view %s %s %s with %d events", v.Courier, v.TrackingNumber, v.Status, len(v.Events))
	}
	for i, e := range v.Events {
		if got := e.Time.Format(time.RFC3339); got != foundEventTimes[i] {
			t.Errorf("event %d at %s, want %s", i, got, foundEventTimes[i])
		}
		for _, pii := range foundPII {
			if strings.Contains(e.Description, pii) || (e.Location != nil && strings.Contains(e.Location.City, pii)) {
				t.Errorf("event %d carries personal data %q", i, pii)
			}
		}
	}
	// The watchlist has polled: once the host says so, the directory no
	// longer has SF loading, and a miss is "not found".
	for deadline := time.Now().Add(20 * time.Second); host.Loading(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the host still loads after its watchlist was polled")
		}
	}
	if err := gw.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	// SF answered only to the recipient's digits, so only they unlock it.
	if _, err := c.Track(ctx, foundNumber, client.TrackOptions{Factor: senderLast4}); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("sender's digits: err %v, want ErrNotFound", err)
	}
}

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode) // no route dump for the test servers
	os.Exit(m.Run())
}
