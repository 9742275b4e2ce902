package scrub

import "strings"

// PlainCode reports whether c, a code a courier sent (an error code, a
// scan type), is plainly a code and may be echoed into an error or a
// substatus: 1 to 8 ASCII letters and digits (S02, A1006, E403, 8152),
// too short for a phone number and nothing that could be a remark.
func PlainCode(c string) bool {
	return c != "" && len(c) <= 8 && strings.IndexFunc(c, func(r rune) bool {
		return !('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9')
	}) < 0
}
