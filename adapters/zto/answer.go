package zto

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/chinatrace"
	"github.com/trackgate/trackgate/adapters/scrub"
	"github.com/trackgate/trackgate/crypto"
)

// answer is ZOP's envelope, in both shapes its trace services use:
// zto.merchant.waybill.track.query answers {"status", "statusCode",
// "message", "result": [trace…]}, traceInterfaceNewTraces {"status",
// "msg", "data": [{"billCode", "traces": [trace…]}]}. Which one came is
// read from the answer, not from the service called.
type answer struct {
	Status     *bool           `json:"status"`
	StatusCode chinatrace.Code `json:"statusCode"`
	Code       chinatrace.Code `json:"code"`
	Result     json.RawMessage `json:"result"`
	Data       json.RawMessage `json:"data"`
}

// waybill is one parcel of a traceInterfaceNewTraces answer.
type waybill struct {
	BillCode string  `json:"billCode"`
	Traces   []trace `json:"traces"`
}

// errMalformed is an answer that is not ZOP's JSON.
var errMalformed = fmt.Errorf("%w: malformed answer", adapters.ErrUnavailable)

// misconfiguredCodes are ZOP's gateway codes that no retry fixes, as a
// client lists them (StareStarrySky/logistics-express, WrongCodeSys):
// S01 the request is not JSON, S02 the digest is wrong (a wrong secret),
// S03 the company is unknown (a wrong key), S04 the message type is
// wrong, S05 its content, S10 and S11 no or a bad gateway, S12 a
// parameter. S06 (timeout), S07 (system error), S13 (service error) and
// codes not listed are worth another try.
var misconfiguredCodes = map[chinatrace.Code]bool{
	"S01": true, "S02": true, "S03": true, "S04": true, "S05": true, "S10": true, "S11": true, "S12": true,
}

// decodeTraces reads ZOP's answer and returns the traces of tn.
func decodeTraces(body []byte, tn string) ([]trace, error) {
	var a answer
	if err := json.Unmarshal(body, &a); err != nil || a.Status == nil {
		return nil, errMalformed
	}
	if !*a.Status {
		// The message is ZTO's text for the error; only the code is kept.
		c := a.StatusCode
		if c == "" {
			c = a.Code
		}
		if misconfiguredCodes[c] {
			return nil, fmt.Errorf("%w: ZTO refused the request (%s)", adapters.ErrMisconfigured, safeCode(c))
		}
		return nil, fmt.Errorf("%w: ZTO answered %s", adapters.ErrUnavailable, safeCode(c))
	}
	switch {
	case isArray(a.Result):
		var traces []trace
		if err := json.Unmarshal(a.Result, &traces); err != nil {
			return nil, errMalformed
		}
		// The track query answers for the one number asked; a trace that
		// names another is not this parcel's.
		var mine []trace
		for _, t := range traces {
			if t.BillCode == "" || sameNumber(t.BillCode, tn) {
				mine = append(mine, t)
			}
		}
		return mine, nil
	case isArray(a.Data):
		var waybills []waybill
		if err := json.Unmarshal(a.Data, &waybills); err != nil {
			return nil, errMalformed
		}
		for _, w := range waybills {
			if sameNumber(w.BillCode, tn) {
				return w.Traces, nil
			}
		}
		return nil, nil
	case isNull(a.Result) && isNull(a.Data):
		return nil, nil // success with nothing: ZTO knows no traces
	}
	return nil, errMalformed
}

func sameNumber(billCode, tn string) bool {
	n, err := crypto.NormalizeTrackingNumber(billCode)
	return err == nil && n == tn
}

func isArray(raw json.RawMessage) bool {
	return bytes.HasPrefix(bytes.TrimSpace(raw), []byte("["))
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// safeCode keeps an error code short and plain, whatever ZTO put there.
func safeCode(c chinatrace.Code) string {
	if !scrub.PlainCode(string(c)) {
		return "unrecognized code"
	}
	return string(c)
}
