package gateway

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/courierhost"
	"github.com/trackgate/trackgate/gateway/keylog/keylogtest"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
	"github.com/trackgate/trackgate/gateway/remotehost"
	"github.com/trackgate/trackgate/gateway/signing"
	"github.com/trackgate/trackgate/gateway/store/memory"
	"github.com/trackgate/trackgate/openapi"
)

// The key log's tests run real courier hosts (courierhost), in process or
// over HTTP on loopback, and read what the gateway serves as a client
// does, with gateway/keylog/verify.

// noParcels is an adapter that lists no parcel: the hosts here only
// serve their keys and statements.
type noParcels struct{}

func (noParcels) Lookup(context.Context, adapters.ParcelRef) (adapters.Parcel, error) {
	return adapters.Parcel{}, adapters.ErrNotFound
}

func (noParcels) Parcels(ctx context.Context, _ func(adapters.Parcel) bool) error { return ctx.Err() }

// ackAll acknowledges every publish: push hosts need a publisher.
type ackAll struct{}

func (ackAll) Publish(_ context.Context, b api.Records) (api.PublishResponse, error) {
	res := api.PublishResponse{Stored: b.Items(), Results: make([]api.ItemResult, b.Items())}
	for i := range res.Results {
		res.Results[i].Status = api.ItemStored
	}
	return res, nil
}

// loggedCourier is one courier of a key log test: its real host and what
// the gateway registers of it.
type loggedCourier struct {
	id, factor, mode string
	host             *courierhost.Host
	signing          ed25519.PrivateKey
	oprf             *crypto.PrivateKey
	srv              *httptest.Server // over HTTP only
}

// testLogKey signs the checkpoints of every test log: gateways sharing a
// storage share it.
var testLogKey = keylogtest.SigningKey("gateway test log")

func newLoggedCourier(t *testing.T, id, factor, mode string) *loggedCourier {
	t.Helper()
	c := &loggedCourier{id: id, factor: factor, mode: mode, signing: keylogtest.SigningKey(id + " signing")}
	var err error
	if c.oprf, err = crypto.GenerateKey(rand.Reader); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	cfg := courierhost.Config{
		Courier: id, BucketBits: testBucketBits, Mode: mode, Factor: factor,
		Keys:       []courierhost.KeyConfig{{Key: c.oprf, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(30 * 24 * time.Hour)}},
		SigningKey: c.signing, Source: noParcels{}, EvaluateRate: 1000, EvaluateBurst: 1000,
	}
	if mode == api.ModePush {
		cfg.Publisher = ackAll{}
	}
	if c.host, err = courierhost.New(cfg); err != nil {
		t.Fatal(err)
	}
	return c
}

// serve puts the host on loopback, answering the gateway whose key is gatewayKey.
func (c *loggedCourier) serve(t *testing.T, gatewayKey ed25519.PublicKey) {
	t.Helper()
	v := &signing.Verifier{Keys: func(id string) (ed25519.PublicKey, bool) { return gatewayKey, id == DefaultGatewayID }}
	c.srv = httptest.NewServer(c.host.Handler(v, c.signing))
	t.Cleanup(c.srv.Close)
}

// rotate does what 'trackgate keys rotate' does: a new OPRF key from now,
// the current one shortened to an overlap. It returns the new key.
func (c *loggedCourier) rotate(t *testing.T) *crypto.PrivateKey {
	t.Helper()
	now := time.Now()
	keys, err := c.host.Keys(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	next, err := crypto.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	set := []courierhost.KeyConfig{{Key: c.oprf, NotBefore: keys[0].NotBefore, NotAfter: now.Add(time.Hour)}}
	set = append(set, courierhost.KeyConfig{Key: next, NotBefore: now, NotAfter: now.Add(60 * 24 * time.Hour)})
	if err := c.host.SetKeys(set); err != nil {
		t.Fatal(err)
	}
	return next
}

// gatewayOf is a gateway with a key log over couriers: in process, or
// each served on loopback and reached with remotehost when overHTTP.
// tweak edits its configuration.
func gatewayOf(t *testing.T, logs io.Writer, couriers []*loggedCourier, overHTTP bool, tweak func(*Config)) (*Gateway, *httptest.Server) {
	t.Helper()
	gwPub, gwKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if logs == nil {
		logs = io.Discard
	}
	cfg := Config{
		BucketBits: testBucketBits, FetchRate: 1000, FetchBurst: 1000,
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
		KeyLog: &KeyLog{Origin: keylogtest.Origin, Key: testLogKey},
	}
	for _, c := range couriers {
		var host api.CourierHost = c.host
		if overHTTP {
			c.serve(t, gwPub)
			host = remotehost.New(c.srv.URL, (&signing.Signer{KeyID: DefaultGatewayID, Key: gwKey}).For(c.id), keylogtest.Public(c.signing), nil)
		}
		cfg.Couriers = append(cfg.Couriers, Courier{
			ID: c.id, Name: "Courier " + c.id, Factor: c.factor, Mode: c.mode,
			Patterns: []api.Pattern{{Regex: `^[A-Z0-9]{6,40}$`}}, Host: host, SigningKey: keylogtest.Public(c.signing),
		})
	}
	if tweak != nil {
		tweak(&cfg)
	}
	if cfg.Store == nil {
		cfg.Store = memory.New(cfg.RecordLimits.WithDefaults())
	}
	gw, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(gw.Handler())
	t.Cleanup(srv.Close)
	return gw, srv
}

// logClient reads a gateway as a client of the key log does, checking
// every answer against openapi/tg1.yaml.
type logClient struct {
	t   *testing.T
	url string
	v   *openapi.Validator
}

func newLogClient(t *testing.T, srv *httptest.Server) *logClient {
	t.Helper()
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	v, err := openapi.NewValidator(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &logClient{t: t, url: srv.URL, v: v}
}

// get fetches path and checks the answer against the document.
func (c *logClient) get(path string) (int, []byte) {
	return c.send(http.MethodGet, path, "", nil)
}

func (c *logClient) send(method, path, contentType string, body []byte) (int, []byte) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		r = strings.NewReader(string(body))
	}
	req, err := http.NewRequest(method, c.url+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := c.v.ValidateResponse(req, resp.StatusCode, resp.Header, b); err != nil {
		c.t.Errorf("%s %s: the answer does not match openapi/tg1.yaml: %v", method, path, err)
	}
	return resp.StatusCode, b
}

func (c *logClient) directory() api.Directory {
	c.t.Helper()
	status, body := c.get("/v1/couriers")
	if status != http.StatusOK {
		c.t.Fatalf("GET /v1/couriers: %d %s", status, body)
	}
	var d api.Directory
	if err := json.Unmarshal(body, &d); err != nil {
		c.t.Fatal(err)
	}
	if d.KeyLog == nil {
		c.t.Fatal("the directory has no key_log")
	}
	return d
}

// proof fetches a consistency or inclusion proof.
func (c *logClient) proof(path string) []tlog.Hash {
	c.t.Helper()
	status, body := c.get(path)
	if status != http.StatusOK {
		c.t.Fatalf("GET %s: %d %s", path, status, body)
	}
	var p api.LogProof
	if err := json.Unmarshal(body, &p); err != nil {
		c.t.Fatal(err)
	}
	out := make([]tlog.Hash, len(p.Proof))
	for i, h := range p.Proof {
		copy(out[i][:], h)
	}
	return out
}

// verifierFor is the verifier a client makes from a directory's key_log
// (trusting the log key it names), with opts' witnesses and quorum.
func verifierFor(t *testing.T, d api.Directory, witnesses map[string]ed25519.PublicKey, quorum int) *verify.Verifier {
	t.Helper()
	name, pk, err := keystatement.ParseVerifierKey(d.KeyLog.Key)
	if err != nil || name != d.KeyLog.Origin {
		t.Fatalf("key_log.key %q: %v, want a verifier key of %s", d.KeyLog.Key, err, d.KeyLog.Origin)
	}
	v, err := verify.New(verify.Config{Origin: d.KeyLog.Origin, LogKey: pk, Witnesses: witnesses, Quorum: quorum}, verify.State{})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// update trusts d's checkpoint, fetching the consistency proof from the
// last checkpoint v trusted when the log grew, as a client does.
func (c *logClient) update(v *verify.Verifier, d api.Directory) verify.Checkpoint {
	c.t.Helper()
	next, err := v.OpenCheckpoint([]byte(d.KeyLog.Checkpoint))
	if err != nil {
		c.t.Fatalf("the directory's checkpoint: %v", err)
	}
	var proof tlog.TreeProof
	if last, ok := v.Latest(); ok && last.Size > 0 && next.Size > last.Size {
		proof = c.proof("/v1/log/consistency?old=" + strconv.FormatInt(last.Size, 10) + "&new=" + strconv.FormatInt(next.Size, 10))
	}
	cp, err := v.Update([]byte(d.KeyLog.Checkpoint), proof)
	if err != nil {
		c.t.Fatalf("update to the directory's checkpoint: %v", err)
	}
	return cp
}

// verifyCourier checks a courier of d as a client does: VerifyCourier on
// what its log member shows, then that every key of the entry, and its
// mode, factor and the bucket bits, are its statement's.
func verifyCourier(t *testing.T, v *verify.Verifier, d api.Directory, e api.CourierEntry) []keystatement.Key {
	t.Helper()
	if e.Log == nil {
		t.Fatalf("%s has no log member", e.ID)
	}
	keys, err := v.VerifyCourier(verify.Courier{ID: e.ID, SigningKeys: proven(t, e.Log.SigningKeys), Keys: proven(t, e.Log.Keys)}, time.Now())
	if err != nil {
		t.Fatalf("%s: %v", e.ID, err)
	}
	if len(e.Keys) != len(e.Log.Keys) {
		t.Fatalf("%s lists %d keys and shows %d statements", e.ID, len(e.Keys), len(e.Log.Keys))
	}
	for i, key := range e.Keys {
		s, err := keystatement.OpenKey([]byte(e.Log.Keys[i].Statement))
		if err != nil {
			t.Fatal(err)
		}
		if s.KeyID() != key.KeyID || !s.NotBefore.Equal(key.NotBefore) || !s.NotAfter.Equal(key.NotAfter) ||
			string(s.PublicKey) != string(key.PublicKey) || s.Mode != e.Mode || s.Factor != e.Factor || s.BucketBits != d.BucketBits {
			t.Errorf("%s key %d: the directory lists %+v, its statement says %+v", e.ID, i, key, s)
		}
	}
	return keys
}

func proven(t *testing.T, in []api.ProvenStatement) []verify.Proven {
	t.Helper()
	out := make([]verify.Proven, len(in))
	for i, p := range in {
		out[i] = verify.Proven{Index: p.Index, Entry: []byte(p.Statement), Proof: make(tlog.RecordProof, len(p.Proof))}
		for j, h := range p.Proof {
			if len(h) != tlog.HashSize {
				t.Fatalf("a proof hash of %d bytes", len(h))
			}
			copy(out[i].Proof[j][:], h)
		}
	}
	return out
}

func courierOf(t *testing.T, d api.Directory, id string) api.CourierEntry {
	t.Helper()
	for _, e := range d.Couriers {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("%s is not in the directory", id)
	return api.CourierEntry{}
}

func logSize(t *testing.T, gw *Gateway) int64 {
	t.Helper()
	n, err := gw.dir.log.log.Size(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}
