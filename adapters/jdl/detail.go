package jdl

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// detail is one trace of a parcel, as the trace query's traceDetails and
// JDL's trace pushes carry it (JDL's sandbox pushes, quoted in a test
// report, show every field; fuzui/aggregatelogistics reads operationTime,
// operationTitle and category). Every field of personal data is listed so
// that its value can be taken out of the remark (see redact); the street
// address (routeAddress) and district are left unread.
type detail struct {
	WaybillCode       string   `json:"waybillCode"`
	OperationTitle    string   `json:"operationTitle"`
	OperationRemark   string   `json:"operationRemark"`
	OperationTime     opTime   `json:"operationTime"`
	Category          category `json:"category"`
	CategoryName      string   `json:"categoryName"`
	RouteProvinceName string   `json:"routeProvinceName"`
	RouteCityName     string   `json:"routeCityName"`

	// Personal data: couriers and operators, and their phones.
	Courier       string `json:"courier"`
	CourierTel    string `json:"courierTel"`
	OperatorName  string `json:"operatorName"`
	OperatorPhone string `json:"operatorPhone"`
}

// category is JDL's trace category (420, 440, 510, …), a number or a
// string of digits; "" when there is none.
type category string

func (c *category) UnmarshalJSON(b []byte) error {
	*c = ""
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		*c = category(n.String())
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*c = category(strings.TrimSpace(s))
	}
	return nil // a category of another shape is none
}

// chinaTime is the offset of JDL's operation times: China Standard Time,
// UTC+8 all year (no daylight saving since 1991).
var chinaTime = time.FixedZone("CST", 8*60*60)

// opTimeLayouts are the forms of an operation time given as text, China
// time ("2023-08-08 09:00:00"; JOS's older APIs wrote "2018/07/04 17:28:42").
var opTimeLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04:05.999999999", "2006/01/02 15:04:05", "2006-01-02T15:04:05"}

// opTime is when a trace happened: China time without an offset, or
// milliseconds since the epoch. The zero value is no time.
type opTime struct{ time.Time }

func (t *opTime) UnmarshalJSON(b []byte) error {
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
	for _, layout := range opTimeLayouts {
		if v, err := time.ParseInLocation(layout, s, chinaTime); err == nil {
			t.Time = v
			return nil
		}
	}
	return nil
}

// fromMillis reads milliseconds since the epoch, shown in China time.
// Anything before 2000 is not an operation time.
func fromMillis(ms int64) time.Time {
	if ms < 946684800000 {
		return time.Time{}
	}
	return time.UnixMilli(ms).In(chinaTime)
}
