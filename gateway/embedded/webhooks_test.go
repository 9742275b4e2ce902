package embedded

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/webhook"
)

// leg is what a subscriber keeps of a parcel it looked up: the courier,
// the number, the locator and the record key.
type leg struct {
	courier, number string
	derived         crypto.Derived
}

// derive finds a parcel's locator and record key through the gateway at
// url, as a client does: blind, evaluate, finalize.
func derive(t *testing.T, url string, s simulator.Sample) leg {
	t.Helper()
	var dir api.Directory
	getJSON(t, url+"/v1/couriers", &dir)
	var pk *crypto.PublicKey
	for _, c := range dir.Couriers {
		if c.ID == s.Courier {
			var err error
			if pk, err = crypto.ParsePublicKey(c.Keys[len(c.Keys)-1].PublicKey); err != nil {
				t.Fatal(err)
			}
		}
	}
	b, err := crypto.Blind(pk, [][]byte{crypto.Input(s.Courier, s.TrackingNumber, s.Factor)})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := json.Marshal(api.EvaluateRequest{Requests: []api.CourierEvaluation{{
		Courier: s.Courier, KeyID: pk.KeyID(), Blinded: []crypto.B64{b.Elements[0]},
	}}})
	resp, err := http.Post(url+"/v1/evaluate", "application/json", bytes.NewReader(req))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ev api.EvaluateResponse
	if err := json.NewDecoder(resp.Body).Decode(&ev); err != nil || len(ev.Results) != 1 || ev.Results[0].Status != api.StatusOK {
		t.Fatalf("evaluate %s: %v %+v", s.TrackingNumber, err, ev)
	}
	ys, err := b.Finalize([][]byte{ev.Results[0].Evaluated[0]}, ev.Results[0].Proof)
	if err != nil {
		t.Fatal(err)
	}
	d, err := crypto.Derive(ys[0])
	if err != nil {
		t.Fatal(err)
	}
	return leg{courier: s.Courier, number: s.TrackingNumber, derived: d}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// TestDemoTenantSubscribesWithItsSecretKey: on the embedded default, the
// demo tenant's secret key subscribes a loopback http receiver to sample
// parcels of a push and a pull courier, and as the simulated parcels
// move, signed updates arrive that open, with each leg's record key, to
// the parcel's view.
func TestDemoTenantSubscribesWithItsSecretKey(t *testing.T) {
	d, srv := startRunning(t, Config{ParcelsPerCourier: 40, Speed: 7200})
	const secret = "demo-receiver-secret-0123456789abcdefghijk"
	var mu sync.Mutex
	var bodies [][]byte
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := webhook.Verify(r.Header.Get(webhook.SignatureHeader), body, time.Now(), time.Minute, secret); err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		mu.Lock()
		bodies = append(bodies, body)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()

	legs := map[string]leg{}
	var locators []crypto.B64
	for _, s := range d.Samples(8) {
		if s.Courier == simulator.PandaID {
			continue
		}
		l := derive(t, srv.URL, simulator.Sample{Courier: s.Courier, TrackingNumber: s.TrackingNumber, Factor: s.Factor})
		legs[crypto.EncodeB64(l.derived.Locator)] = l
		locators = append(locators, l.derived.Locator)
	}
	body, _ := json.Marshal(api.SubscriptionRequest{Locators: locators, CallbackURL: recv.URL + "/hook", Secret: secret})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/subscriptions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+d.DemoSecretKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("the demo tenant's subscription: %d", resp.StatusCode)
	}

	seen := map[string]bool{}
	deadline := time.Now().Add(45 * time.Second)
	for !(seen[simulator.SwiftID] && seen[simulator.GlobalID]) {
		if time.Now().After(deadline) {
			t.Fatalf("updates within 45 s from %v; want both a push and a pull courier", seen)
		}
		time.Sleep(100 * time.Millisecond)
		mu.Lock()
		got := bodies
		bodies = nil
		mu.Unlock()
		for _, b := range got {
			var dlv api.WebhookDelivery
			if err := json.Unmarshal(b, &dlv); err != nil {
				t.Fatal(err)
			}
			l, ok := legs[crypto.EncodeB64(dlv.Locator)]
			if !ok {
				t.Fatalf("a delivery for a locator never subscribed")
			}
			if dlv.Type != api.DeliveryUpdated || dlv.Record == nil {
				continue
			}
			plain, err := crypto.OpenPublic(l.derived.RecordKey, l.courier, dlv.Record)
			if err != nil {
				t.Fatalf("the delivered record of %s does not open: %v", l.number, err)
			}
			var view adapters.View
			if err := json.Unmarshal(bytes.TrimRight(plain, " "), &view); err != nil || view.TrackingNumber != l.number {
				t.Fatalf("the delivered view of %s: %v %q", l.number, err, view.TrackingNumber)
			}
			seen[l.courier] = true
		}
	}
}
