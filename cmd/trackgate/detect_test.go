package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
)

func detectGateway(t *testing.T) *clienttest.Gateway {
	t.Helper()
	return clienttest.New(t, clienttest.Config{BucketBits: 8, Couriers: []clienttest.Courier{
		{ID: "catch-all", Name: "Catch All", Patterns: []api.Pattern{{Regex: `^[A-Z0-9]{6,40}$`}}},
		simEast,
		{ID: "sim-west", Name: "Sim West", Factor: "phone_last4", Patterns: []api.Pattern{{Regex: `^SW[0-9]{10}$`}}},
	}})
}

func TestDetectJSONListsMatchesBestFirst(t *testing.T) {
	g := detectGateway(t)
	got := runCLI(t, nil, "detect", "se-1234567890", "--json", "--gateway", g.URL)
	if got.code != exitOK {
		t.Fatalf("exit %d: %s", got.code, got.stderr)
	}
	var out struct {
		Matches []struct{ Courier, Name, Factor, Format string } `json:"matches"`
	}
	if err := json.Unmarshal([]byte(got.stdout), &out); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, got.stdout)
	}
	if len(out.Matches) != 2 || out.Matches[0].Courier != "sim-east" || out.Matches[0].Format != `^SE[0-9]{10}$` || out.Matches[1].Courier != "catch-all" {
		t.Errorf("matches = %+v, want sim-east (its regex) then catch-all", out.Matches)
	}
	if g.Hits(clienttest.RouteEvaluate) != 0 || g.Hits(clienttest.RouteCouriers) != 1 {
		t.Errorf("detect sent more than the directory request")
	}
}

func TestDetectTableAndNoMatch(t *testing.T) {
	g := detectGateway(t)
	got := runCLI(t, nil, "detect", "SW1234567890", "--gateway", g.URL)
	lines := strings.Split(got.stdout, "\n")
	if got.code != exitOK || len(lines) < 3 || !strings.HasPrefix(lines[0], "COURIER") ||
		strings.Join(strings.Fields(lines[1]), " ") != "Sim West (sim-west) phone last 4 (--factor) ^SW[0-9]{10}$" ||
		!strings.HasPrefix(lines[2], "Catch All (catch-all)") {
		t.Errorf("exit %d, stdout:\n%s", got.code, got.stdout)
	}
	got = runCLI(t, nil, "detect", "SW1-2", "--gateway", g.URL, "--json")
	if got.code != exitUsage || g.Requests() != 1 {
		t.Errorf("bad shape: exit %d after %d requests, want 2 and no new request", got.code, g.Requests())
	}
	lonely := clienttest.New(t, clienttest.Config{BucketBits: 8, Couriers: []clienttest.Courier{simEast}})
	got = runCLI(t, nil, "detect", "ZZ1234567890", "--gateway", lonely.URL, "--json")
	if got.code != exitOK || strings.TrimSpace(got.stdout) != `{
  "matches": []
}` {
		t.Errorf("no match: exit %d, stdout %q", got.code, got.stdout)
	}
}
