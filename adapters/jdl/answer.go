package jdl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/chinatrace"
	"github.com/trackgate/trackgate/adapters/scrub"
	"github.com/trackgate/trackgate/crypto"
)

// answer is the trace query's answer: {"code": 0, "msg": "成功", "data":
// {"waybillCode": "…", "traceDetails": [detail…]}, "requestId": …,
// "success": true}, as JDL's gateway returns its APIs' answers and as
// clients read it (fuzui/aggregatelogistics, JingdongResult and
// JingdongRouteResult).
type answer struct {
	Code    *chinatrace.Code `json:"code"`
	Success *bool            `json:"success"`
	Data    json.RawMessage  `json:"data"`
}

// traceData is the data of a successful answer.
type traceData struct {
	WaybillCode  string   `json:"waybillCode"`
	TraceDetails []detail `json:"traceDetails"`
}

// errMalformed is an answer that is not JDL's JSON.
var errMalformed = fmt.Errorf("%w: malformed answer", adapters.ErrUnavailable)

// decodeDetails reads JDL's answer and returns the traces of tn. A code
// other than 0 is ErrUnavailable: JDL's published error codes were not
// found, so none is taken for a configuration error (the gateway's HTTP
// 401 and 403 are; see carrierhttp.StatusError). Only the code, never JDL's message,
// goes into the error.
func decodeDetails(body []byte, tn string) ([]detail, error) {
	var a answer
	if err := json.Unmarshal(body, &a); err != nil || a.Code == nil {
		return nil, errMalformed
	}
	if *a.Code != "0" || a.Success != nil && !*a.Success {
		return nil, fmt.Errorf("%w: JDL answered code %s", adapters.ErrUnavailable, safeCode(*a.Code))
	}
	if t := bytes.TrimSpace(a.Data); len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return nil, nil
	}
	var d traceData
	if err := json.Unmarshal(a.Data, &d); err != nil {
		return nil, errMalformed
	}
	if d.WaybillCode != "" && !sameNumber(d.WaybillCode, tn) {
		return nil, nil // an answer about another parcel says nothing of this one
	}
	var mine []detail
	for _, t := range d.TraceDetails {
		if t.WaybillCode == "" || sameNumber(t.WaybillCode, tn) {
			mine = append(mine, t)
		}
	}
	return mine, nil
}

func sameNumber(waybillCode, tn string) bool {
	n, err := crypto.NormalizeTrackingNumber(waybillCode)
	return err == nil && n == tn
}

// safeCode keeps an error code short and plain, whatever JDL put there.
func safeCode(c chinatrace.Code) string {
	if !plainCode(string(c)) {
		return "unrecognized"
	}
	return string(c)
}

// plainCode reports whether c looks like a code (1000, -1, E01): a
// scrub.PlainCode after a leading minus.
func plainCode(c string) bool {
	return scrub.PlainCode(strings.TrimPrefix(c, "-"))
}
