package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
)

// bodyError is why a request body could not be decoded: an HTTP status and
// our own sentence saying what to fix.
type bodyError struct {
	status int
	detail string
}

// checkJSONContentType refuses a body that is not declared JSON.
func checkJSONContentType(r *http.Request) *bodyError {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return &bodyError{http.StatusUnsupportedMediaType, "Send the body as JSON with Content-Type: application/json."}
	}
	return nil
}

// decodeBody decodes exactly one JSON value into v, refusing members v
// does not have: a misspelt optional member must not be dropped in
// silence. A body over an http.MaxBytesReader's limit is 413.
func decodeBody(body io.Reader, v any) *bodyError {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		var extra json.RawMessage
		if dec.Decode(&extra) != io.EOF {
			return &bodyError{http.StatusBadRequest, "The body holds more than one JSON value; send one object."}
		}
		return nil
	}
	var (
		tooLarge  *http.MaxBytesError
		syntax    *json.SyntaxError
		wrongType *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooLarge):
		return &bodyError{http.StatusRequestEntityTooLarge, fmt.Sprintf("The body is larger than %d bytes; send fewer events a request.", tooLarge.Limit)}
	case errors.Is(err, io.EOF):
		return &bodyError{http.StatusBadRequest, "The body is empty; send a JSON object."}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &bodyError{http.StatusBadRequest, "The body is not valid JSON: it ends too early."}
	case errors.As(err, &syntax):
		return &bodyError{http.StatusBadRequest, fmt.Sprintf("The body is not valid JSON: syntax error at byte %d.", syntax.Offset)}
	case errors.As(err, &wrongType):
		where := "The body"
		if wrongType.Field != "" {
			where = fmt.Sprintf("The member %q", wrongType.Field)
		}
		return &bodyError{http.StatusBadRequest, fmt.Sprintf("%s has the wrong JSON type: want %s.", where, jsonKind(wrongType.Type))}
	}
	// encoding/json reports an unknown member only by its text.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &bodyError{http.StatusBadRequest, fmt.Sprintf("The body has the unknown member %s; see docs/webhook-events.schema.json.", name)}
	}
	return &bodyError{http.StatusBadRequest, "The body is not valid JSON."}
}

// jsonKind names the JSON type that decodes into t.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	case reflect.Bool:
		return "true or false"
	default:
		return "a number"
	}
}
