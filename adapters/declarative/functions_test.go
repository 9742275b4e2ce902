package declarative

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// runJQ runs src on the JSON input with trackgate's functions.
func runJQ(t *testing.T, src, input string) any {
	t.Helper()
	e := mustJQ(t, src)
	var in any
	dec := json.NewDecoder(strings.NewReader(input))
	dec.UseNumber()
	if err := dec.Decode(&in); err != nil {
		t.Fatal(err)
	}
	out, err := e.first(context.Background(), in, []any{"1234567890", ""})
	if err != nil {
		t.Fatalf("%s on %s: %v", src, input, err)
	}
	return out
}

func TestLocalityReadsTheFormatsCarriersSend(t *testing.T) {
	cases := []struct {
		in, hint string
		want     map[string]any
	}{
		{"LOS ANGELES, CA - USA", "", map[string]any{"city": "LOS ANGELES", "region": "CA", "country": "US"}},
		{"LOS ANGELES, CA", "US", map[string]any{"city": "LOS ANGELES", "region": "CA", "country": "US"}},
		{"Henderson, NV, US", "US", map[string]any{"city": "Henderson", "region": "NV", "country": "US"}},
		{"NEW YORK, NY - EAST ELMHURST - USA", "", map[string]any{"city": "NEW YORK", "region": "NY", "country": "US"}},
		{"KARACHI - KARACHI - PAKISTAN", "", map[string]any{"city": "KARACHI", "country": "PK"}},
		{"LEIPZIG - GERMANY", "", map[string]any{"city": "LEIPZIG", "country": "DE"}},
		{"HEATHROW, GB", "GB", map[string]any{"city": "HEATHROW", "country": "GB"}},
		{"Oderweg 2, AMSTERDAM", "NL", map[string]any{"city": "AMSTERDAM", "country": "NL"}},
		{"Deutschland", "", map[string]any{"country": "DE"}},
		{"Keizersgracht 123", "", nil},
		{"", "", nil},
	}
	for _, tc := range cases {
		in, _ := json.Marshal(map[string]string{"l": tc.in, "c": tc.hint})
		got := runJQ(t, `.c as $c | .l | locality($c)`, string(in))
		if tc.want == nil && got != nil || tc.want != nil && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("locality(%q, %q) = %v; want %v", tc.in, tc.hint, got, tc.want)
		}
	}
}

func TestLocalTimeGivesAPlacesOffset(t *testing.T) {
	for _, tc := range []struct{ in, place, want string }{
		{`"2021-04-26T11:42:00"`, `"NEW YORK, NY - USA"`, "2021-04-26T11:42:00-04:00"},
		{`"2021-01-26T11:42:00"`, `{"country":"US","region":"NY"}`, "2021-01-26T11:42:00-05:00"},
		{`"2021-05-04T17:47:00"`, `"KARACHI - PAKISTAN"`, "2021-05-04T17:47:00+05:00"},
		{`"2021-05-04T17:47:00+01:00"`, `"KARACHI - PAKISTAN"`, "2021-05-04T17:47:00+01:00"},
		{`"2021-05-04T17:47:00"`, `"Atlantis"`, "2021-05-04T17:47:00"},
	} {
		if got := runJQ(t, `.[0] | local_time(`+tc.place+`)`, "["+tc.in+"]"); got != tc.want {
			t.Errorf("%s | local_time(%s) = %v; want %s", tc.in, tc.place, got, tc.want)
		}
	}
}

func TestTrackingNumberAndPhraseStatus(t *testing.T) {
	if got := runJQ(t, `.id | tracking_number`, `{"id": 12345678901234567890}`); got != "12345678901234567890" {
		t.Errorf("a numeric id became %v", got)
	}
	if got := runJQ(t, `.id | tracking_number`, `{"id": "jd 0146-0000"}`); got != "JD01460000" {
		t.Errorf("an id became %v", got)
	}
	if got := runJQ(t, `.id | tracking_number`, `{"id": {"x": 1}}`); got != nil {
		t.Errorf("an object became %v", got)
	}
	for text, want := range map[string]any{"With delivery courier": "out_for_delivery", "已签收，感谢使用": "delivered", "Customs status updated": "in_transit", "Tracking details updated": nil, "Thank you": nil} {
		in, _ := json.Marshal(text)
		if got := runJQ(t, `phrase_status`, string(in)); got != want {
			t.Errorf("%q | phrase_status = %v; want %v", text, got, want)
		}
	}
}
