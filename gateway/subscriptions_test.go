package gateway

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/delivery"
	"github.com/trackgate/trackgate/gateway/delivery/deliverytest"
	"github.com/trackgate/trackgate/gateway/delivery/memory"
	"github.com/trackgate/trackgate/gateway/tenant"
	"github.com/trackgate/trackgate/gateway/transparency"
	"github.com/trackgate/trackgate/gateway/webhook"
)

// subscribers are two marketplaces with secret keys: shop-a (which also
// has a publishable key for its pages) and shop-b.
type subscribers struct {
	secretA, secretB, publishableA string
}

const (
	hookSecretA = "hook-secret-of-shop-a-0123456789abcdefghijkl"
	hookSecretB = "hook-secret-of-shop-b-0123456789abcdefghijkl"
)

// newSubscriptionHarness is a harness whose gateway has the two
// subscribers, delivers to loopback receivers on a fast schedule, and
// runs (directory, deliveries, watcher) until the test ends.
func newSubscriptionHarness(t *testing.T, tweak ...func(*Config)) (*harness, subscribers) {
	t.Helper()
	var s subscribers
	for _, k := range []struct {
		key  *string
		kind tenant.Kind
	}{{&s.secretA, tenant.Secret}, {&s.secretB, tenant.Secret}, {&s.publishableA, tenant.Publishable}} {
		key, err := k.kind.New(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		*k.key = key
	}
	hash := func(kind tenant.Kind, key string) tenant.Hash {
		h, err := kind.Hash(key)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	setup := func(c *Config) {
		c.Tenants = []Tenant{
			{ID: "shop-a", Name: "Shop A", KeyHashes: []tenant.Hash{hash(tenant.Publishable, s.publishableA)},
				SecretKeyHashes: []tenant.Hash{hash(tenant.Secret, s.secretA)}, Origins: []string{"https://shop-a.example"}},
			{ID: "shop-b", Name: "Shop B", SecretKeyHashes: []tenant.Hash{hash(tenant.Secret, s.secretB)}},
		}
		c.Webhooks = delivery.Options{
			Backend: memory.New(time.Minute),
			Policy:  webhook.Policy{AllowHTTP: true, AllowPrivate: true},
			Timeout: 300 * time.Millisecond, Poll: 20 * time.Millisecond,
			Retry: delivery.Retry{Initial: 5 * time.Millisecond, Max: 40 * time.Millisecond, For: time.Hour},
		}
	}
	h := newHarness(t, append([]func(*Config){setup}, tweak...)...)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { h.gw.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	return h, s
}

func bearer(key string) http.Header { return http.Header{"Authorization": {"Bearer " + key}} }

// subscribeOver creates a subscription over HTTP and returns it.
func (h *harness) subscribeOver(key string, locators [][]byte, url, secret string) api.Subscription {
	h.t.Helper()
	req := api.SubscriptionRequest{CallbackURL: url, Secret: secret}
	for _, l := range locators {
		req.Locators = append(req.Locators, l)
	}
	status, header, body := h.checked(http.MethodPost, "/v1/subscriptions", mustJSON(h.t, req), bearer(key))
	if status != http.StatusCreated {
		h.t.Fatalf("subscribe: %d %s", status, body)
	}
	var s api.Subscription
	if err := json.Unmarshal(body, &s); err != nil {
		h.t.Fatal(err)
	}
	if header.Get("Location") != "/v1/subscriptions/"+s.ID {
		h.t.Fatalf("Location %q for %s", header.Get("Location"), s.ID)
	}
	return s
}

func randomLocators(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, crypto.LocatorSize)
		rand.Read(out[i])
	}
	return out
}

func TestSubscriptionRoutesOverHTTP(t *testing.T) {
	h, s := newSubscriptionHarness(t)
	locs := randomLocators(2)
	sub := h.subscribeOver(s.secretA, locs, "http://127.0.0.1:9/hooks?token=abc", hookSecretA)
	if sub.State != delivery.StateActive || len(sub.Locators) != 2 || sub.CallbackURL != "http://127.0.0.1:9/hooks?token=abc" ||
		sub.ExpiresAt.Sub(sub.CreatedAt) != 90*24*time.Hour || sub.Counts != (api.SubscriptionCounts{}) {
		t.Fatalf("created %+v", sub)
	}
	path := "/v1/subscriptions/" + sub.ID
	steps := []struct {
		name, method, path string
		body               any
		want               int
		wantIn             string
	}{
		{"list", http.MethodGet, "/v1/subscriptions?limit=10", nil, http.StatusOK, sub.ID},
		{"get", http.MethodGet, path, nil, http.StatusOK, `"state":"active"`},
		{"rotate", http.MethodPost, path + "/secret", api.SecretRequest{Secret: hookSecretB}, http.StatusOK, sub.ID},
		{"rotate to a short secret", http.MethodPost, path + "/secret", api.SecretRequest{Secret: "short"}, http.StatusBadRequest, "secret"},
		{"dead letters", http.MethodGet, path + "/dead-letters", nil, http.StatusOK, `{"dead_letters":[]}`},
		{"replay nothing", http.MethodPost, path + "/dead-letters/replay", api.ReplayRequest{}, http.StatusAccepted, `{"replayed":0}`},
		{"replay without a body", http.MethodPost, path + "/dead-letters/replay", nil, http.StatusAccepted, `{"replayed":0}`},
		{"replay a bad id", http.MethodPost, path + "/dead-letters/replay", map[string]any{"ids": []string{"x"}}, http.StatusBadRequest, "ids"},
		{"a bad cursor", http.MethodGet, "/v1/subscriptions?cursor=nope", nil, http.StatusBadRequest, "cursor"},
		{"a limit of 101", http.MethodGet, "/v1/subscriptions?limit=101", nil, http.StatusBadRequest, "limit"},
		{"delete", http.MethodDelete, path, nil, http.StatusNoContent, ""},
		{"get after delete", http.MethodGet, path, nil, http.StatusOK, `"ended_reason":"deleted"`},
		{"delete again", http.MethodDelete, path, nil, http.StatusNoContent, ""},
		{"rotate after delete", http.MethodPost, path + "/secret", api.SecretRequest{Secret: hookSecretA}, http.StatusConflict, "ended"},
		{"replay after delete", http.MethodPost, path + "/dead-letters/replay", api.ReplayRequest{}, http.StatusConflict, "ended"},
		{"an unknown id", http.MethodGet, "/v1/subscriptions/" + delivery.NewSubscriptionID(), nil, http.StatusNotFound, "no such subscription"},
	}
	for _, st := range steps {
		var body []byte
		if st.body != nil {
			body = mustJSON(t, st.body)
		}
		status, _, got := h.checked(st.method, st.path, body, bearer(s.secretA))
		if status != st.want || !strings.Contains(string(got), st.wantIn) {
			t.Fatalf("%s: %d %s, want %d with %q", st.name, status, got, st.want, st.wantIn)
		}
		for _, secret := range []string{hookSecretA, hookSecretB, s.secretA} {
			if strings.Contains(string(got), secret) {
				t.Fatalf("%s: the answer holds a secret", st.name)
			}
		}
	}
}

func TestSubscribeRefusesWhatItCannotKeep(t *testing.T) {
	reader, err := transparency.NewReaderKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	readerHash, _ := transparency.HashReaderKey(reader)
	h, s := newSubscriptionHarness(t, func(c *Config) {
		c.Webhooks.Policy = webhook.Policy{}
		c.Webhooks.MaxSubscriptions = 1
		c.ReportReaderKeys = []tenant.Hash{readerHash}
	})
	post := func(req map[string]any) (int, []byte) {
		status, _, body := h.checked(http.MethodPost, "/v1/subscriptions", mustJSON(t, req), bearer(s.secretA))
		return status, body
	}
	loc := crypto.EncodeB64(randomLocators(1)[0])
	many := make([]string, 101)
	for i, l := range randomLocators(101) {
		many[i] = crypto.EncodeB64(l)
	}
	tests := []struct {
		name string
		req  map[string]any
		want int
		text string
	}{
		{"no locator", map[string]any{"locators": []string{}, "callback_url": "https://203.0.113.9/", "secret": hookSecretA}, 400, "locators"},
		{"101 locators", map[string]any{"locators": many, "callback_url": "https://203.0.113.9/", "secret": hookSecretA}, 422, "at most 100"},
		{"a locator twice", map[string]any{"locators": []string{loc, loc}, "callback_url": "https://203.0.113.9/", "secret": hookSecretA}, 422, "twice"},
		{"http", map[string]any{"locators": []string{loc}, "callback_url": "http://203.0.113.9/", "secret": hookSecretA}, 422, "https://"},
		{"loopback", map[string]any{"locators": []string{loc}, "callback_url": "https://127.0.0.1/", "secret": hookSecretA}, 422, "non-public"},
		{"metadata service", map[string]any{"locators": []string{loc}, "callback_url": "https://169.254.169.254/", "secret": hookSecretA}, 422, "non-public"},
		{"no secret", map[string]any{"locators": []string{loc}, "callback_url": "https://203.0.113.9/"}, 400, "secret"},
	}
	for _, tt := range tests {
		status, body := post(tt.req)
		if status != tt.want || !strings.Contains(string(body), tt.text) {
			t.Errorf("%s: %d %s, want %d saying %q", tt.name, status, body, tt.want, tt.text)
		}
	}
	ok := map[string]any{"locators": []string{loc}, "callback_url": "https://203.0.113.9/", "secret": hookSecretA}
	if status, body := post(ok); status != http.StatusCreated {
		t.Fatalf("a good request: %d %s", status, body)
	}
	status, header, body := h.checked(http.MethodPost, "/v1/subscriptions", mustJSON(t, ok), bearer(s.secretA))
	if status != http.StatusTooManyRequests || header.Get("Retry-After") == "" || !strings.Contains(string(body), "delete some") {
		t.Fatalf("over the limit: %d %s", status, body)
	}
	// The transparency report counts the three refused callback URLs
	// (http, loopback, metadata service) as such, once each.
	day := h.report(reader)
	if got := day.Refusals[transparency.CallbackRefused]; got != 3 {
		t.Errorf("report: %d refused callbacks, want 3 (refusals %v)", got, day.Refusals)
	}
	if got := day.Refusals[transparency.Unprocessable]; got != 2 {
		t.Errorf("report: %d unprocessable, want 2: 101 locators and one twice (refusals %v)", got, day.Refusals)
	}
}

// TestAttackPublishableKeyManagesSubscriptions: a publishable key is in
// every shopper's browser; if it could subscribe, anyone could read the
// marketplace's parcel feed into a URL of their own, or delete its
// subscriptions. Only the secret key is taken, and no page may call the
// routes (no CORS).
func TestAttackPublishableKeyManagesSubscriptions(t *testing.T) {
	h, s := newSubscriptionHarness(t)
	reader, _ := tenant.ReportReader.New(rand.Reader)
	unknown, _ := tenant.Secret.New(rand.Reader)
	sub := h.subscribeOver(s.secretA, randomLocators(1), "http://127.0.0.1:9/", hookSecretA)
	create := mustJSON(t, api.SubscriptionRequest{Locators: []crypto.B64{randomLocators(1)[0]}, CallbackURL: "http://127.0.0.1:9/", Secret: hookSecretA})
	routes := []struct {
		method, path string
		body         []byte
	}{
		{http.MethodPost, "/v1/subscriptions", create},
		{http.MethodGet, "/v1/subscriptions", nil},
		{http.MethodGet, "/v1/subscriptions/" + sub.ID, nil},
		{http.MethodDelete, "/v1/subscriptions/" + sub.ID, nil},
		{http.MethodPost, "/v1/subscriptions/" + sub.ID + "/secret", mustJSON(t, api.SecretRequest{Secret: hookSecretB})},
		{http.MethodGet, "/v1/subscriptions/" + sub.ID + "/dead-letters", nil},
		{http.MethodPost, "/v1/subscriptions/" + sub.ID + "/dead-letters/replay", []byte(`{}`)},
	}
	credentials := []struct {
		name   string
		header http.Header
		says   string
	}{
		{"none", http.Header{}, "secret key"},
		{"publishable key header", keyed(s.publishableA, ""), "never a publishable API key"},
		{"publishable key header beside the secret key", http.Header{APIKeyHeader: {s.publishableA}, "Authorization": {"Bearer " + s.secretA}}, "never a publishable API key"},
		{"publishable key as bearer", bearer(s.publishableA), "publishable API key, not a secret key"},
		{"report reader key", bearer(reader), "report reader key, not a secret key"},
		{"unknown secret key", bearer(unknown), "not one this gateway knows"},
		{"basic auth", http.Header{"Authorization": {"Basic " + s.secretA}}, "Bearer"},
		{"two authorizations", http.Header{"Authorization": {"Bearer " + s.secretA, "Bearer " + s.secretB}}, "Bearer"},
	}
	for _, r := range routes {
		for _, cr := range credentials {
			status, header, body := h.checked(r.method, r.path, r.body, cr.header)
			if status != http.StatusUnauthorized || !strings.Contains(string(body), cr.says) || header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s with %s: %d %s", r.method, r.path, cr.name, status, body)
			}
		}
		preflight := http.Header{"Origin": {"https://shop-a.example"}, "Access-Control-Request-Method": {r.method}}
		status, header, _ := h.do(http.MethodOptions, r.path, nil, preflight)
		if status < 400 || header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("a preflight of %s %s from the tenant's own origin: %d, allow-origin %q", r.method, r.path, status, header.Get("Access-Control-Allow-Origin"))
		}
	}
	if got, _ := h.gw.webhooks.Subscription(t.Context(), "shop-a", sub.ID); got.State != delivery.StateActive || got.Secret != hookSecretA {
		t.Fatalf("the subscription was changed: %s", got.State)
	}
}

// TestAttackAnotherTenantsSubscription: a tenant guesses or learns
// another's subscription id and reads its URL, deletes it, replaces its
// secret or replays its dead letters. Ids are per tenant: another's is
// not found.
func TestAttackAnotherTenantsSubscription(t *testing.T) {
	h, s := newSubscriptionHarness(t)
	sub := h.subscribeOver(s.secretA, randomLocators(1), "http://127.0.0.1:9/a", hookSecretA)
	p := "/v1/subscriptions/" + sub.ID
	for _, r := range []struct {
		method, path string
		body         []byte
	}{
		{http.MethodGet, p, nil},
		{http.MethodDelete, p, nil},
		{http.MethodPost, p + "/secret", mustJSON(t, api.SecretRequest{Secret: hookSecretB})},
		{http.MethodGet, p + "/dead-letters", nil},
		{http.MethodPost, p + "/dead-letters/replay", []byte(`{}`)},
	} {
		status, _, body := h.checked(r.method, r.path, r.body, bearer(s.secretB))
		if status != http.StatusNotFound || strings.Contains(string(body), "127.0.0.1") {
			t.Errorf("shop-b %s %s: %d %s", r.method, r.path, status, body)
		}
	}
	_, _, list := h.checked(http.MethodGet, "/v1/subscriptions", nil, bearer(s.secretB))
	if strings.Contains(string(list), sub.ID) {
		t.Fatal("shop-b lists shop-a's subscription")
	}
	got, _ := h.gw.webhooks.Subscription(t.Context(), "shop-a", sub.ID)
	if got.State != delivery.StateActive || got.Secret != hookSecretA {
		t.Fatalf("shop-a's subscription was changed: %s", got.State)
	}
}

// TestPublishedRecordsAreDeliveredToSubscribers: what a push courier
// publishes, stored, is delivered (a withdrawal as record.withdrawn);
// what the store refuses or finds stale, and extensions, are not.
func TestPublishedRecordsAreDeliveredToSubscribers(t *testing.T) {
	h, s := newSubscriptionHarness(t)
	recv := deliverytest.NewReceiver(t, hookSecretA)
	expires := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	v1 := h.sealParcel("alpha", "PARCEL000001", 1, expires)
	other := h.sealParcel("alpha", "PARCEL000002", 1, expires)
	sub := h.subscribeOver(s.secretA, [][]byte{v1.Locator}, recv.URL, hookSecretA)
	v2 := h.sealParcel("alpha", "PARCEL000001", 2, expires)
	for _, b := range []api.Records{
		{Records: []crypto.SealedRecord{v1, other}},
		{Records: []crypto.SealedRecord{v1}}, // stale: already delivered
		{Extend: []api.Extension{{Locator: v1.Locator, Version: 1, ExpiresAt: expires.Add(time.Hour)}}},
		{Records: []crypto.SealedRecord{v2}},
		{Withdraw: []api.Withdrawal{{Locator: v1.Locator, Version: 2}}},
	} {
		if status, _ := h.publishBatch("alpha", b); status != http.StatusOK {
			t.Fatalf("publish: %d", status)
		}
	}
	if !deliverytest.WaitFor(5*time.Second, func() bool { return recv.Distinct() == 3 }) {
		t.Fatalf("%d deliveries, want 3", recv.Distinct())
	}
	time.Sleep(100 * time.Millisecond)
	if got, _ := recv.Accepted(sub.ID, v1.Locator); strings.Join(got, ",") != "1u,2u,2w" {
		t.Fatalf("delivered %v, want [1u 2u 2w]", got)
	}
	if recv.Distinct() != 3 || len(recv.Bad()) > 0 {
		t.Fatalf("%d deliveries (want 3), bad: %v", recv.Distinct(), recv.Bad())
	}
}

// failingEnqueue fails the first Enqueue, as a Redis that is away would.
type failingEnqueue struct {
	delivery.Backend
	failed atomic.Bool
}

func (f *failingEnqueue) Enqueue(ctx context.Context, events []delivery.Event, now time.Time) (int, error) {
	if f.failed.CompareAndSwap(false, true) {
		return 0, delivery.ErrUnavailable
	}
	return f.Backend.Enqueue(ctx, events, now)
}

// TestAPublishWhoseDeliveriesWereNotQueuedIsNotAcknowledged: the store
// kept the records but their deliveries could not be queued; the publish
// fails, so the courier sends it again, and the records, now stale, are
// delivered all the same.
func TestAPublishWhoseDeliveriesWereNotQueuedIsNotAcknowledged(t *testing.T) {
	backend := &failingEnqueue{Backend: memory.New(time.Minute)}
	h, s := newSubscriptionHarness(t, func(c *Config) { c.Webhooks.Backend = backend })
	recv := deliverytest.NewReceiver(t, hookSecretA)
	expires := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	rec := h.sealParcel("alpha", "PARCEL000003", 1, expires)
	sub := h.subscribeOver(s.secretA, [][]byte{rec.Locator}, recv.URL, hookSecretA)
	batch := api.Records{Records: []crypto.SealedRecord{rec}, Withdraw: []api.Withdrawal{}}
	if status, _ := h.publishBatch("alpha", batch); status != http.StatusServiceUnavailable {
		t.Fatalf("a publish whose deliveries were not queued: %d, want 503", status)
	}
	status, res := h.publishBatch("alpha", batch)
	if status != http.StatusOK || res.Stale != 1 {
		t.Fatalf("the retry: %d %+v, want 200 with the record stale", status, res)
	}
	if !deliverytest.WaitFor(5*time.Second, func() bool { return recv.Distinct() == 1 }) {
		t.Fatal("the record was never delivered")
	}
	if got, _ := recv.Accepted(sub.ID, rec.Locator); len(got) != 1 || got[0] != "1u" {
		t.Fatalf("delivered %v", got)
	}
}

// TestPullCourierRecordsAreDeliveredToSubscribers: the gateway watches a
// pull courier's bucket of each subscribed locator and delivers new
// versions; it never asks the courier for a locator.
func TestPullCourierRecordsAreDeliveredToSubscribers(t *testing.T) {
	h, s := newSubscriptionHarness(t, func(c *Config) {
		for i := range c.Couriers {
			c.Couriers[i].WatchInterval = 30 * time.Millisecond
		}
		c.PullCacheTTL = time.Millisecond
	})
	recv := deliverytest.NewReceiver(t, hookSecretA)
	expires := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	gamma := h.hosts["gamma"]
	v1 := h.sealParcel("gamma", "GAMMA0000001", 1, expires)
	gamma.mu.Lock()
	gamma.bucket = []crypto.SealedRecord{v1}
	gamma.mu.Unlock()
	sub := h.subscribeOver(s.secretA, [][]byte{v1.Locator}, recv.URL, hookSecretA)
	time.Sleep(150 * time.Millisecond) // version 1 was there before: noted, not delivered
	for _, v := range []uint64{2, 3} {
		rec := h.sealParcel("gamma", "GAMMA0000001", v, expires)
		gamma.mu.Lock()
		gamma.bucket = []crypto.SealedRecord{rec}
		gamma.mu.Unlock()
		if !deliverytest.WaitFor(5*time.Second, func() bool { return recv.Distinct() == int(v-1) }) {
			t.Fatalf("version %d was not delivered", v)
		}
	}
	if got, _ := recv.Accepted(sub.ID, v1.Locator); strings.Join(got, ",") != "2u,3u" {
		t.Fatalf("delivered %v, want [2u 3u]", got)
	}
	gamma.mu.Lock()
	defer gamma.mu.Unlock()
	if gamma.locators != 0 {
		t.Fatalf("the gateway asked the pull courier for %d locators", gamma.locators)
	}
}

// TestAttackSecretsNeverInLogsOrAnswers: a gateway's logs go to people
// and systems that must not be able to forge deliveries, manage a
// tenant's subscriptions or reach its receiver's private URL.
func TestAttackSecretsNeverInLogsOrAnswers(t *testing.T) {
	h, s := newSubscriptionHarness(t)
	recv := deliverytest.NewReceiver(t, hookSecretA)
	recv.SetFail(0.5)
	expires := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	rec := h.sealParcel("alpha", "PARCEL000004", 1, expires)
	url := recv.URL + "?token=receiver-credential-123"
	sub := h.subscribeOver(s.secretA, [][]byte{rec.Locator}, url, hookSecretA)
	h.checked(http.MethodPost, "/v1/subscriptions/"+sub.ID+"/secret", mustJSON(t, api.SecretRequest{Secret: hookSecretA + "x"}), bearer(s.secretA))
	h.publishBatch("alpha", api.Records{Records: []crypto.SealedRecord{rec}})
	if !deliverytest.WaitFor(5*time.Second, func() bool { return recv.Distinct() == 1 }) {
		t.Fatal("not delivered")
	}
	h.checked(http.MethodGet, "/v1/subscriptions/"+sub.ID, nil, bearer(s.publishableA)) // refused, logged
	logs := h.logText()
	for name, secret := range map[string]string{
		"webhook secret": hookSecretA, "secret key": s.secretA, "publishable key": s.publishableA,
		"receiver credential": "receiver-credential-123", "locator": crypto.EncodeB64(rec.Locator),
	} {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs hold the %s", name)
		}
	}
	if !strings.Contains(logs, "tenant=shop-a") {
		t.Error("the logs do not name the tenant")
	}
	_, _, body := h.checked(http.MethodGet, "/v1/subscriptions", nil, bearer(s.secretA))
	if strings.Contains(string(body), hookSecretA) {
		t.Error("the list holds the webhook secret")
	}
}
