package declarative

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
)

// send sends the request the description makes for vals. With OAuth, a
// 401 drops the token and the request is sent once more with a new one.
func (s *Source) send(ctx context.Context, vals *values) (*carrierhttp.Response, error) {
	if s.token == nil {
		return s.sendOnce(ctx, vals)
	}
	resp, err := s.token.Send(ctx, func(tok string) (*carrierhttp.Response, error) {
		vals.token = tok
		return s.sendOnce(ctx, vals)
	})
	if err == nil && resp.Status == http.StatusUnauthorized {
		return nil, fmt.Errorf("track: %w: HTTP 401 with a fresh token", adapters.ErrMisconfigured)
	}
	return resp, err
}

func (s *Source) sendOnce(ctx context.Context, vals *values) (*carrierhttp.Response, error) {
	newRequest, err := s.d.request(vals)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Do(ctx, newRequest)
	if err != nil {
		return nil, fmt.Errorf("track: %w", err)
	}
	return resp, nil
}

// request builds the request for vals: the URL with its placeholders
// path-escaped, the query, the body, the auth and the signature.
func (d *Description) request(vals *values) (carrierhttp.NewRequestFunc, error) {
	u := d.url.render(vals, url.PathEscape)
	if parsed, err := url.Parse(u); err != nil || parsed.Host == "" || parsed.Scheme != "http" && parsed.Scheme != "https" {
		return nil, fmt.Errorf("%w: request.url does not make a URL", adapters.ErrMisconfigured)
	}
	query := url.Values{}
	for _, q := range d.query {
		if v := q.t.render(vals, nil); v != "" {
			query.Set(q.name, v)
		}
	}
	if q := d.auth.query; q != nil {
		query.Set(q.name, q.t.render(vals, nil))
	}
	headers := http.Header{}
	for _, h := range d.headers {
		headers.Set(h.name, h.t.render(vals, nil))
	}
	if h := d.auth.header; h != nil {
		headers.Set(h.name, h.t.render(vals, nil))
	}
	if vals.token != "" && !d.headersUse("token") {
		headers.Set("Authorization", "Bearer "+vals.token)
	}
	var body []byte
	var form url.Values
	if b := d.body; b != nil && b.json != nil {
		var buf bytes.Buffer
		b.json.render(&buf, vals)
		body = buf.Bytes()
		headers.Set("Content-Type", "application/json")
	} else if b != nil {
		form = url.Values{}
		for _, f := range b.form {
			if f.json != nil {
				var buf bytes.Buffer
				f.json.render(&buf, vals)
				form.Set(f.name, buf.String())
			} else {
				form.Set(f.name, f.t.render(vals, nil))
			}
		}
		headers.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if g := d.auth.sign; g != nil {
		vals.body, vals.form = string(body), form
		sig := g.sign(vals)
		switch {
		case g.header != "":
			headers.Set(g.header, sig)
		case g.query != "":
			query.Set(g.query, sig)
		default:
			form.Set(g.form, sig)
		}
	}
	if form != nil {
		body = []byte(form.Encode())
	}
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	for name, vs := range headers {
		if strings.ContainsAny(vs[0], "\r\n") {
			return nil, fmt.Errorf("%w: header %s would hold a line break", adapters.ErrMisconfigured, name)
		}
	}
	if headers.Get("Accept") == "" {
		headers.Set("Accept", "application/json")
	}
	method := d.spec.Request.Method
	return func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header = headers.Clone()
		return req, nil
	}, nil
}

func (d *Description) headersUse(name string) bool {
	for _, h := range d.headers {
		if h.t.uses(name) {
			return true
		}
	}
	return d.auth.header != nil && d.auth.header.t.uses(name)
}

// sendsFactor reports whether the request sends the parcel's factor.
func (d *Description) sendsFactor() bool {
	if d.url.uses("factor") || d.headersUse("factor") {
		return true
	}
	for _, q := range d.query {
		if q.t.uses("factor") {
			return true
		}
	}
	if b := d.body; b != nil {
		if b.json.uses("factor") {
			return true
		}
		for _, f := range b.form {
			if f.t.uses("factor") || f.json.uses("factor") {
				return true
			}
		}
	}
	return false
}
