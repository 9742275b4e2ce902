package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/gateway/problem"
)

// The /docs pages and files are text that responses are checked to be,
// not parsed; no request body of the document has these types.
func init() {
	for _, contentType := range []string{"text/html", "text/css", "text/javascript"} {
		openapi3filter.RegisterBodyDecoder(contentType, openapi3filter.PlainBodyDecoder)
	}
}

// Validator checks requests and responses against the document.
type Validator struct {
	router routers.Router
	// routed finds the operation of a request gin has routed, by gin's
	// route template, without the router's regular expressions.
	routed map[routeKey]*ginRoute
	// requestOptions leave authentication to gateway/signing, and never
	// let validation rewrite a body with schema defaults.
	requestOptions *openapi3filter.Options
}

// NewValidator builds a Validator for doc, which must have been validated
// (Load does). The document's servers, its own and its paths', are
// ignored: requests match on path and method alone, whatever host they
// were sent to, so a courier host matches the /tg1 paths too.
func NewValidator(doc *openapi3.T) (*Validator, error) {
	anyHost := *doc
	anyHost.Servers = nil
	anyHost.Paths = openapi3.NewPaths()
	for path, item := range doc.Paths.Map() {
		local := *item
		local.Servers = nil
		anyHost.Paths.Set(path, &local)
	}
	router, err := gorillamux.NewRouter(&anyHost)
	if err != nil {
		return nil, fmt.Errorf("openapi: build router: %w", err)
	}
	return &Validator{
		router: router,
		routed: ginRoutes(&anyHost),
		requestOptions: &openapi3filter.Options{
			AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
			SkipSettingDefaults: true,
		},
	}, nil
}

// Middleware returns gin middleware that validates each request (path
// parameters, query, headers and body) against the document before the
// handler runs, and puts the body back for the handler.
//
// A request that fails is answered 400 problem+json whose detail names the
// failing parameter or body field, never the value sent. A path the
// document does not have is answered 404, a method it does not list for
// the path 405 with an Allow header. OPTIONS (a CORS preflight) on a
// documented path without an OPTIONS operation passes through
// unvalidated; the gateway's public /v1 paths document theirs
// (docs/protocol.md §7.6). Bound the body size before this
// middleware (http.MaxBytesReader); a body over that bound is answered 413.
func (v *Validator) Middleware() gin.HandlerFunc { return v.middleware(v.requestOptions) }

// MiddlewareLeavingBody is Middleware for a route whose handler decodes
// its JSON body itself and refuses, with 400, every body the document's
// schema refuses — a test of the handler must prove it. Parameters and
// headers are validated as Middleware validates them, and so are the
// body's presence (by Content-Length) and its Content-Type; the body is
// not read. On a route that takes megabytes, validating them against the
// schema costs more than everything else the route does, and the
// handler's strict decoding checks every field anyway.
func (v *Validator) MiddlewareLeavingBody() gin.HandlerFunc {
	opts := *v.requestOptions
	opts.ExcludeRequestBody = true
	return v.middleware(&opts)
}

func (v *Validator) middleware(opts *openapi3filter.Options) gin.HandlerFunc {
	return func(c *gin.Context) {
		req := c.Request
		route, pathParams, err := v.findRoute(c)
		if err != nil {
			v.abortUnrouted(c, err)
			return
		}
		var body []byte
		hasBody := route.Operation.RequestBody != nil && !opts.ExcludeRequestBody
		if hasBody {
			var ok bool
			if body, ok = readBody(c); !ok {
				return
			}
			if len(body) > 0 && isJSON(req.Header.Get("Content-Type")) && !json.Valid(body) {
				// Checked here as well because kin-openapi decodes only
				// the first JSON value and would let trailing bytes pass.
				problem.Abort(c, http.StatusBadRequest, "The request body is not valid JSON.")
				return
			}
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		input := &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: pathParams,
			Route:      route,
			Options:    opts,
		}
		err = openapi3filter.ValidateRequest(req.Context(), input)
		if hasBody {
			// Validation consumed the body; the handler reads it afresh.
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		if err == nil && opts.ExcludeRequestBody && route.Operation.RequestBody != nil {
			err = checkBodyFraming(input, route.Operation.RequestBody.Value)
		}
		if err != nil {
			problem.Abort(c, http.StatusBadRequest, describe(err))
			return
		}
		c.Next()
	}
}

// checkBodyFraming checks what openapi3filter checks of a body before its
// content, as it reports it: a required body that is absent (known
// before reading when Content-Length is 0), and a Content-Type the
// operation does not take.
func checkBodyFraming(input *openapi3filter.RequestValidationInput, body *openapi3.RequestBody) error {
	req := input.Request
	if req.ContentLength == 0 || req.Body == nil || req.Body == http.NoBody {
		if body.Required {
			return &openapi3filter.RequestError{Input: input, RequestBody: body, Err: openapi3filter.ErrInvalidRequired}
		}
		return nil
	}
	if len(body.Content) > 0 && body.Content.Get(req.Header.Get("Content-Type")) == nil {
		return &openapi3filter.RequestError{Input: input, RequestBody: body,
			Reason: fmt.Sprintf("%s %q", prefixInvalidContentType, req.Header.Get("Content-Type"))}
	}
	return nil
}

// routeKey is a gin route: a method and gin's path template.
type routeKey struct{ method, path string }

// ginRoute is an operation of the document as gin routes it: the route
// the document's router would find, and where its path parameters are.
type ginRoute struct {
	route    routers.Route
	segments []string // of the path template, "" where a parameter is
	params   []string // the parameters' names, by segment ("" for a literal)
}

// ginRoutes indexes every operation of doc by its gin route.
func ginRoutes(doc *openapi3.T) map[routeKey]*ginRoute {
	out := map[routeKey]*ginRoute{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			r := &ginRoute{route: routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}}
			for _, seg := range strings.Split(path, "/") {
				if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
					r.segments, r.params = append(r.segments, ""), append(r.params, seg[1:len(seg)-1])
				} else {
					r.segments, r.params = append(r.segments, seg), append(r.params, "")
				}
			}
			out[routeKey{method, ginPath(path)}] = r
		}
	}
	return out
}

// findRoute finds the operation of c's request and its path parameters,
// as the document's router does: from gin's route when gin routed the
// request and the escaped path has the template's literal segments and a
// value for each parameter (the router's values are escaped too), else
// by the router itself. Matching regular expressions for every request
// cost as much as validating it.
func (v *Validator) findRoute(c *gin.Context) (*routers.Route, map[string]string, error) {
	if r, ok := v.routed[routeKey{c.Request.Method, c.FullPath()}]; ok {
		if params, ok := r.match(c.Request.URL.EscapedPath()); ok {
			route := r.route
			return &route, params, nil
		}
	}
	return v.router.FindRoute(c.Request)
}

// match returns the path parameters of an escaped path of r's template.
func (r *ginRoute) match(escaped string) (map[string]string, bool) {
	segments := strings.Split(escaped, "/")
	if len(segments) != len(r.segments) {
		return nil, false
	}
	params := make(map[string]string, len(r.params))
	for i, seg := range segments {
		switch name := r.params[i]; {
		case name == "" && seg != r.segments[i], name != "" && seg == "":
			return nil, false
		case name != "":
			params[name] = seg
		}
	}
	return params, true
}

// abortUnrouted answers a request the document has no operation for.
func (v *Validator) abortUnrouted(c *gin.Context, err error) {
	if !errors.Is(err, routers.ErrMethodNotAllowed) {
		problem.Abort(c, http.StatusNotFound, "This API has no operation at this path.")
		return
	}
	if c.Request.Method == http.MethodOptions {
		c.Next()
		return
	}
	c.Header("Allow", strings.Join(v.allowedMethods(c.Request), ", "))
	problem.Abort(c, http.StatusMethodNotAllowed, "This path does not accept this method; see the Allow header.")
}

// allowedMethods lists the methods the document has for req's path.
func (v *Validator) allowedMethods(req *http.Request) []string {
	var allowed []string
	for _, method := range knownMethods {
		probe := req.Clone(req.Context())
		probe.Method = method
		if _, _, err := v.router.FindRoute(probe); err == nil {
			allowed = append(allowed, method)
		}
	}
	return allowed
}

// readBody reads the whole request body, answering 413 when it is over the
// bound the caller set with http.MaxBytesReader.
func readBody(c *gin.Context) ([]byte, bool) {
	if c.Request.Body == nil || c.Request.Body == http.NoBody {
		return nil, true
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			problem.Abort(c, http.StatusRequestEntityTooLarge, "The request body is larger than this endpoint accepts.")
			return nil, false
		}
		problem.Abort(c, http.StatusBadRequest, "The request body could not be read.")
		return nil, false
	}
	return body, true
}

// isJSON reports whether a Content-Type is JSON (application/json or a
// +json type).
func isJSON(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")
}

// ValidateResponse checks a response that a handler gave to req against the
// document: the status must be documented for the operation, and the
// headers and body must match it. Meant for tests; its errors quote values
// and must not reach clients.
func (v *Validator) ValidateResponse(req *http.Request, status int, header http.Header, body []byte) error {
	route, pathParams, err := v.router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("openapi: response to %s %s: %w", req.Method, req.URL.Path, err)
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: pathParams,
			Route:      route,
			Options:    v.requestOptions,
		},
		Status:  status,
		Header:  header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	input.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(req.Context(), input); err != nil {
		return fmt.Errorf("openapi: response %d to %s %s: %w", status, req.Method, route.Path, err)
	}
	return nil
}
