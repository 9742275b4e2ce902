package detect

import (
	"regexp"
	"regexp/syntax"
)

// Rule is one tracking-number format of a courier.
type Rule struct {
	Courier string // courier id (docs/protocol.md §3), e.g. "ups"
	Format  string // the format's name for people, e.g. "Express 12-digit"
	// Regex is anchored ^…$, runs over the normalized number, and reads
	// the same in JavaScript and Go (RE2).
	Regex string
	// Checksum names the check-digit algorithm (see Checksum), or "" for a
	// format recognized by prefix and length alone.
	Checksum string
}

// rules are in the order Detect breaks the last ties in: the couriers
// whose numbers carry check digits first.
var rules = []Rule{
	{"ups", "1Z", `^1Z[0-9A-Z]{16}$`, "ups-mod10"},
	{"fedex", "Express 12-digit", `^[0-9]{12}$`, "fedex-mod11"},
	{"fedex", "Ground 15-digit", `^[0-9]{15}$`, "gs1-mod10"},
	{"fedex", "SmartPost 20-digit", `^[0-9]{20}$`, "fedex-smartpost"},
	{"fedex", "Ground 96 22-digit", `^96[0-9]{20}$`, "fedex-ground96"},
	{"usps", "IMpb 22-digit", `^9[1-5][0-9]{20}$`, "gs1-mod10"},
	{"usps", "20-digit", `^[0-9]{20}$`, "gs1-mod10"},
	{"dhl", "Express 10-digit", `^[0-9]{10}$`, "dhl-mod7"},
	{"ems", "EMS S10", `^E[A-Z][0-9]{9}CN$`, "s10"},
	{"ems", "China Post S10", `^[A-Z]{2}[0-9]{9}CN$`, "s10"},
	{"upu", "S10", `^[A-Z]{2}[0-9]{9}` + countryAlternation("CN") + `$`, "s10"},
	{"sf-express", "SF + 12–13 digits", `^SF[0-9]{12,13}$`, ""},
	{"jd", "JD + 13", `^JD[0-9A-Z]{2}[0-9]{11}$`, ""},
	{"jd", "V + letter + 11 digits", `^V[A-Z][0-9]{11}$`, ""},
	{"yto", "YT + 13 digits", `^YT[0-9]{13}$`, ""},
	{"zto", "14-digit 73–78", `^7[3-68][0-9]{12}$`, ""},
	{"zto", "12-digit 2–9", `^[2-9][0-9]{11}$`, ""},
	{"sto", "77 + 10–13 digits", `^77[0-9]{10,13}$`, ""},
	{"sto", "12-digit 3", `^3[0-9]{11}$`, ""},
	{"yunda", "13-digit 43/46", `^4[36][0-9]{11}$`, ""},
	{"yunda", "13-digit 5", `^5[0-9]{12}$`, ""},
	{"yunda", "15-digit 3/4", `^[34][0-9]{14}$`, ""},
}

// compiled holds each rule's regex and rank, index for index.
var compiled = func() []compiledRule {
	out := make([]compiledRule, len(rules))
	for i, r := range rules {
		parsed, err := syntax.Parse(r.Regex, syntax.Perl)
		if err != nil {
			panic("detect: rule regex " + r.Regex + ": " + err.Error())
		}
		out[i] = compiledRule{
			re:   regexp.MustCompile(r.Regex),
			rank: RankOf(r.Regex, parsed, r.Checksum),
		}
	}
	return out
}()

type compiledRule struct {
	re   *regexp.Regexp
	rank Rank // the rank of a match, which verified the checksum if there is one
}

// Rules returns the built-in rules.
func Rules() []Rule { return append([]Rule(nil), rules...) }

// Pattern is a tracking-number format as the directory publishes it
// (docs/protocol.md §7.1): a JavaScript-compatible regex over the
// normalized number and the name of a check-digit algorithm ("" for
// none). gateway/api.Pattern is this type, so that this package, like
// every adapter, imports nothing of the gateway.
type Pattern struct {
	Regex    string `json:"regex"`
	Checksum string `json:"checksum"`
}

// Patterns returns the directory patterns of courier's rules, in rule
// order, or nil for a courier without built-in rules.
func Patterns(courier string) []Pattern {
	var out []Pattern
	for _, r := range rules {
		if r.Courier == courier {
			out = append(out, Pattern{Regex: r.Regex, Checksum: r.Checksum})
		}
	}
	return out
}
