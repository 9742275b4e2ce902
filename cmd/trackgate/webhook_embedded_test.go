package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/gateway/delivery"
	"github.com/trackgate/trackgate/gateway/embedded"
)

// TestWebhookListenOnTheEmbeddedDefault: on the embedded default, with the
// demo tenant's secret key serve prints, webhook listen subscribes a demo
// parcel and prints the updates its courier publishes as they come (the
// simulated clock runs an hour a second here), then deletes its
// subscription on Ctrl-C.
func TestWebhookListenOnTheEmbeddedDefault(t *testing.T) {
	d, srv := runEmbedded(t, embedded.Config{ParcelsPerCourier: 50, Speed: 3600})

	s := startCLI(t, nil, "webhook", "listen", "--number", "SW100000000001", "--secret-key", d.DemoSecretKey, "--gateway", srv.URL)
	s.waitFor(t, s.stderr, "Ctrl-C deletes it and stops.\n")
	printed := s.stdout.String()
	// The lookup's timeline first; then each delivery adds rows.
	deadline := time.Now().Add(40 * time.Second)
	for s.stdout.String() == printed {
		if time.Now().After(deadline) {
			t.Fatalf("no update within 40 s\nstdout:\n%s\nstderr:\n%s", s.stdout, s.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	update := strings.TrimPrefix(s.stdout.String(), printed)
	if !strings.Contains(update, "Swift Express") && !strings.Contains(update, "+08:00") {
		t.Errorf("the update %q is not a timeline row of the parcel", update)
	}
	if code := s.stop(t); code != 0 {
		t.Errorf("exit %d after Ctrl-C, want 0\nstderr:\n%s", code, s.stderr)
	}
	if !strings.Contains(s.stderr.String(), "Deleted subscription sub_") {
		t.Errorf("stderr %q: the subscription was not deleted", s.stderr)
	}
	subs, _, err := d.Gateway.Webhooks().Subscriptions(context.Background(), embedded.DemoTenant, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range subs {
		if sub.State == delivery.StateActive {
			t.Errorf("subscription %s still active after webhook listen stopped", sub.ID)
		}
	}
}
