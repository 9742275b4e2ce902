// Package secheaders sets the security headers of the gateway's HTML
// answers (the tracking page, the API reference): a Content-Security-Policy
// that lets a page run only the gateway's own scripts and talk only to the
// gateway, and the headers that keep it out of frames, out of other
// origins' reach and out of Referer headers. A tracking page holds the
// number a shopper typed, so nothing on it may be able to send it
// elsewhere.
package secheaders

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// Policy is a Content-Security-Policy, one directive per entry.
type Policy []string

// Strict is the policy of a page built only from the gateway's own files:
// scripts and styles from the gateway (no inline code, no eval), requests
// only to the gateway, no plugins, no frames, no base or form tricks.
var Strict = Policy{
	"default-src 'none'",
	"script-src 'self'",
	"style-src 'self'",
	"img-src 'self' data:",
	"font-src 'self'",
	"connect-src 'self'",
	"manifest-src 'self'",
	"base-uri 'none'",
	"form-action 'self'",
	"frame-ancestors 'none'",
}

// String is the policy as the header carries it.
func (p Policy) String() string { return strings.Join(p, "; ") }

// With returns a copy of p with the sources added to a directive, e.g.
// With("style-src", "'unsafe-inline'") for a renderer that sets styles
// inline.
func (p Policy) With(directive string, sources ...string) Policy {
	out := make(Policy, 0, len(p)+1)
	found := false
	for _, d := range p {
		name, _, _ := strings.Cut(d, " ")
		if name == directive {
			d += " " + strings.Join(sources, " ")
			found = true
		}
		out = append(out, d)
	}
	if !found {
		out = append(out, directive+" "+strings.Join(sources, " "))
	}
	return out
}

// Set writes the security headers of an HTML answer under policy p.
func Set(h http.Header, p Policy) {
	h.Set("Content-Security-Policy", p.String())
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// The page's address never leaves it: a permalink's fragment is not
	// sent anyway, and the query is not sent either.
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()")
	// A page may show a parcel's timeline: no shared cache keeps it.
	h.Set("Cache-Control", "no-store")
}

// HTML is gin middleware that sets the headers under p before the handler
// runs, so an error page gets them too.
func HTML(p Policy) gin.HandlerFunc {
	return func(c *gin.Context) {
		Set(c.Writer.Header(), p)
		c.Next()
	}
}
