package chinatrace

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// China is the offset of Chinese couriers' times: China Standard Time,
// UTC+8 all year (no daylight saving since 1991).
var China = time.FixedZone("CST", 8*60*60)

// layouts are the forms of a time given as text, China time
// ("2023-08-08 09:00:00"; JD's older APIs and ZTO's older traces wrote
// "2018/07/04 17:28:42").
var layouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04:05.999999999", "2006/01/02 15:04:05", "2006-01-02T15:04:05"}

// Time is when a trace happened: China time without an offset, or
// milliseconds since the epoch (a number or a string of digits), shown
// in China time as the couriers' own pages show it. The zero value is no
// time: a time of another shape, or before 2000, is none, and no error.
type Time struct{ time.Time }

func (t *Time) UnmarshalJSON(b []byte) error {
	t.Time = time.Time{}
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		if ms, err := n.Int64(); err == nil {
			t.Time = fromMillis(ms)
		}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return nil // a time of another shape is no time
	}
	s = strings.TrimSpace(s)
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		t.Time = fromMillis(ms)
		return nil
	}
	for _, layout := range layouts {
		if v, err := time.ParseInLocation(layout, s, China); err == nil {
			t.Time = v
			return nil
		}
	}
	return nil
}

// fromMillis reads milliseconds since the epoch, shown in China time.
// Anything before 2000 is not a trace's time.
func fromMillis(ms int64) time.Time {
	if ms < 946684800000 {
		return time.Time{}
	}
	return time.UnixMilli(ms).In(China)
}
