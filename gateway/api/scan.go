package api

import (
	"bytes"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner reads one JSON document in place, for decoders of the hot
// routes that check every field as they meet it (publish.go). It accepts
// exactly what encoding/json accepts, including members it does not know
// with any JSON value, and reports a syntax error by its byte offset,
// never by the text found there.
type scanner struct {
	data []byte
	i    int
}

// maxDepth bounds the nesting of a value skipped, as encoding/json does.
const maxDepth = 10000

func (s *scanner) syntaxError() error {
	if s.i >= len(s.data) {
		return fmt.Errorf("%w: the body is empty or ends too early", ErrMalformed)
	}
	return fmt.Errorf("%w: invalid JSON at byte %d", ErrMalformed, s.i)
}

// space skips JSON white space.
func (s *scanner) space() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, 0 at the end (a 0 in
// the document is never valid where a caller looks for a byte).
func (s *scanner) peek() byte {
	s.space()
	if s.i >= len(s.data) {
		return 0
	}
	return s.data[s.i]
}

// consume skips white space and c, or reports a syntax error.
func (s *scanner) consume(c byte) error {
	if s.peek() != c {
		return s.syntaxError()
	}
	s.i++
	return nil
}

// end checks that nothing but white space follows the document.
func (s *scanner) end() error {
	if s.space(); s.i < len(s.data) {
		return fmt.Errorf("%w: data after the JSON value", ErrMalformed)
	}
	return nil
}

// null reports whether the next value is null, and consumes it if so.
func (s *scanner) null() bool {
	if s.peek() == 'n' && bytes.HasPrefix(s.data[s.i:], []byte("null")) {
		s.i += len("null")
		return true
	}
	return false
}

// object reads an object, calling member with each key (unescaped) to
// read its value. The caller has checked that one begins here.
func (s *scanner) object(member func(key []byte) error) error {
	if err := s.consume('{'); err != nil {
		return err
	}
	if s.peek() == '}' {
		s.i++
		return nil
	}
	for {
		if s.peek() != '"' {
			return s.syntaxError()
		}
		key, err := s.string()
		if err != nil {
			return err
		}
		if err := s.consume(':'); err != nil {
			return err
		}
		s.space()
		if err := member(key); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return nil
		default:
			return s.syntaxError()
		}
	}
}

// array reads an array, calling item with each index to read its value.
// The caller has checked that one begins here.
func (s *scanner) array(item func(i int) error) error {
	if err := s.consume('['); err != nil {
		return err
	}
	if s.peek() == ']' {
		s.i++
		return nil
	}
	for i := 0; ; i++ {
		s.space()
		if err := item(i); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return s.syntaxError()
		}
	}
}

// rawString returns the bytes between the quotes of the string that
// begins here, in place, when it has no escape; escaped is true when it
// has one, and then nothing is consumed (string unescapes it). The bytes
// are not checked for control characters: callers decode them further
// (base64url, a time) and refuse those anyway.
func (s *scanner) rawString() (raw []byte, escaped bool, err error) {
	if s.peek() != '"' {
		return nil, false, s.syntaxError()
	}
	rest := s.data[s.i+1:]
	n := bytes.IndexByte(rest, '"')
	if n < 0 {
		s.i = len(s.data)
		return nil, false, s.syntaxError()
	}
	if bytes.IndexByte(rest[:n], '\\') >= 0 {
		return nil, true, nil
	}
	s.i += n + 2
	return rest[:n], false, nil
}

// string reads a string and returns its value, unescaped as encoding/json
// does (invalid UTF-8 and lone surrogates become U+FFFD); the value
// shares the document's memory when there was nothing to unescape.
func (s *scanner) string() ([]byte, error) {
	if err := s.consume('"'); err != nil {
		return nil, err
	}
	start := s.i
	var out []byte // nil until an escape is met
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case c == '"':
			s.i++
			if out == nil {
				return s.fixUTF8(s.data[start : s.i-1]), nil
			}
			return s.fixUTF8(out), nil
		case c < 0x20:
			return nil, s.syntaxError()
		case c == '\\':
			if out == nil {
				out = append([]byte(nil), s.data[start:s.i]...)
			}
			var err error
			if out, err = s.escape(out); err != nil {
				return nil, err
			}
		default:
			if out != nil {
				out = append(out, c)
			}
			s.i++
		}
	}
	return nil, s.syntaxError()
}

// escape appends the value of the escape at s.i to out.
func (s *scanner) escape(out []byte) ([]byte, error) {
	if s.i+1 >= len(s.data) {
		s.i = len(s.data)
		return nil, s.syntaxError()
	}
	s.i++
	c := s.data[s.i]
	s.i++
	switch c {
	case '"', '\\', '/':
		return append(out, c), nil
	case 'b':
		return append(out, '\b'), nil
	case 'f':
		return append(out, '\f'), nil
	case 'n':
		return append(out, '\n'), nil
	case 'r':
		return append(out, '\r'), nil
	case 't':
		return append(out, '\t'), nil
	case 'u':
		r, ok := s.hex4()
		if !ok {
			return nil, s.syntaxError()
		}
		if utf16.IsSurrogate(r) {
			// A pair is one rune; anything else is U+FFFD, and the
			// escape after a lone surrogate is read on its own.
			if s.i+1 < len(s.data) && s.data[s.i] == '\\' && s.data[s.i+1] == 'u' {
				save := s.i
				s.i += 2
				if r2, ok := s.hex4(); ok {
					if both := utf16.DecodeRune(r, r2); both != utf8.RuneError {
						return utf8.AppendRune(out, both), nil
					}
				}
				s.i = save
			}
			r = utf8.RuneError
		}
		return utf8.AppendRune(out, r), nil
	}
	s.i--
	return nil, s.syntaxError()
}

// hex4 reads the four hex digits of a \u escape.
func (s *scanner) hex4() (rune, bool) {
	if s.i+4 > len(s.data) {
		return 0, false
	}
	var r rune
	for _, c := range s.data[s.i : s.i+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	s.i += 4
	return r, true
}

// fixUTF8 replaces each byte of invalid UTF-8 with U+FFFD, as
// encoding/json does.
func (s *scanner) fixUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		out = utf8.AppendRune(out, r) // RuneError for each invalid byte
		b = b[n:]
	}
	return out
}

// number reads a number and returns its text.
func (s *scanner) number() ([]byte, error) {
	start := s.i
	d := s.data
	if s.i < len(d) && d[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(d) && d[s.i] == '0':
		s.i++
	case s.i < len(d) && '1' <= d[s.i] && d[s.i] <= '9':
		s.digits()
	default:
		return nil, s.syntaxError()
	}
	if s.i < len(d) && d[s.i] == '.' {
		s.i++
		if !s.digits() {
			return nil, s.syntaxError()
		}
	}
	if s.i < len(d) && (d[s.i] == 'e' || d[s.i] == 'E') {
		s.i++
		if s.i < len(d) && (d[s.i] == '+' || d[s.i] == '-') {
			s.i++
		}
		if !s.digits() {
			return nil, s.syntaxError()
		}
	}
	return d[start:s.i], nil
}

// digits skips decimal digits and reports whether there was one.
func (s *scanner) digits() bool {
	start := s.i
	for s.i < len(s.data) && '0' <= s.data[s.i] && s.data[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

// skip reads any one value and drops it.
func (s *scanner) skip() error { return s.skipDepth(0) }

func (s *scanner) skipDepth(depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: the body nests deeper than %d levels", ErrMalformed, maxDepth)
	}
	switch c := s.peek(); {
	case c == '{':
		return s.object(func([]byte) error { return s.skipDepth(depth + 1) })
	case c == '[':
		return s.array(func(int) error { return s.skipDepth(depth + 1) })
	case c == '"':
		_, err := s.string()
		return err
	case c == '-' || '0' <= c && c <= '9':
		_, err := s.number()
		return err
	}
	for _, lit := range []string{"true", "false", "null"} {
		if bytes.HasPrefix(s.data[s.i:], []byte(lit)) {
			s.i += len(lit)
			return nil
		}
	}
	return s.syntaxError()
}
