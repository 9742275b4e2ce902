package client

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"sort"
	"sync"

	"github.com/trackgate/trackgate/adapters/detect"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// The built-in check-digit algorithms (ups-mod10, s10, …) are known to
// every SDK, so a directory pattern that names one is evaluated here the
// way adapters/detect evaluates its own rules.
func init() {
	for _, name := range detect.ChecksumNames() {
		check, _ := detect.Checksum(name)
		RegisterChecksum(name, check)
	}
}

// Candidate is a courier that may carry a tracking number.
type Candidate struct {
	Courier api.CourierEntry
	// Pattern is the directory pattern that matched; zero when the
	// courier was pinned by the caller rather than detected.
	Pattern api.Pattern
}

// Detect returns the couriers of dir whose patterns match the normalized
// number, best first, each once with its best pattern. A number of the
// wrong shape is an error wrapping crypto.ErrInvalidTrackingNumber; no
// match is an empty list.
//
// A pattern is a JavaScript regular expression tested like RegExp.test
// (a match anywhere, so patterns should be anchored), compiled as Go
// RE2; one that RE2 cannot compile never matches. A pattern whose
// checksum names an algorithm that is not registered (RegisterChecksum)
// never matches either, so an older SDK does not guess.
//
// Ranking: a pattern whose check digit verified beats one without a
// checksum (a check digit is much stronger evidence than a shape); then
// the pattern that fixes more literal characters (a prefix like "1Z" or
// "SF", counted by detect.LiteralRunes, as adapters/detect ranks its
// rules); then the longer regex, as a rough measure of how specific it
// is; then directory order.
func Detect(dir *api.Directory, number string) ([]Candidate, error) {
	tn, err := crypto.NormalizeTrackingNumber(number)
	if err != nil {
		return nil, err
	}
	type ranked struct {
		Candidate
		rank  detect.Rank
		order int
	}
	var found []ranked
	for i, e := range dir.Couriers {
		var best ranked
		ok := false
		for _, p := range e.Patterns {
			rank, matches := matchPattern(p, tn)
			if matches && (!ok || rank.Above(best.rank)) {
				best, ok = ranked{Candidate{Courier: e, Pattern: p}, rank, i}, true
			}
		}
		if ok {
			found = append(found, best)
		}
	}
	sort.SliceStable(found, func(i, j int) bool {
		a, b := found[i], found[j]
		if a.rank.Above(b.rank) || b.rank.Above(a.rank) {
			return a.rank.Above(b.rank)
		}
		return a.order < b.order
	})
	out := make([]Candidate, len(found))
	for i, r := range found {
		out[i] = r.Candidate
	}
	return out, nil
}

// matchPattern tests p against tn and ranks it.
func matchPattern(p api.Pattern, tn string) (detect.Rank, bool) {
	parsed, err := syntax.Parse(p.Regex, syntax.Perl)
	if err != nil {
		return detect.Rank{}, false
	}
	re, err := regexp.Compile(p.Regex)
	if err != nil || !re.MatchString(tn) {
		return detect.Rank{}, false
	}
	if p.Checksum != "" {
		check, ok := lookupChecksum(p.Checksum)
		if !ok || !check(tn) {
			return detect.Rank{}, false
		}
	}
	return detect.RankOf(p.Regex, parsed, p.Checksum), true
}

var (
	checksumsMu sync.RWMutex
	checksums   = map[string]func(tn string) bool{}
)

// RegisterChecksum makes a check-digit algorithm available to patterns
// under name (the pattern's "checksum" field). check receives the
// normalized tracking number and reports whether its check digit is
// right. It is meant for init functions and panics on an empty or taken
// name or a nil check.
func RegisterChecksum(name string, check func(tn string) bool) {
	checksumsMu.Lock()
	defer checksumsMu.Unlock()
	if name == "" {
		panic("client: RegisterChecksum with an empty name (\"\" means no checksum)")
	}
	if check == nil {
		panic("client: RegisterChecksum check is nil for " + name)
	}
	if _, dup := checksums[name]; dup {
		panic(fmt.Sprintf("client: RegisterChecksum called twice for %q", name))
	}
	checksums[name] = check
}

func lookupChecksum(name string) (func(string) bool, bool) {
	checksumsMu.RLock()
	defer checksumsMu.RUnlock()
	f, ok := checksums[name]
	return f, ok
}
