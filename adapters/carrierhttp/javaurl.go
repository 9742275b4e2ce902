package carrierhttp

import "strings"

// JavaURLEncode is java.net.URLEncoder.encode(s, "UTF-8"), which Chinese
// carriers define their signatures with (SF Express's msgDigest): ASCII
// letters, digits and . - * _ stay, a space becomes '+', every other
// byte of the UTF-8 form becomes %XX in upper-case hex. Go's
// url.QueryEscape differs on '*' and '~'.
func JavaURLEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) * 3)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '.', c == '-', c == '*', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
