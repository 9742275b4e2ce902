package sfexpress

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/carrierfake"
)

// The fake's account and parcel.
const (
	fakePartner   = "TGPARTNER"
	fakeCheckword = "c5e1b2a4d3f6CHECKWORD"
	foundNumber   = "SF1234567890123"
	senderLast4   = "1234"
	receiverLast4 = "5678" // the factor SF accepts for the found parcel
	retryAfter    = 2 * time.Minute
)

// foundRoutes are the found parcel's routes in the shape of SF's route
// query, salted with the personal data SF's remarks really carry.
var foundRoutes = []map[string]any{
	{"acceptTime": "2026-11-18 16:20:05", "acceptAddress": "深圳市", "remark": "顺丰速运 已收取快件",
		"opCode": "50", "firstStatusCode": "1", "firstStatusName": "已揽收", "secondaryStatusCode": "101", "secondaryStatusName": "已揽收"},
	{"acceptTime": "2026-11-18 21:47:33", "acceptAddress": "深圳市", "remark": "快件在【深圳南山集散中心】完成分拣，准备发往【上海浦东集散中心】",
		"opCode": "30", "firstStatusCode": "2", "firstStatusName": "运送中", "secondaryStatusCode": "201", "secondaryStatusName": "运送中"},
	{"acceptTime": "2026-11-19 02:11:09", "acceptAddress": "广东省深圳市", "remark": "快件已发车",
		"opCode": "36", "firstStatusCode": "2", "firstStatusName": "运送中", "secondaryStatusCode": "201", "secondaryStatusName": "运送中"},
	{"acceptTime": "2026-11-19 18:32:40", "acceptAddress": "上海市", "remark": "快件到达【上海浦东集散中心】",
		"opCode": "31", "firstStatusCode": "2", "firstStatusName": "运送中", "secondaryStatusCode": "201", "secondaryStatusName": "运送中"},
	{"acceptTime": "2026-11-20 07:55:12", "acceptAddress": "上海市浦东新区世纪大道100号", "remark": "快件交给李强，正在派送途中（联系电话：13812345678）",
		"opCode": "204", "firstStatusCode": "3", "firstStatusName": "派送中", "secondaryStatusCode": "301", "secondaryStatusName": "派送中"},
	{"acceptTime": "2026-11-20 14:03:11", "acceptAddress": "上海市", "remark": "您的快件已签收，签收人：张伟，如有疑问请电联快递员【李强，电话：138-1234-5678】，感谢您使用顺丰，期待再次为您服务",
		"opCode": "80", "firstStatusCode": "4", "firstStatusName": "已签收", "secondaryStatusCode": "401", "secondaryStatusName": "已签收"},
}

// foundPII is the personal data in foundRoutes.
var foundPII = []string{"张伟", "李强", "13812345678", "138-1234-5678", "世纪大道", "100号"}

// foundEventTimes are foundRoutes' times as the view must show them.
var foundEventTimes = []string{
	"2026-11-18T16:20:05+08:00", "2026-11-18T21:47:33+08:00", "2026-11-19T02:11:09+08:00",
	"2026-11-19T18:32:40+08:00", "2026-11-20T07:55:12+08:00", "2026-11-20T14:03:11+08:00",
}

// fakeSF plays SF's open platform: it checks the form and the msgDigest
// as SF does and answers as in its scenario.
type fakeSF struct {
	t        *testing.T
	scenario adaptertest.Scenario
	routes   []map[string]any

	mu     sync.Mutex
	phones []string // checkPhoneNo of each query
	forms  []map[string]string
}

func (f *fakeSF) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/std/service" || r.ParseForm() != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	form := map[string]string{}
	for _, k := range []string{"partnerID", "requestID", "serviceCode", "timestamp", "msgDigest", "msgData"} {
		form[k] = r.PostForm.Get(k)
	}
	var query routeQuery
	json.Unmarshal([]byte(form["msgData"]), &query)
	f.mu.Lock()
	f.forms = append(f.forms, form)
	f.phones = append(f.phones, query.CheckPhoneNo)
	f.mu.Unlock()

	if carrierfake.Trouble(w, r, f.scenario, `{"apiErrorMsg":"","apiResponseID":"0001","apiResultCode":"A1000","apiResultData":"{\"success\":true,\"msgData\":{\"routeResps\":[{\"mailNo\"`) {
		return
	}
	switch {
	case form["partnerID"] != fakePartner:
		f.envelope(w, "A1004", "无对应服务权限", nil)
	case form["serviceCode"] != serviceCode:
		f.envelope(w, "A1004", "无对应服务权限", nil)
	case form["msgDigest"] != MsgDigest(form["msgData"], form["timestamp"], fakeCheckword):
		f.envelope(w, "A1006", "数字签名无效", nil)
	default:
		routes := []map[string]any{}
		if f.scenario == adaptertest.Found && slices.Equal(query.TrackingNumber, []string{foundNumber}) && query.CheckPhoneNo == receiverLast4 {
			routes = f.routes
		}
		f.envelope(w, "A1000", "", map[string]any{
			"success": true, "errorCode": "S0000", "errorMsg": nil,
			"msgData": map[string]any{"routeResps": []map[string]any{{"mailNo": firstOr(query.TrackingNumber), "routes": routes}}},
		})
	}
}

// envelope writes SF's outer answer, the inner one as a JSON string.
func (f *fakeSF) envelope(w http.ResponseWriter, code, msg string, result any) {
	var data any
	if result != nil {
		b, err := json.Marshal(result)
		if err != nil {
			f.t.Error(err)
		}
		data = string(b)
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	json.NewEncoder(w).Encode(map[string]any{
		"apiErrorMsg": msg, "apiResponseID": "000192A5C5E3F3FE", "apiResultCode": code, "apiResultData": data,
	})
}

func firstOr(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// serveFake runs a fake SF for the test and returns it with its base URL.
func serveFake(t *testing.T, s adaptertest.Scenario) (*fakeSF, *httptest.Server) {
	t.Helper()
	fake := &fakeSF{t: t, scenario: s, routes: foundRoutes}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return fake, srv
}

// startFake runs a fake SF for the test and returns it with a Source
// configured for it (with a wrong check word for BadCredentials).
func startFake(t *testing.T, s adaptertest.Scenario) (*fakeSF, *Source) {
	t.Helper()
	fake, srv := serveFake(t, s)
	checkword := fakeCheckword
	if s == adaptertest.BadCredentials {
		checkword = "not-the-checkword"
	}
	src, err := New(Config{
		PartnerID: fakePartner,
		Checkword: checkword,
		BaseURL:   srv.URL + "/std/service",
		Client:    carrierfake.ClientFor(srv),
	})
	if err != nil {
		t.Fatal(err)
	}
	return fake, src
}

var foundRef = adapters.ParcelRef{TrackingNumber: "sf 1234 5678 90123", Factors: []string{senderLast4, receiverLast4}}

// serveAnswer is the adaptertest.Serve of the real answers: SF's answer
// as published, inside SF's envelope when what was published is only the
// route query's result (it has "success" at its top).
func serveAnswer(t *testing.T, status int, body []byte) adapters.Source {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) == nil && top["success"] != nil {
		b, err := json.Marshal(map[string]any{
			"apiErrorMsg": "", "apiResponseID": "000192A5C5E3F3FE", "apiResultCode": "A1000", "apiResultData": string(body),
		})
		if err != nil {
			t.Fatal(err)
		}
		body = b
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ParseForm() != nil || r.PostForm.Get("msgDigest") != MsgDigest(r.PostForm.Get("msgData"), r.PostForm.Get("timestamp"), fakeCheckword) {
			t.Errorf("the adapter sent a request SF would refuse: %v", r.PostForm)
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(status)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	src, err := New(Config{
		PartnerID: fakePartner, Checkword: fakeCheckword, BaseURL: srv.URL + "/std/service",
		Client: carrierfake.ClientFor(srv),
	})
	if err != nil {
		t.Fatal(err)
	}
	return src
}
