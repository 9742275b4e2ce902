package transparency

import (
	"testing"
)

func TestFieldsRoundTripForEveryKnownMetric(t *testing.T) {
	for _, m := range CourierMetrics() {
		checkRoundTrip(t, Courier("sim-swift"), m)
	}
	for _, m := range TenantMetrics() {
		checkRoundTrip(t, Tenant("demo"), m)
	}
	for _, m := range append(Reasons(), Fetches) {
		checkRoundTrip(t, Global, m)
	}
}

func checkRoundTrip(t *testing.T, s Scope, metric string) {
	t.Helper()
	f := field(s, metric)
	if f == "" {
		t.Fatalf("field(%+v, %q) refused a known metric", s, metric)
	}
	back, m, ok := parseField(f)
	if !ok || back != s || m != metric {
		t.Errorf("parseField(%q) = %+v %q %v, want %+v %q", f, back, m, ok, s, metric)
	}
}

// TestFieldRefusesWhatIsNotACount: only known scopes and metrics are ever
// kept, so nothing a request carries can be stored by mistake.
func TestFieldRefusesWhatIsNotACount(t *testing.T) {
	for _, tt := range []struct {
		scope  Scope
		metric string
	}{
		{Courier("sim-swift"), "subscriptions_created"}, // a tenant's metric
		{Tenant("demo"), RecordsStored},                 // a courier's metric
		{Global, Evaluations},
		{Courier("sim-swift"), "AAAAAAAAAAAAAAAAAAAAAA"},       // a locator as the metric
		{Courier("AAAAAAAAAAAAAAAAAAAAAA"), Evaluations},       // a locator as the id
		{Tenant("tg1pk_abc"), Fetches},                         // a key as the id
		{Courier("203.0.113.7"), Evaluations},                  // an address as the id
		{Tenant("shop:example"), Fetches},                      // a ':' would shift the field
		{Tenant("https://shop.example"), Fetches},              // an origin
		{Scope{Courier: "sim-swift", Tenant: "demo"}, Fetches}, // both
		{Global, "refused:203.0.113.7"},
		{Global, ""},
	} {
		if f := field(tt.scope, tt.metric); f != "" {
			t.Errorf("field(%+v, %q) = %q, want refused", tt.scope, tt.metric, f)
		}
	}
}

func TestParseFieldRefusesUnknownFields(t *testing.T) {
	for _, f := range []string{"", "global:", "global:evaluations", "courier:sim-swift", "courier::fetches",
		"tenant:demo:records_stored", "other:demo:fetches", "courier:sim-swift:fetches:x"} {
		if _, _, ok := parseField(f); ok {
			t.Errorf("parseField(%q) accepted", f)
		}
	}
}
