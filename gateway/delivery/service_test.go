package delivery_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/gateway/delivery"
	"github.com/trackgate/trackgate/gateway/webhook"
)

func locators(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = bytes.Repeat([]byte{byte(i), byte(i >> 8)}, 8)
	}
	return out
}

func TestSubscribeChecksItsRequest(t *testing.T) {
	e, _ := startEngine(t, func(c *delivery.Config) {
		c.Policy = webhook.Policy{}
		c.MaxSubscriptions = 1
	})
	good := delivery.SubscribeRequest{Locators: locators(2), CallbackURL: "https://203.0.113.10/hook", Secret: secretA}
	tests := []struct {
		name   string
		change func(*delivery.SubscribeRequest)
		want   string
	}{
		{"no locator", func(r *delivery.SubscribeRequest) { r.Locators = nil }, "at least one"},
		{"101 locators", func(r *delivery.SubscribeRequest) { r.Locators = locators(101) }, "at most 100"},
		{"a locator twice", func(r *delivery.SubscribeRequest) { r.Locators = append(locators(3), locators(1)...) }, "twice"},
		{"a short locator", func(r *delivery.SubscribeRequest) { r.Locators = [][]byte{make([]byte, 15)} }, "16 bytes"},
		{"a short secret", func(r *delivery.SubscribeRequest) { r.Secret = "short" }, "32 to 128"},
		{"a secret with a space", func(r *delivery.SubscribeRequest) { r.Secret = strings.Repeat("a", 20) + " " + strings.Repeat("b", 20) }, "32 to 128"},
		{"plain http", func(r *delivery.SubscribeRequest) { r.CallbackURL = "http://203.0.113.10/hook" }, "https://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := good
			tt.change(&req)
			_, err := e.Subscribe(t.Context(), "shop-a", req)
			if !errors.Is(err, delivery.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want ErrInvalid saying %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secretA) {
				t.Fatal("the error repeats the secret")
			}
		})
	}
	s, err := e.Subscribe(t.Context(), "shop-a", good)
	if err != nil {
		t.Fatal(err)
	}
	if !delivery.ValidSubscriptionID(s.ID) || s.State != delivery.StateActive || s.ExpiresAt.Sub(s.CreatedAt) != delivery.DefaultLifetime {
		t.Fatalf("subscription %+v", s)
	}
	if _, err := e.Subscribe(t.Context(), "shop-a", good); !errors.Is(err, delivery.ErrLimit) {
		t.Fatalf("a second subscription over a limit of 1: %v", err)
	}
	if _, err := e.Subscribe(t.Context(), "shop-b", good); err != nil {
		t.Fatalf("another tenant: %v", err)
	}
}

func TestSubscriptionsArePagedAndEachTenantSeesItsOwn(t *testing.T) {
	e, counter := startEngine(t, nil)
	var ids []string
	for range 5 {
		ids = append(ids, subscribe(t, e, "shop-a", "http://127.0.0.1:1/", secretA, locators(1)).ID)
	}
	other := subscribe(t, e, "shop-b", "http://127.0.0.1:1/", secretB, locators(1))
	seen := map[string]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		page, next, err := e.Subscriptions(t.Context(), "shop-a", cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page {
			seen[s.ID] = true
		}
		if next == "" {
			if pages != 2 {
				t.Fatalf("5 subscriptions in %d pages of 2", pages+1)
			}
			break
		}
		cursor = next
	}
	for _, id := range ids {
		if !seen[id] {
			t.Fatalf("%s was not listed", id)
		}
	}
	if seen[other.ID] {
		t.Fatal("shop-a listed shop-b's subscription")
	}
	if _, _, err := e.Subscriptions(t.Context(), "shop-a", "not-a-cursor", 2); !errors.Is(err, delivery.ErrInvalid) {
		t.Fatalf("a bad cursor: %v", err)
	}
	for _, op := range []func() error{
		func() error { _, err := e.Subscription(t.Context(), "shop-a", other.ID); return err },
		func() error { return e.Unsubscribe(t.Context(), "shop-a", other.ID) },
		func() error { _, err := e.RotateSecret(t.Context(), "shop-a", other.ID, secretA); return err },
		func() error { _, err := e.DeadLetters(t.Context(), "shop-a", other.ID); return err },
		func() error { _, err := e.Replay(t.Context(), "shop-a", other.ID, nil); return err },
		func() error { _, err := e.Subscription(t.Context(), "shop-a", "sub_x"); return err },
	} {
		if err := op(); !errors.Is(err, delivery.ErrNotFound) {
			t.Fatalf("shop-a on shop-b's subscription: %v, want ErrNotFound", err)
		}
	}
	if err := e.Unsubscribe(t.Context(), "shop-a", ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := e.Unsubscribe(t.Context(), "shop-a", ids[0]); err != nil {
		t.Fatalf("a second delete: %v", err)
	}
	if got := counter.Get(delivery.Scope{Tenant: "shop-a"}, delivery.MetricSubscriptionsEnded); got != 1 {
		t.Fatalf("counted %d ended subscriptions, want 1", got)
	}
	s, _ := e.Subscription(t.Context(), "shop-a", ids[0])
	if s.State != delivery.StateEnded || s.EndedReason != delivery.EndedDeleted {
		t.Fatalf("deleted subscription %+v", s)
	}
}

// TestARotatedSecretSignsBesideTheNewOne: for a day after a rotation
// every delivery carries a signature by each secret, so the receiver may
// switch whenever it likes.
func TestARotatedSecretSignsBesideTheNewOne(t *testing.T) {
	var mu sync.Mutex
	var headers []string
	var bodies [][]byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		headers = append(headers, r.Header.Get(webhook.SignatureHeader))
		bodies = append(bodies, b)
		mu.Unlock()
	}))
	defer srv.Close()
	e, _ := startEngine(t, nil)
	locs := locators(1)
	s := subscribe(t, e, "shop-a", srv.URL, secretA, locs)
	if _, err := e.RotateSecret(t.Context(), "shop-a", s.ID, "short"); !errors.Is(err, delivery.ErrInvalid) {
		t.Fatalf("a short new secret: %v", err)
	}
	got, err := e.RotateSecret(t.Context(), "shop-a", s.ID, secretB)
	if err != nil {
		t.Fatal(err)
	}
	if got.Secret != secretB || got.PreviousSecret != secretA || got.PreviousUntil.Sub(time.Now()) < 23*time.Hour {
		t.Fatalf("after the rotation: %+v", got)
	}
	e.Publish(t.Context(), []delivery.Event{{Courier: "swift", Locator: locs[0], Version: 1, Nonce: make([]byte, 12), Ciphertext: make([]byte, 384)}})
	if !waitLen(&mu, func() int { return len(headers) }, 1) {
		t.Fatal("no delivery")
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Count(headers[0], "v1=") != 2 {
		t.Fatalf("header %q, want two v1 signatures", headers[0])
	}
	for _, secret := range []string{secretA, secretB} {
		if err := webhook.Verify(headers[0], bodies[0], time.Now(), time.Minute, secret); err != nil {
			t.Errorf("does not verify with one of the secrets: %v", err)
		}
	}
	e.Unsubscribe(context.Background(), "shop-a", s.ID)
	if _, err := e.RotateSecret(t.Context(), "shop-a", s.ID, secretA); !errors.Is(err, delivery.ErrEnded) {
		t.Fatalf("rotating an ended subscription's secret: %v", err)
	}
}

func waitLen(mu *sync.Mutex, n func() int, want int) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		got := n()
		mu.Unlock()
		if got >= want {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}
