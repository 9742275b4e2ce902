package detect

import (
	"regexp"
	"testing"

	"github.com/trackgate/trackgate/crypto"
)

// jsCompatible is the syntax the rules may use: anchors, groups that do
// not capture, classes of ASCII upper-case letters and digits, counted
// repetition and alternation. Nothing JavaScript and RE2 read differently
// (flags like (?i), \A or \z, lookbehind, named groups, escapes) can pass.
var jsCompatible = regexp.MustCompile(`^\^(?:[A-Z0-9\[\]\-(|){},?*+]|\(\?:)*\$$`)

func TestRulesAreJavaScriptCompatibleAndAnchored(t *testing.T) {
	for _, r := range rules {
		if !jsCompatible.MatchString(r.Regex) {
			t.Errorf("%s %q: regex %s uses syntax outside the JavaScript-compatible subset", r.Courier, r.Format, r.Regex)
		}
		if _, err := regexp.Compile(r.Regex); err != nil {
			t.Errorf("%s: %v", r.Courier, err)
		}
	}
}

func TestJavaScriptCompatibleRefusesUnsupportedSyntax(t *testing.T) {
	for _, re := range []string{`^(?i)1Z[0-9A-Z]{16}$`, `\A1Z[0-9]{16}\z`, `^(?<=X)1Z$`, `^(?P<n>1Z)$`, `^\d{12}$`, `^1Z[0-9]{16}`, `1Z[0-9]{16}$`, `^[a-z]{12}$`} {
		if jsCompatible.MatchString(re) {
			t.Errorf("%s passes as JavaScript-compatible", re)
		}
	}
}

func TestRulesAreWellFormed(t *testing.T) {
	formats := map[string]bool{}
	for _, r := range rules {
		key := r.Courier + "/" + r.Format
		switch {
		case crypto.CheckCourierID(r.Courier) != nil:
			t.Errorf("%s: not a courier id", key)
		case r.Format == "":
			t.Errorf("%s: no format name", key)
		case formats[key]:
			t.Errorf("%s: format listed twice", key)
		}
		formats[key] = true
		if _, ok := Checksum(r.Checksum); r.Checksum != "" && !ok {
			t.Errorf("%s: unknown checksum %q", key, r.Checksum)
		}
	}
	want := []string{"ups", "fedex", "usps", "dhl", "ems", "upu", "sf-express", "jd", "yto", "zto", "sto", "yunda"}
	for _, c := range want {
		if Patterns(c) == nil {
			t.Errorf("no rule for %s", c)
		}
	}
}

func TestCountriesAreTheISOCodes(t *testing.T) {
	if len(countries) != 249 {
		t.Errorf("%d country codes, want the 249 of ISO 3166-1", len(countries))
	}
	for i, c := range countries {
		if len(c) != 2 || !isLetters(c) || (i > 0 && countries[i-1] >= c) {
			t.Errorf("country code %q at %d is malformed or out of order", c, i)
		}
	}
	re := regexp.MustCompile(`^` + countryAlternation("CN") + `$`)
	for _, c := range countries {
		if re.MatchString(c) != (c != "CN") {
			t.Errorf("alternation without CN: %s matches = %v", c, re.MatchString(c))
		}
	}
}
