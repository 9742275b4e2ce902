package courierhost

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/signing"
)

// sealedTestRecords seals n records of the test courier.
func sealedTestRecords(t testing.TB, n int) []crypto.SealedRecord {
	t.Helper()
	clk := newClock()
	cfg := testConfig(t, clk.Now(), newFakeSource())
	h := mustNew(t, cfg)
	var out []crypto.SealedRecord
	for i := range n {
		out = append(out, indexAll(t, h, clk.Now(), testParcel(fmt.Sprintf("SW%012d", i), uint64(i+1), clk.Now()))...)
	}
	return out
}

func TestHTTPPublisherSendsSignedRecords(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	verifier := &signing.Verifier{Keys: func(id string) (ed25519.PublicKey, bool) { return pub, id == testCourier },
		Audience: "gateway", Nonces: signing.NewMemoryNonces(0, nil)}
	records := sealedTestRecords(t, 3)
	var got api.Records
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if id, err := verifier.Verify(r, body); err != nil || id != testCourier {
			http.Error(w, "unsigned", http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodPut || r.URL.Path != "/v1/couriers/"+testCourier+"/records" ||
			r.Header.Get("Content-Type") != "application/json" || r.Header.Get("User-Agent") != userAgent {
			http.Error(w, "wrong request", http.StatusBadRequest)
			return
		}
		if err := api.Decode(bytes.NewReader(body), &got); err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"stored":2,"stale":0,"refused":1,"results":[{"status":"stored"},{"status":"stored"},{"status":"refused","limit":"courier_bytes","detail":"quota"}]}`)
	}))
	defer srv.Close()

	p := HTTPPublisher{GatewayURL: srv.URL + "/", Courier: testCourier, Signer: &signing.Signer{KeyID: testCourier, Key: priv, Audience: "gateway"}, Client: srv.Client()}
	res, err := p.Publish(t.Context(), api.Records{Records: records})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if res.Stored != 2 || res.Refused != 1 || len(res.Results) != 3 || res.Results[2].Limit != "courier_bytes" {
		t.Errorf("answer %+v", res)
	}
	if len(got.Records) != 3 {
		t.Fatalf("gateway received %d records", len(got.Records))
	}
	for i := range got.Records {
		if string(got.Records[i].Ciphertext) != string(records[i].Ciphertext) || !got.Records[i].ExpiresAt.Equal(records[i].ExpiresAt) {
			t.Errorf("record %d changed on the way", i)
		}
	}
}

func TestHTTPPublisherErrorsSayWhetherToRetry(t *testing.T) {
	tests := []struct {
		status    int
		temporary bool
	}{
		{http.StatusTooManyRequests, true},
		{http.StatusInternalServerError, true},
		{http.StatusBadGateway, true},
		{http.StatusServiceUnavailable, true},
		{http.StatusBadRequest, false},
		{http.StatusUnauthorized, false},
		{http.StatusForbidden, false},
		{http.StatusRequestEntityTooLarge, false},
		{http.StatusFound, false}, // redirects are not followed
	}
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			var followed atomic.Bool
			mux := http.NewServeMux()
			mux.HandleFunc("/elsewhere", func(w http.ResponseWriter, r *http.Request) { followed.Store(true) })
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				if tt.status == http.StatusFound {
					http.Redirect(w, r, "/elsewhere", tt.status)
					return
				}
				w.WriteHeader(tt.status)
			})
			srv := httptest.NewServer(mux)
			defer srv.Close()
			p := HTTPPublisher{GatewayURL: srv.URL, Courier: testCourier, Signer: &signing.Signer{KeyID: testCourier, Key: priv, Audience: "gateway"}, Client: srv.Client()}
			_, err := p.Publish(t.Context(), api.Records{})
			var pe *PublishError
			if !errors.As(err, &pe) || pe.StatusCode != tt.status {
				t.Fatalf("error %v, want a PublishError with %d", err, tt.status)
			}
			if pe.Temporary() != tt.temporary || Retryable(err) != tt.temporary {
				t.Errorf("Temporary()=%v Retryable=%v, want %v", pe.Temporary(), Retryable(err), tt.temporary)
			}
			if followed.Load() {
				t.Error("the redirect was followed")
			}
		})
	}
}

func TestHTTPPublisherNetworkErrorsAreRetryable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there now
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	p := HTTPPublisher{GatewayURL: url, Courier: testCourier, Signer: &signing.Signer{KeyID: testCourier, Key: priv, Audience: "gateway"},
		Client: &http.Client{Timeout: 5 * time.Second}}
	_, err := p.Publish(t.Context(), api.Records{})
	if err == nil || !Retryable(err) {
		t.Errorf("error %v, want a retryable one", err)
	}
}

func TestHTTPPublisherRefusesAMalformedAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"stored":"many"}`)
	}))
	defer srv.Close()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	p := HTTPPublisher{GatewayURL: srv.URL, Courier: testCourier, Signer: &signing.Signer{KeyID: testCourier, Key: priv, Audience: "gateway"}}
	if _, err := p.Publish(t.Context(), api.Records{}); !errors.Is(err, api.ErrMalformed) {
		t.Errorf("error %v, want ErrMalformed", err)
	}
}

func TestHTTPPublisherNeedsASigner(t *testing.T) {
	p := HTTPPublisher{GatewayURL: "http://127.0.0.1:1", Courier: testCourier}
	if _, err := p.Publish(t.Context(), api.Records{}); !errors.Is(err, signing.ErrNoSigningKey) || Retryable(err) {
		t.Errorf("error %v, want a non-retryable ErrNoSigningKey", err)
	}
}
