package jdl

import (
	"errors"
	"testing"

	"github.com/trackgate/trackgate/adapters"
)

func TestDecodeDetailsClassifiesAnswers(t *testing.T) {
	cases := []struct {
		name, body string
		want       error
		details    int
	}{
		{"found", `{"code":0,"msg":"成功","data":{"waybillCode":"JDVB20261118001","traceDetails":[{"operationTitle":"揽收"},{"waybillCode":"JDVB20261118001","operationTitle":"妥投"}]},"success":true}`, nil, 2},
		{"code as a string", `{"code":"0","data":{"traceDetails":[{"operationTitle":"揽收"}]}}`, nil, 1},
		{"no traces", `{"code":0,"msg":"成功","data":{"waybillCode":"JDVB20261118001","traceDetails":[]},"success":true}`, nil, 0},
		{"no data", `{"code":0,"msg":"成功","data":null,"success":true}`, nil, 0},
		{"another parcel", `{"code":0,"data":{"waybillCode":"JDVB20261118999","traceDetails":[{"operationTitle":"揽收"}]}}`, nil, 0},
		{"a trace of another parcel", `{"code":0,"data":{"traceDetails":[{"waybillCode":"JDVB20261118999"},{"waybillCode":"JDVB20261118001"}]}}`, nil, 1},
		{"an error code", `{"code":1004,"msg":"签名错误","success":false}`, adapters.ErrUnavailable, 0},
		{"success false", `{"code":0,"success":false}`, adapters.ErrUnavailable, 0},
		{"no code", `{"msg":"成功","data":{}}`, adapters.ErrUnavailable, 0},
		{"not JSON", `<html>`, adapters.ErrUnavailable, 0},
		{"data not an object", `{"code":0,"data":[1,2]}`, adapters.ErrUnavailable, 0},
	}
	for _, tc := range cases {
		details, err := decodeDetails([]byte(tc.body), "JDVB20261118001")
		if !errors.Is(err, tc.want) || err == nil && tc.want != nil || len(details) != tc.details {
			t.Errorf("%s: %d details, %v; want %d, %v", tc.name, len(details), err, tc.details, tc.want)
		}
	}
}

// JDL's message is its own text; a code that is not a code is not
// repeated either.
func TestDecodeDetailsKeepsOnlyPlainCodes(t *testing.T) {
	for body, want := range map[string]string{
		`{"code":"13812345678 张三","msg":"运单 JDVB20261118001 不存在"}`: "courier system unavailable: JDL answered code unrecognized",
		`{"code":-1,"msg":"系统异常"}`:                                 "courier system unavailable: JDL answered code -1",
	} {
		_, err := decodeDetails([]byte(body), "JDVB20261118001")
		if err == nil || err.Error() != want {
			t.Errorf("%s: err = %v; want %q", body, err, want)
		}
	}
}
