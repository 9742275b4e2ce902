package declarative

import (
	"strings"
	"testing"
)

// minimal is the smallest description that loads.
const minimal = `carrier: lark-post
base_url: https://api.larkpost.example
options:
  api_key: {required: true}
request:
  url: "{base_url}/v1/parcels/{number}"
auth:
  header: {name: X-Api-Key, value: "{option.api_key}"}
answer:
  events: .scans[]
  event:
    time: .at
    description: .note
status:
  codes: {delivered: delivered}
`

func TestLoadTakesAMinimalDescription(t *testing.T) {
	d, err := Load("lark.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if d.courier() != "lark-post" || d.spec.Request.Method != "GET" || d.spec.Status.Uncoded != byPhrases {
		t.Errorf("defaults: courier %q, method %q, uncoded %q", d.courier(), d.spec.Request.Method, d.spec.Status.Uncoded)
	}
}

func TestLoadRefusesMistakesNamingTheirLine(t *testing.T) {
	cases := []struct {
		name      string
		old, new  string
		wantParts []string
	}{
		{"unknown key", "request:\n", "requests:\n  method: GET\nrequest:\n", []string{"line 5:", "unknown key requests"}},
		{"unknown nested key", "    time: .at\n", "    time: .at\n    place: .city\n", []string{"line 13:", "unknown key place"}},
		{"jq syntax error", "events: .scans[]", "events: .scans[", []string{"line 10:", "jq expression", `".scans["`}},
		{"jq unknown function", "time: .at", "time: .at | todate_local", []string{"line 12:", "todate_local"}},
		{"status outside the taxonomy", "{delivered: delivered}", "{delivered: signed}", []string{"line 15:", `"signed" is not a tg1 status`}},
		{"refined into a status outside the taxonomy", "  codes: {delivered: delivered}\n", "  codes: {delivered: delivered}\n  refine:\n    delivered: [returned, back]\n", []string{"line 17:", `"back" is not a tg1 status`}},
		{"refining a code the table lacks", "  codes: {delivered: delivered}\n", "  codes: {delivered: delivered}\n  refine:\n    transit: [out_for_delivery]\n", []string{"line 17:", `"transit" is not a code`}},
		{"no number in the request", "/v1/parcels/{number}", "/v1/parcels", []string{"line 6:", "{number} is sent nowhere"}},
		{"undeclared option", "{option.api_key}", "{option.apikey}", []string{"line 8:", `option "apikey" is not declared`}},
		{"unknown placeholder", "/v1/parcels/{number}", "/v1/parcels/{tracking_number}", []string{"line 6:", "unknown placeholder {tracking_number}"}},
		{"query in the url", "/v1/parcels/{number}", "/v1/parcels?n={number}", []string{"line 6:", "request.query"}},
		{"error class", "status:\n", "errors:\n  http: {404: gone}\nstatus:\n", []string{"line 15:", `"gone" is not an error class`}},
		{"reserved option", "  api_key: {required: true}", "  api_key: {required: true}\n  courier: {}", []string{"options: \"courier\" is taken"}},
		{"GET with a body", "  url: \"{base_url}/v1/parcels/{number}\"\n", "  url: \"{base_url}/v1/parcels/{number}\"\n  method: GET\n  body: {json: {n: \"{number}\"}}\n", []string{"a GET request has no body"}},
		{"HMAC without a key", "  header: {name: X-Api-Key, value: \"{option.api_key}\"}\n", "  header: {name: X-Api-Key, value: \"{option.api_key}\"}\n  sign: {algorithm: hmac-sha256, over: \"{number}\", header: X-Sign}\n", []string{"an HMAC needs a key"}},
		{"signature going two ways", "  header: {name: X-Api-Key, value: \"{option.api_key}\"}\n", "  header: {name: X-Api-Key, value: \"{option.api_key}\"}\n  sign: {algorithm: md5, over: \"{number}\", header: X-Sign, query: sign}\n", []string{"exactly one of header, query and form"}},
		{"signing a form field the form lacks", "  header: {name: X-Api-Key, value: \"{option.api_key}\"}\n", "  header: {name: X-Api-Key, value: \"{option.api_key}\"}\n  sign: {algorithm: md5, over: \"{form.data}\", header: X-Sign}\n", []string{"has no field \"data\""}},
		{"zone", "carrier: lark-post\n", "carrier: lark-post\nzone: Mars/Olympus\n", []string{"line 2:", "Mars/Olympus"}},
		{"no events", "  events: .scans[]\n", "", []string{"answer.events is required"}},
		{"bad courier id", "carrier: lark-post\n", "carrier: lark-post\ncourier: Lark Post\n", []string{"courier:"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(minimal, tc.old) {
				t.Fatalf("the case's old text %q is not in the description", tc.old)
			}
			doc := strings.Replace(minimal, tc.old, tc.new, 1)
			_, err := Load("lark.yaml", []byte(doc))
			if err == nil {
				t.Fatalf("Load accepted:\n%s", doc)
			}
			for _, part := range append(tc.wantParts, "lark.yaml") {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("error %q does not say %q", err, part)
				}
			}
		})
	}
}

func TestLoadReportsEveryMistakeAtOnce(t *testing.T) {
	doc := strings.NewReplacer("{delivered: delivered}", "{delivered: signed, transit: moving}", ".scans[]", ".scans[").Replace(minimal)
	_, err := Load("lark.yaml", []byte(doc))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, part := range []string{"line 10:", `"signed"`, `"moving"`} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q misses %q", err, part)
		}
	}
}

func TestTheBuiltInCarriersLoad(t *testing.T) {
	if len(Carriers()) == 0 {
		t.Fatal("no built-in carrier")
	}
	for _, name := range Carriers() {
		if _, err := Carrier(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := Carrier("../load_test"); err == nil {
		t.Error("Carrier read outside carriers/")
	}
}
