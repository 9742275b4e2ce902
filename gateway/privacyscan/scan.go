package privacyscan

import (
	"bytes"
	"regexp"
	"strings"
)

// ContainsToken reports whether tok occurs in b not as part of a longer
// run of letters and digits: "0042" in "phone=0042" or "\x000042\x00", not
// in "a0042b" or "100420".
func ContainsToken(b []byte, tok string) bool {
	if tok == "" {
		return false
	}
	for from := 0; ; {
		i := bytes.Index(b[from:], []byte(tok))
		if i < 0 {
			return false
		}
		i += from
		end := i + len(tok)
		if (i == 0 || !isAlnum(b[i-1])) && (end == len(b) || !isAlnum(b[end])) {
			return true
		}
		from = i + 1
	}
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// numericFields are the log fields (key=value, as slog's text handler and
// gin's request lines write them) that hold counts, sizes, times, statuses
// and ids: never a factor, but full of digits.
var numericFields = regexp.MustCompile(`(^|\s)(time|bytes|status|records|pending|stored|stale|refused|parcels|records_sealed|rejected|older_versions|other_partitions|failures|duration|latency|retry_in|request_id|port|pid)=\S+`)

// WithoutNumericFields returns the log text with its numeric fields taken
// out, line by line, so that a factor search looks only where a factor
// could have been written.
func WithoutNumericFields(logs string) []byte {
	lines := strings.Split(logs, "\n")
	for i, line := range lines {
		lines[i] = numericFields.ReplaceAllString(line, "$1")
	}
	return []byte(strings.Join(lines, "\n"))
}

// LogsHoldFactor reports whether the factor is written in the logs as a
// value of its own, outside the numeric fields.
func LogsHoldFactor(logs, factor string) bool {
	return ContainsToken(WithoutNumericFields(logs), factor)
}
