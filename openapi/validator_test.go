package openapi

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/routers"
	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/problem"
)

const jsonType = "application/json"

// secret marks a submitted value that no problem detail may repeat.
const secret = "SECRET"

func TestMiddlewareRejectsRequestsThatDoNotMatchTheDocument(t *testing.T) {
	f := newFixture(t)
	engine := newTestEngine(t, 8<<20)
	elem := crypto.EncodeB64(f.blinded[0])
	jsonHeaders := map[string]string{"Content-Type": jsonType}
	part := func(courier, kid, blinded string) string {
		return fmt.Sprintf(`{"courier":%q,"kid":%q,"blinded":[%s]}`, courier, kid, blinded)
	}
	evaluate := func(parts ...string) string { return `{"requests":[` + strings.Join(parts, ",") + `]}` }
	nine := strings.TrimSuffix(strings.Repeat(`"`+elem+`",`, 9), ",")
	validRecord := mustJSON(t, f.record)
	withRecordField := func(field, value string) string {
		var m map[string]any
		if err := json.Unmarshal([]byte(validRecord), &m); err != nil {
			t.Fatal(err)
		}
		if value == "" {
			delete(m, field)
		} else {
			m[field] = json.RawMessage(value)
		}
		return `{"records":[` + mustJSON(t, m) + `]}`
	}
	publish := func(body string) (string, string, string, map[string]string) {
		return http.MethodPut, "/v1/couriers/yunda-sim/records", body, f.signedHeaders(http.MethodPut, "/v1/couriers/yunda-sim/records", body)
	}
	withoutHeader := func(h map[string]string, name string) map[string]string {
		delete(h, name)
		return h
	}
	withHeader := func(h map[string]string, name, value string) map[string]string {
		h[name] = value
		return h
	}

	type request struct {
		method, path, body string
		headers            map[string]string
	}
	tests := []struct {
		name       string
		req        request
		wantDetail string // a substring the detail must contain
	}{
		{"malformed JSON", request{http.MethodPost, "/v1/evaluate", `{"requests":[` + secret, jsonHeaders}, "not valid JSON"},
		{"trailing bytes after the JSON", request{http.MethodPost, "/v1/evaluate", evaluate(part("yunda-sim", f.kid(), `"`+elem+`"`)) + secret, jsonHeaders}, "not valid JSON"},
		{"not an object", request{http.MethodPost, "/v1/evaluate", `["` + secret + `"]`, jsonHeaders}, "must be of JSON type object"},
		{"empty body", request{http.MethodPost, "/v1/evaluate", "", jsonHeaders}, "request body is required"},
		{"missing requests", request{http.MethodPost, "/v1/evaluate", `{"` + secret + `":1}`, jsonHeaders}, "field /requests is required"},
		{"missing kid", request{http.MethodPost, "/v1/evaluate", `{"requests":[{"courier":"yunda-sim","blinded":["` + elem + `"]}]}`, jsonHeaders}, "field /requests/0/kid is required"},
		{"missing blinded", request{http.MethodPost, "/v1/evaluate", `{"requests":[{"courier":"yunda-sim","kid":"` + f.kid() + `"}]}`, jsonHeaders}, "field /requests/0/blinded is required"},
		{"no requests", request{http.MethodPost, "/v1/evaluate", evaluate(), jsonHeaders}, "field /requests must have at least 1 item"},
		{"more than 16 couriers", request{http.MethodPost, "/v1/evaluate", f.evaluateBody(t, 17), jsonHeaders}, "field /requests must have at most 16 items"},
		{"more than 8 blinded elements", request{http.MethodPost, "/v1/evaluate", evaluate(part("yunda-sim", f.kid(), nine)), jsonHeaders}, "field /requests/0/blinded must have at most 8 items"},
		{"no blinded elements", request{http.MethodPost, "/v1/evaluate", evaluate(part("yunda-sim", f.kid(), "")), jsonHeaders}, "field /requests/0/blinded must have at least 1 item"},
		{"blinded element not b64", request{http.MethodPost, "/v1/evaluate", evaluate(part("yunda-sim", f.kid(), `"`+elem+`","`+secret+`+/=="`)), jsonHeaders}, "field /requests/0/blinded/1 must match the pattern ^[A-Za-z0-9_-]*$"},
		{"blinded element not a string", request{http.MethodPost, "/v1/evaluate", evaluate(part("yunda-sim", f.kid(), "12345")), jsonHeaders}, "field /requests/0/blinded/0 must be of JSON type string"},
		{"kid not b64", request{http.MethodPost, "/v1/evaluate", evaluate(part("yunda-sim", secret+"=", `"`+elem+`"`)), jsonHeaders}, "field /requests/0/kid must match"},
		{"courier id malformed", request{http.MethodPost, "/v1/evaluate", evaluate(part(secret, f.kid(), `"`+elem+`"`)), jsonHeaders}, "field /requests/0/courier must match the pattern ^[a-z0-9][a-z0-9-]{1,31}$"},
		{"wrong content type", request{http.MethodPost, "/v1/evaluate", f.evaluateBody(t, 1), map[string]string{"Content-Type": "text/plain"}}, "must be sent with Content-Type application/json"},
		{"no content type", request{http.MethodPost, "/v1/evaluate", f.evaluateBody(t, 1), nil}, "must be sent with Content-Type application/json"},
		{"bucket with a leading zero", request{http.MethodGet, "/v1/buckets/0a", "", nil}, `path parameter "bucket" must match the pattern`},
		{"bucket in upper case", request{http.MethodGet, "/v1/buckets/" + secret, "", nil}, `path parameter "bucket" must match the pattern`},
		{"bucket over 32 bits", request{http.MethodGet, "/v1/buckets/123456789", "", nil}, `path parameter "bucket"`},
		{"locator too short", request{http.MethodGet, "/v1/records/" + secret, "", nil}, `path parameter "locator" must match the pattern ^[A-Za-z0-9_-]{22}$`},
		{"locator with padding", request{http.MethodGet, "/v1/records/" + secret + "AAAAAAAAAAAAA==", "", nil}, `path parameter "locator"`},
		{"host bucket malformed", request{http.MethodGet, "/tg1/buckets/" + secret, "", f.signedHeaders(http.MethodGet, "/tg1/buckets/x", "")}, `path parameter "bucket"`},
		{"host evaluate element too short", request{http.MethodPost, "/tg1/evaluate", `{"kid":"` + f.kid() + `","blinded":["` + secret + `"]}`, f.signedHeaders(http.MethodPost, "/tg1/evaluate", "")}, "field /blinded/0 must match the pattern ^[A-Za-z0-9_-]{43}$"},
		{"publish courier id malformed", request{http.MethodPut, "/v1/couriers/" + secret + "/records", f.publishBody(t, 1), f.signedHeaders(http.MethodPut, "/", "")}, `path parameter "courier" must match`},
		{"publish without a signature", func() request {
			m, p, b, h := publish(f.publishBody(t, 1))
			return request{m, p, b, withoutHeader(h, crypto.HeaderSignature)}
		}(), "The TG-Signature header is required."},
		{"publish with a malformed timestamp", func() request {
			m, p, b, h := publish(f.publishBody(t, 1))
			return request{m, p, b, withHeader(h, crypto.HeaderTimestamp, secret)}
		}(), "The TG-Timestamp header must match"},
		{"publish over 1000 records", func() request {
			m, p, b, h := publish(f.publishBody(t, 1001))
			return request{m, p, b, h}
		}(), "field /records must have at most 1000 items"},
		{"publish version 0", func() request {
			m, p, b, h := publish(withRecordField("version", "0"))
			return request{m, p, b, h}
		}(), "field /records/0/version must be at least 1"},
		{"publish expiry not a date-time", func() request {
			m, p, b, h := publish(withRecordField("expires_at", `"`+secret+`"`))
			return request{m, p, b, h}
		}(), "field /records/0/expires_at must be an RFC 3339 date-time"},
		{"publish record without a nonce", func() request {
			m, p, b, h := publish(withRecordField("nonce", ""))
			return request{m, p, b, h}
		}(), "field /records/0/nonce is required"},
		{"publish locator of the wrong size", func() request {
			m, p, b, h := publish(withRecordField("locator", `"`+secret+`"`))
			return request{m, p, b, h}
		}(), "field /records/0/locator must match the pattern ^[A-Za-z0-9_-]{22}$"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := serve(engine, tt.req.method, tt.req.path, tt.req.body, tt.req.headers)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400; body %s", rec.Code, rec.Body)
			}
			got := decodeProblem(t, rec.Header(), rec.Body.Bytes())
			if got.Status != http.StatusBadRequest || got.Title == "" {
				t.Errorf("problem %+v: want status 400 and a title", got)
			}
			if !strings.Contains(got.Detail, tt.wantDetail) {
				t.Errorf("detail %q does not contain %q", got.Detail, tt.wantDetail)
			}
			if strings.Contains(rec.Body.String(), secret) {
				t.Errorf("the answer repeats the submitted value: %s", rec.Body)
			}
		})
	}
}

func decodeProblem(t *testing.T, h http.Header, body []byte) problem.Details {
	t.Helper()
	if ct := h.Get("Content-Type"); ct != problem.ContentType {
		t.Errorf("Content-Type %q, want %q", ct, problem.ContentType)
	}
	var d problem.Details
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatalf("problem body %q: %v", body, err)
	}
	return d
}

func TestMiddlewarePassesValidRequestsWithTheirBodyIntact(t *testing.T) {
	f := newFixture(t)
	engine := newTestEngine(t, 8<<20)
	elem := crypto.EncodeB64(f.blinded[0])
	hostEvaluate := `{"kid":"` + f.kid() + `","blinded":["` + elem + `"]}`
	publish1000 := f.publishBody(t, 1000)
	tests := []struct {
		name               string
		method, path, body string
		headers            map[string]string
	}{
		{"evaluate", http.MethodPost, "/v1/evaluate", f.evaluateBody(t, 1), map[string]string{"Content-Type": jsonType}},
		{"evaluate with 16 couriers", http.MethodPost, "/v1/evaluate", f.evaluateBody(t, 16), map[string]string{"Content-Type": jsonType}},
		{"evaluate with a charset", http.MethodPost, "/v1/evaluate", f.evaluateBody(t, 2), map[string]string{"Content-Type": "application/json; charset=utf-8"}},
		// A wrong-length element and an unknown kid are one courier's
		// problem (§7): the handler must see them to answer "invalid".
		{"evaluate with a short element and an unknown kid", http.MethodPost, "/v1/evaluate",
			`{"requests":[{"courier":"unknown-courier","kid":"AAAA","blinded":["AAAA","` + elem + `"]}]}`, map[string]string{"Content-Type": jsonType}},
		{"publish", http.MethodPut, "/v1/couriers/yunda-sim/records", f.publishBody(t, 1), f.signedHeaders(http.MethodPut, "/v1/couriers/yunda-sim/records", f.publishBody(t, 1))},
		{"publish 1000 records", http.MethodPut, "/v1/couriers/yunda-sim/records", publish1000, f.signedHeaders(http.MethodPut, "/v1/couriers/yunda-sim/records", publish1000)},
		{"publish nothing", http.MethodPut, "/v1/couriers/yunda-sim/records", `{"records":[]}`, f.signedHeaders(http.MethodPut, "/v1/couriers/yunda-sim/records", `{"records":[]}`)},
		{"host evaluate", http.MethodPost, "/tg1/evaluate", hostEvaluate, f.signedHeaders(http.MethodPost, "/tg1/evaluate", hostEvaluate)},
		{"directory", http.MethodGet, "/v1/couriers", "", map[string]string{"If-None-Match": `"abc"`}},
		{"bucket 0", http.MethodGet, "/v1/buckets/0", "", nil},
		{"bucket ffffff", http.MethodGet, "/v1/buckets/ffffff", "", nil},
		{"record", http.MethodGet, "/v1/records/" + crypto.EncodeB64(f.record.Locator), "", nil},
		{"host keys", http.MethodGet, "/tg1/keys", "", f.signedHeaders(http.MethodGet, "/tg1/keys", "")},
		{"host record", http.MethodGet, "/tg1/records/AOawMlJwfvQQ_aiut8IHnw", "", f.signedHeaders(http.MethodGet, "/tg1/records/AOawMlJwfvQQ_aiut8IHnw", "")},
		{"health", http.MethodGet, "/healthz", "", nil},
		{"docs", http.MethodGet, "/docs", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := serve(engine, tt.method, tt.path, tt.body, tt.headers)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d, want 200; body %s", rec.Code, rec.Body)
			}
			if got := rec.Body.String(); got != tt.body {
				t.Errorf("the handler read %d bytes, want the %d sent", len(got), len(tt.body))
			}
		})
	}
}

func TestMiddlewareAnswersUndocumentedRoutes(t *testing.T) {
	engine := newTestEngine(t, 1<<20)
	tests := []struct {
		name, method, path string
		wantStatus         int
		wantAllow          string
	}{
		{"unknown path", http.MethodGet, "/v1/unknown", http.StatusNotFound, ""},
		{"unknown subscription route", http.MethodGet, "/v1/subscriptions/sub_AAAAAAAAAAAAAAAAAAAAAA/deliveries", http.StatusNotFound, ""},
		{"wrong method on a subscription", http.MethodPut, "/v1/subscriptions/sub_AAAAAAAAAAAAAAAAAAAAAA", http.StatusMethodNotAllowed, "GET, DELETE"},
		{"trailing slash", http.MethodGet, "/v1/couriers/", http.StatusNotFound, ""},
		{"extra segment", http.MethodGet, "/v1/buckets/0/1", http.StatusNotFound, ""},
		{"wrong method", http.MethodDelete, "/v1/evaluate", http.StatusMethodNotAllowed, "POST, OPTIONS"},
		{"GET on a publish path", http.MethodGet, "/v1/couriers/yunda-sim/records", http.StatusMethodNotAllowed, "PUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := serve(engine, tt.method, tt.path, "", nil)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if got := decodeProblem(t, rec.Header(), rec.Body.Bytes()); got.Status != tt.wantStatus || got.Detail == "" {
				t.Errorf("problem %+v: want status %d with a detail", got, tt.wantStatus)
			}
			if got := rec.Header().Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow %q, want %q", got, tt.wantAllow)
			}
		})
	}
}

func TestMiddlewareLetsCORSPreflightThrough(t *testing.T) {
	engine := newTestEngine(t, 1<<20)
	rec := serve(engine, http.MethodOptions, "/v1/evaluate", "", map[string]string{
		"Origin": "https://shop.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type, tg-api-key"})
	if rec.Code != http.StatusOK {
		t.Fatalf("OPTIONS status %d, want the echo handler's 200; body %s", rec.Code, rec.Body)
	}
}

func TestMiddlewareAnswers413OverTheBodyBound(t *testing.T) {
	f := newFixture(t)
	engine := newTestEngine(t, 100)
	rec := serve(engine, http.MethodPost, "/v1/evaluate", f.evaluateBody(t, 4), map[string]string{"Content-Type": jsonType})
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413; body %s", rec.Code, rec.Body)
	}
	decodeProblem(t, rec.Header(), rec.Body.Bytes())
}

// The validator is shared by every request of a server.
func TestMiddlewareIsSafeForConcurrentRequests(t *testing.T) {
	f := newFixture(t)
	engine := newTestEngine(t, 1<<20)
	valid, invalid := f.evaluateBody(t, 3), f.evaluateBody(t, 17)
	var wg sync.WaitGroup
	codes := make([]int, 32)
	for i := range codes {
		wg.Go(func() {
			body := valid
			if i%2 == 1 {
				body = invalid
			}
			codes[i] = serve(engine, http.MethodPost, "/v1/evaluate", body, map[string]string{"Content-Type": jsonType}).Code
		})
	}
	wg.Wait()
	for i, code := range codes {
		want := http.StatusOK
		if i%2 == 1 {
			want = http.StatusBadRequest
		}
		if code != want {
			t.Errorf("request %d: status %d, want %d", i, code, want)
		}
	}
}

func FuzzMiddlewareEvaluate(f *testing.F) {
	fx := newFixture(f)
	f.Add(fx.evaluateBody(f, 1))
	f.Add(fx.evaluateBody(f, 17))
	f.Add(`{"requests":[{"courier":"a1","kid":"","blinded":[""]}]}`)
	f.Add(`{"requests":null}`)
	f.Add(`{}`)
	f.Add(`[`)
	engine := newTestEngine(f, 1<<20)
	f.Fuzz(func(t *testing.T, body string) {
		rec := serve(engine, http.MethodPost, "/v1/evaluate", body, map[string]string{"Content-Type": jsonType})
		switch rec.Code {
		case http.StatusOK:
			if rec.Body.String() != body {
				t.Fatalf("the handler read a different body")
			}
		case http.StatusBadRequest:
			decodeProblem(t, rec.Header(), rec.Body.Bytes())
		default:
			t.Fatalf("status %d; body %s", rec.Code, rec.Body)
		}
	})
}

// MiddlewareLeavingBody checks a request as Middleware does — parameters,
// headers, the body's presence and Content-Type — but hands the body to
// the handler unread, whatever it holds.
func TestMiddlewareLeavingBodyChecksAllButTheBodysContent(t *testing.T) {
	f := newFixture(t)
	v, err := NewValidator(mustLoad(t))
	if err != nil {
		t.Fatal(err)
	}
	engine := gin.New()
	engine.PUT("/v1/couriers/:courier/records", v.MiddlewareLeavingBody(), func(c *gin.Context) {
		body, _ := io.ReadAll(c.Request.Body)
		c.Data(http.StatusOK, "application/octet-stream", body)
	})
	const path = "/v1/couriers/yunda-sim/records"
	notSchema := `{"records":[{"courier":"` + secret + `"}]}`
	tests := []struct {
		name, path, body string
		headers          map[string]string
		status           int
		detail           string
	}{
		{"a body the schema refuses reaches the handler", path, notSchema, f.signedHeaders(http.MethodPut, path, notSchema), http.StatusOK, ""},
		{"a valid body", path, f.publishBody(t, 1), f.signedHeaders(http.MethodPut, path, f.publishBody(t, 1)), http.StatusOK, ""},
		{"no body", path, "", f.signedHeaders(http.MethodPut, path, ""), http.StatusBadRequest, "request body is required"},
		{"wrong content type", path, notSchema, withType(f.signedHeaders(http.MethodPut, path, notSchema), "text/plain"), http.StatusBadRequest, "Content-Type application/json"},
		{"a path parameter the schema refuses", "/v1/couriers/" + secret + "/records", notSchema,
			f.signedHeaders(http.MethodPut, "/v1/couriers/"+secret+"/records", notSchema), http.StatusBadRequest, `path parameter \"courier\"`},
		{"a header missing", path, notSchema, withoutKey(f.signedHeaders(http.MethodPut, path, notSchema), crypto.HeaderNonce), http.StatusBadRequest, "TG-Nonce header is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := serve(engine, http.MethodPut, tt.path, tt.body, tt.headers)
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.detail) {
				t.Fatalf("%d %s, want %d saying %q", rec.Code, rec.Body, tt.status, tt.detail)
			}
			if tt.status == http.StatusOK && rec.Body.String() != tt.body {
				t.Fatalf("the handler read %q, not the body sent", rec.Body)
			}
			if tt.status != http.StatusOK && strings.Contains(rec.Body.String(), secret) {
				t.Fatalf("the detail repeats a submitted value: %s", rec.Body)
			}
		})
	}
}

func withType(h map[string]string, contentType string) map[string]string {
	h["Content-Type"] = contentType
	return h
}

func withoutKey(h map[string]string, name string) map[string]string {
	delete(h, name)
	return h
}

// The route found from gin's routing is the one the document's router
// finds, path parameters (escaped, as the router leaves them) included,
// for every operation and for values that need escaping.
func TestRoutesFoundFromGinAreTheRoutersRoutes(t *testing.T) {
	doc := mustLoad(t)
	v, err := NewValidator(doc)
	if err != nil {
		t.Fatal(err)
	}
	type found struct {
		fast, slow     *routers.Route
		fastP, slowP   map[string]string
		fastOK, slowOK bool
	}
	var got found
	engine := gin.New()
	for _, r := range Operations(doc, "") {
		engine.Handle(r.Method, r.Path, func(c *gin.Context) {
			var err1, err2 error
			got.fast, got.fastP, err1 = v.findRoute(c)
			got.slow, got.slowP, err2 = v.router.FindRoute(c.Request)
			got.fastOK, got.slowOK = err1 == nil, err2 == nil
		})
	}
	values := []string{"sim-swift", "0", "AAAAAAAAAAAAAAAAAAAAAA", "a%20b", "%2e%2E", "%61", "caf%C3%A9", "x%2Fy"}
	tried := 0
	for _, r := range Operations(doc, "") {
		for _, value := range values {
			var path []string
			for _, seg := range strings.Split(r.Path, "/") {
				if strings.HasPrefix(seg, ":") {
					seg = value
				}
				path = append(path, seg)
			}
			got = found{}
			req := httptest.NewRequest(r.Method, strings.Join(path, "/"), nil)
			engine.ServeHTTP(httptest.NewRecorder(), req)
			if got.fast == nil && !got.fastOK && got.slow == nil {
				continue // gin routed it elsewhere, or not at all
			}
			tried++
			if value == "sim-swift" { // no escaping: found without the router
				gr := v.routed[routeKey{r.Method, r.Path}]
				if _, ok := gr.match(req.URL.EscapedPath()); gr == nil || !ok {
					t.Errorf("%s %s is not found from gin's route", r.Method, req.URL.Path)
				}
			}
			if got.fastOK != got.slowOK || got.fast.Path != got.slow.Path || got.fast.Method != got.slow.Method ||
				got.fast.Operation != got.slow.Operation || got.fast.PathItem != got.slow.PathItem ||
				got.fast.Spec != got.slow.Spec || got.fast.Server != got.slow.Server || !maps.Equal(got.fastP, got.slowP) {
				t.Errorf("%s %s: found %+v %v, the router %+v %v", r.Method, req.URL.RequestURI(), got.fast, got.fastP, got.slow, got.slowP)
			}
		}
	}
	if tried < len(Operations(doc, "")) {
		t.Fatalf("only %d requests compared", tried)
	}
}
