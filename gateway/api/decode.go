package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// ErrMalformed wraps every reason Decode refuses a body.
var ErrMalformed = errors.New("malformed JSON body")

// Decode reads exactly one JSON value from r into v. Unknown fields are
// accepted (later protocol versions may add some); trailing data and any
// base64 or type error are ErrMalformed, with a detail safe to show a
// client: it names the problem, never the submitted values.
func Decode(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return fmt.Errorf("read body: %w", err)
		}
		return fmt.Errorf("%w: %s", ErrMalformed, describeDecodeError(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: data after the JSON value", ErrMalformed)
	}
	return nil
}

func describeDecodeError(err error) string {
	var (
		syntax    *json.SyntaxError
		typeError *json.UnmarshalTypeError
	)
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the body is empty or ends too early"
	case errors.As(err, &syntax):
		return fmt.Sprintf("invalid JSON at byte %d", syntax.Offset)
	case errors.As(err, &typeError):
		if typeError.Field != "" {
			return fmt.Sprintf("field %q must be a JSON %s", typeError.Field, jsonKind(typeError.Type.Kind().String()))
		}
		return "the body must be a JSON object"
	default:
		// The remaining errors come from our own text unmarshallers
		// (base64url, times), whose messages describe the format only.
		return "a value is not in its required format (binary values are unpadded base64url, times RFC 3339)"
	}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "slice", "array":
		return "array"
	case "struct", "map", "ptr":
		return "object"
	case "string":
		return "string"
	default:
		return "number"
	}
}
