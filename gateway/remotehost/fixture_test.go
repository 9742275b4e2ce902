package remotehost

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/courierhost"
	"github.com/trackgate/trackgate/gateway/signing"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

const testCourier = "test-courier"

// listSource is an adapter that lists fixed parcels.
type listSource struct{ parcels []adapters.Parcel }

func (s listSource) Lookup(context.Context, adapters.ParcelRef) (adapters.Parcel, error) {
	return adapters.Parcel{}, adapters.ErrNotFound
}

func (s listSource) Parcels(ctx context.Context, yield func(adapters.Parcel) bool) error {
	for _, p := range s.parcels {
		if !yield(p) {
			break
		}
	}
	return ctx.Err()
}

// nopPublisher acknowledges everything; push-mode hosts need one.
type nopPublisher struct{}

func (nopPublisher) Publish(_ context.Context, b api.Records) (api.PublishResponse, error) {
	res := api.PublishResponse{Stored: b.Items(), Results: make([]api.ItemResult, b.Items())}
	for i := range res.Results {
		res.Results[i].Status = api.ItemStored
	}
	return res, nil
}

func testParcel(tn string, now time.Time) adapters.Parcel {
	return adapters.Parcel{Version: 1, View: adapters.View{
		Courier: testCourier, TrackingNumber: tn, Status: adapters.StatusInTransit,
		Events:    []adapters.Event{{Time: now, Status: adapters.StatusInTransit, Description: "Arrived at hub"}},
		UpdatedAt: now,
	}}
}

// remoteFixture is a real courier host served on loopback, and a Client
// of it signing as the gateway.
type remoteFixture struct {
	key    *crypto.PrivateKey
	host   *courierhost.Host
	client *Client
	srv    *httptest.Server
}

// testAnswerKey is the courier's signing key: test hosts sign their
// answers with it, and clients verify them with its public half.
var (
	// testGatewayKey is the gateway's signing key, the same for every host.
	testGatewayKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{0x6b}, ed25519.SeedSize))
	testAnswerKey  = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{0x5a}, ed25519.SeedSize))
	testAnswerPub  = testAnswerKey.Public().(ed25519.PublicKey)
)

func newRemoteFixture(t *testing.T, edit func(*courierhost.Config)) *remoteFixture {
	t.Helper()
	key, err := crypto.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	cfg := courierhost.Config{
		Courier:       testCourier,
		BucketBits:    8,
		Mode:          api.ModePull,
		Factor:        crypto.FactorNone,
		Keys:          []courierhost.KeyConfig{{Key: key, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour)}},
		Source:        listSource{[]adapters.Parcel{testParcel("SW123456789012", now), testParcel("SW999999999999", now)}},
		EvaluateRate:  1000,
		EvaluateBurst: 1000,
	}
	if edit != nil {
		edit(&cfg)
	}
	host, err := courierhost.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { host.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	for i := 0; !host.Ready(); i++ {
		if i == 5000 {
			t.Fatal("courier host not ready after 5 s")
		}
		time.Sleep(time.Millisecond)
	}

	srv := httptest.NewServer(host.Handler(gatewayVerifier(nil), testAnswerKey))
	t.Cleanup(srv.Close)
	signer := &signing.Signer{KeyID: "gateway", Key: testGatewayKey, Audience: cfg.Courier}
	return &remoteFixture{key: key, host: host, srv: srv, client: New(srv.URL+"/", signer, testAnswerPub, srv.Client())}
}

// gatewayVerifier is a host's verifier knowing testGatewayKey under
// "gateway", with nonces (nil: the host's own memory).
func gatewayVerifier(nonces signing.NonceStore) *signing.Verifier {
	pub := testGatewayKey.Public().(ed25519.PublicKey)
	return &signing.Verifier{Keys: func(id string) (ed25519.PublicKey, bool) { return pub, id == "gateway" }, Nonces: nonces}
}

// gatewaySigner is a signer for servers that do not check signatures.
func gatewaySigner(t testing.TB) *signing.Signer {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &signing.Signer{KeyID: "gateway", Key: priv, Audience: testCourier}
}

// fixedAnswer is a transport that answers every request itself, without
// a network: status, content type and body.
type fixedAnswer struct {
	status      int
	contentType string
	body        []byte
}

func (f fixedAnswer) RoundTrip(req *http.Request) (*http.Response, error) {
	h := http.Header{}
	if f.contentType != "" {
		h.Set("Content-Type", f.contentType)
	}
	// Signed as the courier's host signs, so only the answer is under test.
	h.Set(crypto.HeaderSignature, crypto.SignAnswer(testAnswerKey, testCourier, f.status, req.Header.Get(crypto.HeaderNonce), f.body))
	return &http.Response{
		StatusCode: f.status, Header: h, Request: req,
		Body: io.NopCloser(bytes.NewReader(f.body)), ContentLength: int64(len(f.body)),
	}, nil
}
