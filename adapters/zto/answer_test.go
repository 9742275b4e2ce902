package zto

import (
	"errors"
	"testing"

	"github.com/trackgate/trackgate/adapters"
)

func TestDecodeTracesClassifiesZTOErrors(t *testing.T) {
	cases := []struct {
		name, body string
		want       error
	}{
		{"bad digest", `{"status":false,"statusCode":"S02","message":"非法的数字签名"}`, adapters.ErrMisconfigured},
		{"unknown company, legacy shape", `{"status":false,"msg":"非法的物流公司","code":"S03"}`, adapters.ErrMisconfigured},
		{"system error", `{"status":false,"statusCode":"S07","message":"系统异常，请重试"}`, adapters.ErrUnavailable},
		{"a code not listed", `{"status":false,"statusCode":"E9999","message":"?"}`, adapters.ErrUnavailable},
		{"a numeric code", `{"status":false,"statusCode":500}`, adapters.ErrUnavailable},
		{"not JSON", `<html>`, adapters.ErrUnavailable},
		{"no status", `{"result":[]}`, adapters.ErrUnavailable},
		{"status of the wrong type", `{"status":"true","result":[]}`, adapters.ErrUnavailable},
		{"result not a list", `{"status":true,"result":{"billCode":"x"}}`, adapters.ErrUnavailable},
	}
	for _, tc := range cases {
		_, err := decodeTraces([]byte(tc.body), "73100012345678")
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v; want %v", tc.name, err, tc.want)
		}
	}
}

// ZTO's message is its own text, and an error code that is not a code
// (a phone number, a name) is not repeated either.
func TestDecodeTracesKeepsOnlyPlainCodes(t *testing.T) {
	_, err := decodeTraces([]byte(`{"status":false,"statusCode":"13812345678 张三","message":"运单 73100012345678 不存在"}`), "73100012345678")
	if err == nil || err.Error() != "courier system unavailable: ZTO answered unrecognized code" {
		t.Errorf("err = %v", err)
	}
}

func TestDecodeTracesReadsBothShapes(t *testing.T) {
	cases := []struct {
		name, body string
		want       int
	}{
		{"track query", `{"status":true,"result":[{"billCode":"73100012345678","scanType":"收件","scanDate":1794990005000}]}`, 1},
		{"track query naming another parcel", `{"status":true,"result":[{"billCode":"73100099999999","scanType":"收件"}]}`, 0},
		{"track query, empty", `{"status":true,"statusCode":"","message":"","result":[]}`, 0},
		{"track query, null", `{"status":true,"result":null}`, 0},
		{"new traces", `{"status":true,"msg":"","data":[{"billCode":"731 0001 2345 678","traces":[{"scanType":"收件"},{"scanType":"签收"}]}]}`, 2},
		{"new traces, another parcel", `{"status":true,"msg":"","data":[{"billCode":"73100099999999","traces":[{"scanType":"收件"}]}]}`, 0},
		{"new traces, no traces", `{"status":true,"msg":"","data":[{"billCode":"73100012345678","traces":[]}]}`, 0},
	}
	for _, tc := range cases {
		traces, err := decodeTraces([]byte(tc.body), "73100012345678")
		if err != nil || len(traces) != tc.want {
			t.Errorf("%s: %d traces, %v; want %d", tc.name, len(traces), err, tc.want)
		}
	}
}
