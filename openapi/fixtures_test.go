package openapi

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/keylog"
	"github.com/trackgate/trackgate/gateway/keylog/keylogtest"
)

// fixture holds valid tg1 values made with the real crypto, so that what the
// tests accept is what real clients and couriers send.
type fixture struct {
	key       *crypto.PrivateKey
	blinded   [][]byte
	evaluated [][]byte
	proof     []byte
	record    crypto.SealedRecord
	signer    ed25519.PrivateKey
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	key, err := crypto.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	inputs := [][]byte{
		crypto.Input("yunda-sim", "YD1234567890", ""),
		crypto.Input("yunda-sim", "YD1234567891", ""),
	}
	blinding, err := crypto.Blind(key.Public(), inputs)
	if err != nil {
		t.Fatalf("Blind: %v", err)
	}
	evaluated, proof, err := key.Evaluate(blinding.Elements)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	y, err := key.FullEvaluate(inputs[0])
	if err != nil {
		t.Fatalf("FullEvaluate: %v", err)
	}
	derived, err := crypto.Derive(y)
	if err != nil {
		t.Fatalf("Derive: %v", err)
	}
	record := crypto.SealedRecord{
		Courier:   "yunda-sim",
		Locator:   derived.Locator,
		KeyID:     crypto.KeyIDBytes(key.Public().Bytes()),
		Version:   7,
		ExpiresAt: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
	}
	view := []byte(`{"courier":"yunda-sim","tracking_number":"YD1234567890","status":"in_transit","events":[],"updated_at":"2026-08-01T10:00:00+08:00"}`)
	if err := crypto.Seal(derived.RecordKey, &record, view, crypto.MinRecordSize, rand.Reader); err != nil {
		t.Fatalf("Seal: %v", err)
	}
	_, signer, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("ed25519: %v", err)
	}
	return &fixture{key: key, blinded: blinding.Elements, evaluated: evaluated, proof: proof, record: record, signer: signer}
}

func (f *fixture) kid() string { return f.key.Public().KeyID() }

func b64s(elements [][]byte) []crypto.B64 {
	out := make([]crypto.B64, len(elements))
	for i, e := range elements {
		out[i] = e
	}
	return out
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(b)
}

// evaluateBody is a valid POST /v1/evaluate body with n courier parts of
// the fixture's blinded elements.
func (f *fixture) evaluateBody(t testing.TB, n int) string {
	req := api.EvaluateRequest{}
	for i := range n {
		req.Requests = append(req.Requests, api.CourierEvaluation{
			Courier: fmt.Sprintf("courier-%d", i), KeyID: f.kid(), Blinded: b64s(f.blinded),
		})
	}
	return mustJSON(t, req)
}

// publishBody is a valid publish body with n copies of the fixture record.
func (f *fixture) publishBody(t testing.TB, n int) string {
	req := api.Records{Records: make([]crypto.SealedRecord, n)}
	for i := range req.Records {
		req.Records[i] = f.record
	}
	return mustJSON(t, req)
}

// signedHeaders are valid §9 headers for a request.
func (f *fixture) signedHeaders(method, path, body string) map[string]string {
	r := crypto.SignedRequest{Method: method, Audience: "gateway", PathAndQuery: path, KeyID: "yunda-sim", Body: []byte(body)}
	sig, err := crypto.SignRequest(f.signer, &r, time.Now(), rand.Reader)
	if err != nil {
		panic("sign with crypto/rand: " + err.Error())
	}
	return map[string]string{
		crypto.HeaderKeyID: "yunda-sim", crypto.HeaderTimestamp: r.Timestamp, crypto.HeaderNonce: r.Nonce, crypto.HeaderSignature: sig,
		"Content-Type": "application/json",
	}
}

// newTestEngine serves every documented operation behind the validator
// with a handler that echoes the body it reads, so tests see both the
// validator's answer and what reached the handler. Bodies are bounded to
// maxBody bytes first, as the gateway does.
func newTestEngine(t testing.TB, maxBody int64) *gin.Engine {
	t.Helper()
	doc := mustLoad(t)
	v, err := NewValidator(doc)
	if err != nil {
		t.Fatalf("NewValidator: %v", err)
	}
	gin.SetMode(gin.TestMode)
	engine := gin.New()
	// gin redirects /path/ before any middleware runs; the test is about
	// what the validator answers.
	engine.RedirectTrailingSlash = false
	engine.Use(func(c *gin.Context) {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBody)
	}, v.Middleware())
	echo := func(c *gin.Context) {
		body, err := io.ReadAll(c.Request.Body)
		if err != nil {
			c.String(http.StatusInternalServerError, "handler could not read the body: %v", err)
			return
		}
		c.Data(http.StatusOK, "application/octet-stream", body)
	}
	for _, r := range Operations(doc, "") {
		engine.Handle(r.Method, r.Path, echo)
	}
	return engine
}

func serve(engine http.Handler, method, path, body string, headers map[string]string) *httptest.ResponseRecorder {
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, reader)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	engine.ServeHTTP(rec, req)
	return rec
}

// loggedCourier is the fixture's key in a key log: the directory's
// key_log and the courier's log, as a gateway serves them.
type loggedCourier struct {
	info    api.KeyLog
	courier api.CourierLog
}

// keyLog appends the fixture courier's first signing key and the key
// statement of the fixture's key to a key log, and proves both against
// its checkpoint.
func (f *fixture) keyLog(t testing.TB) loggedCourier {
	t.Helper()
	ctx := context.Background()
	logKey := keylogtest.SigningKey("openapi log")
	l, err := keylog.New(keylog.NewMemory(), keylog.Config{Origin: keylogtest.Origin, Key: logKey})
	if err != nil {
		t.Fatal(err)
	}
	signing := keystatement.SigningKey{Courier: "yunda-sim", Key: f.signer.Public().(ed25519.PublicKey)}
	first, err := keystatement.SignSigningKey(signing, f.signer, nil)
	if err != nil {
		t.Fatal(err)
	}
	key, err := keystatement.SignKey(keystatement.Key{
		Courier: "yunda-sim", PublicKey: f.key.Public().Bytes(),
		NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		Mode: keystatement.ModePush, Factor: crypto.FactorNone, BucketBits: 12, SigningKey: signing.Key,
	}, f.signer)
	if err != nil {
		t.Fatal(err)
	}
	var out loggedCourier
	statements := [][]byte{first, key}
	for _, statement := range statements {
		if _, err := l.Append(ctx, statement); err != nil {
			t.Fatal(err)
		}
	}
	for i, statement := range statements {
		proof, err := l.InclusionProof(ctx, int64(i), 2)
		if err != nil {
			t.Fatal(err)
		}
		proven := api.ProvenStatement{Index: int64(i), Statement: string(statement), Proof: make([]crypto.B64, len(proof))}
		for j, h := range proof {
			proven.Proof[j] = h[:]
		}
		if i == 0 {
			out.courier.SigningKeys = append(out.courier.SigningKeys, proven)
		} else {
			out.courier.Keys = append(out.courier.Keys, proven)
		}
	}
	checkpoint, err := l.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	vkey, err := keystatement.VerifierKey(keylogtest.Origin, logKey.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	out.info = api.KeyLog{Origin: keylogtest.Origin, Key: vkey, Checkpoint: string(checkpoint)}
	return out
}
