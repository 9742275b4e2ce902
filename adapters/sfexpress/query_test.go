package sfexpress

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/watchlist"
)

func TestLookupTriesEachFactorUntilOneAnswers(t *testing.T) {
	fake, src := startFake(t, adaptertest.Found)
	p, err := src.Lookup(context.Background(), adapters.ParcelRef{
		TrackingNumber: foundNumber, Factors: []string{"12", senderLast4, receiverLast4, "0000"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Factors, []string{receiverLast4}) {
		t.Errorf("factors %q; want the one that worked, %q", p.Factors, receiverLast4)
	}
	// "12" is not four digits and is never sent; the lookup stops at the factor that worked.
	if !slices.Equal(fake.phones, []string{senderLast4, receiverLast4}) {
		t.Errorf("checkPhoneNo sent: %q; want %q", fake.phones, []string{senderLast4, receiverLast4})
	}
}

func TestLookupWithoutTheRightFactorIsNotFound(t *testing.T) {
	fake, src := startFake(t, adaptertest.Found)
	_, err := src.Lookup(context.Background(), adapters.ParcelRef{TrackingNumber: foundNumber, Factors: []string{"0000", "1111"}})
	if cerr := adaptertest.CheckError(err, adapters.ErrNotFound, adapters.ParcelRef{TrackingNumber: foundNumber, Factors: []string{"0000", "1111"}}); cerr != nil {
		t.Fatal(cerr)
	}
	if len(fake.phones) != 2 {
		t.Errorf("%d queries; want one per factor", len(fake.phones))
	}
}

func TestLookupSendsSFsForm(t *testing.T) {
	fake, src := startFake(t, adaptertest.Found)
	if _, err := src.Lookup(context.Background(), foundRef); err != nil {
		t.Fatal(err)
	}
	form := fake.forms[len(fake.forms)-1]
	if form["partnerID"] != fakePartner || form["serviceCode"] != "EXP_RECE_SEARCH_ROUTES" || len(form["requestID"]) != 32 {
		t.Errorf("form %v", form)
	}
	var msgData map[string]any
	if err := json.Unmarshal([]byte(form["msgData"]), &msgData); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"language": "0", "trackingType": "1", "trackingNumber": []any{foundNumber}, "methodType": "1", "checkPhoneNo": receiverLast4}
	if fmt.Sprint(msgData) != fmt.Sprint(want) {
		t.Errorf("msgData %v; want %v", msgData, want)
	}
	if fake.forms[0]["requestID"] == form["requestID"] {
		t.Error("two queries shared a requestID")
	}
}

func TestDecodeRoutesClassifiesSFsCodes(t *testing.T) {
	envelope := func(code string, data any) []byte {
		var s any
		if data != nil {
			b, _ := json.Marshal(data)
			s = string(b)
		}
		b, _ := json.Marshal(map[string]any{"apiResultCode": code, "apiErrorMsg": "", "apiResultData": s})
		return b
	}
	cases := []struct {
		name string
		body []byte
		want error
	}{
		{"traffic control", envelope("A1005", nil), adapters.ErrUnavailable},
		{"SF failing", envelope("A1099", nil), adapters.ErrUnavailable},
		{"wrong digest", envelope("A1006", nil), adapters.ErrMisconfigured},
		{"no permission", envelope("A1004", nil), adapters.ErrMisconfigured},
		{"expired timestamp", envelope("A1002", nil), adapters.ErrMisconfigured},
		{"business failure", envelope("A1000", map[string]any{"success": false, "errorCode": "8152", "errorMsg": "系统异常"}), adapters.ErrUnavailable},
		{"no result data", envelope("A1000", nil), adapters.ErrUnavailable},
		{"result data not JSON", []byte(`{"apiResultCode":"A1000","apiResultData":"<html>"}`), adapters.ErrUnavailable},
		{"not SF's JSON", []byte(`{"message":"ok"}`), adapters.ErrUnavailable},
		{"HTML", []byte(`<html>maintenance</html>`), adapters.ErrUnavailable},
	}
	for _, tc := range cases {
		if _, err := decodeRoutes(tc.body, foundNumber); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v; want %v", tc.name, err, tc.want)
		}
	}
	routes, err := decodeRoutes(envelope("A1000", map[string]any{
		"success": true, "errorCode": "S0000",
		"msgData": map[string]any{"routeResps": []any{
			map[string]any{"mailNo": "SF9999999999999", "routes": []any{map[string]any{"acceptTime": "2026-11-18 08:00:00", "opCode": 50}}},
			map[string]any{"mailNo": foundNumber, "routes": []any{map[string]any{"acceptTime": "2026-11-18 09:00:00", "opCode": 31}}},
		}},
	}), foundNumber)
	if err != nil || len(routes) != 1 || routes[0].OpCode != "31" {
		t.Errorf("routes %+v, %v; want the one route of the number asked for, its numeric opCode read", routes, err)
	}
}

func FuzzDecodeRoutes(f *testing.F) {
	inner, _ := json.Marshal(map[string]any{"success": true, "errorCode": "S0000",
		"msgData": map[string]any{"routeResps": []any{map[string]any{"mailNo": foundNumber, "routes": foundRoutes}}}})
	seed, _ := json.Marshal(map[string]any{"apiResultCode": "A1000", "apiResultData": string(inner)})
	f.Add(seed)
	f.Add([]byte(`{"apiResultCode":"A1006","apiErrorMsg":"数字签名无效"}`))
	f.Add([]byte(`{"apiResultCode":"A1000","apiResultData":"{\"success\":true,\"msgData\":{\"routeResps\":[{\"mailNo\":\"SF1234567890123\",\"routes\":[{\"acceptTime\":\"2026-11-18 08:00:00\",\"opCode\":null}]}]}}"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		routes, err := decodeRoutes(body, foundNumber)
		if err != nil {
			if !errors.Is(err, adapters.ErrUnavailable) && !errors.Is(err, adapters.ErrMisconfigured) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if len(routes) == 0 {
			return
		}
		p, err := parcelOf(DefaultCourier, foundNumber, routes)
		if err != nil {
			return
		}
		if err := adaptertest.CheckView(p.View, DefaultCourier, foundNumber, nil); err != nil {
			t.Fatalf("view from decoded routes: %v", err)
		}
	})
}

func TestRegisteredUnderItsName(t *testing.T) {
	_, srv := serveFake(t, adaptertest.Found)
	options := map[string]string{"partner_id": fakePartner, "checkword": fakeCheckword, "base_url": srv.URL + "/std/service", "timeout": "2s"}
	src, err := adapters.Open(AdapterName, options)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Lookup(context.Background(), foundRef); err != nil {
		t.Errorf("Lookup through the registry: %v", err)
	}

	path := filepath.Join(t.TempDir(), "parcels.jsonl")
	if err := os.WriteFile(path, []byte(`{"tracking_number":"SF1234567890123","factors":["5678"]}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	options["watchlist"], options["poll"] = path, "30m"
	src, err = adapters.Open(AdapterName, options)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := src.(*watchlist.Watchlist); !ok {
		t.Errorf("with a watchlist, Open gave %T; want *watchlist.Watchlist", src)
	}
}

func TestOpenRefusesBadOptions(t *testing.T) {
	good := map[string]string{"partner_id": "P", "checkword": "C"}
	cases := map[string]map[string]string{
		"no partner id":      {"checkword": "C"},
		"no checkword":       {"partner_id": "P"},
		"unknown option":     with(good, "check_word", "C"),
		"base URL not http":  with(good, "base_url", "ftp://sf"),
		"bad courier id":     with(good, "courier", "SF Express"),
		"timeout not a time": with(good, "timeout", "soon"),
		"timeout negative":   with(good, "timeout", "-1s"),
	}
	for name, options := range cases {
		if _, err := adapters.Open(AdapterName, options); err == nil {
			t.Errorf("%s: Open(%v) succeeded", name, options)
		}
	}
	if _, err := adapters.Open(AdapterName, good); err != nil {
		t.Errorf("Open(%v): %v", good, err)
	}
}

func with(m map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for mk, mv := range m {
		out[mk] = mv
	}
	return out
}
