package chinatrace

import (
	"encoding/json"
	"strings"
)

// Code is a code a courier sends as a number or as a string, as its
// clients see both (JDL's result codes and trace categories, ZOP's error
// codes), trimmed; "" for null or a value of another shape.
type Code string

func (c *Code) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*c = Code(strings.TrimSpace(s))
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		*c = "" // a code of another shape says nothing
		return nil
	}
	*c = Code(n.String())
	return nil
}
