package clienttest

// The subscription routes of docs/protocol.md §10 and the deliveries they
// cause, as small as the SDK's and the CLI's tests need: subscriptions
// kept in memory per tenant secret key, and deliveries POSTed at once,
// synchronously, when a test publishes a new version (Deliver) or
// withdraws a record (Withdraw). Retries, queues and the SSRF guard's
// DNS checks are the real gateway's; ProductionCallbacks imitates the
// guard's answer.

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/webhook"
)

// Routes of the subscriptions, as given to Hits and Fail.
const (
	RouteSubscribe          = "POST /v1/subscriptions"
	RouteSubscriptions      = "GET /v1/subscriptions"
	RouteSubscription       = "GET /v1/subscriptions/{id}"
	RouteDeleteSubscription = "DELETE /v1/subscriptions/{id}"
	RouteRotateSecret       = "POST /v1/subscriptions/{id}/secret"
	RouteDeadLetters        = "GET /v1/subscriptions/{id}/dead-letters"
	RouteReplay             = "POST /v1/subscriptions/{id}/dead-letters/replay"
)

// DeliveryUserAgent is the User-Agent of the fake's deliveries, as the
// gateway's.
const DeliveryUserAgent = "trackgate-webhook/1"

// NewSecretKey returns a fresh tenant secret key, tg1sk_ and 43
// base64url characters, for Config.SecretKeys.
func NewSecretKey() string {
	return "tg1sk_" + crypto.EncodeB64(randomBytes(32))
}

// randomBytes returns n random bytes (crypto/rand.Read never fails).
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// Subscribed is what the fake holds of one subscription.
type Subscribed struct {
	ID          string
	Tenant      int // the index of its secret key in Config.SecretKeys
	Locators    []crypto.B64
	CallbackURL string
	// Secrets sign its deliveries, the newest first (two after a rotation).
	Secrets     []string
	State       string // "active" or "ended"
	EndedReason string
	CreatedAt   time.Time
	Delivered   int
	DeadLetters []DeadLetter
}

// DeadLetter is a dead letter of the fake (AddDeadLetter).
type DeadLetter = api.DeadLetter

// json is the gateway's Subscription object of s.
func (s *Subscribed) json() api.Subscription {
	return api.Subscription{
		ID: s.ID, Locators: s.Locators, CallbackURL: s.CallbackURL, State: s.State,
		CreatedAt: s.CreatedAt, ExpiresAt: s.CreatedAt.Add(90 * 24 * time.Hour), EndedReason: s.EndedReason,
		Counts: api.SubscriptionCounts{Delivered: int64(s.Delivered), Dead: int64(len(s.DeadLetters))},
	}
}

func (g *Gateway) registerSubscriptionRoutes(mux *http.ServeMux) {
	mux.HandleFunc(RouteSubscribe, g.route(RouteSubscribe, g.authed(g.serveSubscribe)))
	mux.HandleFunc(RouteSubscriptions, g.route(RouteSubscriptions, g.authed(g.serveSubscriptions)))
	mux.HandleFunc(RouteSubscription, g.route(RouteSubscription, g.authed(g.withSubscription(g.serveSubscription))))
	mux.HandleFunc(RouteDeleteSubscription, g.route(RouteDeleteSubscription, g.authed(g.withSubscription(g.serveDelete))))
	mux.HandleFunc(RouteRotateSecret, g.route(RouteRotateSecret, g.authed(g.withSubscription(g.serveRotate))))
	mux.HandleFunc(RouteDeadLetters, g.route(RouteDeadLetters, g.authed(g.withSubscription(g.serveDeadLetters))))
	mux.HandleFunc(RouteReplay, g.route(RouteReplay, g.authed(g.withSubscription(g.serveReplay))))
}

type tenantHandler func(w http.ResponseWriter, r *http.Request, tenant int)
type subscriptionHandler func(w http.ResponseWriter, r *http.Request, s *Subscribed)

// authed finds the tenant of the request's secret key, or answers 401 as
// the gateway does: a publishable key is not enough on these routes.
func (g *Gateway) authed(h tenantHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		tenant := slices.Index(g.secretKeys, key)
		if !ok || key == "" || tenant < 0 {
			problem.Write(w, http.StatusUnauthorized, "Subscriptions need a tenant secret key, sent as Authorization: Bearer tg1sk_…; a publishable key is not enough.")
			return
		}
		h(w, r, tenant)
	}
}

// withSubscription finds the tenant's subscription named in the path; an
// unknown id, or another tenant's, is 404.
func (g *Gateway) withSubscription(h subscriptionHandler) tenantHandler {
	return func(w http.ResponseWriter, r *http.Request, tenant int) {
		g.mu.Lock()
		s := g.subscriptions[r.PathValue("id")]
		g.mu.Unlock()
		if s == nil || s.Tenant != tenant {
			problem.Write(w, http.StatusNotFound, "No such subscription.")
			return
		}
		h(w, r, s)
	}
}

func decodeStrict(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func (g *Gateway) serveSubscribe(w http.ResponseWriter, r *http.Request, tenant int) {
	var req api.SubscriptionRequest
	if err := decodeStrict(r, &req); err != nil {
		problem.Write(w, http.StatusBadRequest, "The body is not a subscription request.")
		return
	}
	if len(req.Locators) == 0 || len(req.Locators) > 100 {
		problem.Write(w, http.StatusUnprocessableEntity, "A subscription names 1 to 100 locators.")
		return
	}
	seen := map[string]bool{}
	for _, l := range req.Locators {
		if len(l) != crypto.LocatorSize || seen[string(l)] {
			problem.Write(w, http.StatusUnprocessableEntity, "Each locator is 16 bytes of base64url, listed once.")
			return
		}
		seen[string(l)] = true
	}
	if webhook.CheckSecret(req.Secret) != nil {
		problem.Write(w, http.StatusUnprocessableEntity, "The secret must be 32 to 128 printable ASCII characters without spaces.")
		return
	}
	if detail := g.refuseCallback(req.CallbackURL); detail != "" {
		problem.Write(w, http.StatusUnprocessableEntity, detail)
		return
	}
	s := &Subscribed{
		ID: "sub_" + crypto.EncodeB64(randomBytes(16)), Tenant: tenant, Locators: req.Locators,
		CallbackURL: req.CallbackURL, Secrets: []string{req.Secret}, State: "active",
		CreatedAt: time.Now().UTC().Truncate(time.Second),
	}
	g.mu.Lock()
	g.subscriptions[s.ID] = s
	g.subscriptionOrder = append(g.subscriptionOrder, s.ID)
	out := s.json()
	g.mu.Unlock()
	w.Header().Set("Location", "/v1/subscriptions/"+s.ID)
	writeJSONStatus(w, http.StatusCreated, out)
}

// refuseCallback says why the gateway would refuse the callback URL, or
// "" when it takes it.
func (g *Gateway) refuseCallback(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || strings.Contains(s, "#") {
		return "The callback URL must be an https URL with a host, without credentials or a fragment."
	}
	if !g.productionCallbacks {
		return ""
	}
	if u.Scheme != "https" {
		return "The callback URL must use https."
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() == "localhost" || (ip != nil && (ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast())) {
		return "The callback URL's address is loopback, private or link-local; the gateway does not call such addresses."
	}
	return ""
}

func (g *Gateway) serveSubscriptions(w http.ResponseWriter, r *http.Request, tenant int) {
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			problem.Write(w, http.StatusBadRequest, "The limit is 1 to 100.")
			return
		}
		limit = n
	}
	cursor := r.URL.Query().Get("cursor")
	out := api.SubscriptionList{Subscriptions: []api.Subscription{}}
	g.mu.Lock()
	started := cursor == ""
	for _, id := range g.subscriptionOrder {
		s := g.subscriptions[id]
		if !started {
			started = id == cursor
			continue
		}
		if s.Tenant != tenant {
			continue
		}
		if len(out.Subscriptions) == limit {
			out.NextCursor = out.Subscriptions[limit-1].ID
			break
		}
		out.Subscriptions = append(out.Subscriptions, s.json())
	}
	g.mu.Unlock()
	if !started {
		problem.Write(w, http.StatusBadRequest, "The cursor is not one this gateway gave.")
		return
	}
	writeJSONStatus(w, http.StatusOK, out)
}

func (g *Gateway) serveSubscription(w http.ResponseWriter, _ *http.Request, s *Subscribed) {
	g.mu.Lock()
	out := s.json()
	g.mu.Unlock()
	writeJSONStatus(w, http.StatusOK, out)
}

func (g *Gateway) serveDelete(w http.ResponseWriter, _ *http.Request, s *Subscribed) {
	g.mu.Lock()
	s.State, s.EndedReason = "ended", "deleted"
	g.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (g *Gateway) serveRotate(w http.ResponseWriter, r *http.Request, s *Subscribed) {
	var req api.SecretRequest
	if err := decodeStrict(r, &req); err != nil || webhook.CheckSecret(req.Secret) != nil {
		problem.Write(w, http.StatusUnprocessableEntity, "The secret must be 32 to 128 printable ASCII characters without spaces.")
		return
	}
	g.mu.Lock()
	s.Secrets = []string{req.Secret, s.Secrets[0]}
	out := s.json()
	g.mu.Unlock()
	writeJSONStatus(w, http.StatusOK, out)
}

func (g *Gateway) serveDeadLetters(w http.ResponseWriter, _ *http.Request, s *Subscribed) {
	g.mu.Lock()
	out := api.DeadLetters{DeadLetters: append([]DeadLetter{}, s.DeadLetters...)}
	g.mu.Unlock()
	writeJSONStatus(w, http.StatusOK, out)
}

func (g *Gateway) serveReplay(w http.ResponseWriter, r *http.Request, s *Subscribed) {
	var req api.ReplayRequest
	if err := decodeStrict(r, &req); err != nil {
		problem.Write(w, http.StatusBadRequest, "The body is not a replay request.")
		return
	}
	g.mu.Lock()
	var kept []DeadLetter
	replayed := 0
	for _, d := range s.DeadLetters {
		if len(req.IDs) == 0 || slices.Contains(req.IDs, d.ID) {
			replayed++
			g.replayed = append(g.replayed, d.ID)
			continue
		}
		kept = append(kept, d)
	}
	s.DeadLetters = kept
	g.mu.Unlock()
	writeJSONStatus(w, http.StatusAccepted, api.ReplayResponse{Replayed: replayed})
}

func writeJSONStatus(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		problem.Write(w, http.StatusInternalServerError, "The fake gateway could not encode its answer.")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// Subscriptions returns a copy of every subscription the fake holds, in
// the order they were made.
func (g *Gateway) Subscriptions() []Subscribed {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []Subscribed
	for _, id := range g.subscriptionOrder {
		s := *g.subscriptions[id]
		s.Locators = slices.Clone(s.Locators)
		s.Secrets = slices.Clone(s.Secrets)
		s.DeadLetters = slices.Clone(s.DeadLetters)
		out = append(out, s)
	}
	return out
}

// AddDeadLetter gives subscription id a dead letter, as if a delivery of
// the record at locator had failed for a day.
func (g *Gateway) AddDeadLetter(t testing.TB, id string, locator []byte, version uint64, lastError string) DeadLetter {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.subscriptions[id]
	if s == nil {
		t.Fatalf("clienttest: AddDeadLetter: no subscription %q", id)
	}
	now := time.Now().UTC().Truncate(time.Second)
	d := DeadLetter{
		ID: "dlv_" + crypto.EncodeB64(randomBytes(16)), Locator: locator, Version: version, Attempts: 17,
		FirstAttemptAt: now.Add(-24 * time.Hour), LastAttemptAt: now, LastError: lastError,
	}
	s.DeadLetters = append(s.DeadLetters, d)
	return d
}

// Replayed lists the ids of the dead letters replayed so far.
func (g *Gateway) Replayed() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.replayed)
}

// Sent is one delivery the fake POSTed and what the receiver answered.
type Sent struct {
	Subscription string
	ID           string // the TG-Webhook-Id
	Body         []byte
	Status       int   // the receiver's status; 0 when it could not be reached
	Err          error // why it could not be reached
}

// Deliver publishes view as a new version of the record of (courier,
// tn, factor), as AddParcel, and POSTs it at once to every active
// subscription naming that record's locator, signed with the
// subscription's secrets. It returns what was sent, in order.
func (g *Gateway) Deliver(t testing.TB, courier, tn, factor string, view adapters.View) []Sent {
	t.Helper()
	rec := g.AddParcel(t, courier, tn, factor, view)
	pub := rec.Public()
	return g.notify(t, "record.updated", rec.Locator, rec.Version, &pub)
}

// Withdraw removes the record of (courier, tn, factor) and POSTs a
// record.withdrawn to every active subscription naming its locator.
func (g *Gateway) Withdraw(t testing.TB, courier, tn, factor string) []Sent {
	t.Helper()
	loc := g.Locator(t, courier, tn, factor)
	g.mu.Lock()
	rec, ok := g.records[crypto.EncodeB64(loc)]
	delete(g.records, crypto.EncodeB64(loc))
	g.mu.Unlock()
	if !ok {
		t.Fatalf("clienttest: Withdraw: no record of %s %s", courier, tn)
	}
	return g.notify(t, "record.withdrawn", loc, rec.Version+1, nil)
}

func (g *Gateway) notify(t testing.TB, kind string, locator []byte, version uint64, rec *crypto.PublicRecord) []Sent {
	t.Helper()
	type target struct {
		sub, callback string
		secrets       []string
	}
	var targets []target
	g.mu.Lock()
	for _, id := range g.subscriptionOrder {
		s := g.subscriptions[id]
		if s.State == "active" && slices.ContainsFunc(s.Locators, func(l crypto.B64) bool { return bytes.Equal(l, locator) }) {
			targets = append(targets, target{s.ID, s.CallbackURL, slices.Clone(s.Secrets)})
		}
	}
	g.mu.Unlock()
	var sent []Sent
	for _, tg := range targets {
		d := api.WebhookDelivery{Type: kind, Subscription: tg.sub, Delivery: "dlv_" + crypto.EncodeB64(randomBytes(16)), Locator: locator, Version: version, Record: rec}
		body, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("clienttest: encode delivery: %v", err)
		}
		s := g.Post(tg.callback, d.Delivery, body, webhook.Sign(time.Now(), body, tg.secrets...))
		s.Subscription = tg.sub
		if s.Status >= 200 && s.Status < 300 {
			g.mu.Lock()
			g.subscriptions[tg.sub].Delivered++
			g.mu.Unlock()
		}
		sent = append(sent, s)
	}
	return sent
}

// Post sends one delivery body to callback as the gateway does, with the
// given id and signature header (a test may forge either), and does not
// follow redirects.
func (g *Gateway) Post(callback, id string, body []byte, signature string) Sent {
	s := Sent{ID: id, Body: body}
	req, err := http.NewRequest(http.MethodPost, callback, bytes.NewReader(body))
	if err != nil {
		s.Err = fmt.Errorf("delivery request: %w", err)
		return s
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", DeliveryUserAgent)
	req.Header.Set("TG-Webhook-Id", id)
	if signature != "" {
		req.Header.Set(webhook.SignatureHeader, signature)
	}
	hc := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		s.Err = err
		return s
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	s.Status = resp.StatusCode
	return s
}
