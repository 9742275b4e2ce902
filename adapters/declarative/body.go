package declarative

import (
	"bytes"
	"encoding/json"
	"fmt"

	"gopkg.in/yaml.v3"
)

// A request's body: JSON written as YAML whose strings are templates, or
// a form whose fields are templates or JSON.

// requestBody is a JSON body or a form.
type requestBody struct {
	json *jsonValue
	form []formField
}

type formField struct {
	name string
	t    template
	json *jsonValue // a field holding JSON, when set
}

func (d *Description) formField(c *checker, name string, n yaml.Node) formField {
	f := formField{name: name}
	switch {
	case n.Kind == yaml.ScalarNode:
		f.t = d.parse(c, "request.body.form."+name, tmpl{src: n.Value, line: n.Line}, scopeRequest)
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "json":
		f.json = d.jsonValue(c, "request.body.form."+name+".json", n.Content[1])
	default:
		c.add(n.Line, "request.body.form.%s: want a template or {json: …}", name)
	}
	return f
}

// jsonValue is a JSON value whose strings are templates.
type jsonValue struct {
	object  []jsonMember
	array   []jsonValue
	str     *template
	literal json.RawMessage
	isObj   bool
	isArr   bool
}

type jsonMember struct {
	key   string
	value jsonValue
}

func (d *Description) jsonValue(c *checker, field string, n *yaml.Node) *jsonValue {
	v := &jsonValue{}
	switch n.Kind {
	case yaml.MappingNode:
		v.isObj = true
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			v.object = append(v.object, jsonMember{k, *d.jsonValue(c, field+"."+k, n.Content[i+1])})
		}
	case yaml.SequenceNode:
		v.isArr = true
		for i, item := range n.Content {
			v.array = append(v.array, *d.jsonValue(c, fmt.Sprintf("%s[%d]", field, i), item))
		}
	case yaml.ScalarNode:
		if n.Tag == "!!str" {
			t := d.parse(c, field, tmpl{src: n.Value, line: n.Line}, scopeRequest)
			v.str = &t
			break
		}
		var x any
		if err := n.Decode(&x); err != nil {
			c.add(n.Line, "%s: %v", field, err)
			break
		}
		v.literal, _ = json.Marshal(x)
	default:
		c.add(n.Line, "%s: anchors and aliases are not supported", field)
	}
	return v
}

func (v *jsonValue) uses(name string) bool {
	if v == nil {
		return false
	}
	if v.str != nil {
		return v.str.uses(name)
	}
	for _, m := range v.object {
		if m.value.uses(name) {
			return true
		}
	}
	for i := range v.array {
		if v.array[i].uses(name) {
			return true
		}
	}
	return false
}

// render writes v as JSON, its templates filled in from vals.
func (v *jsonValue) render(b *bytes.Buffer, vals *values) {
	switch {
	case v.isObj:
		b.WriteByte('{')
		for i, m := range v.object {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(m.key)
			b.Write(k)
			b.WriteByte(':')
			m.value.render(b, vals)
		}
		b.WriteByte('}')
	case v.isArr:
		b.WriteByte('[')
		for i := range v.array {
			if i > 0 {
				b.WriteByte(',')
			}
			v.array[i].render(b, vals)
		}
		b.WriteByte(']')
	case v.str != nil:
		s, _ := json.Marshal(v.str.render(vals, nil))
		b.Write(s)
	default:
		b.Write(v.literal)
	}
}
