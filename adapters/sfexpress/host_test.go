package sfexpress

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/courierhost"
)

// A courier host runs the adapter as configured in production: opened by
// name with a watchlist file, with the phone_last4 factor. The parcel's
// record is sealed under the factor SF accepted, and under no other.
func TestACourierHostServesSFParcelsFromTheWatchlist(t *testing.T) {
	_, srv := serveFake(t, adaptertest.Found)
	path := filepath.Join(t.TempDir(), "parcels.jsonl")
	line := `{"tracking_number":"SF1234567890123","factors":["` + senderLast4 + `","` + receiverLast4 + `"]}` + "\n"
	if err := os.WriteFile(path, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := adapters.Open(AdapterName, map[string]string{
		"partner_id": fakePartner, "checkword": fakeCheckword, "base_url": srv.URL + "/std/service",
		"timeout": "5s", "watchlist": path, "poll": "1h",
	})
	if err != nil {
		t.Fatal(err)
	}
	key, err := crypto.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	host, err := courierhost.New(courierhost.Config{
		Courier: DefaultCourier, BucketBits: 4, Mode: api.ModePull, Factor: crypto.FactorPhoneLast4,
		Keys:   []courierhost.KeyConfig{{Key: key, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour)}},
		Source: src, EvaluateRate: 100, EvaluateBurst: crypto.MaxBatch,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- host.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()

	derive := func(factor string) crypto.Derived {
		y, err := key.FullEvaluate(crypto.Input(DefaultCourier, foundNumber, factor))
		if err != nil {
			t.Fatal(err)
		}
		d, err := crypto.Derive(y)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := derive(receiverLast4)
	var rec crypto.SealedRecord
	for deadline := time.Now().Add(20 * time.Second); ; {
		rec, err = host.Record(ctx, d.Locator)
		if err == nil {
			break
		}
		if !errors.Is(err, api.ErrNotFound) || time.Now().After(deadline) {
			t.Fatalf("no record for the parcel: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	plain, err := crypto.Open(d.RecordKey, &rec)
	if err != nil {
		t.Fatal(err)
	}
	var view adapters.View
	if err := json.Unmarshal(plain, &view); err != nil {
		t.Fatal(err)
	}
	if err := adaptertest.CheckView(view, DefaultCourier, foundNumber, foundPII); err != nil {
		t.Fatal(err)
	}
	if view.Status != adapters.StatusDelivered || len(view.Events) != len(foundRoutes) {
		t.Errorf("sealed view: %s with %d events", view.Status, len(view.Events))
	}
	if _, err := host.Record(ctx, derive(senderLast4).Locator); !errors.Is(err, api.ErrNotFound) {
		t.Errorf("the factor SF refused unlocks a record: %v", err)
	}
}
