package embedded

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client"
)

func TestDirectoryPublishesTheSimulatorsPatternsWithTheirChecksums(t *testing.T) {
	d, err := Build(Config{ParcelsPerCourier: 20})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Gateway.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Gateway.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/v1/couriers")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var dir api.Directory
	if err := api.Decode(resp.Body, &dir); err != nil {
		t.Fatal(err)
	}
	published := map[string][]api.Pattern{}
	for _, e := range dir.Couriers {
		published[e.ID] = e.Patterns
	}
	for _, p := range simulator.Profiles() {
		got := published[p.ID]
		if len(got) != len(p.Patterns) {
			t.Fatalf("%s: directory patterns %v, want %v", p.ID, got, p.Patterns)
		}
		for i := range got {
			if got[i].Regex != p.Patterns[i] || got[i].Checksum != p.Checksum(i) {
				t.Errorf("%s: pattern %d = %+v, want %s with checksum %q", p.ID, i, got[i], p.Patterns[i], p.Checksum(i))
			}
		}
	}
	if published[simulator.GlobalID][0].Checksum != "s10" {
		t.Errorf("sim-global's pattern carries checksum %q, want s10", published[simulator.GlobalID][0].Checksum)
	}
	// The SDK knows s10, so the global courier's numbers are detected.
	for _, s := range d.Samples(2) {
		found, err := client.Detect(&dir, s.TrackingNumber)
		if err != nil || len(found) != 1 || found[0].Courier.ID != s.Courier {
			t.Errorf("Detect(%s) = %v, %v; want only %s", s.TrackingNumber, found, err, s.Courier)
		}
	}
}
