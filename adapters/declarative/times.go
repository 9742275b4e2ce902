package declarative

import (
	"encoding/json"
	"math"
	"strings"
	"time"
)

// timeLayouts are the forms of a carrier's time: RFC 3339, and local
// forms without an offset.
var timeLayouts = []struct {
	layout    string
	hasOffset bool
}{
	{time.RFC3339Nano, true},
	{"2006-01-02T15:04:05.999999999Z0700", true},
	{"2006-01-02 15:04:05Z07:00", true},
	{"2006-01-02T15:04:05.999999999", false},
	{"2006-01-02 15:04:05.999999999", false},
	{"2006-01-02T15:04", false},
	{"2006-01-02 15:04", false},
	{"2006-01-02", false},
}

// parseTime reads a carrier's time: a string in one of timeLayouts, or a
// number of Unix seconds (milliseconds when it is that large). A time
// without an offset comes back as its wall clock in UTC, with hasOffset
// false, for the caller to place in its zone.
func parseTime(v any) (at time.Time, hasOffset, ok bool) {
	if s, isString := v.(string); isString {
		s = strings.TrimSpace(s)
		for _, l := range timeLayouts {
			if t, err := time.Parse(l.layout, s); err == nil {
				return t, l.hasOffset, true
			}
		}
		return time.Time{}, false, false
	}
	var n float64
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return time.Time{}, false, false
		}
		n = f
	case float64:
		n = v
	case int:
		n = float64(v)
	default:
		return time.Time{}, false, false
	}
	if n <= 0 || math.IsInf(n, 0) || n > 1e15 {
		return time.Time{}, false, false
	}
	if n > 1e11 { // milliseconds: 1e11 seconds is the year 5138
		return time.UnixMilli(int64(n)).UTC(), true, true
	}
	return time.Unix(int64(n), 0).UTC(), true, true
}
