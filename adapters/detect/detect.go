package detect

import (
	"regexp/syntax"
	"sort"

	"github.com/trackgate/trackgate/crypto"
)

// Match is a courier that may carry a number, with its best rule.
type Match struct {
	Rule
	// Verified reports that the number's check digit is right by
	// Rule.Checksum; it is false for a rule of prefix and length alone.
	Verified bool
}

// Detect returns the couriers whose built-in rules match number, best
// first (see the package documentation), each once with its best rule. A
// number of the wrong shape is an error wrapping
// crypto.ErrInvalidTrackingNumber; no match is an empty list.
func Detect(number string) ([]Match, error) {
	tn, err := crypto.NormalizeTrackingNumber(number)
	if err != nil {
		return nil, err
	}
	type ranked struct {
		Match
		rank  Rank
		order int // the courier's first appearance in rules
	}
	var found []ranked
	index := map[string]int{} // courier → its position in found
	order := map[string]int{}
	for i, r := range rules {
		if _, seen := order[r.Courier]; !seen {
			order[r.Courier] = len(order)
		}
		if !compiled[i].re.MatchString(tn) {
			continue
		}
		if r.Checksum != "" && !checksums[r.Checksum](tn) {
			continue
		}
		cand := ranked{Match{r, r.Checksum != ""}, compiled[i].rank, order[r.Courier]}
		j, seen := index[r.Courier]
		switch {
		case !seen:
			index[r.Courier] = len(found)
			found = append(found, cand)
		case cand.rank.Above(found[j].rank):
			found[j] = cand
		}
	}
	sort.SliceStable(found, func(i, j int) bool {
		a, b := found[i], found[j]
		if a.rank != b.rank {
			return a.rank.Above(b.rank)
		}
		return a.order < b.order
	})
	out := make([]Match, len(found))
	for i, f := range found {
		out[i] = f.Match
	}
	return out, nil
}

// Rank orders matching patterns by the evidence they give. Detect and
// gateway/client rank with it, so both order the same rules the same way.
type Rank struct {
	Verified bool // a check digit verified
	Literals int  // characters the regex fixes, like the "1Z" of UPS
	Length   int  // the regex's length, as a last, rough measure
}

// RankOf ranks a matching pattern: its regex source, the regex parsed,
// and its checksum name ("" for none; a named one has verified).
func RankOf(regex string, parsed *syntax.Regexp, checksum string) Rank {
	return Rank{Verified: checksum != "", Literals: LiteralRunes(parsed.Simplify()), Length: len(regex)}
}

// Above reports whether a is stronger evidence than b.
func (a Rank) Above(b Rank) bool {
	switch {
	case a.Verified != b.Verified:
		return a.Verified
	case a.Literals != b.Literals:
		return a.Literals > b.Literals
	}
	return a.Length > b.Length
}

// LiteralRunes counts the characters every match of re must contain
// literally: 2 for ^1Z[0-9A-Z]{16}$, 0 for ^[0-9]{12}$. It measures how
// specific a pattern is; Detect and gateway/client rank by it, so both
// order the same rules the same way.
func LiteralRunes(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCapture, syntax.OpPlus:
		return LiteralRunes(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min * LiteralRunes(re.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, sub := range re.Sub {
			n += LiteralRunes(sub)
		}
		return n
	case syntax.OpAlternate:
		n := -1
		for _, sub := range re.Sub {
			if m := LiteralRunes(sub); n < 0 || m < n {
				n = m
			}
		}
		return max(n, 0)
	}
	return 0
}
