package declarative

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"strings"
)

// signer computes a request's signature: a digest (md5, sha1, sha256)
// of what over renders, as ZTO's and SF Express's APIs want it over the
// body and a secret, or an HMAC of it with key; encoded in base64, hex or
// upper-case hex; sent in a header, a query parameter or a form field.
type signer struct {
	newHash   func() hash.Hash
	hmac      bool
	key, over template
	encode    func([]byte) string
	// where the signature goes: exactly one is set.
	header, query, form string
}

var hashes = map[string]func() hash.Hash{"md5": md5.New, "sha1": sha1.New, "sha256": sha256.New}

var encodings = map[string]func([]byte) string{
	"base64":    base64.StdEncoding.EncodeToString,
	"hex":       hex.EncodeToString,
	"hex_upper": func(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) },
}

func (d *Description) checkSign(c *checker, s *signSpec) *signer {
	g := &signer{header: s.Header, query: s.Query, form: s.Form}
	alg, isHMAC := strings.CutPrefix(s.Algorithm, "hmac-")
	g.newHash, g.hmac = hashes[alg], isHMAC
	if g.newHash == nil {
		c.add(s.Over.line, "auth.sign.algorithm: %q is not md5, sha1, sha256, hmac-md5, hmac-sha1 or hmac-sha256", s.Algorithm)
	}
	if isHMAC != (s.Key.src != "") {
		c.add(s.Over.line, "auth.sign.key: an HMAC needs a key, and only an HMAC has one")
	}
	if s.Over.src == "" {
		c.add(0, "auth.sign.over: what the signature covers is required, e.g. \"{body}{option.secret}\"")
	}
	if s.Encoding == "" {
		s.Encoding = "base64"
	}
	if g.encode = encodings[s.Encoding]; g.encode == nil {
		c.add(s.Over.line, "auth.sign.encoding: %q is not base64, hex or hex_upper", s.Encoding)
	}
	g.key = d.parse(c, "auth.sign.key", s.Key, scopeSign)
	g.over = d.parse(c, "auth.sign.over", s.Over, scopeSign)
	set := 0
	for _, dst := range []string{s.Header, s.Query, s.Form} {
		if dst != "" {
			set++
		}
	}
	if set != 1 {
		c.add(s.Over.line, "auth.sign: give exactly one of header, query and form, where the signature goes")
	}
	hasForm := d.body != nil && d.body.form != nil
	if s.Form != "" && !hasForm {
		c.add(s.Over.line, "auth.sign.form: the request has no form body to put the signature in")
	}
	if s.Form != "" && g.over.uses("body") {
		c.add(s.Over.line, "auth.sign.over: a signature that goes in the form cannot cover {body}; name the form's fields, {form.NAME}")
	}
	for _, p := range g.over.parts {
		if f, ok := strings.CutPrefix(p.name, "form."); ok && !(hasForm && slicesContainsField(d.body.form, f)) {
			c.add(s.Over.line, "auth.sign.over: {%s}: the request's form has no field %q", p.name, f)
		}
	}
	return g
}

func slicesContainsField(fields []formField, name string) bool {
	for _, f := range fields {
		if f.name == name {
			return true
		}
	}
	return false
}

// sign returns the signature of one request.
func (g *signer) sign(v *values) string {
	data := []byte(g.over.render(v, nil))
	var h hash.Hash
	if g.hmac {
		h = hmac.New(g.newHash, []byte(g.key.render(v, nil)))
	} else {
		h = g.newHash()
	}
	h.Write(data)
	return g.encode(h.Sum(nil))
}
