package chinatrace

import (
	"encoding/json"
	"testing"
	"time"
)

func TestTimeReadsChinaTimeAndMillis(t *testing.T) {
	cases := map[string]time.Time{
		// JDL's operationTime.
		`"2023-08-08 09:00:00"`: time.Date(2023, 8, 8, 1, 0, 0, 0, time.UTC),
		`"2023/08/08 09:00:00"`: time.Date(2023, 8, 8, 1, 0, 0, 0, time.UTC),
		`1691456400000`:         time.Date(2023, 8, 8, 1, 0, 0, 0, time.UTC),
		`"1691456400000"`:       time.Date(2023, 8, 8, 1, 0, 0, 0, time.UTC),
		// ZTO's scanDate.
		`1794990005000`:             time.Date(2026, 11, 18, 8, 20, 5, 0, time.UTC),
		`"1794990005000"`:           time.Date(2026, 11, 18, 8, 20, 5, 0, time.UTC),
		`"2026-11-18 16:20:05"`:     time.Date(2026, 11, 18, 8, 20, 5, 0, time.UTC),
		`"2026/11/18 16:20:05"`:     time.Date(2026, 11, 18, 8, 20, 5, 0, time.UTC),
		`" 2026-11-18 16:20:05.0 "`: time.Date(2026, 11, 18, 8, 20, 5, 0, time.UTC),
	}
	for in, want := range cases {
		var v Time
		if err := json.Unmarshal([]byte(in), &v); err != nil || !v.Equal(want) {
			t.Errorf("Time %s = %v, %v; want %v", in, v.Time, err, want)
		}
		if s, w := v.Format(time.RFC3339), want.In(China).Format("2006-01-02T15:04:05")+"+08:00"; s != w {
			t.Errorf("Time %s formats as %s; want %s", in, s, w)
		}
	}
	for _, in := range []string{`null`, `""`, `"yesterday"`, `0`, `12`, `{}`, `true`} {
		var v Time
		if err := json.Unmarshal([]byte(in), &v); err != nil || !v.IsZero() {
			t.Errorf("Time %s = %v, %v; want no time", in, v.Time, err)
		}
	}
}
