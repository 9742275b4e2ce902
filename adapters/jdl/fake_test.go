package jdl

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/carrierfake"
	"github.com/trackgate/trackgate/adapters/chinatrace"
)

// The fake's app and parcel.
const (
	fakeKey      = "62d07644754843cc882fca7c01476c4f"
	fakeSecret   = "0c2c8b6b7c10481ea639f6daa09ac02e"
	fakeToken    = "78c246c0ab564e67add6296a9eaf04a1"
	fakeCustomer = "010K1234567"
	foundNumber  = "JDVB20261118001"
	retryAfter   = 2 * time.Minute
)

// foundDetails are the found parcel's traces in the shape of JDL's
// sandbox pushes, salted with the personal data JDL's traces carry.
var foundDetails = []map[string]any{
	{"waybillCode": foundNumber, "operationTitle": "揽收任务分配", "category": 390, "categoryName": "揽收中", "state": "200034", "scanType": "-625",
		"operationTime": "2026-11-18 09:12:40", "operationRemark": "揽收任务已分配给张建华（联系电话：13811112222）。",
		"courier": "张建华", "courierTel": "13811112222", "operateSite": "北京朝阳营业部",
		"routeProvinceName": "北京", "routeCityName": "北京市", "routeDistrictName": "朝阳区", "routeAddress": "北京市朝阳区建国路88号SOHO现代城"},
	{"waybillCode": foundNumber, "operationTitle": "揽收", "category": 420, "categoryName": "已揽收", "state": "200001", "scanType": "-640",
		"operationTime": "2026-11-18 10:05:11", "operationRemark": "京东快递 已收取快件", "operateSite": "北京朝阳营业部",
		"routeProvinceName": "北京", "routeCityName": "北京市", "routeDistrictName": "朝阳区", "routeAddress": "北京市朝阳区建国路88号SOHO现代城"},
	{"waybillCode": foundNumber, "operationTitle": "封车", "category": 430, "categoryName": "运输中", "state": "200076", "scanType": "-450",
		"operationTime": "2026-11-18 21:30:00", "operationRemark": "您的快件已发车", "operateSite": "北京朝阳营业部",
		"routeProvinceName": "北京", "routeCityName": "北京市"},
	{"waybillCode": foundNumber, "operationTitle": "分拣验收", "category": 430, "categoryName": "运输中", "state": "10032", "scanType": "10",
		"operationTime": "2026-11-19 03:41:22", "operationRemark": "您的快件已到达【上海浦东分拣中心】", "operateSite": "上海浦东分拣中心",
		"routeProvinceName": "上海", "routeCityName": "上海市"},
	{"waybillCode": foundNumber, "operationTitle": "派件", "category": 440, "categoryName": "派送中", "state": "11000", "scanType": "110",
		"operationTime": "2026-11-19 08:02:17", "operationRemark": "您的快件正在派送中，请您准备签收（快递员：李明亮，联系电话：13933334444）。",
		"courier": "李明亮", "courierTel": "13933334444", "operateSite": "上海陆家嘴营业部",
		"routeProvinceName": "上海", "routeCityName": "上海市", "routeDistrictName": "浦东新区", "routeAddress": "上海市浦东新区世纪大道100号"},
	{"waybillCode": foundNumber, "operationTitle": "妥投", "category": 510, "categoryName": "妥投", "state": "10034", "scanType": "150",
		"operationTime": "2026-11-19 12:45:09", "operationRemark": "您的快件已由本人签收，感谢您使用京东物流，期待再次为您服务。",
		"operateSite": "上海陆家嘴营业部", "routeProvinceName": "上海", "routeCityName": "上海市"},
}

// foundPII is the personal data in foundDetails.
var foundPII = []string{"张建华", "13811112222", "建国路", "SOHO现代城", "李明亮", "13933334444", "世纪大道", "浦东新区", "朝阳区"}

// foundEventTimes are foundDetails' times as the view must show them.
var foundEventTimes = []string{
	"2026-11-18T09:12:40+08:00", "2026-11-18T10:05:11+08:00", "2026-11-18T21:30:00+08:00",
	"2026-11-19T03:41:22+08:00", "2026-11-19T08:02:17+08:00", "2026-11-19T12:45:09+08:00",
}

// fakeJDL plays JDL's gateway and trace query: it checks the gateway
// parameters and the md5-salt signature as the gateway does, and answers
// as in its scenario. How the real gateway refuses a bad signature or
// token was not found in public sources; the fake answers 401, which the
// adapter reads as a configuration error (see the package documentation).
type fakeJDL struct {
	t        *testing.T
	scenario adaptertest.Scenario
	details  []map[string]any

	mu      sync.Mutex
	queries []traceQuery
}

func (f *fakeJDL) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if carrierfake.Trouble(w, r, f.scenario, `{"code":0,"msg":"成功","data":{"waybillCode":"JDVB20261118001","traceDetails":[{"operationTitle"`) {
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != tracePath {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	q := r.URL.Query()
	want := Sign(fakeSecret, fakeToken, fakeKey, tracePath, string(body), q.Get("timestamp"))
	if q.Get("LOP-DN") != domain || q.Get("app_key") != fakeKey || q.Get("access_token") != fakeToken ||
		q.Get("v") != "2.0" || q.Get("algorithm") != "md5-salt" || q.Get("sign") != want {
		w.WriteHeader(http.StatusUnauthorized)
		f.answer(w, map[string]any{"code": 1, "msg": "签名验证失败", "success": false})
		return
	}
	if _, err := time.ParseInLocation("2006-01-02 15:04:05", q.Get("timestamp"), chinatrace.China); err != nil || r.Header.Get("lop-tz") != "8" {
		w.WriteHeader(http.StatusUnauthorized)
		f.answer(w, map[string]any{"code": 1, "msg": "时间戳错误", "success": false})
		return
	}
	var queries []traceQuery
	if err := json.Unmarshal(body, &queries); err != nil || len(queries) != 1 {
		f.answer(w, map[string]any{"code": 2, "msg": "参数错误", "success": false})
		return
	}
	f.mu.Lock()
	f.queries = append(f.queries, queries[0])
	f.mu.Unlock()
	details := []map[string]any{}
	if f.scenario == adaptertest.Found && queries[0].WaybillCode == foundNumber && queries[0].CustomerCode == fakeCustomer {
		details = f.details
	}
	f.answer(w, map[string]any{
		"code": 0, "msg": "成功", "mills": 12, "requestId": "8bdc9554-11b8-4c65-9615-51c709b1a2f1", "success": true,
		"data": map[string]any{"waybillCode": queries[0].WaybillCode, "traceDetails": details},
	})
}

func (f *fakeJDL) answer(w http.ResponseWriter, body any) {
	if err := json.NewEncoder(w).Encode(body); err != nil {
		f.t.Error(err)
	}
}

// newSource returns a Source for srv with the secret given.
func newSource(t *testing.T, srv *httptest.Server, secret string) *Source {
	t.Helper()
	src, err := New(Config{
		AppKey:       fakeKey,
		AppSecret:    secret,
		AccessToken:  fakeToken,
		CustomerCode: fakeCustomer,
		OrderOrigin:  DefaultOrderOrigin,
		BaseURL:      srv.URL,
		Client:       carrierfake.ClientFor(srv),
	})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// startFake runs a fake JDL for the test and returns it with a Source
// configured for it (with a wrong secret for BadCredentials).
func startFake(t *testing.T, s adaptertest.Scenario) (*fakeJDL, *Source) {
	t.Helper()
	fake := &fakeJDL{t: t, scenario: s, details: foundDetails}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	secret := fakeSecret
	if s == adaptertest.BadCredentials {
		secret = "not-the-secret"
	}
	return fake, newSource(t, srv, secret)
}

var foundRef = adapters.ParcelRef{TrackingNumber: "jdvb 2026 1118 001", Factors: []string{"1234", "5678"}}
