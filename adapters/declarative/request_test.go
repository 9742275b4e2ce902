package declarative

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
	"github.com/trackgate/trackgate/adapters/sfexpress"
)

// recorded is a request as a test server saw it.
type recorded struct {
	method, path, rawPath, query string
	header                       http.Header
	body                         string
}

// recorder answers every request with answer and keeps what it saw.
type recorder struct {
	mu       sync.Mutex
	requests []recorded
	answer   func(w http.ResponseWriter, r *http.Request)
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.requests = append(rec.requests, recorded{r.Method, r.URL.Path, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), string(body)})
	rec.mu.Unlock()
	if rec.answer != nil {
		rec.answer(w, r)
		return
	}
	w.Write([]byte(`{"scans":[{"at":"2026-06-02T10:15:00+08:00","state":"delivered","note":"Delivered"}]}`))
}

// lark is a description of Lark Post (docs/adapters.md's fictional
// carrier) whose request part each test writes.
func lark(t *testing.T, request string) *Description {
	t.Helper()
	doc := `carrier: lark-post
base_url: https://api.larkpost.example
options:
  api_key: {required: true}
  secret: {default: "s3cret"}
  unset: {}
` + request + `
answer:
  events: .scans[]
  event:
    time: .at
    code: .state
    description: .note
status:
  codes: {delivered: delivered}
`
	d, err := Load("lark.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// serve opens d against a recorder and looks ref up once.
func serve(t *testing.T, d *Description, options map[string]string, ref adapters.ParcelRef) (*recorder, adapters.Parcel, error) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	now := time.Date(2026, 6, 2, 3, 4, 5, 0, time.UTC)
	src, err := New(d, Config{Options: options, BaseURL: srv.URL, Now: func() time.Time { return now },
		Client: &carrierhttp.Client{HTTP: srv.Client(), Attempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := src.Lookup(context.Background(), ref)
	return rec, p, err
}

func TestRequestTemplatesEscapeWhereTheyGo(t *testing.T) {
	d := lark(t, `request:
  url: "{base_url}/v1/parcels/{number}/{option.api_key}"
  query:
    phone: "{factor}"
    empty: "{option.unset}"
    at: "{now.unix_ms}"
  headers:
    X-Key: "{option.api_key|upper}"
  body:
    json: {number: "{number}", key: "{option.api_key}", n: 3, list: ["{factor}", true]}`)
	rec, _, err := serve(t, d, map[string]string{"api_key": `a/b "c"&d=e`}, adapters.ParcelRef{TrackingNumber: "lp 2026-0601", Factors: []string{"8000", "1234"}})
	if err != nil {
		t.Fatal(err)
	}
	r := rec.requests[0]
	if r.method != "POST" || r.rawPath != "/v1/parcels/LP20260601/a%2Fb%20%22c%22&d=e" {
		t.Errorf("request %s %s", r.method, r.rawPath)
	}
	if q, _ := url.ParseQuery(r.query); q.Get("phone") != "8000" || q.Has("empty") || q.Get("at") != "1780369445000" {
		t.Errorf("query %q", r.query)
	}
	if r.header.Get("X-Key") != `A/B "C"&D=E` || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", r.header)
	}
	if want := `{"number":"LP20260601","key":"a/b \"c\"\u0026d=e","n":3,"list":["8000",true]}`; r.body != want {
		t.Errorf("body %s\nwant %s", r.body, want)
	}
}

func TestAFactorSentVouchesForThatFactorAlone(t *testing.T) {
	ref := adapters.ParcelRef{TrackingNumber: "LP20260601", Factors: []string{"8000", "1234"}}
	with := lark(t, "request:\n  url: \"{base_url}/v1/parcels/{number}\"\n  query: {phone_last4: \"{factor}\"}")
	if _, p, err := serve(t, with, map[string]string{"api_key": "k"}, ref); err != nil || len(p.Factors) != 1 || p.Factors[0] != "8000" {
		t.Errorf("asked with a factor: %v, %v", p.Factors, err)
	}
	without := lark(t, "request:\n  url: \"{base_url}/v1/parcels/{number}\"")
	if _, p, err := serve(t, without, map[string]string{"api_key": "k"}, ref); err != nil || len(p.Factors) != 2 {
		t.Errorf("asked without a factor: %v, %v", p.Factors, err)
	}
}

func TestSignaturesAsChineseCarriersDefineThem(t *testing.T) {
	ref := adapters.ParcelRef{TrackingNumber: "SF1234567890123", Factors: []string{"5678"}}
	t.Run("SF Express msgDigest in the form", func(t *testing.T) {
		d := lark(t, `request:
  url: "{base_url}/std/service"
  body:
    form:
      partnerID: "{option.api_key}"
      requestID: "{uuid}"
      serviceCode: EXP_RECE_SEARCH_ROUTES
      timestamp: "{now.unix_ms}"
      msgData:
        json: {trackingType: "1", trackingNumber: ["{number}"], methodType: "1", checkPhoneNo: "{factor}"}
auth:
  sign:
    algorithm: md5
    over: "{form.msgData|java_url}{form.timestamp|java_url}{option.secret|java_url}"
    form: msgDigest`)
		rec, _, err := serve(t, d, map[string]string{"api_key": "P1", "secret": "check word ~*"}, ref)
		if err != nil {
			t.Fatal(err)
		}
		form, _ := url.ParseQuery(rec.requests[0].body)
		msgData := `{"trackingType":"1","trackingNumber":["SF1234567890123"],"methodType":"1","checkPhoneNo":"5678"}`
		if form.Get("msgData") != msgData || form.Get("timestamp") != "1780369445000" || len(form.Get("requestID")) != 36 {
			t.Fatalf("form %v", form)
		}
		if got, want := form.Get("msgDigest"), sfexpress.MsgDigest(msgData, "1780369445000", "check word ~*"); got != want {
			t.Errorf("msgDigest %q; sfexpress.MsgDigest says %q", got, want)
		}
	})
	t.Run("ZTO data digest of the body in a header", func(t *testing.T) {
		d := lark(t, `request:
  url: "{base_url}/zto.open.getTraceInfo"
  headers: {x-appKey: "{option.api_key}"}
  body:
    json: {billCode: "{number}"}
auth:
  sign: {algorithm: md5, over: "{body}{option.secret}", header: x-datadigest}`)
		rec, _, err := serve(t, d, map[string]string{"api_key": "app"}, ref)
		if err != nil {
			t.Fatal(err)
		}
		r := rec.requests[0]
		sum := md5.Sum([]byte(r.body + "s3cret"))
		if want := base64.StdEncoding.EncodeToString(sum[:]); r.header.Get("x-datadigest") != want || r.body != `{"billCode":"SF1234567890123"}` {
			t.Errorf("digest %q of %s; want %q", r.header.Get("x-datadigest"), r.body, want)
		}
	})
	t.Run("HMAC-SHA256 in hex in the query", func(t *testing.T) {
		d := lark(t, `request:
  url: "{base_url}/track"
  query: {n: "{number}", ts: "{now.unix}"}
auth:
  sign: {algorithm: hmac-sha256, key: "{option.secret}", over: "{number}{now.unix}", encoding: hex_upper, query: sig}`)
		rec, _, err := serve(t, d, map[string]string{"api_key": "app"}, ref)
		if err != nil {
			t.Fatal(err)
		}
		mac := hmac.New(sha256.New, []byte("s3cret"))
		mac.Write([]byte("SF1234567890123" + "1780369445"))
		q, _ := url.ParseQuery(rec.requests[0].query)
		if want := strings.ToUpper(hex.EncodeToString(mac.Sum(nil))); q.Get("sig") != want {
			t.Errorf("sig %q; want %q", q.Get("sig"), want)
		}
	})
}

// oauthCarrier is a carrier with OAuth client credentials: it counts the
// tokens it issued and refuses the tokens in revoked.
type oauthCarrier struct {
	mu      sync.Mutex
	issued  int
	revoked map[string]bool
	tokenOK bool
}

func (c *oauthCarrier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.URL.Path == "/oauth/token" {
		id, secret, _ := r.BasicAuth()
		r.ParseForm()
		if !c.tokenOK || id != "client" || secret != "s3cret" || r.PostForm.Get("grant_type") != "client_credentials" {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		c.issued++
		w.Write([]byte(`{"access_token":"tok` + string(rune('0'+c.issued)) + `","token_type":"Bearer","expires_in":"3600"}`))
		return
	}
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !strings.HasPrefix(tok, "tok") || c.revoked[tok] {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	w.Write([]byte(`{"scans":[{"at":"2026-06-02T10:15:00+08:00","state":"delivered","note":"Delivered"}]}`))
}

func TestOAuthTokensAreCachedAndRenewedOnceOnA401(t *testing.T) {
	d := lark(t, `request:
  url: "{base_url}/track/{number}"
auth:
  oauth2: {token_url: "{base_url}/oauth/token", client_id: "client", client_secret: "{option.secret}"}`)
	carrier := &oauthCarrier{revoked: map[string]bool{}, tokenOK: true}
	srv := httptest.NewServer(carrier)
	t.Cleanup(srv.Close)
	src, err := New(d, Config{Options: map[string]string{"api_key": "k"}, BaseURL: srv.URL,
		Client: &carrierhttp.Client{HTTP: srv.Client(), Attempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	ref := adapters.ParcelRef{TrackingNumber: "LP20260601"}
	for range 3 {
		if _, err := src.Lookup(context.Background(), ref); err != nil {
			t.Fatal(err)
		}
	}
	if carrier.issued != 1 {
		t.Errorf("%d tokens fetched for three lookups; want one, cached", carrier.issued)
	}
	carrier.revoked["tok1"] = true
	if _, err := src.Lookup(context.Background(), ref); err != nil || carrier.issued != 2 {
		t.Errorf("after a 401: %v, %d tokens; want a new token and the answer", err, carrier.issued)
	}
	carrier.revoked["tok2"], carrier.revoked["tok3"] = true, true
	if _, err := src.Lookup(context.Background(), ref); !errors.Is(err, adapters.ErrMisconfigured) || carrier.issued != 3 {
		t.Errorf("a 401 with a fresh token: %v after %d tokens; want ErrMisconfigured after one more", err, carrier.issued)
	}
	carrier.tokenOK = false
	src.token.Drop("tok3")
	if _, err := src.Lookup(context.Background(), ref); !errors.Is(err, adapters.ErrMisconfigured) {
		t.Errorf("a refused client: %v; want ErrMisconfigured", err)
	}
}
