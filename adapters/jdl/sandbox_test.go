package jdl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
)

// JDL's sandbox pushed these trace records (testdata/sandbox/README.md);
// the trace query returns the same records in data.traceDetails. The
// envelope around them is written here, not published.
func TestSandboxTraceRecords(t *testing.T) {
	f, err := os.Open("testdata/sandbox/pushes.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var records []json.RawMessage
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if line := bytes.TrimSpace(lines.Bytes()); len(line) > 0 {
			records = append(records, json.RawMessage(append([]byte(nil), line...)))
		}
	}
	if err := lines.Err(); err != nil || len(records) != 8 {
		t.Fatalf("%d records, %v; want the 8 JDL pushed", len(records), err)
	}
	body, _ := json.Marshal(map[string]any{
		"code": 0, "msg": "成功", "success": true,
		"data": map[string]any{"waybillCode": "JDVE00132473532", "traceDetails": records},
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	t.Cleanup(srv.Close)
	p, err := newSource(t, srv, fakeSecret).Lookup(t.Context(), adapters.ParcelRef{TrackingNumber: "JDVE00132473532"})
	if err != nil {
		t.Fatal(err)
	}
	pii := []string{"张三", "13818888888", "卫十四", "13819999999", "八角街道", "璟公院", "石景山区"}
	if err := adaptertest.CheckView(p.View, DefaultCourier, "JDVE00132473532", pii); err != nil {
		t.Fatal(err)
	}
	beijing := &adapters.Location{City: "北京市", Country: "CN"} // a city of its own, no province (places)
	at := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04:05 -07:00", s+" +08:00")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	want := adapters.View{
		Status: adapters.StatusDelivered,
		Events: []adapters.Event{
			{Time: at("2023-08-08 09:00:00"), Status: adapters.StatusInfoReceived, Description: "揽收任务已分配给[name]（联系电话：[phone]）。", Location: beijing},
			{Time: at("2023-08-08 10:00:00"), Status: adapters.StatusInTransit, Description: "京东快递 已收取快件", Location: beijing},
			{Time: at("2023-08-08 13:00:00"), Status: adapters.StatusInTransit, Description: "您的快件已发车", Location: beijing},
			{Time: at("2023-08-08 15:00:00"), Status: adapters.StatusInTransit, Description: "您的快件已到达【分拣中心A】", Location: beijing},
			{Time: at("2023-08-08 23:00:00"), Status: adapters.StatusInTransit, Description: "您的快件已发车", Location: beijing},
			{Time: at("2023-08-09 01:00:00"), Status: adapters.StatusInTransit, Description: "您的快件在【石景山营业部】收货完成", Location: beijing},
			{Time: at("2023-08-09 08:00:00"), Status: adapters.StatusOutForDelivery, Description: "您的快件正在派送中，请您准备签收（快递员：[name]，联系电话：[phone]）。", Location: beijing},
			{Time: at("2023-08-09 09:00:00"), Status: adapters.StatusDelivered, Description: "您的快件已由【客户指定地点】代收，感谢您使用京东物流，期待再次为您服务。", Location: beijing},
		},
	}
	if diff := adaptertest.DiffView(p.View, want); diff != "" {
		t.Errorf("the view of JDL's sandbox records differs:\n%s", diff)
	}
	// Each record's own substatus, from its category and title.
	wantSub := []string{"pickup_scheduled", "picked_up", "departed_facility", "arrived_at_facility", "departed_facility", "arrived_at_facility", "", ""}
	for i, raw := range records {
		var d detail
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatal(err)
		}
		if c, _ := detailStatus(d); c.Substatus != wantSub[i] {
			t.Errorf("record %d (%s): substatus %q; want %q", i, d.OperationTitle, c.Substatus, wantSub[i])
		}
	}
}
