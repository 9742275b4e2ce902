package zto

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/carrierfake"
	"github.com/trackgate/trackgate/adapters/chinatrace"
)

// The fake's account and parcel.
const (
	fakeKey       = "ztotestAppKey"
	fakeSecret    = "ztotestSecret=="
	foundNumber   = "73100012345678"
	senderLast4   = "1234"
	receiverLast4 = "5678" // the factor ZTO accepts for the found parcel
	retryAfter    = 2 * time.Minute
)

// at is a China time as the milliseconds of ZTO's track query.
func at(s string) int64 {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, chinatrace.China)
	if err != nil {
		panic(err)
	}
	return t.UnixMilli()
}

// foundTraces are the found parcel's traces in the shape of the track
// query, salted with the personal data ZTO's traces really carry.
var foundTraces = []map[string]any{
	{"billCode": foundNumber, "scanType": "收件", "scanDate": at("2026-11-18 16:20:05"),
		"desc":        "【杭州市】 【杭州滨江】（0571-88886666） 的 王建国 （13912345678） 已揽收",
		"scanSite":    map[string]any{"name": "杭州滨江", "city": "杭州市", "prov": "浙江省", "phone": "0571-88886666"},
		"operateUser": "王建国", "operateUserPhone": "13912345678"},
	{"billCode": foundNumber, "scanType": "发件", "scanDate": at("2026-11-18 21:47:33"),
		"desc":     "【杭州市】 快件离开 【杭州滨江】 已发往 【上海中转部】",
		"scanSite": map[string]any{"name": "杭州滨江", "city": "杭州市", "prov": "浙江省"}},
	{"billCode": foundNumber, "scanType": "到件", "scanDate": at("2026-11-19 04:11:09"),
		"desc":     "【上海市】 快件已经到达 【上海中转部】",
		"scanSite": map[string]any{"name": "上海中转部", "city": "上海市", "prov": "上海"}},
	{"billCode": foundNumber, "scanType": "派件", "scanDate": at("2026-11-19 08:32:40"),
		"desc":        "【上海市】 【上海徐汇】 的刘志强（13787654321） 正在第1次派件, 请保持电话畅通,并耐心等待（95720为中通快递员外呼专属号码，请放心接听）",
		"scanSite":    map[string]any{"name": "上海徐汇", "city": "上海市", "prov": "上海"},
		"operateUser": "刘志强", "operateUserPhone": "13787654321"},
	{"billCode": foundNumber, "scanType": "ARRIVAL", "scanDate": at("2026-11-19 11:55:12"),
		"desc":     "【上海市】 快件已被【菜鸟驿站的徐汇康健店】代收，如有问题请电联（13787654321），感谢使用中通快递，期待再次为您服务！",
		"scanSite": map[string]any{"name": "上海徐汇", "city": "上海市", "prov": "上海"}},
	{"billCode": foundNumber, "scanType": "签收", "scanDate": at("2026-11-19 18:03:11"),
		"desc":     "【上海市】 您的快递已签收, 签收人: 陈静, 如有疑问请电联:（13787654321）, 感谢使用中通快递",
		"scanSite": map[string]any{"name": "上海徐汇", "city": "上海市", "prov": "上海"},
		"signMan":  "陈静"},
}

// foundPII is the personal data in foundTraces.
var foundPII = []string{"王建国", "13912345678", "0571-88886666", "88886666", "刘志强", "13787654321", "陈静"}

// foundEventTimes are foundTraces' times as the view must show them.
var foundEventTimes = []string{
	"2026-11-18T16:20:05+08:00", "2026-11-18T21:47:33+08:00", "2026-11-19T04:11:09+08:00",
	"2026-11-19T08:32:40+08:00", "2026-11-19T11:55:12+08:00", "2026-11-19T18:03:11+08:00",
}

// fakeZTO plays ZOP's trace services: it checks the key and the digest
// as ZOP does and answers as in its scenario.
type fakeZTO struct {
	t        *testing.T
	scenario adaptertest.Scenario
	traces   []map[string]any

	mu     sync.Mutex
	phones []string // mobilePhone of each track query
	paths  []string
}

func (f *fakeZTO) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.paths = append(f.paths, r.URL.Path)
	f.mu.Unlock()
	if carrierfake.Trouble(w, r, f.scenario, `{"status":true,"statusCode":"","message":"","result":[{"billCode":"73100012345678","scanType"`) {
		return
	}
	var digested, billCode, phone string
	switch r.URL.Path {
	case "/" + trackPath:
		var q trackQuery
		if json.Unmarshal(raw, &q) != nil {
			f.answer(w, map[string]any{"status": false, "statusCode": "S01", "message": "非法的XML/JSON"})
			return
		}
		digested, billCode, phone = string(raw), q.BillCode, q.MobilePhone
		f.mu.Lock()
		f.phones = append(f.phones, phone)
		f.mu.Unlock()
	case "/" + newTracesPath:
		var parts []string
		form := url.Values{}
		for _, kv := range strings.Split(string(raw), "&") {
			k, v, _ := strings.Cut(kv, "=")
			k, _ = url.QueryUnescape(k)
			v, _ = url.QueryUnescape(v)
			parts = append(parts, k+"="+v)
			form.Set(k, v)
		}
		digested = strings.Join(parts, "&")
		var numbers []string
		json.Unmarshal([]byte(form.Get("data")), &numbers)
		if form.Get("msg_type") != "NEW_TRACES" || form.Get("company_id") != fakeKey || len(numbers) != 1 {
			f.answer(w, map[string]any{"status": false, "msg": "非法的通知类型", "code": "S04"})
			return
		}
		billCode = numbers[0]
	default:
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	switch {
	case r.Header.Get("x-companyid") != fakeKey:
		f.answer(w, map[string]any{"status": false, "statusCode": "S03", "message": "非法的物流公司/仓储公司"})
		return
	case r.Header.Get("x-datadigest") != DataDigest(digested, fakeSecret):
		f.answer(w, map[string]any{"status": false, "statusCode": "S02", "message": "非法的数字签名"})
		return
	}
	traces := []map[string]any{}
	if f.scenario == adaptertest.Found && billCode == foundNumber && (phone == receiverLast4 || r.URL.Path == "/"+newTracesPath) {
		traces = f.traces
	}
	if r.URL.Path == "/"+newTracesPath {
		f.answer(w, map[string]any{"status": true, "msg": "", "data": []map[string]any{{"billCode": billCode, "traces": traces}}})
		return
	}
	f.answer(w, map[string]any{"status": true, "statusCode": "", "message": "", "result": traces})
}

func (f *fakeZTO) answer(w http.ResponseWriter, body any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	if err := json.NewEncoder(w).Encode(body); err != nil {
		f.t.Error(err)
	}
}

// serveFake runs a fake ZOP for the test.
func serveFake(t *testing.T, s adaptertest.Scenario) (*fakeZTO, *httptest.Server) {
	t.Helper()
	fake := &fakeZTO{t: t, scenario: s, traces: foundTraces}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return fake, srv
}

// newSource returns a Source for srv with secret and service.
func newSource(t *testing.T, srv *httptest.Server, secret, service string) *Source {
	t.Helper()
	src, err := New(Config{
		AppKey:    fakeKey,
		AppSecret: secret,
		Service:   service,
		BaseURL:   srv.URL,
		Client:    carrierfake.ClientFor(srv),
	})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// startFake runs a fake ZOP for the test and returns it with a Source
// configured for it (with a wrong secret for BadCredentials).
func startFake(t *testing.T, s adaptertest.Scenario, service string) (*fakeZTO, *Source) {
	t.Helper()
	fake, srv := serveFake(t, s)
	secret := fakeSecret
	if s == adaptertest.BadCredentials {
		secret = "not-the-secret"
	}
	return fake, newSource(t, srv, secret, service)
}

var foundRef = adapters.ParcelRef{TrackingNumber: "731 0001 2345 678", Factors: []string{senderLast4, receiverLast4}}
