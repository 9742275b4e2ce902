package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
)

func parcelGateway(t *testing.T) *clienttest.Gateway {
	t.Helper()
	g := clienttest.New(t, clienttest.Config{BucketBits: 8, Couriers: []clienttest.Courier{simEast,
		{ID: "sim-west", Name: "Sim West", Factor: "phone_last4", Patterns: []api.Pattern{{Regex: `^SW[0-9]{10}$`}}},
		{ID: "sim-last", Name: "Sim Last Mile"}}})
	v := clienttest.View("sim-east", "SE1234567890",
		clienttest.Event("2026-11-20T09:00:00+08:00", adapters.StatusInfoReceived, "Label created", "Shenzhen", "Guangdong", "CN"),
		clienttest.Event("2026-11-21T06:03:00Z", adapters.StatusInTransit, "Departed\x1b[2J facility", "Shenzhen", "Guangdong", "CN"))
	v.Handoffs = []adapters.Handoff{{Courier: "sim-last", TrackingNumber: "LM0000000001"}}
	g.AddParcel(t, "sim-east", "SE1234567890", "", v)
	last := clienttest.View("sim-last", "LM0000000001",
		clienttest.Event("2026-11-23T10:00:00+01:00", adapters.StatusOutForDelivery, "Out for delivery", "Lyon", "", "FR"))
	last.ETA = &adapters.ETA{From: last.Events[0].Time, To: last.Events[0].Time.Add(8 * 3600e9)}
	g.AddParcel(t, "sim-last", "LM0000000001", "", last)
	g.AddParcel(t, "sim-west", "SW1234567890", "0042", clienttest.View("sim-west", "SW1234567890"))
	return g
}

func TestTrackPrintsAReadableTimeline(t *testing.T) {
	g := parcelGateway(t)
	got := runCLI(t, nil, "track", "se 1234-567.890", "--gateway", g.URL)
	if got.code != exitOK {
		t.Fatalf("exit %d; stderr %s", got.code, got.stderr)
	}
	want := []string{
		"Out for delivery (Sim Last Mile, LM0000000001)\nExpected: 2026-11-23 17:00 – 2026-11-24 01:00 +08:00\n\n",
		"SE1234567890 · Sim East (sim-east) · in transit\n",
		"  → handed off to sim-last as LM0000000001\n",
		"  LM0000000001 · Sim Last Mile (sim-last) · out for delivery\n",
		"2026-11-20 09:00 +08:00  sim-east  Shenzhen, Guangdong CN  info received     Label created\n",
		"2026-11-21 14:03 +08:00  sim-east  Shenzhen, Guangdong CN  in transit        Departed [2J facility\n",
		"2026-11-23 17:00 +08:00  sim-last  Lyon FR                 out for delivery  Out for delivery\n",
	}
	for _, w := range want {
		if !strings.Contains(got.stdout, w) {
			t.Errorf("output lacks %q:\n%s", w, got.stdout)
		}
	}
	if strings.ContainsRune(got.stdout, 0x1b) {
		t.Error("a control character from the view reached the terminal")
	}
	if got.stderr != "" {
		t.Errorf("stderr = %q, want nothing", got.stderr)
	}
}

func TestTrackJSONHasLegsAndTimeline(t *testing.T) {
	g := parcelGateway(t)
	got := runCLI(t, map[string]string{"TRACKGATE_GATEWAY": g.URL}, "track", "SE1234567890", "--json")
	if got.code != exitOK {
		t.Fatalf("exit %d; stderr %s", got.code, got.stderr)
	}
	var out struct {
		Headline struct {
			client.Headline
			Label string `json:"label"`
		} `json:"headline"`
		Legs     []adapters.View         `json:"legs"`
		Timeline []client.TimelineEvent  `json:"timeline"`
		Couriers []client.CourierOutcome `json:"couriers"`
	}
	dec := json.NewDecoder(strings.NewReader(got.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("stdout is not the documented JSON: %v\n%s", err, got.stdout)
	}
	if h := out.Headline; h.Code != client.HeadlineOutForDelivery || h.Courier != "sim-last" || h.ETA == nil || h.Label != "Out for delivery (Sim Last Mile, LM0000000001)" {
		t.Errorf("headline = %+v, want the onward leg out for delivery, with its ETA and label", h)
	}
	if len(out.Legs) != 2 || out.Legs[0].TrackingNumber != "SE1234567890" || out.Legs[1].Courier != "sim-last" {
		t.Errorf("legs = %+v, want SE1234567890 then its sim-last handoff", out.Legs)
	}
	if len(out.Timeline) != 3 || out.Timeline[2].Courier != "sim-last" || out.Timeline[0].Description != "Label created" {
		t.Errorf("timeline = %+v, want 3 events oldest first", out.Timeline)
	}
	var raw map[string][]map[string]any
	_ = json.Unmarshal([]byte(got.stdout), &raw)
	if ev := raw["timeline"][0]; ev["courier"] != "sim-east" || ev["status"] != "info_received" || ev["time"] == nil {
		t.Errorf("timeline event JSON = %v, want courier, time and status side by side", ev)
	}
}

func TestTrackNotFoundExplainsWhy(t *testing.T) {
	g := parcelGateway(t)
	got := runCLI(t, nil, "track", "SW1234567890", "--factor", "1111", "--gateway", g.URL)
	want := "Parcel not found: no courier has it, or the second factor is wrong (trackgate cannot tell which, by design).\n"
	if got.code != exitFailure || got.stderr != want || got.stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1, nothing, %q", got.code, got.stdout, got.stderr, want)
	}
	got = runCLI(t, nil, "track", "SW1234567890", "--factor", "0042", "--gateway", g.URL)
	if got.code != exitOK || !strings.Contains(got.stdout, "Not shipped yet\n") || !strings.Contains(got.stdout, "Sim West (sim-west) · pending") || !strings.Contains(got.stdout, "No events yet.") {
		t.Errorf("right factor: exit %d, stdout %q", got.code, got.stdout)
	}
}

func TestTrackRefusesBadNumberWithoutARequest(t *testing.T) {
	g := parcelGateway(t)
	for _, n := range []string{"SE12", "SE 1234 567 890 ✓", "SE1234567890/1"} {
		got := runCLI(t, nil, "track", n, "--gateway", g.URL)
		if got.code != exitUsage || !strings.HasPrefix(got.stderr, "Invalid tracking number") {
			t.Errorf("%q: exit %d, stderr %q; want 2 and the reason", n, got.code, got.stderr)
		}
	}
	if n := g.Requests(); n != 0 {
		t.Errorf("%d requests sent for numbers of the wrong shape, want none", n)
	}
}

func TestTrackFactorRequiredSaysSo(t *testing.T) {
	g := parcelGateway(t)
	got := runCLI(t, nil, "track", "SW1234567890", "--gateway", g.URL)
	if got.code != exitUsage || !strings.Contains(got.stderr, "second factor is required") || !strings.Contains(got.stderr, "Sim West (sim-west)") {
		t.Errorf("exit %d, stderr %q; want 2 naming Sim West", got.code, got.stderr)
	}
}

func TestTrackFetchModeFlag(t *testing.T) {
	tests := []struct {
		args                     []string
		wantBuckets, wantRecords int
	}{
		// 3 couriers in every one of the 3 rounds, whatever is found.
		{nil, 9, 0},
		{[]string{"--fast"}, 0, 9},
	}
	for _, tt := range tests {
		g := parcelGateway(t)
		got := runCLI(t, nil, append([]string{"track", "SE1234567890", "--gateway", g.URL}, tt.args...)...)
		if got.code != exitOK {
			t.Fatalf("%v: exit %d; %s", tt.args, got.code, got.stderr)
		}
		if b, r := g.Hits(clienttest.RouteBuckets), g.Hits(clienttest.RouteRecords); b != tt.wantBuckets || r != tt.wantRecords {
			t.Errorf("%v: %d bucket and %d record fetches, want %d and %d", tt.args, b, r, tt.wantBuckets, tt.wantRecords)
		}
	}
}

func TestTrackNotesCouriersThatDidNotAnswer(t *testing.T) {
	g := clienttest.New(t, clienttest.Config{BucketBits: 8, Couriers: []clienttest.Courier{simEast,
		{ID: "sim-slow", Name: "Sim Slow", Patterns: []api.Pattern{{Regex: `^SE`}}, Behaviour: clienttest.Timeout}}})
	g.AddParcel(t, "sim-east", "SE1234567890", "", clienttest.View("sim-east", "SE1234567890"))
	got := runCLI(t, nil, "track", "SE1234567890", "--gateway", g.URL, "--courier", "sim-slow")
	if want := "Courier unavailable, try again: sim-slow (timeout).\n"; got.code != exitUnavailable || got.stderr != want {
		t.Errorf("only the slow courier: exit %d, stderr %q; want %d, %q", got.code, got.stderr, exitUnavailable, want)
	}
	got = runCLI(t, nil, "track", "SE1234567890", "--gateway", g.URL)
	if got.code != exitOK || got.stderr != "Note: sim-slow did not answer (timeout).\n" {
		t.Errorf("beside a find: exit %d, stderr %q", got.code, got.stderr)
	}
}

func TestTimelineFormatting(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	etas := []struct {
		from, to, want string
	}{
		{"2026-11-23T09:00:00Z", "2026-11-23T13:00:00Z", "2026-11-23 17:00–21:00 +08:00"},
		{"2026-11-23T09:00:00Z", "2026-11-24T09:00:00Z", "2026-11-23 17:00 – 2026-11-24 17:00 +08:00"},
	}
	for _, tt := range etas {
		if got := formatETA(&adapters.ETA{From: at(tt.from), To: at(tt.to)}, shanghai); got != tt.want {
			t.Errorf("formatETA(%s, %s) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
	places := []struct {
		loc  *adapters.Location
		want string
	}{
		{&adapters.Location{City: "Shenzhen", Region: "Guangdong", Country: "CN"}, "Shenzhen, Guangdong CN"},
		{&adapters.Location{City: "Lyon", Country: "FR"}, "Lyon FR"},
		{&adapters.Location{Region: "Bavaria"}, "Bavaria"},
		{&adapters.Location{Country: "DE"}, "DE"},
		{&adapters.Location{}, "-"},
		{nil, "-"},
	}
	for _, tt := range places {
		if got := formatLocation(tt.loc); got != tt.want {
			t.Errorf("formatLocation(%+v) = %q, want %q", tt.loc, got, tt.want)
		}
	}
}

func TestTrackCourierUnavailableIsNotNotFound(t *testing.T) {
	tests := []struct {
		name    string
		courier clienttest.Courier
	}{
		{"evaluation unavailable", clienttest.Courier{ID: "sim-down", Name: "Sim Down", Patterns: []api.Pattern{{Regex: `^SD`}}, Behaviour: clienttest.Unavailable}},
		{"left out of the bucket", clienttest.Courier{ID: "sim-down", Name: "Sim Down", Patterns: []api.Pattern{{Regex: `^SD`}}, Missing: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := clienttest.New(t, clienttest.Config{BucketBits: 8, Couriers: []clienttest.Courier{simEast, tt.courier}})
			g.AddParcel(t, "sim-down", "SD1234567890", "", clienttest.View("sim-down", "SD1234567890"))
			got := runCLI(t, nil, "track", "SD1234567890", "--gateway", g.URL)
			want := "Courier unavailable, try again: sim-down (unavailable).\n"
			if got.code != exitUnavailable || got.stderr != want || got.stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, nothing, %q", got.code, got.stdout, got.stderr, exitUnavailable, want)
			}
		})
	}
	if exitUnavailable == exitFailure || exitUnavailable == exitUsage {
		t.Errorf("exit %d for an unavailable courier is not distinct", exitUnavailable)
	}
	help := runCLI(t, nil, "track", "--help")
	if !strings.Contains(help.stdout, "3 when\nnothing was found because a courier was unavailable") {
		t.Errorf("track --help does not document exit status 3:\n%s", help.stdout)
	}
}

func TestTrackNotesHandoffsBeyondTheLookup(t *testing.T) {
	var couriers []clienttest.Courier
	for _, id := range []string{"sim-a", "sim-b", "sim-c", "sim-d"} {
		couriers = append(couriers, clienttest.Courier{ID: id, Name: id})
	}
	couriers[0].Patterns = []api.Pattern{{Regex: `^AA`}}
	g := clienttest.New(t, clienttest.Config{BucketBits: 8, Couriers: couriers})
	chain := []struct{ courier, number string }{{"sim-a", "AA0000000001"}, {"sim-b", "BB0000000002"}, {"sim-c", "CC0000000003"}, {"sim-d", "DD0000000004"}}
	for i, leg := range chain {
		v := clienttest.View(leg.courier, leg.number)
		if i+1 < len(chain) {
			v.Handoffs = []adapters.Handoff{{Courier: chain[i+1].courier, TrackingNumber: chain[i+1].number}}
		}
		g.AddParcel(t, leg.courier, leg.number, "", v)
	}
	got := runCLI(t, nil, "track", "AA0000000001", "--gateway", g.URL)
	want := "Note: the handoff to sim-d as DD0000000004 was not followed; a lookup follows at most 2.\n"
	if got.code != exitOK || got.stderr != want || !strings.Contains(got.stdout, "CC0000000003 · sim-c") {
		t.Errorf("exit %d, stderr %q, stdout:\n%s\nwant 0, %q and three legs", got.code, got.stderr, got.stdout, want)
	}
}

func TestTrackSaysStillLoadingNotNotFound(t *testing.T) {
	loading := simEast
	loading.Loading = true // its host is still publishing its first records
	g := clienttest.New(t, clienttest.Config{BucketBits: 8, Couriers: []clienttest.Courier{loading}})
	for _, args := range [][]string{nil, {"--fast"}, {"--json"}} {
		got := runCLI(t, nil, append([]string{"track", "SE1234567890", "--gateway", g.URL}, args...)...)
		want := "Still loading: sim-east is still publishing its parcels, so this one may not show yet; try again in a few minutes.\n"
		if got.code != exitUnavailable || got.stderr != want || got.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %d, nothing, %q", args, got.code, got.stdout, got.stderr, exitUnavailable, want)
		}
	}
	// Found at a loading courier, the parcel is shown as any other.
	g.AddParcel(t, "sim-east", "SE1234567890", "", clienttest.View("sim-east", "SE1234567890"))
	if got := runCLI(t, nil, "track", "SE1234567890", "--gateway", g.URL); got.code != exitOK || got.stderr != "" {
		t.Errorf("a parcel at a loading courier: exit %d, stderr %q; want it shown", got.code, got.stderr)
	}
	help := runCLI(t, nil, "track", "--help")
	if !strings.Contains(help.stdout, `or is still loading its parcels ("still
loading")`) {
		t.Errorf("track --help does not document still loading:\n%s", help.stdout)
	}
}
