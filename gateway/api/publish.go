package api

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// DecodePublish decodes the body of a publish (PUT
// /v1/couriers/{courier}/records, docs/protocol.md §7.5) in one pass, and
// checks every field as it meets it, as strictly as the PublishRequest
// schema of openapi/tg1.yaml: a body that schema refuses is refused here,
// as ErrMalformed with a detail naming the place and the rule, never the
// value. The gateway does not validate this body against the document as
// well: publishes are megabytes, and the schema's base64 patterns alone
// cost more than everything else a publish does.
//
// What the schema accepts, DecodePublish decodes as encoding/json would
// (the last of a repeated member kept, unknown members skipped), but it
// matches member names exactly, as the schema and docs/protocol.md do:
// encoding/json would also take "Records" for "records", a member the
// schema does not know and so never checks. What the schema allows but
// the deployment may not — another courier's record, an unknown kid, a
// ciphertext of another record_size — is the caller's to refuse.
//
// The binary fields of all records share one buffer.
func DecodePublish(body []byte) (Records, error) {
	d := publishDecoder{scanner: scanner{data: body}}
	// Decoded, every binary field is at most 3/4 of its text.
	d.bin = make([]byte, 0, len(body)/4*3+3)
	var out Records
	if d.peek() != '{' {
		if d.i == len(d.data) {
			return Records{}, fmt.Errorf("%w: the body is empty or ends too early", ErrMalformed)
		}
		return Records{}, fmt.Errorf("%w: the body must be a JSON object", ErrMalformed)
	}
	err := d.object(func(key []byte) error {
		switch string(key) {
		case "records":
			return d.items("records", func(i int) error {
				r, err := d.record(i)
				out.Records = append(out.Records, r)
				return err
			}, func() { out.Records = []crypto.SealedRecord{} })
		case "extend":
			return d.items("extend", func(i int) error {
				x, err := d.extension(i)
				out.Extend = append(out.Extend, x)
				return err
			}, func() { out.Extend = []Extension{} })
		case "withdraw":
			return d.items("withdraw", func(i int) error {
				w, err := d.withdrawal(i)
				out.Withdraw = append(out.Withdraw, w)
				return err
			}, func() { out.Withdraw = []Withdrawal{} })
		}
		return d.skip()
	})
	if err != nil {
		return Records{}, err
	}
	if err := d.end(); err != nil {
		return Records{}, err
	}
	return out, nil
}

// publishDecoder reads a publish body (DecodePublish).
type publishDecoder struct {
	scanner
	bin []byte // decoded binary fields are carved from its spare capacity
}

// items reads one of the body's arrays, of at most crypto.MaxPublishSize
// items, each an object; reset starts it empty (not nil, and without what
// a repeated member read before).
func (d *publishDecoder) items(name string, item func(i int) error, reset func()) error {
	if d.peek() != '[' {
		return fmt.Errorf("%w: %s must be an array", ErrMalformed, name)
	}
	reset()
	return d.array(func(i int) error {
		if i >= crypto.MaxPublishSize {
			return fmt.Errorf("%w: %s holds more than %d items", ErrMalformed, name, crypto.MaxPublishSize)
		}
		if d.peek() != '{' {
			return fmt.Errorf("%w: %s[%d] must be an object", ErrMalformed, name, i)
		}
		return item(i)
	})
}

// Members of the publish items, as bits of what an item had.
const (
	hasCourier = 1 << iota
	hasLocator
	hasKeyID
	hasVersion
	hasNonce
	hasCiphertext
	hasExpiresAt
)

// member finds key among names and returns its bit, 0 for none.
func member(key []byte, names []string) int {
	for i, name := range names {
		if name != "" && string(key) == name {
			return 1 << i
		}
	}
	return 0
}

// The members of each item, in the order of the bits above.
var (
	recordMembers = []string{"courier", "locator", "kid", "version", "nonce", "ciphertext", "expires_at"}
	itemMembers   = []string{"", "locator", "", "version", "", "", "expires_at"}
)

// minCiphertextSize is the least ciphertext the schema's minLength (512
// characters) lets through: one block.
const minCiphertextSize = crypto.BlockSize

func (d *publishDecoder) record(i int) (crypto.SealedRecord, error) {
	var r crypto.SealedRecord
	at := func(field string) string { return fmt.Sprintf("records[%d].%s", i, field) }
	has, err := d.item(recordMembers, func(bit int) error {
		var err error
		switch bit {
		case hasCourier:
			r.Courier, err = d.courier(at("courier"))
		case hasLocator:
			r.Locator, err = d.binary(at("locator"), crypto.LocatorSize, crypto.LocatorSize)
		case hasKeyID:
			r.KeyID, err = d.binary(at("kid"), crypto.KeyIDSize, crypto.KeyIDSize)
		case hasVersion:
			r.Version, err = d.version(at("version"))
		case hasNonce:
			r.Nonce, err = d.binary(at("nonce"), crypto.NonceSize, crypto.NonceSize)
		case hasCiphertext:
			r.Ciphertext, err = d.binary(at("ciphertext"), minCiphertextSize, 0)
		case hasExpiresAt:
			r.ExpiresAt, err = d.time(at("expires_at"))
		}
		return err
	})
	if err == nil {
		err = required(has, hasCourier|hasLocator|hasKeyID|hasVersion|hasNonce|hasCiphertext|hasExpiresAt, recordMembers, at)
	}
	return r, err
}

func (d *publishDecoder) extension(i int) (Extension, error) {
	var x Extension
	at := func(field string) string { return fmt.Sprintf("extend[%d].%s", i, field) }
	has, err := d.item(itemMembers, func(bit int) error {
		var err error
		switch bit {
		case hasLocator:
			x.Locator, err = d.binary(at("locator"), crypto.LocatorSize, crypto.LocatorSize)
		case hasVersion:
			x.Version, err = d.version(at("version"))
		case hasExpiresAt:
			x.ExpiresAt, err = d.time(at("expires_at"))
		}
		return err
	})
	if err == nil {
		err = required(has, hasLocator|hasVersion|hasExpiresAt, itemMembers, at)
	}
	return x, err
}

func (d *publishDecoder) withdrawal(i int) (Withdrawal, error) {
	var w Withdrawal
	at := func(field string) string { return fmt.Sprintf("withdraw[%d].%s", i, field) }
	has, err := d.item(itemMembers, func(bit int) error {
		var err error
		switch bit {
		case hasLocator:
			w.Locator, err = d.binary(at("locator"), crypto.LocatorSize, crypto.LocatorSize)
		case hasVersion:
			w.Version, err = d.version(at("version"))
		default:
			return d.skip() // expires_at is not a member of a withdrawal
		}
		return err
	})
	if err == nil {
		err = required(has, hasLocator|hasVersion, itemMembers, at)
	}
	return w, err
}

// item reads an item's object, calling field with the bit of each member
// of names met (skipping the others), and returns the bits met.
func (d *publishDecoder) item(names []string, field func(bit int) error) (int, error) {
	has := 0
	err := d.object(func(key []byte) error {
		bit := member(key, names)
		if bit == 0 {
			return d.skip()
		}
		has |= bit
		return field(bit)
	})
	return has, err
}

// required names the first member of want that has lacks.
func required(has, want int, names []string, at func(string) string) error {
	for i, name := range names {
		if bit := 1 << i; want&bit != 0 && has&bit == 0 {
			return fmt.Errorf("%w: %s is required", ErrMalformed, at(name))
		}
	}
	return nil
}

// courier reads a courier id (a string matching CourierID's pattern).
func (d *publishDecoder) courier(at string) (string, error) {
	if d.peek() != '"' {
		return "", fmt.Errorf("%w: %s must be a string", ErrMalformed, at)
	}
	s, err := d.string()
	if err != nil {
		return "", err
	}
	id := string(s)
	if crypto.CheckCourierID(id) != nil {
		return "", fmt.Errorf("%w: %s must be a courier id (lowercase letters, digits and '-', 2 to 32 characters)", ErrMalformed, at)
	}
	return id, nil
}

// b64 is the strict decoding of docs/protocol.md §2 (crypto.DecodeB64).
var b64 = base64.RawURLEncoding.Strict()

// binary reads unpadded base64url of lo to hi bytes (hi 0 for no bound)
// into the decoder's buffer.
func (d *publishDecoder) binary(at string, lo, hi int) (crypto.B64, error) {
	if d.peek() != '"' {
		return nil, fmt.Errorf("%w: %s must be a string", ErrMalformed, at)
	}
	text, escaped, err := d.rawString()
	if err != nil {
		return nil, err
	}
	if escaped { // rare: nothing in base64url needs escaping
		if text, err = d.string(); err != nil {
			return nil, err
		}
	}
	size := b64.DecodedLen(len(text))
	// encoding/base64 skips CR and LF even in strict mode, which would
	// give one value many encodings.
	if size < lo || hi > 0 && size > hi || bytes.IndexByte(text, '\r') >= 0 || bytes.IndexByte(text, '\n') >= 0 {
		return nil, badBinary(at, lo, hi)
	}
	if cap(d.bin)-len(d.bin) < size {
		d.bin = make([]byte, 0, max(size, 64<<10))
	}
	out := d.bin[len(d.bin) : len(d.bin)+size : len(d.bin)+size]
	n, err := b64.Decode(out, text)
	if err != nil || n != size {
		return nil, badBinary(at, lo, hi)
	}
	d.bin = d.bin[:len(d.bin)+size]
	return out, nil
}

func badBinary(at string, lo, hi int) error {
	if lo == hi {
		return fmt.Errorf("%w: %s must be %d bytes of unpadded base64url", ErrMalformed, at, lo)
	}
	return fmt.Errorf("%w: %s must be at least %d bytes of unpadded base64url", ErrMalformed, at, lo)
}

// version reads an integer from 1 to crypto.MaxVersion.
func (d *publishDecoder) version(at string) (uint64, error) {
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		return 0, fmt.Errorf("%w: %s must be a number", ErrMalformed, at)
	}
	text, err := d.number()
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseUint(string(text), 10, 64)
	if err != nil || !crypto.ValidVersion(v) {
		return 0, fmt.Errorf("%w: %s must be an integer from 1 to 2^53-1", ErrMalformed, at)
	}
	return v, nil
}

// time reads an RFC 3339 date-time with an offset, as the schema's
// date-time format and encoding/json's time.Time both accept it.
func (d *publishDecoder) time(at string) (time.Time, error) {
	bad := fmt.Errorf("%w: %s must be an RFC 3339 date-time with an offset", ErrMalformed, at)
	if d.peek() != '"' {
		return time.Time{}, bad
	}
	start := d.i
	text, escaped, err := d.rawString()
	switch {
	case err != nil:
		return time.Time{}, err
	case escaped:
		// encoding/json hands time.Time the raw text, escapes included,
		// which it refuses; the value still has to be a valid string.
		if _, err := d.string(); err != nil {
			return time.Time{}, err
		}
		return time.Time{}, bad
	case !dateTimeShape(text):
		return time.Time{}, bad
	}
	var t time.Time
	if err := t.UnmarshalJSON(d.data[start:d.i]); err != nil {
		return time.Time{}, bad
	}
	return t, nil
}

// dateTimeShape reports whether s has the shape of the schema's
// date-time format (kin-openapi's FormatOfStringDateTime):
// YYYY-MM-DDThh:mm:ss[.f…](Z|±hh:mm) with months 01–12, days 01–31,
// hours 00–23, minutes 00–59 and seconds 00–60. time.Parse accepts some
// strings this refuses (a comma before the fraction, a one-digit hour,
// an offset of 24:00 or minute 60); the calendar (February 30) is
// time.Parse's to refuse.
func dateTimeShape(s []byte) bool {
	num := func(at, lo, hi int) bool {
		if at+2 > len(s) || s[at] < '0' || s[at] > '9' || s[at+1] < '0' || s[at+1] > '9' {
			return false
		}
		v := int(s[at]-'0')*10 + int(s[at+1]-'0')
		return lo <= v && v <= hi
	}
	const fixed = len("2006-01-02T15:04:05")
	if len(s) < fixed+1 || !num(0, 0, 99) || !num(2, 0, 99) || s[4] != '-' || !num(5, 1, 12) || s[7] != '-' ||
		!num(8, 1, 31) || s[10] != 'T' || !num(11, 0, 23) || s[13] != ':' || !num(14, 0, 59) || s[16] != ':' || !num(17, 0, 60) {
		return false
	}
	rest := s[fixed:]
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
			n++
		}
		if n == 1 {
			return false
		}
		rest = rest[n:]
	}
	if len(rest) == 1 {
		return rest[0] == 'Z'
	}
	off := len(s) - len(rest)
	return len(rest) == len("+07:00") && (rest[0] == '+' || rest[0] == '-') && num(off+1, 0, 23) && rest[3] == ':' && num(off+4, 0, 59)
}
