package gateway

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/store/redisstore"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
	"github.com/trackgate/trackgate/gateway/tenant"
	"github.com/trackgate/trackgate/gateway/transparency"
)

const (
	shopOrigin = "https://shop.example"
	evilOrigin = "https://evil.example"
)

// reportKeys are the keys of a transparency test: a reader's and two
// tenants' ("shop" with a roomy quota, "tiny" with one fetch in all).
type reportKeys struct{ reader, shop, tiny string }

func newReportKeys(t testing.TB) reportKeys {
	t.Helper()
	var k reportKeys
	var err error
	if k.reader, err = transparency.NewReaderKey(rand.Reader); err != nil {
		t.Fatal(err)
	}
	k.shop, _ = tenant.NewKey(rand.Reader)
	k.tiny, _ = tenant.NewKey(rand.Reader)
	return k
}

// config registers the reader key, the two tenants, a pull cache that
// every fetch misses (so each fetch asks the pull courier gamma) and a
// limit of 3 records per courier.
func (k reportKeys) config(t testing.TB) func(*Config) {
	return func(c *Config) {
		readerHash, err := transparency.HashReaderKey(k.reader)
		if err != nil {
			t.Fatal(err)
		}
		c.ReportReaderKeys = []tenant.Hash{readerHash}
		c.Tenants = []Tenant{
			{ID: "shop", Name: "A shop", KeyHashes: []tenant.Hash{mustHash(t, k.shop)}, Origins: []string{shopOrigin},
				EvaluateRate: 1000, EvaluateBurst: 1000, FetchRate: 1000, FetchBurst: 1000},
			{ID: "tiny", Name: "A tiny shop", KeyHashes: []tenant.Hash{mustHash(t, k.tiny)}, Origins: []string{shopOrigin},
				FetchRate: 0.001, FetchBurst: 1},
		}
		c.PullCacheTTL = time.Nanosecond
		c.RecordLimits.CourierRecords = 3
	}
}

// onRedis keeps the records and the counts of the gateway in a real
// Redis, under a prefix of the test's, and returns it.
func onRedis(t *testing.T, rs *redistest.SingleRedis, prefix string) func(*Config) {
	return func(c *Config) {
		limits := c.RecordLimits
		limits.BucketBits = c.BucketBits
		limits.MaxCiphertextBytes = crypto.DefaultRecordSize
		c.Store = redisstore.New(rs.Client, limits, redisstore.WithKeyPrefix(prefix))
		c.Transparency = transparency.NewRedis(rs.Client, transparency.WithKeyPrefix(prefix))
	}
}

// sent is what sendTraffic sent, as the report must show it, and the
// values it sent that no count may hold.
type sent struct {
	want    transparency.Day
	secrets map[string]string
}

// sendTraffic sends a known mix of evaluations, fetches, publishes and
// refused requests, and returns what the report must count of it.
func sendTraffic(t *testing.T, h *harness, k reportKeys) sent {
	t.Helper()
	expect := func(what string, status, want int) {
		t.Helper()
		if status != want {
			t.Fatalf("%s: status %d, want %d", what, status, want)
		}
	}
	// Evaluations: 2 elements for alpha and 1 for beta without a key; a
	// part for gamma under an unknown kid is never relayed, so never
	// counted; 3 elements for alpha with shop's key.
	ea, eb, eg := h.blindFor("alpha"), h.blindFor("beta"), h.blindFor("gamma")
	anon := api.EvaluateRequest{Requests: []api.CourierEvaluation{
		{Courier: "alpha", KeyID: h.kid("alpha"), Blinded: []crypto.B64{ea, ea}},
		{Courier: "beta", KeyID: h.kid("beta"), Blinded: []crypto.B64{eb}},
		{Courier: "gamma", KeyID: "AAAAAAAAAAA", Blinded: []crypto.B64{eg}},
	}}
	status, _, _ := h.do(http.MethodPost, "/v1/evaluate", mustJSON(t, anon), nil)
	expect("anonymous evaluation", status, 200)
	keyedEval := api.EvaluateRequest{Requests: []api.CourierEvaluation{{Courier: "alpha", KeyID: h.kid("alpha"), Blinded: []crypto.B64{ea, ea, ea}}}}
	status, _, _ = h.do(http.MethodPost, "/v1/evaluate", mustJSON(t, keyedEval), keyed(k.shop, ""))
	expect("keyed evaluation", status, 200)

	// Publishes: alpha 3 records in one publish, then the same again
	// (stale, not counted); beta 4 publishes of one record each, the
	// fourth over the limit of 3 records.
	alphaRecs := []crypto.SealedRecord{h.sealedFor("alpha", 1), h.sealedFor("alpha", 1), h.sealedFor("alpha", 1)}
	for range 2 {
		status, _ = h.publish(h.signers["alpha"], "alpha", mustJSON(t, api.Records{Records: alphaRecs}))
		expect("alpha's publish", status, 200)
	}
	for i := range 4 {
		var res api.PublishResponse
		status, body := h.publish(h.signers["beta"], "beta", mustJSON(t, api.Records{Records: []crypto.SealedRecord{h.sealedFor("beta", 1)}}))
		expect("beta's publish", status, 200)
		if err := json.Unmarshal(body, &res); err != nil || (i < 3) != (res.Stored == 1) {
			t.Fatalf("beta's publish %d: %s", i, body)
		}
	}

	// Fetches: 3 buckets and 1 record without a key, 2 buckets and 1
	// record with shop's, 1 bucket with tiny's (its one fetch); each asks
	// gamma's host for its bucket.
	locator := crypto.EncodeB64(alphaRecs[0].Locator)
	for _, path := range []string{"/v1/buckets/3", "/v1/buckets/5", "/v1/buckets/a", "/v1/records/" + locator} {
		status, _, _ = h.do(http.MethodGet, path, nil, nil)
		expect(path, status, 200)
	}
	for _, path := range []string{"/v1/buckets/1", "/v1/buckets/2", "/v1/records/" + locator} {
		status, _, _ = h.do(http.MethodGet, path, nil, keyed(k.shop, shopOrigin))
		expect(path+" with a key", status, 200)
	}
	status, _, _ = h.do(http.MethodGet, "/v1/buckets/4", nil, keyed(k.tiny, ""))
	expect("tiny's fetch", status, 200)

	// Refusals, one or more of each reason the gateway answers itself.
	refusals := []struct {
		what         string
		method, path string
		body         []byte
		header       http.Header
		status       int
	}{
		{"a second fetch over tiny's quota", "GET", "/v1/buckets/4", nil, keyed(k.tiny, ""), 429},
		{"a malformed bucket", "GET", "/v1/buckets/not-a-bucket", nil, nil, 400},
		{"a method the path lacks", "POST", "/v1/couriers", []byte(`{}`), nil, 405},
		{"an unknown API key", "GET", "/v1/couriers", nil, keyed("tg1pk_"+strings.Repeat("A", 43), ""), 401},
		{"a key from another origin", "GET", "/v1/couriers", nil, keyed(k.shop, evilOrigin), 403},
		{"a preflight from another origin", "OPTIONS", "/v1/couriers", nil, http.Header{"Origin": {evilOrigin}, "Access-Control-Request-Method": {"GET"}}, 403},
		{"no such path", "GET", "/v1/nothing-here", nil, nil, 404},
		{"the bare /v1", "GET", "/v1", nil, nil, 404},
		{"no demo parcels", "GET", "/v1/demo/parcels", nil, nil, 404},
		{"an evaluation too large", "POST", "/v1/evaluate", bytes.Repeat([]byte(" "), 70<<10), nil, 413},
	}
	for _, r := range refusals {
		status, _, _ = h.do(r.method, r.path, r.body, r.header)
		expect(r.what, status, r.status)
	}
	unsigned, _ := h.publish(nil, "alpha", mustJSON(t, api.Records{Records: alphaRecs[:1]}))
	expect("an unsigned publish", unsigned, 401)
	other, _ := h.publish(h.signers["alpha"], "beta", mustJSON(t, api.Records{Records: alphaRecs[:1]}))
	expect("a publish signed by another courier", other, 403)
	short := h.sealedFor("alpha", 2)
	short.Ciphertext = short.Ciphertext[:crypto.BlockSize]
	wrongSize, _ := h.publish(h.signers["alpha"], "alpha", mustJSON(t, api.Records{Records: []crypto.SealedRecord{short}}))
	expect("a record of the wrong size", wrongSize, 422)
	// Outside /v1, nothing is counted.
	status, _, _ = h.do(http.MethodGet, "/no-such-page", nil, nil)
	expect("a page outside /v1", status, 404)

	return sent{
		want: transparency.Day{
			Fetches: 8,
			Couriers: []transparency.CourierCounts{
				{Courier: "alpha", Evaluations: 5, RecordsStored: 3},
				{Courier: "beta", Evaluations: 1, RecordsStored: 3, RecordsRefused: 1},
				{Courier: "gamma", Fetches: 8},
			},
			Tenants: []transparency.TenantCounts{
				{Tenant: "shop", Evaluations: 3, Fetches: 3},
				{Tenant: "tiny", Fetches: 1},
			},
			Refusals: map[string]int64{
				transparency.RateLimited: 1, transparency.BadRequest: 2, transparency.Unauthorized: 3,
				transparency.ForbiddenOrigin: 2, transparency.PayloadTooLarge: 1, transparency.Unprocessable: 1,
				transparency.CallbackRefused: 0, transparency.NotFound: 3,
			},
		},
		secrets: map[string]string{
			"a locator":           locator,
			"a blinded element":   crypto.EncodeB64(ea),
			"shop's API key":      k.shop,
			"tiny's API key":      k.tiny,
			"the reader key":      k.reader,
			"a hash of a key":     mustHash(t, k.shop).String(),
			"the client address":  "127.0.0.1",
			"an origin":           "shop.example",
			"another origin":      "evil.example",
			"the tracking number": "ABC123456",
			"a bucket path":       "/v1/buckets",
		},
	}
}

// report asks the gateway for the report of yesterday to tomorrow (UTC),
// checks the answer against the OpenAPI document, and sums its days, so a
// test running over midnight still sees all it sent.
func (h *harness) report(readerKey string) transparency.Day {
	h.t.Helper()
	today := time.Now().UTC()
	path := "/v1/transparency?from=" + today.AddDate(0, 0, -1).Format(time.DateOnly) + "&to=" + today.AddDate(0, 0, 1).Format(time.DateOnly)
	status, _, body := h.checked(http.MethodGet, path, nil, http.Header{"Authorization": {"Bearer " + readerKey}})
	if status != http.StatusOK {
		h.t.Fatalf("report: status %d: %s", status, body)
	}
	var rep transparency.Report
	if err := json.Unmarshal(body, &rep); err != nil {
		h.t.Fatal(err)
	}
	if len(rep.Days) != 3 {
		h.t.Fatalf("report of 3 days has %d", len(rep.Days))
	}
	return sumDays(rep.Days)
}

// sumDays adds up days into one Day without a date.
func sumDays(days []transparency.Day) transparency.Day {
	sum := transparency.Day{Couriers: []transparency.CourierCounts{}, Tenants: []transparency.TenantCounts{}, Refusals: map[string]int64{}}
	couriers := map[string]int{}
	tenants := map[string]int{}
	for _, d := range days {
		sum.Fetches += d.Fetches
		for _, c := range d.Couriers {
			i, ok := couriers[c.Courier]
			if !ok {
				i = len(sum.Couriers)
				couriers[c.Courier] = i
				sum.Couriers = append(sum.Couriers, transparency.CourierCounts{Courier: c.Courier})
			}
			s := &sum.Couriers[i]
			s.Evaluations += c.Evaluations
			s.Fetches += c.Fetches
			s.RecordsStored += c.RecordsStored
			s.RecordsRefused += c.RecordsRefused
			s.Deliveries += c.Deliveries
			s.DeliveryFailures += c.DeliveryFailures
		}
		for _, tc := range d.Tenants {
			i, ok := tenants[tc.Tenant]
			if !ok {
				i = len(sum.Tenants)
				tenants[tc.Tenant] = i
				sum.Tenants = append(sum.Tenants, transparency.TenantCounts{Tenant: tc.Tenant})
			}
			s := &sum.Tenants[i]
			s.Evaluations += tc.Evaluations
			s.Fetches += tc.Fetches
			s.SubscriptionsCreated += tc.SubscriptionsCreated
			s.SubscriptionsEnded += tc.SubscriptionsEnded
			s.Deliveries += tc.Deliveries
			s.DeliveryFailures += tc.DeliveryFailures
			s.DeadLetters += tc.DeadLetters
			s.Replays += tc.Replays
		}
		for reason, n := range d.Refusals {
			sum.Refusals[reason] += n
		}
	}
	return sum
}

func checkReport(t *testing.T, got, want transparency.Day) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("the report says\n%s\nwant exactly what was sent\n%s", g, w)
	}
}

func TestTransparencyReportMatchesTheTrafficSent(t *testing.T) {
	k := newReportKeys(t)
	h := newHarness(t, k.config(t))
	traffic := sendTraffic(t, h, k)
	checkReport(t, h.report(k.reader), traffic.want)
	// Reading the report is not counted.
	checkReport(t, h.report(k.reader), traffic.want)
}

// TestTransparencyReportOnRedisMatchesTheTrafficAndHoldsOnlyCounts: the
// same traffic to a gateway keeping records and counts in a real Redis;
// then everything the counts put in Redis is scanned for what a client
// sent.
func TestTransparencyReportOnRedisMatchesTheTrafficAndHoldsOnlyCounts(t *testing.T) {
	rs := redistest.Single(t)
	prefix := rs.Prefix(t)
	k := newReportKeys(t)
	h := newHarness(t, k.config(t), onRedis(t, rs, prefix))
	traffic := sendTraffic(t, h, k)
	checkReport(t, h.report(k.reader), traffic.want)

	keys, err := rs.Client.Keys(t.Context(), prefix+":transparency:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatal("no transparency counts in Redis")
	}
	fieldForm := regexp.MustCompile(`^((courier|tenant):[a-z0-9][a-z0-9-]{1,31}:[a-z_]+|global:[a-z_]+)$`)
	keyForm := regexp.MustCompile(`^` + prefix + `:transparency:[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	var everything strings.Builder
	for _, key := range keys {
		if !keyForm.MatchString(key) {
			t.Errorf("key %q is not a day's", key)
		}
		everything.WriteString(key + "\n")
		fields, err := rs.Client.HGetAll(t.Context(), key).Result()
		if err != nil {
			t.Fatal(err)
		}
		for f, v := range fields {
			if !fieldForm.MatchString(f) {
				t.Errorf("field %q of %s is not a count's", f, key)
			}
			if _, err := strconv.ParseUint(v, 10, 63); err != nil {
				t.Errorf("field %s of %s holds %q, not a count", f, key, v)
			}
			everything.WriteString(f + "=" + v + "\n")
		}
	}
	for name, secret := range traffic.secrets {
		if strings.Contains(everything.String(), secret) {
			t.Errorf("the counts in Redis hold %s:\n%s", name, everything.String())
		}
	}
	for _, raw := range [][]byte{mustDecode(t, traffic.secrets["a locator"]), mustDecode(t, traffic.secrets["a blinded element"])} {
		if strings.Contains(everything.String(), string(raw)) {
			t.Error("the counts in Redis hold raw bytes a client sent")
		}
	}
}

func mustDecode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := crypto.DecodeB64(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestStoppedRedisFailsOnlyTheReport: with the counts' Redis gone,
// requests are answered as fast as ever and the report is 503.
func TestStoppedRedisFailsOnlyTheReport(t *testing.T) {
	rs := redistest.Stoppable(t)
	k := newReportKeys(t)
	h := newHarness(t, k.config(t), func(c *Config) {
		c.Transparency = transparency.NewRedis(rs.Client, transparency.WithKeyPrefix(rs.Prefix(t)))
	})
	rs.Server.Stop(t)
	start := time.Now()
	for _, path := range []string{"/v1/buckets/1", "/v1/couriers", "/v1/nothing"} {
		h.do(http.MethodGet, path, nil, nil)
	}
	part := api.CourierEvaluation{Courier: "alpha", KeyID: h.kid("alpha"), Blinded: []crypto.B64{h.blindFor("alpha")}}
	if status, _, _ := h.do(http.MethodPost, "/v1/evaluate", mustJSON(t, api.EvaluateRequest{Requests: []api.CourierEvaluation{part}}), nil); status != 200 {
		t.Errorf("an evaluation with the counts' Redis stopped: %d", status)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("4 requests took %v with the counts' Redis stopped", took)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	status, header, _ := h.checked(http.MethodGet, "/v1/transparency?from="+today+"&to="+today, nil,
		http.Header{"Authorization": {"Bearer " + k.reader}})
	if status != http.StatusServiceUnavailable || header.Get("Retry-After") == "" {
		t.Errorf("report with Redis stopped: %d, Retry-After %q; want 503 with Retry-After", status, header.Get("Retry-After"))
	}
}

func TestTransparencyReportNeedsAReaderKey(t *testing.T) {
	k := newReportKeys(t)
	h := newHarness(t, k.config(t))
	other, _ := transparency.NewReaderKey(rand.Reader)
	const good = "/v1/transparency?from=2026-12-01&to=2026-12-04"
	tests := []struct {
		name   string
		path   string
		header http.Header
		detail string
	}{
		{"no key", good, nil, "needs a report reader key"},
		{"a publishable key as TG-Api-Key", good, keyed(k.shop, ""), "not a marketplace's API key"},
		{"a publishable key as the bearer", good, http.Header{"Authorization": {"Bearer " + k.shop}}, "not a report reader key"},
		{"a secret key as the bearer", good, http.Header{"Authorization": {"Bearer tg1sk_" + strings.Repeat("A", 43)}}, "not a report reader key"},
		{"another reader key", good, http.Header{"Authorization": {"Bearer " + other}}, "not one this gateway knows"},
		{"the key's hash", good, http.Header{"Authorization": {"Bearer " + mustHashReader(t, k.reader)}}, "not a report reader key"},
		{"basic authentication", good, http.Header{"Authorization": {"Basic " + k.reader}}, "needs a report reader key"},
		{"an empty bearer", good, http.Header{"Authorization": {"Bearer "}}, "needs a report reader key"},
		{"no key and bad dates", "/v1/transparency?from=yesterday", nil, "needs a report reader key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, header, body := h.checked(http.MethodGet, tt.path, nil, tt.header)
			if status != http.StatusUnauthorized || !strings.Contains(string(body), tt.detail) {
				t.Errorf("status %d, body %s; want 401 saying %q", status, body, tt.detail)
			}
			if header.Get("WWW-Authenticate") != readerRealm {
				t.Errorf("WWW-Authenticate %q", header.Get("WWW-Authenticate"))
			}
		})
	}
	// A lower-case scheme is still the bearer scheme (RFC 9110 §11.1).
	if status, _, _ := h.do(http.MethodGet, good, nil, http.Header{"Authorization": {"bearer " + k.reader}}); status != 200 {
		t.Errorf("lower-case bearer: %d", status)
	}
	// Without reader keys configured, nothing opens the report.
	bare := newHarness(t)
	status, _, body := bare.checked(http.MethodGet, good, nil, http.Header{"Authorization": {"Bearer " + k.reader}})
	if status != http.StatusUnauthorized || !strings.Contains(string(body), "no report reader keys configured") {
		t.Errorf("a gateway without reader keys: %d %s", status, body)
	}
	// The refusals above are counted, as unauthorized.
	if n := h.report(k.reader).Refusals[transparency.Unauthorized]; n != int64(len(tests)) {
		t.Errorf("%d unauthorized refusals counted, want %d", n, len(tests))
	}
}

func mustHashReader(t *testing.T, key string) string {
	t.Helper()
	h, err := transparency.HashReaderKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return h.String()
}

func TestTransparencyReportRefusesBadRangesWithASentence(t *testing.T) {
	k := newReportKeys(t)
	h := newHarness(t, k.config(t))
	auth := http.Header{"Authorization": {"Bearer " + k.reader}}
	for _, tt := range []struct {
		query, detail string
	}{
		{"", `"from" is required`},
		{"from=2026-12-01", `"to" is required`},
		{"from=2026-12-1&to=2026-12-04", `"from"`},
		{"from=01/12/2026&to=2026-12-04", `"from"`},
		{"from=2026-02-30&to=2026-03-04", `"from"`},
		{"from=2026-12-01&to=2026-13-01", `"to"`},
		{"from=2026-12-05&to=2026-12-04", `"to" is before "from"`},
		{"from=2025-01-01&to=2026-01-02", "367 days; a report covers at most 366"},
	} {
		status, _, body := h.checked(http.MethodGet, "/v1/transparency?"+tt.query, nil, auth)
		var p struct{ Detail string }
		_ = json.Unmarshal(body, &p)
		if status != http.StatusBadRequest || !strings.Contains(p.Detail, tt.detail) || !strings.HasSuffix(p.Detail, ".") {
			t.Errorf("?%s: %d %q, want 400 saying %q in a sentence", tt.query, status, p.Detail, tt.detail)
		}
	}
	status, _, body := h.checked(http.MethodGet, "/v1/transparency?from=2024-01-01&to=2024-12-31", nil, auth)
	var rep transparency.Report
	if err := json.Unmarshal(body, &rep); status != 200 || err != nil || len(rep.Days) != 366 ||
		rep.From != "2024-01-01" || rep.To != "2024-12-31" || rep.Days[365].Date != "2024-12-31" {
		t.Errorf("a leap year: %d, %d days, %v", status, len(rep.Days), err)
	}
	if got := h.report(k.reader).Refusals[transparency.BadRequest]; got != 8 {
		t.Errorf("%d bad requests counted, want the 8 sent", got)
	}
}

// TestTransparencyHookCountsForOtherParts: what the delivery engine and
// the subscription routes count through the hook shows in the report.
func TestTransparencyHookCountsForOtherParts(t *testing.T) {
	k := newReportKeys(t)
	h := newHarness(t, k.config(t))
	hook := h.gw.TransparencyHook()
	hook(t.Context(), transparency.Tenant("shop"), transparency.SubscriptionsCreated, 2)
	hook(t.Context(), transparency.Tenant("shop"), transparency.Deliveries, 5)
	hook(t.Context(), transparency.Courier("alpha"), transparency.Deliveries, 5)
	hook(t.Context(), transparency.Courier("alpha"), transparency.DeliveryFailures, 1)
	hook(t.Context(), transparency.Global, transparency.CallbackRefused, 1)
	got := h.report(k.reader)
	if c := got.Courier("alpha"); c.Deliveries != 5 || c.DeliveryFailures != 1 {
		t.Errorf("alpha %+v", c)
	}
	if tc := got.Tenant("shop"); tc.SubscriptionsCreated != 2 || tc.Deliveries != 5 {
		t.Errorf("shop %+v", tc)
	}
	if got.Refusals[transparency.CallbackRefused] != 1 {
		t.Errorf("refusals %v", got.Refusals)
	}
}

// TestRunWritesTheCountsToRedis: a running gateway writes its counts out
// by itself, so the other gateways of the deployment see them, and once
// more when it stops.
func TestRunWritesTheCountsToRedis(t *testing.T) {
	rs := redistest.Single(t)
	prefix := rs.Prefix(t)
	h := newHarness(t, func(c *Config) {
		c.Transparency = transparency.NewRedis(rs.Client, transparency.WithKeyPrefix(prefix),
			transparency.WithFlushInterval(20*time.Millisecond))
	})
	ctx, cancel := context.WithCancel(t.Context())
	stopped := make(chan struct{})
	go func() { h.gw.Run(ctx); close(stopped) }()
	key := prefix + ":transparency:" + time.Now().UTC().Format(time.DateOnly)
	h.do(http.MethodGet, "/v1/buckets/1", nil, nil)
	deadline := time.Now().Add(5 * time.Second)
	for rs.Client.HGet(t.Context(), key, "global:fetches").Val() != "1" {
		if time.Now().After(deadline) {
			t.Fatal("the running gateway did not write its count within 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.do(http.MethodGet, "/v1/buckets/2", nil, nil)
	cancel()
	<-stopped
	if got := rs.Client.HGet(t.Context(), key, "global:fetches").Val(); got != "2" {
		t.Errorf("after Run returned: %s fetches in Redis, want 2", got)
	}
}
