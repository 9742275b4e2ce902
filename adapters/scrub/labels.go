package scrub

import (
	"regexp"
	"slices"
	"strings"
)

// labels are words that begin a match: "签收人", "signed by". They are
// written in lower case; in the text an ASCII letter matches in either
// case and a space matches any run of white space, even none.
type labels []string

// regex is the alternation of the labels, longest first.
func (l labels) regex() string {
	sorted := slices.Clone(l)
	slices.SortStableFunc(sorted, func(a, b string) int { return len(b) - len(a) })
	alternatives := make([]string, len(sorted))
	for i, label := range sorted {
		var b strings.Builder
		for _, r := range label {
			switch {
			case r >= 'a' && r <= 'z':
				b.WriteString("[" + string(r-'a'+'A') + string(r) + "]")
			case r == ' ':
				b.WriteString(`\s*`)
			default:
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		alternatives[i] = b.String()
	}
	return "(?:" + strings.Join(alternatives, "|") + ")"
}

// next returns where the first label at or after from begins in lower
// (the text with ASCII letters in lower case), or -1. A label's first word
// is enough: what follows it is the regex's business.
//
// seen, when not nil, remembers where each label was found, so that a
// rule trying label after label along a text ("签收" in every remark)
// searches the text once per label instead of once per try.
func (l labels) next(lower string, from int, seen *labelsSeen) int {
	if seen == nil {
		seen = &labelsSeen{}
	}
	if seen.at == nil || from < seen.from {
		seen.at = make([]int, len(l))
		for i := range seen.at {
			seen.at[i] = unknown
		}
	}
	seen.from = from
	first := -1
	for i, label := range l {
		at := seen.at[i]
		if at == unknown || at >= 0 && at < from {
			word, _, _ := strings.Cut(label, " ")
			if at = strings.Index(lower[from:], word); at >= 0 {
				at += from
			}
			seen.at[i] = at
		}
		if at >= 0 && (first < 0 || at < first) {
			first = at
		}
	}
	return first
}

// labelsSeen is where each of some labels next begins in a text: at or
// after from, or -1 when it does not occur there (nor further on).
type labelsSeen struct {
	from int
	at   []int
}

const unknown = -2 // in labelsSeen.at: not searched for yet

// asciiLower maps A–Z to a–z and leaves every other byte, so offsets in
// the result are offsets in s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
