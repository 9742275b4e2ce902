package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/embedded"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/memory"
	"github.com/trackgate/trackgate/gateway/tenant"
	"github.com/trackgate/trackgate/gateway/transparency"
)

// countingStore is the embedded default's memory store, counting the
// records of each courier's publishes it stored: what the simulated
// couriers published, for the report to match.
type countingStore struct {
	store.Store
	mu     sync.Mutex
	stored map[string]int64
}

func (s *countingStore) Apply(ctx context.Context, b store.Batch, now time.Time) ([]store.Result, error) {
	res, err := s.Store.Apply(ctx, b, now)
	if err == nil {
		s.mu.Lock()
		for i := range b.Records {
			if res[i].Outcome == store.Stored {
				s.stored[b.Courier]++
			}
		}
		s.mu.Unlock()
	}
	return res, err
}

func (s *countingStore) counts() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.stored)
}

// reportDefault is an embedded default on a test server with a tenant
// "shop", the key of that tenant and the reader key the default made.
type reportDefault struct {
	url, readerKey, shopKey string
	store                   *countingStore
}

func startReportDefault(t *testing.T) reportDefault {
	t.Helper()
	shopKey, _ := tenant.NewKey(rand.Reader)
	shopHash, _ := tenant.HashKey(shopKey)
	counting := &countingStore{stored: map[string]int64{}}
	d, srv := runEmbedded(t, embedded.Config{ParcelsPerCourier: 60, Speed: 1, Gateway: func(c *gateway.Config) {
		limits := c.RecordLimits
		limits.BucketBits = c.BucketBits
		limits.MaxCiphertextBytes = c.RecordSize
		counting.Store = memory.New(limits)
		c.Store = counting
		c.Tenants = []gateway.Tenant{{ID: "shop", Name: "A shop", KeyHashes: []tenant.Hash{shopHash}, Origins: []string{"https://shop.example"}}}
	}})
	return reportDefault{url: srv.URL, readerKey: d.ReportKey, shopKey: shopKey, store: counting}
}

func (r reportDefault) send(t *testing.T, method, path string, body []byte, header http.Header) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, r.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// evaluation asks courier to evaluate n blinded elements under its key of
// the directory.
func evaluation(t *testing.T, dir api.Directory, courier string, n int) []byte {
	t.Helper()
	for _, c := range dir.Couriers {
		if c.ID != courier {
			continue
		}
		pk, err := crypto.ParsePublicKey(c.Keys[0].PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		inputs := make([][]byte, n)
		for i := range inputs {
			inputs[i] = crypto.Input(courier, "SW100000000001", "")
		}
		b, err := crypto.Blind(pk, inputs)
		if err != nil {
			t.Fatal(err)
		}
		blinded := make([]crypto.B64, n)
		for i, e := range b.Elements {
			blinded[i] = e
		}
		body, _ := json.Marshal(api.EvaluateRequest{Requests: []api.CourierEvaluation{{Courier: courier, KeyID: pk.KeyID(), Blinded: blinded}}})
		return body
	}
	t.Fatalf("no courier %s in the directory", courier)
	return nil
}

// TestReportOfTheEmbeddedDefaultMatchesTheTrafficSent sends the embedded
// default known traffic and reads it back with `trackgate report`, as
// JSON and as tables.
func TestReportOfTheEmbeddedDefaultMatchesTheTrafficSent(t *testing.T) {
	gw := startReportDefault(t)
	status, body := gw.send(t, http.MethodGet, "/v1/couriers", nil, nil)
	var dir api.Directory
	if err := json.Unmarshal(body, &dir); status != 200 || err != nil {
		t.Fatalf("directory: %d %v", status, err)
	}
	shop := http.Header{gateway.APIKeyHeader: {gw.shopKey}}
	// 4 evaluations of one element for sim-swift, one of 2 for sim-panda
	// with the shop's key.
	for range 4 {
		if status, _ := gw.send(t, http.MethodPost, "/v1/evaluate", evaluation(t, dir, "sim-swift", 1), nil); status != 200 {
			t.Fatalf("evaluation: %d", status)
		}
	}
	if status, _ := gw.send(t, http.MethodPost, "/v1/evaluate", evaluation(t, dir, "sim-panda", 2), shop); status != 200 {
		t.Fatalf("keyed evaluation: %d", status)
	}
	// 5 bucket fetches without a key, 2 with the shop's: each a bucket
	// of its own, so each asks the pull courier sim-global's host.
	for i := range 7 {
		header := http.Header(nil)
		if i >= 5 {
			header = shop
		}
		if status, _ := gw.send(t, http.MethodGet, "/v1/buckets/"+crypto.FormatBucket(uint32(i)), nil, header); status != 200 {
			t.Fatalf("fetch %d: %d", i, status)
		}
	}
	// Refusals: an unknown key, a malformed bucket, two paths that are not.
	for _, r := range []struct {
		path   string
		header http.Header
		status int
	}{
		{"/v1/couriers", http.Header{gateway.APIKeyHeader: {"tg1pk_" + strings.Repeat("x", 43)}}, 401},
		{"/v1/buckets/zz", nil, 400},
		{"/v1/nothing", nil, 404},
		{"/v1/records", nil, 404},
	} {
		if status, _ := gw.send(t, http.MethodGet, r.path, nil, r.header); status != r.status {
			t.Fatalf("%s: %d, want %d", r.path, status, r.status)
		}
	}

	today := time.Now().UTC()
	args := []string{"report", "--gateway", gw.url, "--json",
		"--from", today.AddDate(0, 0, -1).Format(time.DateOnly), "--to", today.Format(time.DateOnly)}
	env := map[string]string{reportKeyEnv: gw.readerKey}
	// The simulated couriers keep publishing; compare at a moment when
	// the store's count does not move around the report.
	var day transparency.Day
	deadline := time.Now().Add(20 * time.Second)
	for {
		before := gw.store.counts()
		out := runCLI(t, env, args...)
		after := gw.store.counts()
		if out.code != exitOK {
			t.Fatalf("report --json: exit %d\n%s", out.code, out.stderr)
		}
		var rep transparency.Report
		if err := json.Unmarshal([]byte(out.stdout), &rep); err != nil || len(rep.Days) != 2 {
			t.Fatalf("report --json printed %q (%v)", out.stdout, err)
		}
		day = sumReportDays(rep.Days)
		stored := map[string]int64{}
		for _, c := range day.Couriers {
			if c.RecordsStored > 0 {
				stored[c.Courier] = c.RecordsStored
			}
		}
		if maps.Equal(before, after) && maps.Equal(stored, after) {
			if len(after) != 2 || after["sim-swift"] == 0 || after["sim-panda"] == 0 {
				t.Fatalf("records stored %v: the push couriers did not publish", after)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("records stored: the report says %v, the store %v then %v", stored, before, after)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for name, got := range map[string][2]int64{
		"sim-swift evaluations":  {day.Courier("sim-swift").Evaluations, 4},
		"sim-panda evaluations":  {day.Courier("sim-panda").Evaluations, 2},
		"sim-global evaluations": {day.Courier("sim-global").Evaluations, 0},
		"sim-global fetches":     {day.Courier("sim-global").Fetches, 7},
		"sim-swift fetches":      {day.Courier("sim-swift").Fetches, 0},
		"records refused":        {day.Courier("sim-swift").RecordsRefused + day.Courier("sim-panda").RecordsRefused, 0},
		"fetches":                {day.Fetches, 7},
		"shop evaluations":       {day.Tenant("shop").Evaluations, 2},
		"shop fetches":           {day.Tenant("shop").Fetches, 2},
		"tenants":                {int64(len(day.Tenants)), 1},
		"unauthorized":           {day.Refusals[transparency.Unauthorized], 1},
		"bad_request":            {day.Refusals[transparency.BadRequest], 1},
		"not_found":              {day.Refusals[transparency.NotFound], 2},
		"rate_limited":           {day.Refusals[transparency.RateLimited], 0},
	} {
		if got[0] != got[1] {
			t.Errorf("%s: the report says %d, the test sent %d", name, got[0], got[1])
		}
	}

	// The tables say the same.
	out := runCLI(t, nil, "report", "--gateway", gw.url, "--key", gw.readerKey)
	if out.code != exitOK {
		t.Fatalf("report: exit %d\n%s", out.code, out.stderr)
	}
	for _, want := range []string{
		"Transparency report of " + gw.url + ", " + today.Format(time.DateOnly) + " to " + today.Format(time.DateOnly),
		"fetches answered: 7",
		"refused: bad_request 1, unauthorized 1, not_found 2",
	} {
		if !strings.Contains(out.stdout, want) {
			t.Errorf("the table lacks %q:\n%s", want, out.stdout)
		}
	}
	for _, row := range [][]string{
		{"courier", "evaluations", "fetches", "records_stored", "records_refused", "deliveries", "delivery_failures"},
		{"tenant", "evaluations", "fetches", "subscriptions_created", "subscriptions_ended", "deliveries", "delivery_failures", "dead_letters", "replays"},
		{"sim-global", "0", "7"}, {"sim-swift", "4", "0"}, {"shop", "2", "2"}} {
		if !hasRow(out.stdout, row...) {
			t.Errorf("the table has no row %v:\n%s", row, out.stdout)
		}
	}

	t.Run("refused keys", func(t *testing.T) {
		other, _ := transparency.NewReaderKey(rand.Reader)
		out := runCLI(t, map[string]string{reportKeyEnv: other}, "report", "--gateway", gw.url)
		if out.code != exitFailure || !strings.Contains(out.stderr, "refused the report reader key: The report reader key is not one this gateway knows") {
			t.Errorf("another reader key: exit %d, %q", out.code, out.stderr)
		}
		if strings.Contains(out.stderr, other) {
			t.Error("the error repeats the key")
		}
	})
}

// hasRow reports whether a line of out begins with the cells given, in
// order, separated by spaces.
func hasRow(out string, cells ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		fields := strings.Fields(line)
		if len(fields) >= len(cells) && strings.Join(fields[:len(cells)], " ") == strings.Join(cells, " ") {
			return true
		}
	}
	return false
}

func sumReportDays(days []transparency.Day) transparency.Day {
	sum := transparency.Day{Refusals: map[string]int64{}}
	for _, d := range days {
		sum.Fetches += d.Fetches
		for _, c := range d.Couriers {
			i := indexOrAdd(&sum.Couriers, func(x transparency.CourierCounts) bool { return x.Courier == c.Courier }, transparency.CourierCounts{Courier: c.Courier})
			s := &sum.Couriers[i]
			s.Evaluations += c.Evaluations
			s.Fetches += c.Fetches
			s.RecordsStored += c.RecordsStored
			s.RecordsRefused += c.RecordsRefused
		}
		for _, tc := range d.Tenants {
			i := indexOrAdd(&sum.Tenants, func(x transparency.TenantCounts) bool { return x.Tenant == tc.Tenant }, transparency.TenantCounts{Tenant: tc.Tenant})
			sum.Tenants[i].Evaluations += tc.Evaluations
			sum.Tenants[i].Fetches += tc.Fetches
		}
		for r, n := range d.Refusals {
			sum.Refusals[r] += n
		}
	}
	return sum
}

func indexOrAdd[T any](list *[]T, match func(T) bool, zero T) int {
	for i, x := range *list {
		if match(x) {
			return i
		}
	}
	*list = append(*list, zero)
	return len(*list) - 1
}

func TestReportRefusesBadInputBeforeAsking(t *testing.T) {
	key, _ := transparency.NewReaderKey(rand.Reader)
	publishable, _ := tenant.NewKey(rand.Reader)
	withKey := map[string]string{reportKeyEnv: key}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no key", nil, nil, "A report reader key is needed: set $TRACKGATE_REPORT_KEY or pass --key"},
		{"a publishable key", nil, []string{"--key", publishable}, "not a report reader key"},
		{"a malformed key", map[string]string{reportKeyEnv: key[:20]}, nil, "not a report reader key"},
		{"a date that is not", withKey, []string{"--from", "2026-02-30", "--to", "2026-03-01"}, `--from "2026-02-30" must be a real date`},
		{"a date in another form", withKey, []string{"--to", "04/12/2026"}, `--to "04/12/2026" must be a real date`},
		{"to before from", withKey, []string{"--from", "2026-12-05", "--to", "2026-12-04"}, `"to" is before "from"`},
		{"more than a year", withKey, []string{"--from", "2025-01-01", "--to", "2026-01-02"}, "at most 366"},
		{"a gateway that is not a URL", withKey, []string{"--gateway", "ftp://x"}, "is not an http(s) URL"},
		{"an argument", withKey, []string{"2026-12-04"}, "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := runCLI(t, tt.env, append([]string{"report", "--gateway", "http://127.0.0.1:1"}, tt.args...)...)
			if out.code != exitUsage || !strings.Contains(out.stderr, tt.want) {
				t.Errorf("exit %d, %q; want %d saying %q", out.code, out.stderr, exitUsage, tt.want)
			}
			if strings.Contains(out.stderr, "cannot reach") {
				t.Error("the gateway was asked")
			}
		})
	}
}

func TestReportSaysWhenTheGatewayCannotAnswer(t *testing.T) {
	key, _ := transparency.NewReaderKey(rand.Reader)
	env := map[string]string{reportKeyEnv: key}
	// A port nobody listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	out := runCLI(t, env, "report", "--gateway", closed)
	if out.code != exitFailure || !strings.Contains(out.stderr, "Cannot reach the gateway at "+closed) {
		t.Errorf("a closed port: exit %d, %q", out.code, out.stderr)
	}
	// A server that is not a gateway, and a gateway whose counts are down.
	for _, tt := range []struct {
		status int
		want   string
	}{
		{404, "serves no transparency report"},
		{503, "cannot read its transparency counts right now; try again shortly"},
		{500, "answered 500 Internal Server Error: no reason given"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer "+key || r.URL.Path != "/v1/transparency" {
				t.Errorf("asked %s with Authorization %q", r.URL.Path, r.Header.Get("Authorization"))
			}
			w.WriteHeader(tt.status)
		}))
		out := runCLI(t, env, "report", "--gateway", srv.URL)
		srv.Close()
		if out.code != exitFailure || !strings.Contains(out.stderr, tt.want) {
			t.Errorf("answer %d: exit %d, %q; want %q", tt.status, out.code, out.stderr, tt.want)
		}
	}
}
