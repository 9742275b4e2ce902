package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
)

// watchGateway holds SE1234567890, in transit at sim-east, among three
// couriers.
func watchGateway(t *testing.T, keys ...string) *clienttest.Gateway {
	t.Helper()
	g := clienttest.New(t, clienttest.Config{BucketBits: 8, SecretKeys: keys, Couriers: []clienttest.Courier{simEast,
		{ID: "sim-west", Name: "Sim West", Factor: "phone_last4", Patterns: []api.Pattern{{Regex: `^SW[0-9]{10}$`}}},
		{ID: "sim-last", Name: "Sim Last Mile"}}})
	g.AddParcel(t, "sim-east", "SE1234567890", "", seView())
	return g
}

func seView(more ...adapters.Event) adapters.View {
	events := append([]adapters.Event{
		clienttest.Event("2026-11-20T09:00:00+08:00", adapters.StatusInfoReceived, "Label created", "Shenzhen", "Guangdong", "CN"),
		clienttest.Event("2026-11-21T14:03:00+08:00", adapters.StatusInTransit, "Departed facility", "Shenzhen", "Guangdong", "CN"),
	}, more...)
	return clienttest.View("sim-east", "SE1234567890", events...)
}

var outForDelivery = clienttest.Event("2026-11-22T08:00:00+08:00", adapters.StatusOutForDelivery, "Out for delivery", "Shanghai", "", "CN")

// lookupShape is what one lookup sent, as the gateway saw it: the routes
// and body sizes of its evaluations and fetches, in a canonical order.
func lookupShape(seen []clienttest.Request) []string {
	var out []string
	for _, r := range seen {
		if r.Route == clienttest.RouteCouriers {
			continue
		}
		out = append(out, r.Route+" "+strings.Join(r.Couriers, ","))
	}
	slices.Sort(out)
	return out
}

func TestTrackWatchPrintsEachChangeWithTheSameLookup(t *testing.T) {
	g := watchGateway(t)
	s := startCLI(t, nil, "track", "SE1234567890", "--gateway", g.URL, "--watch", "--interval", "20s")
	tk := s.nextTick(t)
	if tk.d != 20*time.Second {
		t.Errorf("waits %s between lookups, want 20s", tk.d)
	}
	first := s.stdout.String()
	if !strings.HasPrefix(first, "In transit\n") || !strings.Contains(first, "Departed facility") {
		t.Fatalf("no timeline first:\n%s", first)
	}
	firstShape := lookupShape(g.Seen())

	// A new event: its row, and the new headline.
	g.AddParcel(t, "sim-east", "SE1234567890", "", seView(outForDelivery))
	tk.fire <- time.Now()
	tk = s.nextTick(t)
	added := strings.TrimPrefix(s.stdout.String(), first)
	// The row lines up with the timeline printed before.
	want := "2026-11-22 08:00 +08:00  Shanghai CN             out for delivery  Out for delivery\n→ Out for delivery\n"
	if added != want {
		t.Errorf("after a new event, printed %q, want %q", added, want)
	}
	all := g.Seen()
	if second := lookupShape(all[len(firstShape)+1:]); !slices.Equal(second, firstShape) {
		t.Errorf("the repeated lookup differs in shape:\n%v\nwant\n%v", second, firstShape)
	}

	// Nothing new: nothing printed.
	printed := s.stdout.String()
	tk.fire <- time.Now()
	tk = s.nextTick(t)
	if got := s.stdout.String(); got != printed {
		t.Errorf("an unchanged parcel printed %q", strings.TrimPrefix(got, printed))
	}

	// The gateway down for a moment: a notice, and it keeps going.
	g.Fail(clienttest.RouteEvaluate, http.StatusServiceUnavailable, "Down for maintenance.")
	tk.fire <- time.Now()
	tk = s.nextTick(t)
	notice := s.stderr.String()
	if !strings.HasPrefix(notice, "Could not refresh at ") || !strings.HasSuffix(notice, "Trying again in 20s.\n") || strings.Count(notice, "\n") != 1 {
		t.Errorf("stderr = %q, want one line saying it will try again", notice)
	}
	g.Recover(clienttest.RouteEvaluate)
	g.AddParcel(t, "sim-east", "SE1234567890", "", seView(outForDelivery,
		clienttest.Event("2026-11-22T15:00:00+08:00", adapters.StatusDelivered, "Delivered", "Shanghai", "", "CN")))
	tk.fire <- time.Now()
	s.nextTick(t)
	if !strings.HasSuffix(s.stdout.String(), "2026-11-22 15:00 +08:00  Shanghai CN             delivered         Delivered\n→ Delivered\n") {
		t.Errorf("after recovering, stdout ends %q", s.stdout.String()[len(printed):])
	}
	if code := s.stop(t); code != exitOK {
		t.Errorf("Ctrl-C: exit %d, want 0\n%s", code, s)
	}
}

func TestTrackWatchJSONPrintsTheDocumentAtEachChange(t *testing.T) {
	g := watchGateway(t)
	s := startCLI(t, nil, "track", "SE1234567890", "--gateway", g.URL, "--watch", "--json", "--lang", "zh-CN")
	tk := s.nextTick(t)
	if tk.d != defaultWatchInterval {
		t.Errorf("waits %s by default, want %s", tk.d, defaultWatchInterval)
	}
	g.AddParcel(t, "sim-east", "SE1234567890", "", seView(outForDelivery))
	tk.fire <- time.Now()
	s.nextTick(t)
	lines := strings.Split(strings.TrimSuffix(s.stdout.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want the document at start and after the change:\n%s", len(lines), s.stdout)
	}
	var doc struct {
		Headline struct {
			Code  string `json:"code"`
			Label string `json:"label"`
		} `json:"headline"`
		Timeline []client.TimelineEvent `json:"timeline"`
	}
	if err := json.Unmarshal([]byte(lines[1]), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Headline.Code != client.HeadlineOutForDelivery || doc.Headline.Label != "派送中" || len(doc.Timeline) != 3 {
		t.Errorf("second document = %+v", doc)
	}
}

func TestTrackWatchRefusesAShortInterval(t *testing.T) {
	g := watchGateway(t)
	got := runCLI(t, nil, "track", "SE1234567890", "--gateway", g.URL, "--watch", "--interval", "5s")
	if got.code != exitUsage || got.stderr != "--interval 5s is too short: at least 15s between lookups.\n" {
		t.Errorf("exit %d, stderr %q", got.code, got.stderr)
	}
	if g.Requests() != 0 {
		t.Errorf("%d requests sent before refusing the interval", g.Requests())
	}
}
