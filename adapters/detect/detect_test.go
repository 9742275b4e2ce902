package detect

import (
	"errors"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/crypto"
)

func TestDetectListsCandidatesBestFirst(t *testing.T) {
	tests := []struct {
		name   string
		number string
		want   string // courier:format, best first
	}{
		{"UPS check digit", "1Z 999 AA1 0123 4567 84", "ups:1Z"},
		{"UPS, wrong check digit", "1Z999AA10123456785", ""},
		{"FedEx Express beats ZTO's shape", "799531274483", "fedex:Express 12-digit,zto:12-digit 2–9"},
		{"12 digits from 77 fit STO and ZTO", "771234567891", "sto:77 + 10–13 digits,zto:12-digit 2–9"},
		{"verified FedEx first, then the longer prefix", "771234567890", "fedex:Express 12-digit,sto:77 + 10–13 digits,zto:12-digit 2–9"},
		{"15-digit STO number", "773123456789012", "sto:77 + 10–13 digits"},
		{"15-digit STO number that passes the GS1 check", "773123456789011", "fedex:Ground 15-digit,sto:77 + 10–13 digits"},
		{"Yunda 15 digits", "431234567890123", "yunda:15-digit 3/4"},
		{"Yunda 13 digits", "4612345678901", "yunda:13-digit 43/46"},
		{"ZTO 14 digits", "78123456789012", "zto:14-digit 73–78"},
		{"SF Express", "SF1234567890123", "sf-express:SF + 12–13 digits"},
		{"SF Express, lower case with spaces", "sf 1234 5678 9012", "sf-express:SF + 12–13 digits"},
		{"JD", "JDVA12345678901", "jd:JD + 13"},
		{"JD, older", "VB44006699225", "jd:V + letter + 11 digits"},
		{"ZTO 12 digits from 6", "633186451144", "zto:12-digit 2–9"},
		{"12 digits from 3 fit STO and ZTO", "358758561495", "sto:12-digit 3,zto:12-digit 2–9"},
		{"YTO", "YT1234567890123", "yto:YT + 13 digits"},
		{"EMS", "EE123456785CN", "ems:EMS S10"},
		{"China Post registered", "RA123456785CN", "ems:China Post S10"},
		{"Royal Mail", "RB123456785GB", "upu:S10"},
		{"S10 with a country that does not exist", "RB123456785XX", ""},
		{"S10 with a wrong check digit", "RB123456784GB", ""},
		{"DHL Express", "3318810025", "dhl:Express 10-digit"},
		{"USPS IMpb", "9400 1112 0108 0805 4830 16", "usps:IMpb 22-digit"},
		{"FedEx Ground 96", "9611020987654312345672", "fedex:Ground 96 22-digit"},
		{"FedEx SmartPost", "61299998820821171811", "fedex:SmartPost 20-digit"},
		{"USPS 20", "0307 1790 0005 2348 3741", "usps:20-digit"},
		{"nothing fits", "ABC123", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Detect(tt.number)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, m := range got {
				names = append(names, m.Courier+":"+m.Format)
				if m.Verified != (m.Checksum != "") {
					t.Errorf("%s: Verified %v with checksum %q", m.Courier, m.Verified, m.Checksum)
				}
			}
			if g := strings.Join(names, ","); g != tt.want {
				t.Errorf("Detect(%q) = %s, want %s", tt.number, g, tt.want)
			}
		})
	}
}

func TestDetectRefusesNumbersOfTheWrongShape(t *testing.T) {
	for _, n := range []string{"", "1Z?", "12345", "SF１２３４５６７８９０１２３", strings.Repeat("9", 41)} {
		if got, err := Detect(n); !errors.Is(err, crypto.ErrInvalidTrackingNumber) || got != nil {
			t.Errorf("Detect(%q) = %v, %v; want ErrInvalidTrackingNumber", n, got, err)
		}
	}
}

func TestPatternsGiveACouriersRules(t *testing.T) {
	if got, want := Patterns("ups"), []Pattern{{Regex: `^1Z[0-9A-Z]{16}$`, Checksum: "ups-mod10"}}; !slices.Equal(got, want) {
		t.Errorf("Patterns(ups) = %v, want %v", got, want)
	}
	if got := Patterns("fedex"); len(got) != 4 || got[0].Checksum != "fedex-mod11" {
		t.Errorf("Patterns(fedex) = %v, want its 4 formats, Express first", got)
	}
	if got := Patterns("sim-swift"); got != nil {
		t.Errorf("Patterns(sim-swift) = %v, want nil", got)
	}
}

func TestRulesReturnsACopy(t *testing.T) {
	Rules()[0].Regex = "changed"
	if Rules()[0].Regex == "changed" {
		t.Fatal("changing the returned rules changed the built-in ones")
	}
}

func TestLiteralRunesCountsWhatEveryMatchFixes(t *testing.T) {
	tests := []struct {
		regex string
		want  int
	}{
		{`^[A-Z0-9]{6,40}$`, 0},
		{`^1Z[0-9A-Z]{16}$`, 2},
		{`^(SF|JD)[0-9]{12}$`, 2},
		{`^(SF|J)[0-9]{12}$`, 1},
		{`^(?:AB)+[0-9]+$`, 2},
		{`^X{3}[0-9]*$`, 3},
		{`^(?:LP)?[0-9]{14}$`, 0},
		{`^E[A-Z][0-9]{9}CN$`, 3},
	}
	for _, tt := range tests {
		re, err := syntax.Parse(tt.regex, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if got := LiteralRunes(re.Simplify()); got != tt.want {
			t.Errorf("LiteralRunes(%s) = %d, want %d", tt.regex, got, tt.want)
		}
	}
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"1Z999AA10123456784", "sf 1234 5678 9012", "RA123456785CN", "771234567890", "1Z?", "", "ǅ1234567"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, number string) {
		got, err := Detect(number)
		tn, normErr := crypto.NormalizeTrackingNumber(number)
		if (err != nil) != (normErr != nil) {
			t.Fatalf("Detect error %v, normalization error %v", err, normErr)
		}
		if err != nil {
			if !errors.Is(err, crypto.ErrInvalidTrackingNumber) {
				t.Fatalf("error %v does not wrap ErrInvalidTrackingNumber", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, m := range got {
			if seen[m.Courier] {
				t.Fatalf("%s listed twice", m.Courier)
			}
			seen[m.Courier] = true
			i := slices.Index(rules, m.Rule)
			if i < 0 || !compiled[i].re.MatchString(tn) {
				t.Fatalf("%s %q does not match %s", m.Courier, m.Format, tn)
			}
			if m.Checksum != "" && !checksums[m.Checksum](tn) {
				t.Fatalf("%s %q: check digit of %s is wrong", m.Courier, m.Format, tn)
			}
		}
	})
}

// TestRealFedExNumbersAreFedExFirst runs the numbers of the real FedEx
// answers in adapters/fedex/testdata/real (their README cites where
// each comes from): every one FedEx knew is detected as FedEx before any
// other courier, by a verified check digit, and the one FedEx answered
// "not found" fails FedEx's check digit.
func TestRealFedExNumbersAreFedExFirst(t *testing.T) {
	known := map[string]string{
		"122816215025810":      "Ground 15-digit",
		"449044304137821":      "Ground 15-digit",
		"231300687629630":      "Ground 15-digit",
		"377101283611590":      "Ground 15-digit",
		"076288115212522":      "Ground 15-digit",
		"843119172384577":      "Ground 15-digit",
		"61292701078443410536": "SmartPost 20-digit",
		"776094337676":         "Express 12-digit",
		"738488882438":         "Express 12-digit", // a FedEx Ground parcel with a 12-digit number
	}
	for number, format := range known {
		got, err := Detect(number)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || got[0].Courier != "fedex" || got[0].Format != format || !got[0].Verified {
			t.Errorf("Detect(%s) = %+v; want FedEx %s first, verified", number, got, format)
		}
	}
	got, err := Detect("647719948679")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range got {
		if m.Courier == "fedex" {
			t.Errorf("Detect(647719948679), a number FedEx does not know, = %+v", got)
		}
	}
}
