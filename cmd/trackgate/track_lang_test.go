package main

import (
	"strings"
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
)

// storyGateway holds a refused parcel coming back and one whose onward
// leg is held by customs, with bilingual descriptions as the simulator
// writes them.
func storyGateway(t *testing.T) *clienttest.Gateway {
	t.Helper()
	g := clienttest.New(t, clienttest.Config{BucketBits: 8, Couriers: []clienttest.Courier{simEast, {ID: "sim-last", Name: "Sim Last Mile"}}})
	refused := clienttest.View("sim-east", "SE0000000001",
		clienttest.Event("2026-11-20T09:00:00+08:00", adapters.StatusOutForDelivery, "快件正在派送中，派送员已出发 Out for delivery", "Wuhan", "Hubei", "CN"),
		clienttest.Event("2026-11-20T11:00:00+08:00", adapters.StatusException, "收件人拒收快件 Refused by the recipient", "Wuhan", "Hubei", "CN"),
		clienttest.Event("2026-11-21T09:00:00+08:00", adapters.StatusInTransit, "快件正在退回寄件人 Returning to the sender", "Wuhan", "Hubei", "CN"))
	refused.Substatus = "return_to_sender"
	g.AddParcel(t, "sim-east", "SE0000000001", "", refused)

	first := clienttest.View("sim-east", "SE0000000002",
		clienttest.Event("2026-11-18T10:00:00+08:00", adapters.StatusInTransit, "快件已交由【环球包裹专线】继续承运，单号 LM0000000002 Handed over to Global Parcel Line for the next leg (LM0000000002)", "Shenzhen", "Guangdong", "CN"))
	first.Substatus = "handed_to_partner"
	first.Handoffs = []adapters.Handoff{{Courier: "sim-last", TrackingNumber: "LM0000000002"}}
	g.AddParcel(t, "sim-east", "SE0000000002", "", first)
	onward := clienttest.View("sim-last", "LM0000000002",
		clienttest.Event("2026-11-20T08:00:00+01:00", adapters.StatusInTransit, "进口清关中 Import customs clearance in progress", "Frankfurt", "Hesse", "DE"),
		clienttest.Event("2026-11-20T18:00:00+01:00", adapters.StatusException, "海关查验扣留，等待补充资料 Held by customs; additional documents requested", "Frankfurt", "Hesse", "DE"))
	onward.Substatus = "customs_hold"
	g.AddParcel(t, "sim-last", "LM0000000002", "", onward)
	return g
}

func TestTrackHeadlineTellsTheTruthInEitherLanguage(t *testing.T) {
	g := storyGateway(t)
	tests := []struct {
		number, lang string
		want, avoid  []string
	}{
		{"SE0000000001", "en",
			[]string{"Returning to sender\n\n", "SE0000000001 · Sim East (sim-east) · in transit\n", "exception         Refused by the recipient\n", "Returning to the sender\n"},
			[]string{"拒收", "Expected:"}},
		{"SE0000000001", "zh-CN",
			[]string{"退回中\n\n", "SE0000000001 · Sim East (sim-east) · 运输中\n", "异常　　　  收件人拒收快件\n", "运输中　　  快件正在退回寄件人\n"},
			[]string{"Refused", "Returning"}},
		{"SE0000000002", "en",
			[]string{"Held by customs (Sim Last Mile, LM0000000002)\n\n", "  → handed off to sim-last as LM0000000002\n", "Held by customs; additional documents requested\n", "Handed over to Global Parcel Line for the next leg (LM0000000002)\n"},
			[]string{"海关"}},
		{"SE0000000002", "zh-cn",
			[]string{"海关扣留 (Sim Last Mile, LM0000000002)\n\n", "  → 已转交 sim-last，单号 LM0000000002\n", "海关查验扣留，等待补充资料\n", "继续承运，单号 LM0000000002\n"},
			[]string{"Held", "customs clearance"}},
	}
	for _, tt := range tests {
		got := runCLI(t, nil, "track", tt.number, "--gateway", g.URL, "--lang", tt.lang)
		if got.code != exitOK {
			t.Fatalf("%s --lang %s: exit %d; %s", tt.number, tt.lang, got.code, got.stderr)
		}
		for _, w := range tt.want {
			if !strings.Contains(got.stdout, w) {
				t.Errorf("%s --lang %s: output lacks %q:\n%s", tt.number, tt.lang, w, got.stdout)
			}
		}
		for _, a := range tt.avoid {
			if strings.Contains(got.stdout, a) {
				t.Errorf("%s --lang %s: output has %q:\n%s", tt.number, tt.lang, a, got.stdout)
			}
		}
	}
}

func TestTrackRefusesAnUnknownLanguage(t *testing.T) {
	g := storyGateway(t)
	got := runCLI(t, nil, "track", "SE0000000001", "--gateway", g.URL, "--lang", "fr")
	if got.code != exitUsage || !strings.Contains(got.stderr, `--lang "fr" must be en or zh-CN`) {
		t.Errorf("exit %d, stderr %q; want 2 naming the languages", got.code, got.stderr)
	}
	if n := g.Requests(); n != 0 {
		t.Errorf("%d requests sent before refusing --lang, want none", n)
	}
}
