package main

import (
	"encoding/json"
	"slices"
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

// builtInMatch is one line of detect --json without a gateway.
type builtInMatch struct{ Courier, Format, Regex, Checksum string }

func detectJSON(t *testing.T, vars map[string]string, args ...string) []builtInMatch {
	t.Helper()
	got := runCLI(t, vars, append([]string{"detect", "--json"}, args...)...)
	if got.code != exitOK {
		t.Fatalf("exit %d: %s", got.code, got.stderr)
	}
	var out struct {
		Matches []builtInMatch `json:"matches"`
	}
	if err := json.Unmarshal([]byte(got.stdout), &out); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, got.stdout)
	}
	return out.Matches
}

func TestDetectWithoutGatewayUsesBuiltInRules(t *testing.T) {
	// No gateway runs here: an attempt to reach one would fail the command.
	tests := []struct {
		number string
		want   []builtInMatch
	}{
		{"1Z999AA10123456784", []builtInMatch{{"ups", "1Z", `^1Z[0-9A-Z]{16}$`, "ups-mod10"}}},
		{"1Z999AA10123456785", nil}, // a wrong check digit matches no courier
		{"771234567890", []builtInMatch{
			{"fedex", "Express 12-digit", `^[0-9]{12}$`, "fedex-mod11"},
			{"sto", "77 + 10–13 digits", `^77[0-9]{10,13}$`, ""},
			{"zto", "12-digit 2–9", `^[2-9][0-9]{11}$`, ""},
		}},
		{"sf 1234 5678 9012 3", []builtInMatch{{"sf-express", "SF + 12–13 digits", `^SF[0-9]{12,13}$`, ""}}},
	}
	for _, tt := range tests {
		if got := detectJSON(t, nil, tt.number); !slices.Equal(got, tt.want) {
			t.Errorf("detect %s = %+v, want %+v", tt.number, got, tt.want)
		}
	}
}

func TestDetectWithoutGatewayPrintsATable(t *testing.T) {
	got := runCLI(t, nil, "detect", "771234567890")
	lines := strings.Split(strings.TrimSpace(got.stdout), "\n")
	want := []string{"COURIER FORMAT CHECK DIGIT", "fedex Express 12-digit fedex-mod11, verified",
		"sto 77 + 10–13 digits none (prefix and length only)", "zto 12-digit 2–9 none (prefix and length only)"}
	if got.code != exitOK || len(lines) != len(want) {
		t.Fatalf("exit %d, stdout:\n%s", got.code, got.stdout)
	}
	for i, line := range lines {
		if strings.Join(strings.Fields(line), " ") != want[i] {
			t.Errorf("line %d = %q, want %q", i, line, want[i])
		}
	}
	got = runCLI(t, nil, "detect", "ZZ1234567890")
	if got.code != exitOK || !strings.HasPrefix(got.stdout, "No built-in rule matches") {
		t.Errorf("no match: exit %d, stdout %q", got.code, got.stdout)
	}
	if got = runCLI(t, nil, "detect", "1Z?"); got.code != exitUsage {
		t.Errorf("bad shape: exit %d, want %d", got.code, exitUsage)
	}
}

func TestDetectGatewayFromEnvironmentUsesItsDirectory(t *testing.T) {
	g := detectGateway(t)
	got := detectJSON(t, map[string]string{"TRACKGATE_GATEWAY": g.URL}, "SE1234567890")
	if len(got) != 2 || got[0].Courier != "sim-east" || got[0].Format != `^SE[0-9]{10}$` || got[1].Courier != "catch-all" {
		t.Errorf("matches = %+v, want sim-east then catch-all from the directory", got)
	}
	if g.Hits(clienttest.RouteCouriers) != 1 {
		t.Errorf("the directory was fetched %d times, want 1", g.Hits(clienttest.RouteCouriers))
	}
}
