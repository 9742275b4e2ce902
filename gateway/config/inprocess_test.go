package config

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trackgate/trackgate/gateway/api"
)

// capturePublisher takes a host's batches as a gateway in its process would.
type capturePublisher struct{ records atomic.Int64 }

func (p *capturePublisher) Publish(_ context.Context, batch api.Records) (api.PublishResponse, error) {
	p.records.Add(int64(len(batch.Records)))
	res := api.PublishResponse{Stored: len(batch.Records)}
	for range batch.Records {
		res.Results = append(res.Results, api.ItemResult{Status: api.ItemStored})
	}
	return res, nil
}

// TestInProcessIgnoresTheGatewaySection: a host run in the gateway's own
// process (serve --courier) needs no gateway key, URL or outbox; the same
// file is refused for a host of its own.
func TestInProcessIgnoresTheGatewaySection(t *testing.T) {
	f := newFixture(t)
	doc := f.courierDoc()
	edit(t, doc, "gateway.public_key", "REPLACE-WITH-THE-GATEWAYS-SIGNING-PUBLIC-KEY")
	edit(t, doc, "gateway.url", "http://gateway.example") // plain http off loopback
	edit(t, doc, "outbox", "no-such-dir/outbox.db")
	data := marshal(t, doc)

	if _, err := parseCourier(data, f.dir, f.opts()); err == nil {
		t.Fatal("a host of its own loaded a file without the gateway's key")
	}
	o := f.opts()
	o.inProcess = true
	c, err := parseCourier(data, f.dir, o)
	if err != nil {
		t.Fatalf("in process: %v", err)
	}
	if c.GatewayPublicKey() != nil {
		t.Errorf("in process, the host knows a gateway key: %v", c.GatewayPublicKey())
	}
	if !c.SigningPublicKey().Equal(f.courierPub) {
		t.Errorf("the host's signing key is not the file's")
	}
	var kids []string
	for _, k := range c.ServedKeys(time.Now()) {
		kids = append(kids, k.KeyID)
	}
	if !slices.Equal(slices.Sorted(slices.Values(kids)), slices.Sorted(slices.Values(f.kids))) {
		t.Errorf("served kids %v, want %v", kids, f.kids)
	}

	if _, err := c.Build(t.Context(), nil); err == nil {
		t.Fatal("an in-process push host was built without a publisher")
	}
	pub := &capturePublisher{}
	h, err := c.Build(t.Context(), nil, WithPublisher(pub))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	if h.Outbox != nil {
		t.Error("an in-process host opened an outbox")
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	deadline := time.After(30 * time.Second)
	for !h.Host.Ready() || h.Host.Unpublished() > 0 {
		select {
		case err := <-done:
			t.Fatalf("the host stopped: %v", err)
		case <-deadline:
			t.Fatal("the host did not publish its parcels within 30 s")
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if pub.records.Load() == 0 {
		t.Error("the host published nothing through the publisher it was given")
	}
}
