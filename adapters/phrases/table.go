package phrases

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trackgate/trackgate/adapters"
)

// Class is what an event's text says about the parcel.
type Class struct {
	// Status is the tg1 status the text announces; "" for an
	// informational line, which says nothing of where the parcel is.
	Status adapters.Status
	// Substatus refines Status: picked_up, customs, customs_cleared,
	// held, refused, returning_to_sender, locker, pickup_point.
	Substatus string
}

// Informational reports whether c is an informational line: one that
// must not change the parcel's status.
func (c Class) Informational() bool { return c.Status == "" }

// Rule classifies the texts that hold any of its Phrases and none of its
// Unless phrases.
type Rule struct {
	Class   Class
	Phrases []string
	Unless  []string
}

// Table is a list of rules, the first that matches winning.
type Table []Rule

// Classify returns the class of the first rule that matches text, and
// false when none does: the text is nothing the table knows.
func (t Table) Classify(text string) (Class, bool) {
	s := normalize(text)
	if s == "" {
		return Class{}, false
	}
	for _, r := range t {
		if containsAny(s, r.Phrases) && !containsAny(s, r.Unless) {
			return r.Class, true
		}
	}
	return Class{}, false
}

// Classify classifies text with Common.
func Classify(text string) (Class, bool) { return Common.Classify(text) }

// normalize lowers the case of s and turns hyphens, punctuation spaces
// and runs of white space into one space.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range strings.ToLower(s) {
		if r == '-' || r == '‐' || r == '–' || unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func containsAny(s string, phrases []string) bool {
	for _, p := range phrases {
		if !normal(p) {
			p = normalize(p)
		}
		if contains(s, p) {
			return true
		}
	}
	return false
}

// normal reports whether p is in the form normalize gives, without
// allocating: Common's phrases are, a carrier's own may not be.
func normal(p string) bool {
	space := true // no leading space
	for _, r := range p {
		switch {
		case unicode.IsUpper(r), r == '-', r == '‐', r == '–', unicode.IsSpace(r) && (r != ' ' || space):
			return false
		}
		space = r == ' '
	}
	return !space || p == ""
}

// contains reports whether s holds phrase p; where p begins or ends with
// a Latin letter or digit, only as whole words.
func contains(s, p string) bool {
	if p == "" {
		return false
	}
	for from := 0; ; {
		i := strings.Index(s[from:], p)
		if i < 0 {
			return false
		}
		i += from
		if wordEdge(s, i, p, true) && wordEdge(s, i+len(p), p, false) {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		from = i + size
	}
}

// wordEdge reports whether position i of s, where p starts (start) or
// ends, is a word boundary as far as p needs one.
func wordEdge(s string, i int, p string, start bool) bool {
	var inP, outside rune
	if start {
		inP, _ = utf8.DecodeRuneInString(p)
		if i == 0 {
			return true
		}
		outside, _ = utf8.DecodeLastRuneInString(s[:i])
	} else {
		inP, _ = utf8.DecodeLastRuneInString(p)
		if i == len(s) {
			return true
		}
		outside, _ = utf8.DecodeRuneInString(s[i:])
	}
	return !latinWord(inP) || !latinWord(outside)
}

func latinWord(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// Refine returns the class t gives text when its status is one of
// allowed — a carrier's text saying more than its code, within the code's
// stage — and base otherwise.
func (t Table) Refine(base Class, text string, allowed ...adapters.Status) Class {
	if c, ok := t.Classify(text); ok && slices.Contains(allowed, c.Status) {
		return c
	}
	return base
}
