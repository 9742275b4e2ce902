package embedded

import (
	"testing"

	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/client"
)

// BenchmarkLookup measures what the fixed lookup shape of
// docs/protocol.md §11 costs, against a baseline taken in the same run: a
// lookup of one round only (handoff depth 0, which follows no handoff).
// Each lookup runs through the real gateway over loopback HTTP, with the
// three simulated couriers' hosts in process; compare the ns/op of the
// sub-benchmarks (make bench prints them side by side).
//
//	go test -run '^$' -bench Lookup -benchtime 200x ./gateway/embedded
func BenchmarkLookup(b *testing.B) {
	d, srv := startRunning(b, Config{ParcelsPerCourier: 200, Gateway: func(c *gateway.Config) {
		// The benchmark is one client: lift the per-client limits.
		c.EvaluateRate, c.EvaluateBurst = 1e9, 1e9
		c.FetchRate, c.FetchBurst = 1e9, 1e9
	}})
	sample := d.Samples(1)[0] // sim-swift: no factor
	cases := []struct {
		name string
		opts []client.Option
	}{
		{"baseline one round", []client.Option{client.WithMaxHandoffs(0)}},
		{"fixed shape depth 2", nil},
		{"fixed shape depth 2 fast", []client.Option{client.WithPrivateFetch(false)}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			cl, err := client.New(srv.URL, c.opts...)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := cl.Track(b.Context(), sample.TrackingNumber, client.TrackOptions{Factor: sample.Factor}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
