package openapi

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// describe turns a request validation failure into the problem detail sent
// to the client. It is built only from the document (parameter names, field
// paths, schema constraints), never from kin-openapi's error text, which
// may quote the submitted value: a value sent to the gateway can be a
// blinded element or a locator, and a detail may end up in logs.
func describe(err error) string {
	var reqErr *openapi3filter.RequestError
	if !errors.As(err, &reqErr) {
		return "The request does not match the API document."
	}
	switch {
	case reqErr.Parameter != nil:
		return describeParameter(reqErr.Parameter, reqErr.Err)
	case reqErr.RequestBody != nil:
		return describeBody(reqErr)
	}
	return "The request does not match the API document."
}

func describeParameter(p *openapi3.Parameter, cause error) string {
	var subject string
	switch p.In {
	case openapi3.ParameterInHeader:
		subject = fmt.Sprintf("The %s header", p.Name)
	case openapi3.ParameterInPath:
		subject = fmt.Sprintf("The path parameter %q", p.Name)
	default:
		subject = fmt.Sprintf("The %s parameter %q", p.In, p.Name)
	}
	var schemaErr *openapi3.SchemaError
	var parseErr *openapi3filter.ParseError
	switch {
	case errors.Is(cause, openapi3filter.ErrInvalidRequired):
		return subject + " is required."
	case errors.Is(cause, openapi3filter.ErrInvalidEmptyValue):
		return subject + " must not be empty."
	case errors.As(cause, &schemaErr):
		return subject + " " + constraint(schemaErr) + "."
	case errors.As(cause, &parseErr):
		return subject + " could not be parsed."
	}
	return subject + " is not valid."
}

// prefixInvalidContentType starts the reason openapi3filter gives when the
// request's Content-Type is not one the operation accepts.
const prefixInvalidContentType = "header Content-Type has unexpected value"

func describeBody(reqErr *openapi3filter.RequestError) string {
	var schemaErr *openapi3.SchemaError
	var parseErr *openapi3filter.ParseError
	switch {
	case errors.Is(reqErr.Err, openapi3filter.ErrInvalidRequired):
		return "The request body is required; send " + mediaTypes(reqErr.RequestBody) + "."
	case reqErr.Err == nil && strings.HasPrefix(reqErr.Reason, prefixInvalidContentType):
		return "The request body must be sent with Content-Type " + mediaTypes(reqErr.RequestBody) + "."
	case errors.As(reqErr.Err, &schemaErr):
		if pointer := jsonPointer(schemaErr.JSONPointer()); pointer != "" {
			return fmt.Sprintf("The request body field %s %s.", pointer, constraint(schemaErr))
		}
		return "The request body " + constraint(schemaErr) + "."
	case errors.As(reqErr.Err, &parseErr):
		return "The request body is not valid JSON."
	}
	return "The request body does not match the API document."
}

// mediaTypes lists the media types a request body may be sent as.
func mediaTypes(body *openapi3.RequestBody) string {
	types := make([]string, 0, len(body.Content))
	for t := range body.Content {
		types = append(types, t)
	}
	slices.Sort(types)
	return strings.Join(types, " or ")
}

// jsonPointer writes path as an RFC 6901 JSON pointer ("" for the root).
// Its tokens are property names of the schema and array indexes, so it
// names a place in the body, not a submitted value.
func jsonPointer(path []string) string {
	var b strings.Builder
	for _, token := range path {
		b.WriteByte('/')
		token = strings.ReplaceAll(token, "~", "~0")
		b.WriteString(strings.ReplaceAll(token, "/", "~1"))
	}
	return b.String()
}

// constraint says, from the schema alone, what the failing value must be.
func constraint(e *openapi3.SchemaError) string {
	s := e.Schema
	if s == nil {
		return "does not match the API document"
	}
	switch e.SchemaField {
	case "required":
		return "is required"
	case "type":
		if s.Type != nil && len(s.Type.Slice()) > 0 {
			return "must be of JSON type " + strings.Join(s.Type.Slice(), " or ")
		}
	case "nullable":
		return "must not be null"
	case "pattern":
		return "must match the pattern " + s.Pattern
	case "format":
		if s.Format == "date-time" {
			return "must be an RFC 3339 date-time with an offset"
		}
		return "must have the format " + s.Format
	case "enum":
		values := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			values[i] = fmt.Sprint(v)
		}
		return "must be one of " + strings.Join(values, ", ")
	case "minItems":
		return "must have at least " + count(s.MinItems, "item")
	case "maxItems":
		if s.MaxItems != nil {
			return "must have at most " + count(*s.MaxItems, "item")
		}
	case "minLength":
		return "must be at least " + count(s.MinLength, "character") + " long"
	case "maxLength":
		if s.MaxLength != nil {
			return "must be at most " + count(*s.MaxLength, "character") + " long"
		}
	case "minimum":
		if s.Min != nil {
			return fmt.Sprintf("must be at least %v", *s.Min)
		}
	case "maximum":
		if s.Max != nil {
			return fmt.Sprintf("must be at most %v", *s.Max)
		}
	}
	return "does not satisfy the schema's " + e.SchemaField + " rule"
}

// count writes "1 item" or "8 items".
func count(n uint64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
