package scrub

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The masks that replace personal data. A span shorter than its mask
// becomes one '*' per character instead, so text never grows.
const (
	MaskPhone   = "[phone]"
	MaskEmail   = "[email]"
	MaskID      = "[id]"
	MaskName    = "[name]"
	MaskCode    = "[code]"
	MaskAddress = "[addr]"
)

// Text returns s with the personal data it recognizes masked (see the
// package documentation). The result is never longer than s, is valid
// UTF-8 when s is, and Text(Text(s)) == Text(s).
func Text(s string) string {
	// A pass can expose data it left alone, when a mask replaces the
	// letter that made a neighbour part of a longer code; repeating until
	// nothing changes makes the result stable. Each change removes at least
	// one digit, '@', capital or letter outside ASCII and adds none, or,
	// for a name in lower case, puts fewer letters in the place of letters
	// and adds none of those, so it ends.
	for range len(s) + 1 {
		next, changed := scrubOnce(s, rules)
		if !changed {
			return s
		}
		s = next
	}
	return s
}

// Has reports whether s holds personal data that Text would mask: a check
// for text that should have been scrubbed.
func Has(s string) bool { return Text(s) != s }

// rule finds one kind of personal data. The first group of re is the span
// it masks; what the match has before it (a label such as "签收人：") and
// after it (one character that shows the span ends a token) stays.
type rule struct {
	mask string // "" keeps the span as it is: a tracking number after its label
	re   *regexp.Regexp
	// Where matches may start, so that re is only tried there, anchored:
	// at one of the labels starts, or where at reports true. A rule with
	// neither is searched for anywhere. needs, when set, is a quick test
	// the whole text must pass for the rule to match at all.
	starts labels
	at     func(s string, i int) bool
	needs  func(s string) bool
	// accept may narrow the span [lo, hi) or refuse it; nil accepts it.
	accept func(s string, lo, hi int) (int, int, bool)
	// lowerCase lets a span of lower-case letters alone be data, which
	// carriesData would refuse: a name written "jsmith". re must keep such
	// a span to letters and single spaces, so that its mask holds fewer
	// letters than it (Text depends on it to end).
	lowerCase bool

	anchored *regexp.Regexp // re, anchored at the start
}

func init() {
	for i := range rules {
		rules[i].anchored = regexp.MustCompile(`^(?:` + rules[i].re.String() + `)`)
	}
}

// found is a match of a rule: it starts at start (its label, if any) and
// masks [lo, hi).
type found struct{ start, lo, hi int }

// find returns the first acceptable match of r at or after from; lower is
// s with ASCII letters in lower case, seen where r's labels were found in
// it (nil to search afresh).
func (r *rule) find(s, lower string, from int, seen *labelsSeen) (found, bool) {
	for from <= len(s) {
		start, loc := r.next(s, lower, from, seen)
		if start < 0 {
			return found{}, false
		}
		if loc != nil && loc[2] >= 0 && !splitsToken(s, start) {
			f, ok := found{start, start + loc[2], start + loc[3]}, true
			if r.accept != nil {
				f.lo, f.hi, ok = r.accept(s, f.lo, f.hi)
			}
			if ok && (r.mask == "" || r.lowerCase || carriesData(s[f.lo:f.hi])) {
				return f, true
			}
		}
		_, size := utf8.DecodeRuneInString(s[start:])
		from = start + size
	}
	return found{}, false
}

// next finds the next place at or after from where a match may start,
// and the match there if there is one; -1 when there is no such place.
func (r *rule) next(s, lower string, from int, seen *labelsSeen) (int, []int) {
	start := -1
	switch {
	case r.starts != nil:
		start = r.starts.next(lower, from, seen)
	case r.at != nil:
		for i := from; i < len(s); i++ {
			if r.at(s, i) {
				start = i
				break
			}
		}
	default:
		loc := r.re.FindStringSubmatchIndex(s[from:])
		if loc == nil {
			return -1, nil
		}
		start = from + loc[0]
	}
	if start < 0 {
		return -1, nil
	}
	loc := r.anchored.FindStringSubmatchIndex(s[start:])
	return start, loc
}

// scrubOnce masks, left to right, the earliest match of any rule (the
// longest of those that start together, then the first rule), and reports
// whether it masked anything.
func scrubOnce(s string, rules []rule) (string, bool) {
	type candidate struct {
		f      found
		ok     bool
		search bool // f is stale: search again from the current position
		seen   labelsSeen
	}
	lower := asciiLower(s)
	pending := make([]candidate, len(rules))
	for i, r := range rules {
		// A rule whose labels or characters are absent never matches.
		pending[i].search = (r.needs == nil || r.needs(s)) && (r.starts == nil || r.starts.next(lower, 0, &pending[i].seen) >= 0)
	}
	var b strings.Builder
	pos, changed := 0, false
	for {
		best := -1
		for i := range rules {
			p := &pending[i]
			if p.search || (p.ok && p.f.start < pos) {
				p.f, p.ok = rules[i].find(s, lower, pos, &p.seen)
				p.search = false
			}
			if !p.ok {
				continue
			}
			if best < 0 || p.f.start < pending[best].f.start ||
				(p.f.start == pending[best].f.start && p.f.hi > pending[best].f.hi) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		f, r := pending[best].f, rules[best]
		if pos == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[pos:f.lo])
		if r.mask == "" {
			b.WriteString(s[f.lo:f.hi])
		} else {
			b.WriteString(maskFor(r.mask, s[f.lo:f.hi]))
			changed = true
		}
		pos = f.hi
	}
	if !changed {
		return s, false
	}
	b.WriteString(s[pos:])
	return b.String(), true
}

// maskFor is what replaces span: mask, or one '*' per character when mask
// would be longer than span.
func maskFor(mask, span string) string {
	if len(mask) <= len(span) {
		return mask
	}
	return strings.Repeat("*", utf8.RuneCountInString(span))
}

// carriesData reports whether span holds a digit, an '@', an upper-case
// ASCII letter or a letter outside ASCII: something of every kind of
// personal data, and nothing of any mask, which is why Text terminates.
func carriesData(span string) bool {
	for _, r := range span {
		switch {
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z', r == '@', r == '＠':
			return true
		case r >= utf8.RuneSelf && unicode.IsLetter(r):
			return true
		}
	}
	return false
}

// isAlnum reports whether c is an ASCII letter or digit: what tracking
// numbers, codes and the words around them are made of.
func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// splitsToken reports whether a match starting at i would begin inside a
// run of ASCII letters and digits, like the digits of "SF1381234567890".
func splitsToken(s string, i int) bool {
	return i > 0 && i < len(s) && isAlnum(s[i-1]) && isAlnum(s[i])
}
