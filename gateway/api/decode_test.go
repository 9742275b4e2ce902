package api

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeRefusesWhatIsNotOneJSONValue(t *testing.T) {
	cases := []struct {
		name, body string
		ok         bool
	}{
		{"valid", `{"requests":[]}`, true},
		{"unknown fields are accepted", `{"requests":[],"future":1}`, true},
		{"trailing white space", "{\"requests\":[]}\n ", true},
		{"empty", ``, false},
		{"truncated", `{"requests":[`, false},
		{"two values", `{"requests":[]}{}`, false},
		{"wrong type", `{"requests":{}}`, false},
		{"bad base64", `{"requests":[{"courier":"a","kid":"b","blinded":["***"]}]}`, false},
		{"padded base64", `{"requests":[{"courier":"a","kid":"b","blinded":["AA=="]}]}`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var req EvaluateRequest
			err := Decode(strings.NewReader(c.body), &req)
			if c.ok != (err == nil) || (err != nil && !errors.Is(err, ErrMalformed)) {
				t.Fatalf("Decode: %v, want ok=%v", err, c.ok)
			}
		})
	}
}

// FuzzDecodeEvaluateRequest: any body either decodes or is ErrMalformed,
// and the error never quotes the body.
func FuzzDecodeEvaluateRequest(f *testing.F) {
	f.Add(`{"requests":[{"courier":"sim-swift","kid":"LO34CkLLHzA","blinded":["DvHiMWNxWXqjg--ai2jH_TGbA7_jpsSPqKVf1R7uBEE"]}]}`)
	f.Add(`{"requests":[`)
	f.Add(`[]`)
	f.Add(`{"requests":[{"blinded":["SECRETSECRET*"]}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		var req EvaluateRequest
		err := Decode(strings.NewReader(body), &req)
		if err == nil {
			return
		}
		if !errors.Is(err, ErrMalformed) {
			t.Fatalf("error %v is not ErrMalformed", err)
		}
		if len(body) >= 8 && strings.Contains(err.Error(), body) {
			t.Fatalf("the error quotes the body: %v", err)
		}
	})
}
