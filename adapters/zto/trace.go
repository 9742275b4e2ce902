package zto

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// trace is one scan of a parcel. The two services share most names:
// the track query has scanSite as an object with the site's city and
// province and scanDate in milliseconds; traceInterfaceNewTraces has
// scanSite as the site's name, scanCity and scanProv beside it, and
// scanDate as China time. Every field of personal data is listed so
// that its value can be taken out of desc (see redact).
type trace struct {
	BillCode string   `json:"billCode"`
	ScanType string   `json:"scanType"`
	ScanDate scanDate `json:"scanDate"`
	Desc     string   `json:"desc"`
	ScanSite site     `json:"scanSite"`
	ScanCity string   `json:"scanCity"`
	ScanProv string   `json:"scanProv"`

	// Personal data: couriers, signers and their phones.
	SignMan           string `json:"signMan"`
	DispOrRecMan      string `json:"dispOrRecMan"`
	DispOrRecManPhone string `json:"dispOrRecManPhone"`
	OperateUser       string `json:"operateUser"`
	OperateUserPhone  string `json:"operateUserPhone"`
	Contacts          string `json:"contacts"`
	ContactsTel       string `json:"contactsTel"`
}

// site is a scan site: an object in the track query, a name in
// traceInterfaceNewTraces.
type site struct {
	Name  string `json:"name"`
	City  string `json:"city"`
	Prov  string `json:"prov"`
	Phone string `json:"phone"`
}

func (s *site) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err == nil {
		*s = site{Name: name}
		return nil
	}
	type plain site
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		*s = site{} // a site of another shape is no site
		return nil
	}
	*s = site(p)
	return nil
}

// chinaTime is the offset of ZTO's scan dates: China Standard Time,
// UTC+8 all year (no daylight saving since 1991).
var chinaTime = time.FixedZone("CST", 8*60*60)

// scanDateLayouts are the forms of a scan date given as text, China time.
var scanDateLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04:05.999999999", "2006/01/02 15:04:05", "2006-01-02T15:04:05"}

// scanDate is when a scan happened: milliseconds since the epoch (a
// number or a string of digits), or China time without an offset. The
// zero value is no date.
type scanDate struct{ time.Time }

func (d *scanDate) UnmarshalJSON(b []byte) error {
	d.Time = time.Time{}
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		if ms, err := n.Int64(); err == nil {
			d.Time = fromMillis(ms)
		}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return nil // a date of another shape is no date
	}
	s = strings.TrimSpace(s)
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		d.Time = fromMillis(ms)
		return nil
	}
	for _, layout := range scanDateLayouts {
		if t, err := time.ParseInLocation(layout, s, chinaTime); err == nil {
			d.Time = t
			return nil
		}
	}
	return nil
}

// fromMillis reads milliseconds since the epoch, shown in China time as
// ZTO's own pages show them. Anything before 2000 is not a scan date.
func fromMillis(ms int64) time.Time {
	if ms < 946684800000 {
		return time.Time{}
	}
	return time.UnixMilli(ms).In(chinaTime)
}
