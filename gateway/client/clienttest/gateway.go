// Package clienttest runs a fake tg1 gateway on loopback for tests of the
// client SDK and of the programs built on it (the trackgate CLI).
//
// The fake is small but honest: its couriers hold real OPRF keys, it
// evaluates blinded elements with them and serves records sealed with
// crypto.Seal, so proofs, locators and records are the genuine article.
// What a real gateway does between client and courier (fan-out, rate
// limits, pull-mode fetches) is replaced by a per-courier Behaviour, and
// every request is counted so tests can assert what went over the wire.
//
// It keeps a key log of its couriers' keys (docs/protocol.md §7.8) built
// with gateway/keylog, shows it in its directory and serves consistency
// proofs, honestly until a test makes it lie (keylog.go): a substituted
// key, a forked or rolled-back log, three live keys, a changed signing
// key.
//
// It also serves the subscription routes of docs/protocol.md §10 for the
// tenant secret keys of Config.SecretKeys, and POSTs signed deliveries to
// the subscribers' callbacks when a test publishes a new version of a
// record (Deliver) or withdraws one (Withdraw): see subscriptions.go.
package clienttest

import (
	"cmp"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// Routes of the fake, as given to Hits and Fail.
const (
	RouteCouriers = "GET /v1/couriers"
	RouteEvaluate = "POST /v1/evaluate"
	RouteBuckets  = "GET /v1/buckets/{bucket}"
	RouteRecords  = "GET /v1/records/{locator}"
)

// Behaviour is how the fake answers a courier's part of POST /v1/evaluate.
type Behaviour int

// Behaviours of a fake courier.
const (
	Answer      Behaviour = iota // evaluates with the courier's key
	BadProof                     // evaluates with another key: the proof cannot verify
	Timeout                      // status "timeout"
	Unavailable                  // status "unavailable"
	RateLimited                  // status "rate_limited"
)

// Courier configures one courier of the fake gateway.
type Courier struct {
	ID       string
	Name     string
	Factor   string // crypto.FactorNone when empty
	Mode     string // api.ModePush when empty
	Patterns []api.Pattern
	// Behaviour is how its evaluations are answered.
	Behaviour Behaviour
	// WrongKeyID lists its key in the directory under a kid that is not
	// the key's own.
	WrongKeyID bool
	// Key is its OPRF key; one is generated when nil.
	Key *crypto.PrivateKey
	// Expired lists its only key in the directory as expired yesterday.
	Expired bool
	// Missing leaves its records out of bucket and record answers and
	// lists it in the bucket answers' "missing", as a gateway does for a
	// pull courier it could not reach (docs/protocol.md §7).
	Missing bool
	// Loading marks it "loading" in the directory, as a gateway does
	// while the courier's host is still publishing its first records
	// (docs/protocol.md §7.1).
	Loading bool
}

// Config configures a fake gateway.
type Config struct {
	BucketBits int
	// RecordSize is the directory's record_size, the size every record is
	// sealed at (default crypto.DefaultRecordSize).
	RecordSize int
	Couriers   []Courier
	// BadETag serves the directory with an ETag that is not its hash.
	BadETag bool
	// SecretKeys are the tenant secret keys the subscription routes
	// accept (NewSecretKey), each that of another tenant.
	SecretKeys []string
	// Now is the clock the couriers' key windows are set by (default the
	// time of New): a fixed Now, with the couriers' Keys given, makes the
	// directory the same in every run.
	Now time.Time
	// NoKeyLog serves a directory without "key_log" and the couriers
	// without "log", as a gateway before issue 12 did. Otherwise the fake
	// keeps an honest key log (docs/protocol.md §7.8) of every courier's
	// keys, which a test can turn dishonest (keylog.go).
	NoKeyLog bool
	// Witnesses cosign every checkpoint of the key log, by note name.
	Witnesses map[string]ed25519.PrivateKey
	// ProductionCallbacks refuses callback URLs over http or on loopback,
	// private and link-local addresses (422), as a gateway without its
	// development setting does. Off, it takes them, as the embedded
	// default does.
	ProductionCallbacks bool
}

// Gateway is a running fake gateway. Its methods are safe for concurrent
// use with the requests it serves.
type Gateway struct {
	// URL is the base URL to give client.New.
	URL string

	bucketBits int
	recordSize int
	couriers   map[string]*Courier
	order      []*Courier         // directory order
	impostor   *crypto.PrivateKey // the gateway's own key: BadProof couriers evaluate with it
	badETag    bool

	mu          sync.Mutex
	doc         api.Directory // without its key log: publish adds it
	keyLog      *fakeKeyLog   // nil with Config.NoKeyLog
	dirBody     []byte
	dirETag     string
	records     map[string]crypto.SealedRecord // by b64 locator
	requests    int
	seen        []Request
	hits        map[string]int
	notModified int
	evaluations []api.EvaluateRequest
	failures    map[string]failure
	missing     []string // pull couriers the answers say could not be read

	secretKeys          []string
	productionCallbacks bool
	subscriptions       map[string]*Subscribed // by id
	subscriptionOrder   []string
	replayed            []string
}

type failure struct {
	status int
	detail string
}

// New starts a fake gateway for the test; it stops when the test ends.
func New(t testing.TB, cfg Config) *Gateway {
	t.Helper()
	g := &Gateway{
		bucketBits: cfg.BucketBits,
		recordSize: cmp.Or(cfg.RecordSize, crypto.DefaultRecordSize),
		couriers:   map[string]*Courier{},
		records:    map[string]crypto.SealedRecord{},
		hits:       map[string]int{},
		failures:   map[string]failure{},

		secretKeys:          cfg.SecretKeys,
		productionCallbacks: cfg.ProductionCallbacks,
		subscriptions:       map[string]*Subscribed{},
	}
	g.impostor = DeriveKey(t, "clienttest impostor")
	now := cfg.Now
	if now.IsZero() {
		now = time.Now()
	}
	g.doc = api.Directory{Protocol: api.Protocol, Revision: api.Revision, Suite: crypto.Suite, BucketBits: cfg.BucketBits, RecordSize: g.recordSize, Couriers: []api.CourierEntry{}}
	for i := range cfg.Couriers {
		co := cfg.Couriers[i]
		if co.Factor == "" {
			co.Factor = crypto.FactorNone
		}
		if co.Mode == "" {
			co.Mode = api.ModePush
		}
		if co.Key == nil {
			co.Key = mustKey(t)
		}
		if co.Patterns == nil {
			co.Patterns = []api.Pattern{}
		}
		kid := co.Key.Public().KeyID()
		if co.WrongKeyID {
			kid = g.impostor.Public().KeyID()
		}
		notBefore, notAfter := now.Add(-24*time.Hour), now.Add(90*24*time.Hour)
		if co.Expired {
			notBefore, notAfter = now.Add(-90*24*time.Hour), now.Add(-24*time.Hour)
		}
		g.doc.Couriers = append(g.doc.Couriers, api.CourierEntry{
			ID: co.ID, Name: co.Name, Factor: co.Factor, Mode: co.Mode, Patterns: co.Patterns, Loading: co.Loading,
			Keys: []api.Key{{
				KeyID: kid, PublicKey: co.Key.Public().Bytes(),
				NotBefore: notBefore.UTC().Truncate(time.Second),
				NotAfter:  notAfter.UTC().Truncate(time.Second),
			}},
		})
		g.couriers[co.ID] = &co
		g.order = append(g.order, &co)
	}
	g.badETag = cfg.BadETag
	if !cfg.NoKeyLog {
		g.keyLog = newFakeKeyLog(t, g, cfg.Witnesses)
	}
	g.mu.Lock()
	g.publish()
	g.mu.Unlock()

	mux := http.NewServeMux()
	mux.HandleFunc(RouteCouriers, g.route(RouteCouriers, g.serveDirectory))
	mux.HandleFunc(RouteEvaluate, g.route(RouteEvaluate, g.serveEvaluate))
	mux.HandleFunc(RouteBuckets, g.route(RouteBuckets, g.serveBucket))
	mux.HandleFunc(RouteRecords, g.route(RouteRecords, g.serveRecord))
	mux.HandleFunc(RouteLogConsistency, g.route(RouteLogConsistency, g.serveConsistency))
	mux.HandleFunc(RouteLogCheckpoint, g.route(RouteLogCheckpoint, g.serveCheckpoint))
	g.registerSubscriptionRoutes(mux)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		g.requests++
		g.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	g.URL = srv.URL
	return g
}

// DeriveKey is a deterministic OPRF key named by label.
func DeriveKey(t testing.TB, label string) *crypto.PrivateKey {
	t.Helper()
	seed := sha256.Sum256([]byte(label))
	k, err := crypto.DeriveKey(seed[:], []byte("clienttest"))
	if err != nil {
		t.Fatalf("clienttest: derive key: %v", err)
	}
	return k
}

func mustKey(t testing.TB) *crypto.PrivateKey {
	t.Helper()
	k, err := crypto.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("clienttest: generate key: %v", err)
	}
	return k
}

// DirectoryETag is the ETag the fake serves with its directory.
func (g *Gateway) DirectoryETag() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.dirETag
}

// publish encodes the directory, with the key log as it is now. g.mu is
// held.
func (g *Gateway) publish() {
	doc := g.doc
	doc.Couriers = slices.Clone(g.doc.Couriers)
	if g.keyLog != nil {
		g.keyLog.show(&doc)
	}
	body, err := json.Marshal(doc)
	if err != nil {
		panic("clienttest: encode directory: " + err.Error())
	}
	g.dirBody = body
	g.dirETag = directoryETag(body)
	if g.badETag {
		g.dirETag = directoryETag(append(body, ' '))
	}
}

// Requests counts every request the fake received, on any path.
func (g *Gateway) Requests() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.requests
}

// Request is what the fake saw of one request: what a curious gateway
// could record without breaking any encryption.
type Request struct {
	Route     string // the route template (Route…), method included
	BodyBytes int
	// Couriers and Elements are, for an evaluation, each part's courier
	// and its number of blinded elements, in request order.
	Couriers []string
	Elements []int
}

// Seen returns every request received on a route of the fake, in the
// order they arrived.
func (g *Gateway) Seen() []Request {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Request(nil), g.seen...)
}

// Hits counts the requests received on one route (Route…).
func (g *Gateway) Hits(route string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.hits[route]
}

// NotModified counts the directory requests answered 304 Not Modified.
func (g *Gateway) NotModified() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.notModified
}

// Evaluations returns the bodies of every POST /v1/evaluate received.
func (g *Gateway) Evaluations() []api.EvaluateRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]api.EvaluateRequest(nil), g.evaluations...)
}

// Fail makes every later request on route answer status with an RFC 9457
// problem whose detail is detail.
func (g *Gateway) Fail(route string, status int, detail string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.failures[route] = failure{status, detail}
}

// Recover undoes Fail: later requests on route are answered again.
func (g *Gateway) Recover(route string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.failures, route)
}

// Missing makes every later bucket and record answer list courier in
// "missing", as a gateway does for a pull courier that cannot answer.
func (g *Gateway) Missing(courier string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.missing = append(g.missing, courier)
}

// AddParcel seals view as the record of (courier, tn, factor), the way the
// courier would: y = FullEvaluate(Input(courier, tn, factor)) under its
// key. The view is sealed as given, so a test may make it lie. Each call
// makes a new version; the record is returned.
func (g *Gateway) AddParcel(t testing.TB, courier, tn, factor string, view adapters.View) crypto.SealedRecord {
	t.Helper()
	co := g.couriers[courier]
	d := g.derive(t, courier, tn, factor)
	plain, err := json.Marshal(view)
	if err != nil {
		t.Fatalf("clienttest: AddParcel: encode view: %v", err)
	}
	key := crypto.EncodeB64(d.Locator)
	g.mu.Lock()
	defer g.mu.Unlock()
	rec := crypto.SealedRecord{
		Courier: courier, Locator: d.Locator, KeyID: crypto.KeyIDBytes(co.Key.Public().Bytes()),
		Version: g.records[key].Version + 1, ExpiresAt: time.Now().Add(30 * 24 * time.Hour).UTC().Truncate(time.Second),
	}
	if err := crypto.Seal(d.RecordKey, &rec, plain, g.recordSize, rand.Reader); err != nil {
		t.Fatalf("clienttest: AddParcel: %v", err)
	}
	g.records[key] = rec
	return rec
}

// Locator is the locator of the record of (courier, tn, factor).
func (g *Gateway) Locator(t testing.TB, courier, tn, factor string) []byte {
	t.Helper()
	return g.derive(t, courier, tn, factor).Locator
}

func (g *Gateway) derive(t testing.TB, courier, tn, factor string) crypto.Derived {
	t.Helper()
	co := g.couriers[courier]
	if co == nil {
		t.Fatalf("clienttest: no courier %q", courier)
	}
	y, err := co.Key.FullEvaluate(crypto.Input(courier, tn, factor))
	if err != nil {
		t.Fatalf("clienttest: evaluate: %v", err)
	}
	d, err := crypto.Derive(y)
	if err != nil {
		t.Fatalf("clienttest: derive: %v", err)
	}
	return d
}
