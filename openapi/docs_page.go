package openapi

import (
	"cmp"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The page's view of the document: already ordered, typed and rendered, so
// the template only lays it out.
type (
	docsPage struct {
		Title, Version string
		Description    template.HTML
		Security       []docsSecurity
		Tags           []docsTag
		Schemas        []docsSchema
	}
	docsSecurity struct {
		Name        string
		Description template.HTML
	}
	docsTag struct {
		Name        string
		Description template.HTML
		Operations  []docsOperation
	}
	docsOperation struct {
		Anchor, Method, Path, Summary string
		Description                   template.HTML
		Signed                        bool
		Parameters                    []docsField
		Body                          []docsContent
		BodyRequired                  bool
		Responses                     []docsResponse
	}
	docsContent struct {
		MediaType string
		Type      template.HTML
	}
	docsResponse struct {
		Status      string
		Description template.HTML
		Headers     []docsField
		Contents    []docsContent
	}
	docsSchema struct {
		Name        string
		Type        template.HTML
		Description template.HTML
		Constraints []string
		Fields      []docsField
	}
	// docsField is a parameter, header or property, one table row.
	docsField struct {
		Name, In    string
		Required    bool
		Type        template.HTML
		Constraints []string
		Description template.HTML
	}
)

func newDocsPage(doc *openapi3.T) docsPage {
	page := docsPage{}
	if doc.Info != nil {
		page.Title, page.Version = doc.Info.Title, doc.Info.Version
		page.Description = renderMarkdown(doc.Info.Description)
	}
	tagNames := make([]string, 0, len(doc.Tags))
	tagDescriptions := map[string]string{}
	for _, t := range doc.Tags {
		tagNames = append(tagNames, t.Name)
		tagDescriptions[t.Name] = t.Description
	}
	ops := documentOrder(doc)
	for _, op := range ops {
		for _, tag := range op.op.Tags {
			if _, ok := tagDescriptions[tag]; !ok {
				tagDescriptions[tag] = ""
				tagNames = append(tagNames, tag)
			}
		}
	}
	for _, name := range tagNames {
		tag := docsTag{Name: name, Description: renderMarkdown(tagDescriptions[name])}
		for _, op := range ops {
			if slices.Contains(op.op.Tags, name) {
				tag.Operations = append(tag.Operations, newDocsOperation(name, op))
			}
		}
		page.Tags = append(page.Tags, tag)
	}
	if doc.Components != nil {
		for _, name := range sortedKeys(doc.Components.SecuritySchemes) {
			if s := doc.Components.SecuritySchemes[name].Value; s != nil {
				page.Security = append(page.Security, docsSecurity{Name: name, Description: renderMarkdown(s.Description)})
			}
		}
		for _, name := range sortedKeys(doc.Components.Schemas) {
			page.Schemas = append(page.Schemas, newDocsSchema(name, doc.Components.Schemas[name].Value))
		}
	}
	return page
}

type pathOperation struct {
	method, path string
	op           *openapi3.Operation
}

// documentOrder lists the operations in the order the document has them
// when it was loaded with origins (Load does), by path otherwise.
func documentOrder(doc *openapi3.T) []pathOperation {
	var ops []pathOperation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops = append(ops, pathOperation{method: method, path: path, op: op})
		}
	}
	line := func(l pathOperation) int {
		if l.op.Origin != nil && l.op.Origin.Key != nil {
			return l.op.Origin.Key.Line
		}
		return 0
	}
	slices.SortFunc(ops, func(a, b pathOperation) int {
		return cmp.Or(cmp.Compare(line(a), line(b)), strings.Compare(a.path, b.path), strings.Compare(a.method, b.method))
	})
	return ops
}

func newDocsOperation(tag string, l pathOperation) docsOperation {
	op := l.op
	d := docsOperation{
		Anchor:      tag + "-" + cmp.Or(op.OperationID, l.method+l.path),
		Method:      l.method,
		Path:        l.path,
		Summary:     op.Summary,
		Description: renderMarkdown(op.Description),
		Signed:      op.Security != nil && len(*op.Security) > 0,
	}
	for _, p := range op.Parameters {
		if v := p.Value; v != nil {
			d.Parameters = append(d.Parameters, docsField{
				Name: v.Name, In: v.In, Required: v.Required,
				Type: schemaType(v.Schema), Constraints: inlineConstraints(v.Schema),
				Description: renderMarkdown(v.Description),
			})
		}
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		d.BodyRequired = op.RequestBody.Value.Required
		d.Body = contents(op.RequestBody.Value.Content)
	}
	if op.Responses != nil {
		codes := sortedKeys(op.Responses.Map())
		for _, code := range codes {
			r := op.Responses.Value(code).Value
			if r == nil {
				continue
			}
			resp := docsResponse{Status: code, Contents: contents(r.Content)}
			if r.Description != nil {
				resp.Description = renderMarkdown(*r.Description)
			}
			for _, name := range sortedKeys(r.Headers) {
				if h := r.Headers[name].Value; h != nil {
					resp.Headers = append(resp.Headers, docsField{
						Name: name, Required: h.Required,
						Type: schemaType(h.Schema), Constraints: inlineConstraints(h.Schema),
						Description: renderMarkdown(h.Description),
					})
				}
			}
			d.Responses = append(d.Responses, resp)
		}
	}
	return d
}

func contents(c openapi3.Content) []docsContent {
	var out []docsContent
	for _, mediaType := range sortedKeys(c) {
		out = append(out, docsContent{MediaType: mediaType, Type: schemaType(c[mediaType].Schema)})
	}
	return out
}

func newDocsSchema(name string, s *openapi3.Schema) docsSchema {
	if s == nil {
		return docsSchema{Name: name}
	}
	d := docsSchema{
		Name:        name,
		Type:        schemaType(&openapi3.SchemaRef{Value: s}),
		Description: renderMarkdown(s.Description),
		Constraints: constraints(s),
	}
	d.Fields = fields("", s)
	return d
}

// fields lists an object schema's properties, required ones first in the
// order the document requires them, and descends into inline objects and
// arrays of inline objects (eta.from, handoffs[].courier). Referenced
// schemas get a link instead: they have their own table.
func fields(prefix string, s *openapi3.Schema) []docsField {
	var out []docsField
	for _, name := range propertyOrder(s) {
		ref := s.Properties[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		v := ref.Value
		f := docsField{
			Name: prefix + name, Required: slices.Contains(s.Required, name),
			Type: schemaType(ref), Constraints: inlineConstraints(ref),
			Description: renderMarkdown(v.Description),
		}
		if ref.Ref != "" && isObject(v) {
			f.Description = template.HTML(`<p>See <a href="#schema-` + template.HTMLEscapeString(refName(ref.Ref)) + `">` +
				template.HTMLEscapeString(refName(ref.Ref)) + `</a>.</p>`)
		}
		out = append(out, f)
		switch {
		case ref.Ref == "" && isObject(v):
			out = append(out, fields(prefix+name+".", v)...)
		case ref.Ref == "" && v.Items != nil && v.Items.Ref == "" && v.Items.Value != nil && isObject(v.Items.Value):
			out = append(out, fields(prefix+name+"[].", v.Items.Value)...)
		}
	}
	return out
}

func propertyOrder(s *openapi3.Schema) []string {
	order := slices.Clone(s.Required)
	for _, name := range sortedKeys(s.Properties) {
		if !slices.Contains(order, name) {
			order = append(order, name)
		}
	}
	return slices.DeleteFunc(order, func(name string) bool { return s.Properties[name] == nil })
}

func isObject(s *openapi3.Schema) bool {
	return s.Type != nil && s.Type.Is(openapi3.TypeObject)
}

func refName(ref string) string { return ref[strings.LastIndex(ref, "/")+1:] }

// schemaType writes a schema's type for people: a link for a referenced
// schema, "array of …", or the JSON type with its format.
func schemaType(ref *openapi3.SchemaRef) template.HTML {
	if ref == nil {
		return ""
	}
	if ref.Ref != "" {
		name := template.HTMLEscapeString(refName(ref.Ref))
		return template.HTML(`<a href="#schema-` + name + `">` + name + `</a>`)
	}
	s := ref.Value
	if s == nil || s.Type == nil {
		return "any"
	}
	if s.Type.Is(openapi3.TypeArray) && s.Items != nil {
		return "array of " + schemaType(s.Items)
	}
	t := template.HTMLEscapeString(strings.Join(s.Type.Slice(), " or "))
	if s.Format != "" {
		t += " (" + template.HTMLEscapeString(s.Format) + ")"
	}
	return template.HTML(t)
}

// inlineConstraints are the constraints shown next to a field: its own, or
// those of a referenced scalar schema (an object has its own table).
func inlineConstraints(ref *openapi3.SchemaRef) []string {
	if ref == nil || ref.Value == nil || (ref.Ref != "" && isObject(ref.Value)) {
		return nil
	}
	return constraints(ref.Value)
}

func constraints(s *openapi3.Schema) []string {
	var out []string
	if s.Pattern != "" {
		out = append(out, "pattern "+s.Pattern)
	}
	if len(s.Enum) > 0 {
		values := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			values[i] = fmt.Sprint(v)
		}
		out = append(out, "one of "+strings.Join(values, ", "))
	}
	if s.MinLength > 0 {
		out = append(out, "at least "+count(s.MinLength, "character"))
	}
	if s.MaxLength != nil {
		out = append(out, "at most "+count(*s.MaxLength, "character"))
	}
	if s.MinItems > 0 {
		out = append(out, "at least "+count(s.MinItems, "item"))
	}
	if s.MaxItems != nil {
		out = append(out, "at most "+count(*s.MaxItems, "item"))
	}
	if s.Min != nil {
		out = append(out, "minimum "+strconv.FormatFloat(*s.Min, 'f', -1, 64))
	}
	if s.Max != nil {
		out = append(out, "maximum "+strconv.FormatFloat(*s.Max, 'f', -1, 64))
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
