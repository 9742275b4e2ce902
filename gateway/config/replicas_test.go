package config

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/gateway/remotehost"
)

func TestGatewayCourierReplicas(t *testing.T) {
	f := newFixture(t)
	load := func(t *testing.T, hosts []any) (*Gateway, error) {
		t.Helper()
		doc := f.gatewayDoc()
		edit(t, doc, "couriers.0.host", nil)
		edit(t, doc, "couriers.0.hosts", hosts)
		return parseGateway(marshal(t, doc), f.dir, f.opts())
	}

	g, err := load(t, []any{"http://127.0.0.1:19011", "http://127.0.0.1:19012/"})
	if err != nil {
		t.Fatal(err)
	}
	if got := g.Couriers[0].Hosts; len(got) != 2 || got[0] != "http://127.0.0.1:19011" {
		t.Errorf("hosts %v, want both replicas in order", got)
	}
	if got := g.Couriers[1].Hosts; len(got) != 1 || got[0] != "http://127.0.0.1:19003" {
		t.Errorf("a courier given host: hosts %v, want its host alone", got)
	}
	if _, ok := courierHost(g.Couriers[0], nil, nil, nil, nil).(*remotehost.Replicas); !ok {
		t.Error("a courier with two hosts is not reached through remotehost.Replicas")
	}
	if _, ok := courierHost(g.Couriers[1], nil, nil, nil, nil).(*remotehost.Client); !ok {
		t.Error("a courier with one host is not reached through a plain remotehost.Client")
	}

	tests := []struct {
		name      string
		hosts     []any
		wantField string
		wantText  string
	}{
		{"a replica listed twice", []any{"http://127.0.0.1:19011", "http://127.0.0.1:19011/"}, "couriers[0].hosts[1]", "listed twice"},
		{"a replica that is another courier's host", []any{"http://127.0.0.1:19011", "http://127.0.0.1:19003"}, "couriers[1].host", "already a host of couriers[0]"},
		{"a replica over plain HTTP off loopback", []any{"https://a.courier.example", "http://b.courier.example"}, "couriers[0].hosts[1]", "use https://b.courier.example"},
		{"an empty list", []any{}, "couriers[0].host", "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, tt.hosts)
			if err == nil {
				t.Fatal("accepted")
			}
			if fe := fieldOf(t, err); fe.Field != tt.wantField || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q: want field %s and %q", err, tt.wantField, tt.wantText)
			}
		})
	}
}

func TestCourierPartitionReachesTheHost(t *testing.T) {
	f := newFixture(t)
	// handedOver runs a host built from doc until it has handed every
	// record it sealed to its outbox, and counts them there.
	handedOver := func(doc map[string]any) int {
		h := buildCourier(t, f, doc, nil)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- h.Host.Run(ctx) }()
		defer func() { cancel(); <-done }()
		deadline := time.Now().Add(30 * time.Second)
		for !h.Host.Ready() || h.Host.Unpublished() != 0 {
			if time.Now().After(deadline) {
				t.Fatal("the host did not hand its records over within 30 s")
			}
			time.Sleep(10 * time.Millisecond)
		}
		return h.Outbox.Pending()
	}
	all := handedOver(f.courierDoc())
	doc := f.courierDoc()
	edit(t, doc, "partition", map[string]any{"index": 1, "count": 2})
	edit(t, doc, "outbox", "state/replica-1.db")
	share := handedOver(doc)
	if share == 0 || share >= all {
		t.Errorf("replica 1 of 2 handed over %d records, the whole courier %d; want a share", share, all)
	}
}
