package api

import (
	"bytes"
	"fmt"

	"github.com/trackgate/trackgate/crypto"
)

// DecodePublicRecords decodes a bucket or record answer (PublicRecords)
// in one pass, base64 straight from the body: exactly what encoding/json
// decodes, member names matched as it matches them, and refused with
// ErrMalformed wherever it refuses. A client reads one such answer per
// courier and round of a lookup, tens of kilobytes each; encoding/json
// spent more time on them than the rest of the lookup's own work.
func DecodePublicRecords(body []byte) (PublicRecords, error) {
	d := answerDecoder{scanner: scanner{data: body}}
	var out PublicRecords
	if d.peek() == 0 && d.i == len(d.data) {
		return PublicRecords{}, fmt.Errorf("%w: the body is empty or ends too early", ErrMalformed)
	}
	if !d.null() {
		if d.peek() != '{' {
			return PublicRecords{}, fmt.Errorf("%w: the body must be a JSON object", ErrMalformed)
		}
		err := d.object(func(key []byte) error {
			switch {
			case bytes.EqualFold(key, []byte("records")):
				return d.records(&out.Records)
			case bytes.EqualFold(key, []byte("missing")):
				return d.strings(&out.Missing)
			}
			return d.skip()
		})
		if err != nil {
			return PublicRecords{}, err
		}
	}
	if err := d.end(); err != nil {
		return PublicRecords{}, err
	}
	return out, nil
}

// answerDecoder reads a PublicRecords answer with encoding/json's
// semantics: null leaves a value as it was, a repeated member replaces.
type answerDecoder struct{ scanner }

func (d *answerDecoder) typeError(what string) error {
	return fmt.Errorf("%w: field %q must be a JSON %s", ErrMalformed, what, map[string]string{
		"records": "array", "missing": "array", "locator": "string", "nonce": "string", "ciphertext": "string",
	}[what])
}

func (d *answerDecoder) records(out *[]crypto.PublicRecord) error {
	if d.null() {
		return nil
	}
	if d.peek() != '[' {
		return d.typeError("records")
	}
	recs := []crypto.PublicRecord{}
	err := d.array(func(int) error {
		var r crypto.PublicRecord
		if !d.null() {
			if d.peek() != '{' {
				return d.typeError("records")
			}
			err := d.object(func(key []byte) error {
				switch {
				case bytes.EqualFold(key, []byte("locator")):
					return d.b64("locator", &r.Locator)
				case bytes.EqualFold(key, []byte("nonce")):
					return d.b64("nonce", &r.Nonce)
				case bytes.EqualFold(key, []byte("ciphertext")):
					return d.b64("ciphertext", &r.Ciphertext)
				}
				return d.skip()
			})
			if err != nil {
				return err
			}
		}
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		return err
	}
	*out = recs
	return nil
}

// b64 reads unpadded base64url strictly, as crypto.B64 does.
func (d *answerDecoder) b64(what string, out *crypto.B64) error {
	if d.null() {
		return nil
	}
	if d.peek() != '"' {
		return d.typeError(what)
	}
	text, escaped, err := d.rawString()
	if err != nil {
		return err
	}
	if escaped || bytes.IndexByte(text, '\r') >= 0 || bytes.IndexByte(text, '\n') >= 0 {
		if text, err = d.stringValue(escaped, text); err != nil {
			return err
		}
		v, err := crypto.DecodeB64(string(text))
		if err != nil {
			return d.formatError()
		}
		*out = v
		return nil
	}
	v := make([]byte, b64.DecodedLen(len(text)))
	n, err := b64.Decode(v, text)
	if err != nil {
		return d.formatError()
	}
	*out = v[:n]
	return nil
}

// stringValue is the value of a string rawString read: unescaped when it
// had escapes (and so was not consumed), else as it was.
func (d *answerDecoder) stringValue(escaped bool, raw []byte) ([]byte, error) {
	if !escaped {
		return raw, nil
	}
	return d.string()
}

func (d *answerDecoder) formatError() error {
	return fmt.Errorf("%w: a value is not in its required format (binary values are unpadded base64url, times RFC 3339)", ErrMalformed)
}

func (d *answerDecoder) strings(out *[]string) error {
	if d.null() {
		return nil
	}
	if d.peek() != '[' {
		return d.typeError("missing")
	}
	list := []string{}
	err := d.array(func(int) error {
		var s string
		if !d.null() {
			if d.peek() != '"' {
				return d.typeError("missing")
			}
			v, err := d.string()
			if err != nil {
				return err
			}
			s = string(v)
		}
		list = append(list, s)
		return nil
	})
	if err != nil {
		return err
	}
	*out = list
	return nil
}
