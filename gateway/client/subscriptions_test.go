package client

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
	"github.com/trackgate/trackgate/gateway/webhook"
)

const (
	secretA = "whsec_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	secretB = "whsec_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

// inbox is a receiver that keeps every delivery's headers and body.
type inbox struct {
	mu    sync.Mutex
	got   []http.Header
	body  [][]byte
	srv   *httptest.Server
	reply int
}

func newInbox(t *testing.T) *inbox {
	in := &inbox{reply: http.StatusNoContent}
	in.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		in.mu.Lock()
		in.got = append(in.got, r.Header.Clone())
		in.body = append(in.body, b)
		reply := in.reply
		in.mu.Unlock()
		w.WriteHeader(reply)
	}))
	t.Cleanup(in.srv.Close)
	return in
}

// delivery returns the headers and body of the i-th delivery received.
func (in *inbox) delivery(i int) (http.Header, []byte) {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.got[i], in.body[i]
}

func subscriptionGateway(t *testing.T, keys ...string) *clienttest.Gateway {
	t.Helper()
	g := clienttest.New(t, clienttest.Config{BucketBits: 4, Couriers: []clienttest.Courier{east, west}, SecretKeys: keys})
	g.AddParcel(t, "sim-east", "SE1234567890", "", inTransit("sim-east", "SE1234567890"))
	return g
}

func TestSubscribeDeliversSignedVersionsThatOpen(t *testing.T) {
	key := clienttest.NewSecretKey()
	g := subscriptionGateway(t, key)
	c := newClient(t, g)
	res, err := c.Track(ctxT(t), "SE1234567890", TrackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in := newInbox(t)
	sub, err := c.Subscribe(ctxT(t), key, res.Locators(), in.srv.URL+"/hook", secretA)
	if err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	if !subscriptionID.MatchString(sub.ID) || sub.State != SubscriptionActive || sub.CallbackURL != in.srv.URL+"/hook" ||
		len(sub.Locators) != 1 || crypto.EncodeB64(sub.Locators[0]) != crypto.EncodeB64(res.Legs[0].Locator) ||
		sub.ExpiresAt.Sub(sub.CreatedAt) != 90*24*time.Hour {
		t.Errorf("subscription = %+v", sub)
	}

	sent := g.Deliver(t, "sim-east", "SE1234567890", "", inTransit("sim-east", "SE1234567890"))
	if len(sent) != 1 || sent[0].Status != http.StatusNoContent {
		t.Fatalf("sent %+v, want one delivery, accepted", sent)
	}
	h, body := in.delivery(0)
	if err := webhook.Verify(h.Get(webhook.SignatureHeader), body, time.Now(), webhook.DefaultTolerance, secretA); err != nil {
		t.Fatalf("delivery does not verify: %v", err)
	}
	view, err := OpenDelivery(body, res.Legs[0])
	if err != nil || view.TrackingNumber != "SE1234567890" {
		t.Fatalf("OpenDelivery = %v, %v", view.TrackingNumber, err)
	}
	if h.Get(DeliveryIDHeader) != sent[0].ID {
		t.Errorf("TG-Webhook-Id %q, want %q", h.Get(DeliveryIDHeader), sent[0].ID)
	}

	// Rotation: both secrets sign for a while, so either verifies.
	if _, err := c.RotateSubscriptionSecret(ctxT(t), key, sub.ID, secretB); err != nil {
		t.Fatalf("RotateSubscriptionSecret: %v", err)
	}
	g.Deliver(t, "sim-east", "SE1234567890", "", inTransit("sim-east", "SE1234567890"))
	h, body = in.delivery(1)
	for _, s := range []string{secretA, secretB} {
		if err := webhook.Verify(h.Get(webhook.SignatureHeader), body, time.Now(), webhook.DefaultTolerance, s); err != nil {
			t.Errorf("after rotation, %s does not verify: %v", s[:8], err)
		}
	}

	if err := c.DeleteSubscription(ctxT(t), key, sub.ID); err != nil {
		t.Fatalf("DeleteSubscription: %v", err)
	}
	got, err := c.Subscription(ctxT(t), key, sub.ID)
	if err != nil || got.State != SubscriptionEnded || got.EndedReason != EndedDeleted || got.Counts.Delivered != 2 {
		t.Errorf("after delete: %+v, %v; want ended, deleted, 2 delivered", got, err)
	}
	if sent := g.Deliver(t, "sim-east", "SE1234567890", "", inTransit("sim-east", "SE1234567890")); len(sent) != 0 {
		t.Errorf("a deleted subscription still gets deliveries: %+v", sent)
	}
}

func TestSubscriptionsAreTheTenantsOwnAndPaged(t *testing.T) {
	mine, theirs := clienttest.NewSecretKey(), clienttest.NewSecretKey()
	g := subscriptionGateway(t, mine, theirs)
	c := newClient(t, g)
	var ids []string
	for i := range 3 {
		loc := make([]byte, crypto.LocatorSize)
		loc[0] = byte(i)
		s, err := c.Subscribe(ctxT(t), mine, [][]byte{loc}, "https://shop.example/hooks/trackgate", secretA)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	other, err := c.Subscribe(ctxT(t), theirs, [][]byte{make([]byte, 16)}, "https://other.example/", secretB)
	if err != nil {
		t.Fatal(err)
	}

	page, err := c.Subscriptions(ctxT(t), mine, 2, "")
	if err != nil || len(page.Subscriptions) != 2 || page.NextCursor == "" {
		t.Fatalf("first page = %+v, %v; want 2 and a cursor", page, err)
	}
	page2, err := c.Subscriptions(ctxT(t), mine, 2, page.NextCursor)
	if err != nil || len(page2.Subscriptions) != 1 || page2.NextCursor != "" || page2.Subscriptions[0].ID != ids[2] {
		t.Fatalf("second page = %+v, %v; want the third and no cursor", page2, err)
	}
	var all []string
	for s, err := range c.AllSubscriptions(ctxT(t), mine) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, s.ID)
	}
	if strings.Join(all, ",") != strings.Join(ids, ",") {
		t.Errorf("AllSubscriptions = %v, want %v", all, ids)
	}

	_, err = c.Subscription(ctxT(t), mine, other.ID)
	var gwErr *GatewayError
	if !errors.As(err, &gwErr) || gwErr.StatusCode != http.StatusNotFound {
		t.Errorf("another tenant's subscription: %v, want a 404 GatewayError", err)
	}
	if err := c.DeleteSubscription(ctxT(t), mine, other.ID); !errors.As(err, &gwErr) || gwErr.StatusCode != http.StatusNotFound {
		t.Errorf("deleting another tenant's subscription: %v, want 404", err)
	}
	if s := g.Subscriptions()[3]; s.State != SubscriptionActive {
		t.Errorf("another tenant deleted a subscription: %+v", s)
	}
}

func TestDeadLettersAreListedAndReplayed(t *testing.T) {
	key := clienttest.NewSecretKey()
	g := subscriptionGateway(t, key)
	c := newClient(t, g)
	loc := g.Locator(t, "sim-east", "SE1234567890", "")
	sub, err := c.Subscribe(ctxT(t), key, [][]byte{loc}, "https://shop.example/hook", secretA)
	if err != nil {
		t.Fatal(err)
	}
	first := g.AddDeadLetter(t, sub.ID, loc, 2, "HTTP 500")
	second := g.AddDeadLetter(t, sub.ID, loc, 3, "timeout")

	dead, err := c.DeadLetters(ctxT(t), key, sub.ID)
	if err != nil || len(dead) != 2 {
		t.Fatalf("DeadLetters = %+v, %v", dead, err)
	}
	if d := dead[0]; d.ID != first.ID || d.Version != 2 || d.LastError != "HTTP 500" || d.Attempts != 17 || crypto.EncodeB64(d.Locator) != crypto.EncodeB64(loc) || d.FirstAttemptAt.IsZero() {
		t.Errorf("dead letter = %+v, want %+v", d, first)
	}
	if n, err := c.ReplayDeadLetters(ctxT(t), key, sub.ID, second.ID); err != nil || n != 1 {
		t.Errorf("replay one = %d, %v", n, err)
	}
	if n, err := c.ReplayDeadLetters(ctxT(t), key, sub.ID); err != nil || n != 1 {
		t.Errorf("replay all = %d, %v", n, err)
	}
	if got := g.Replayed(); len(got) != 2 || got[0] != second.ID || got[1] != first.ID {
		t.Errorf("replayed %v, want %s then %s", got, second.ID, first.ID)
	}
	if _, err := c.ReplayDeadLetters(ctxT(t), key, sub.ID, "not-an-id"); err == nil {
		t.Error("a malformed dead letter id was sent")
	}
}

func TestSubscriptionCallsRefuseBadInputBeforeAnyRequest(t *testing.T) {
	key := clienttest.NewSecretKey()
	g := subscriptionGateway(t, key)
	c := newClient(t, g)
	loc := make([]byte, crypto.LocatorSize)
	many := make([][]byte, MaxSubscriptionLocators+1)
	for i := range many {
		many[i] = make([]byte, crypto.LocatorSize)
		many[i][0], many[i][1] = byte(i), byte(i>>8)
	}
	hook := "https://shop.example/hook"
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"no key", func() error { _, err := c.Subscribe(ctxT(t), "", [][]byte{loc}, hook, secretA); return err }, ErrSecretKey},
		{"a publishable key", func() error {
			_, err := c.Subscribe(ctxT(t), "tg1pk_"+strings.Repeat("A", 43), [][]byte{loc}, hook, secretA)
			return err
		}, ErrSecretKey},
		{"no locator", func() error { _, err := c.Subscribe(ctxT(t), key, nil, hook, secretA); return err }, nil},
		{"101 locators", func() error { _, err := c.Subscribe(ctxT(t), key, many, hook, secretA); return err }, nil},
		{"a locator twice", func() error { _, err := c.Subscribe(ctxT(t), key, [][]byte{loc, loc}, hook, secretA); return err }, nil},
		{"a short locator", func() error { _, err := c.Subscribe(ctxT(t), key, [][]byte{loc[:8]}, hook, secretA); return err }, nil},
		{"ftp callback", func() error {
			_, err := c.Subscribe(ctxT(t), key, [][]byte{loc}, "ftp://shop.example/", secretA)
			return err
		}, nil},
		{"callback with credentials", func() error {
			_, err := c.Subscribe(ctxT(t), key, [][]byte{loc}, "https://u:p@shop.example/", secretA)
			return err
		}, nil},
		{"callback with a fragment", func() error { _, err := c.Subscribe(ctxT(t), key, [][]byte{loc}, hook+"#x", secretA); return err }, nil},
		{"short secret", func() error { _, err := c.Subscribe(ctxT(t), key, [][]byte{loc}, hook, "short"); return err }, webhook.ErrBadSecret},
		{"bad subscription id", func() error { _, err := c.Subscription(ctxT(t), key, "../couriers"); return err }, nil},
		{"rotate to a short secret", func() error {
			_, err := c.RotateSubscriptionSecret(ctxT(t), key, "sub_AAAAAAAAAAAAAAAAAAAAAA", "short")
			return err
		}, webhook.ErrBadSecret},
		{"page of 101", func() error { _, err := c.Subscriptions(ctxT(t), key, 101, ""); return err }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if n := g.Requests(); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

func TestSubscriptionErrorsAreGatewayErrorsWithoutTheKey(t *testing.T) {
	key := clienttest.NewSecretKey()
	g := clienttest.New(t, clienttest.Config{Couriers: []clienttest.Courier{east}, SecretKeys: []string{key}, ProductionCallbacks: true})
	c := newClient(t, g)
	loc := make([]byte, crypto.LocatorSize)

	_, err := c.Subscribe(ctxT(t), key, [][]byte{loc}, "http://127.0.0.1:9/hook", secretA)
	var gwErr *GatewayError
	if !errors.As(err, &gwErr) || gwErr.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(gwErr.Detail, "https") {
		t.Errorf("a loopback http callback: %v, want the gateway's 422", err)
	}
	wrong := clienttest.NewSecretKey()
	_, err = c.Subscriptions(ctxT(t), wrong, 0, "")
	if !errors.As(err, &gwErr) || gwErr.StatusCode != http.StatusUnauthorized || !errors.Is(err, ErrGateway) {
		t.Errorf("an unknown key: %v, want a 401 GatewayError", err)
	}
	if strings.Contains(err.Error(), wrong) {
		t.Errorf("the error carries the secret key: %v", err)
	}
	g.Fail(clienttest.RouteSubscribe, http.StatusTooManyRequests, "This tenant has 10000 subscriptions, the most it may have.")
	_, err = c.Subscribe(ctxT(t), key, [][]byte{loc}, "https://shop.example/hook", secretA)
	if !errors.As(err, &gwErr) || gwErr.StatusCode != http.StatusTooManyRequests || !strings.Contains(err.Error(), "10000 subscriptions") {
		t.Errorf("over the limit: %v, want the 429 and its sentence", err)
	}
}
