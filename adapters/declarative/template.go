package declarative

import (
	"crypto/rand"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/trackgate/trackgate/adapters/carrierhttp"
)

// A template is a string with placeholders in braces, {number} or
// {option.api_key|upper}, checked when the description is loaded. "{{"
// and "}}" stand for literal braces.
type template struct {
	src   string
	parts []templatePart
}

// templatePart is a literal (name == "") or a placeholder with filters.
type templatePart struct {
	literal string
	name    string
	filters []string
}

// The filters a placeholder may pass its value through.
var filters = map[string]func(string) string{
	"url":      url.QueryEscape,
	"java_url": carrierhttp.JavaURLEncode,
	"upper":    strings.ToUpper,
	"lower":    strings.ToLower,
}

// placeholderScope says which placeholders a template may use: they
// depend on where it is rendered.
type placeholderScope int

const (
	scopeRequest placeholderScope = iota // url, query, headers, body
	scopeToken                           // the OAuth token request: no number, no token
	scopeSign                            // what a signature covers: also {body} and {form.NAME}
)

// parseTemplate parses src; options are the options the description
// declares.
func parseTemplate(src string, scope placeholderScope, options map[string]optionSpec) (template, error) {
	t := template{src: src}
	rest := src
	var lit strings.Builder
	for rest != "" {
		switch {
		case strings.HasPrefix(rest, "{{"):
			lit.WriteByte('{')
			rest = rest[2:]
		case strings.HasPrefix(rest, "}}"):
			lit.WriteByte('}')
			rest = rest[2:]
		case rest[0] == '}':
			return t, fmt.Errorf("template %q: a lone } (write }} for a brace)", src)
		case rest[0] == '{':
			end := strings.IndexByte(rest, '}')
			if end < 0 {
				return t, fmt.Errorf("template %q: { without its }", src)
			}
			if lit.Len() > 0 {
				t.parts = append(t.parts, templatePart{literal: lit.String()})
				lit.Reset()
			}
			p, err := parsePlaceholder(rest[1:end], scope, options)
			if err != nil {
				return t, fmt.Errorf("template %q: %w", src, err)
			}
			t.parts = append(t.parts, p)
			rest = rest[end+1:]
		default:
			lit.WriteByte(rest[0])
			rest = rest[1:]
		}
	}
	if lit.Len() > 0 {
		t.parts = append(t.parts, templatePart{literal: lit.String()})
	}
	return t, nil
}

// placeholderNames are the placeholders of a request, besides
// option.NAME, and what each stands for.
var placeholderNames = map[string]string{
	"number":      "the tracking number, normalized",
	"factor":      "the parcel's first second factor (last 4 phone digits), or empty",
	"base_url":    "the base URL",
	"token":       "the OAuth access token",
	"uuid":        "a random UUID, new for each lookup",
	"now.unix":    "the time in Unix seconds",
	"now.unix_ms": "the time in Unix milliseconds",
	"now.rfc3339": "the time in RFC 3339",
	"now.local":   "the time as 2006-01-02 15:04:05 in the description's zone",
}

func parsePlaceholder(inner string, scope placeholderScope, options map[string]optionSpec) (templatePart, error) {
	fields := strings.Split(inner, "|")
	p := templatePart{name: strings.TrimSpace(fields[0])}
	for _, f := range fields[1:] {
		f = strings.TrimSpace(f)
		if filters[f] == nil {
			return p, fmt.Errorf("{%s}: unknown filter %q; filters: url, java_url, upper, lower", inner, f)
		}
		p.filters = append(p.filters, f)
	}
	name := p.name
	switch {
	case strings.HasPrefix(name, "option."):
		if _, ok := options[strings.TrimPrefix(name, "option.")]; !ok {
			return p, fmt.Errorf("{%s}: the option %q is not declared under options", inner, strings.TrimPrefix(name, "option."))
		}
	case name == "body" || strings.HasPrefix(name, "form."):
		if scope != scopeSign {
			return p, fmt.Errorf("{%s} is known only in what a signature covers (auth.sign.over)", inner)
		}
	case placeholderNames[name] == "":
		return p, fmt.Errorf("unknown placeholder {%s}; placeholders: number, factor, base_url, token, uuid, now.unix, now.unix_ms, now.rfc3339, now.local, option.NAME", inner)
	case scope == scopeToken && (name == "number" || name == "factor" || name == "token"):
		return p, fmt.Errorf("{%s} is not known when a token is fetched", inner)
	}
	return p, nil
}

// uses reports whether t has the placeholder name.
func (t template) uses(name string) bool {
	for _, p := range t.parts {
		if p.name == name {
			return true
		}
	}
	return false
}

func (t template) empty() bool { return t.src == "" }

// render fills t in from v, passing each placeholder's value through its
// filters and then escape (nil: as it is). {base_url} is never escaped.
func (t template) render(v *values, escape func(string) string) string {
	var b strings.Builder
	for _, p := range t.parts {
		if p.name == "" {
			b.WriteString(p.literal)
			continue
		}
		s := v.lookup(p.name)
		for _, f := range p.filters {
			s = filters[f](s)
		}
		if escape != nil && p.name != "base_url" {
			s = escape(s)
		}
		b.WriteString(s)
	}
	return b.String()
}

// values are what the placeholders of one lookup stand for.
type values struct {
	number, factor, baseURL, token, uuid string
	now                                  time.Time
	zone                                 *time.Location
	options                              map[string]string
	body                                 string
	form                                 url.Values
}

func newValues(now time.Time) *values {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return &values{now: now, uuid: fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])}
}

func (v *values) lookup(name string) string {
	switch name {
	case "number":
		return v.number
	case "factor":
		return v.factor
	case "base_url":
		return v.baseURL
	case "token":
		return v.token
	case "uuid":
		return v.uuid
	case "now.unix":
		return strconv.FormatInt(v.now.Unix(), 10)
	case "now.unix_ms":
		return strconv.FormatInt(v.now.UnixMilli(), 10)
	case "now.rfc3339":
		return v.now.Format(time.RFC3339)
	case "now.local":
		zone := v.zone
		if zone == nil {
			zone = time.UTC
		}
		return v.now.In(zone).Format(time.DateTime)
	case "body":
		return v.body
	}
	if f, ok := strings.CutPrefix(name, "form."); ok {
		return v.form.Get(f)
	}
	return v.options[strings.TrimPrefix(name, "option.")]
}
