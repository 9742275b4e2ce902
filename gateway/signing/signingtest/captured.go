// Package signingtest helps the tests of signed requests
// (docs/protocol.md §9) play the attacker: it holds a signed request as a
// man in the middle records it and sends it again, unchanged, wherever the
// test points it.
package signingtest

import (
	"bytes"
	"io"
	"net/http"
	"testing"
)

// Captured is a signed request as recorded on the wire: method, path and
// query, headers (the signature among them) and body.
type Captured struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

// Capture records req, whose body is body, as a man in the middle would.
func Capture(req *http.Request, body []byte) Captured {
	return Captured{Method: req.Method, Path: req.URL.RequestURI(), Header: req.Header.Clone(), Body: bytes.Clone(body)}
}

// SendTo sends the captured request, unchanged, to the server at baseURL
// and returns the status it answers.
func (c Captured) SendTo(t testing.TB, baseURL string) int {
	t.Helper()
	req, err := http.NewRequest(c.Method, baseURL+c.Path, bytes.NewReader(c.Body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = c.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}
