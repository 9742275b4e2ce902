package chinatrace

import (
	"encoding/json"
	"testing"
)

func TestCodeIsANumberOrAString(t *testing.T) {
	for in, want := range map[string]Code{
		`510`: "510", `"510"`: "510", `" S02 "`: "S02", `-1`: "-1", `null`: "", `{}`: "", `true`: "",
	} {
		var c Code
		if err := json.Unmarshal([]byte(in), &c); err != nil || c != want {
			t.Errorf("Code %s = %q, %v; want %q", in, c, err, want)
		}
	}
}
