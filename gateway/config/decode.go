package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxFileSize bounds a configuration file: a large deployment's is a few
// kilobytes.
const maxFileSize = 1 << 20

// ErrInvalid is wrapped by every error about what a configuration file
// says (as opposed to failing to read it).
var ErrInvalid = errors.New("invalid configuration")

// FieldError is one mistake in a configuration file.
type FieldError struct {
	// Field is the field's path in the file, such as
	// couriers[1].public_key; empty for the file as a whole.
	Field string
	// Problem says what is wrong and how to fix it.
	Problem string
	// Err is the underlying cause, if any (a key file that does not load).
	Err error
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Problem
	}
	return e.Field + ": " + e.Problem
}

// Unwrap returns ErrInvalid and the cause.
func (e *FieldError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrInvalid, e.Err}
	}
	return []error{ErrInvalid}
}

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)}
}

// readFile reads a configuration file of bounded size.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read configuration %s: %w", path, err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("config file %s: %w", path, &FieldError{Problem: fmt.Sprintf("the file is larger than %d bytes; is it the right file?", maxFileSize)})
	}
	return data, nil
}

// decodeStrict decodes one YAML document into v (a pointer to a struct).
// An unknown field is reported with its path and the known fields beside
// it; a value of the wrong type with the path of its field.
func decodeStrict(data []byte, v any) error {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return &FieldError{Problem: "the file is empty; start from deploy/local/*.example.yaml"}
		}
		return &FieldError{Problem: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: "), Err: err}
	}
	if err := dec.Decode(new(yaml.Node)); !errors.Is(err, io.EOF) {
		return &FieldError{Problem: "the file holds more than one YAML document (a second ---); keep one"}
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return &FieldError{Problem: "the file must be a mapping of fields (listen: …, couriers: …); start from deploy/local/*.example.yaml"}
	}
	lines := map[int]string{}
	if err := checkFields(&root, reflect.TypeOf(v).Elem(), "", lines, 0); err != nil {
		return err
	}
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true) // checkFields has reported these already; kept as a backstop
	if err := strict.Decode(v); err != nil {
		return translateDecodeError(err, lines)
	}
	return nil
}

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

// checkFields walks node beside type t and reports the first key that t
// does not have. It records, per line, the path of the scalar value on it,
// for the messages of type errors.
func checkFields(n *yaml.Node, t reflect.Type, path string, lines map[int]string, depth int) error {
	if depth > 32 {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		return checkFields(n.Content[0], t, path, lines, depth+1)
	}
	record := func() {
		if _, ok := lines[n.Line]; !ok {
			lines[n.Line] = path
		}
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		record()
		return nil
	}
	switch {
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i].Value, n.Content[i+1]
			p := joinPath(path, key)
			ft, ok := fields[key]
			if !ok {
				return &FieldError{Field: p, Problem: unknownField(key, fields)}
			}
			if err := checkFields(value, ft, p, lines, depth+1); err != nil {
				return err
			}
		}
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for i, item := range n.Content {
			if err := checkFields(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), lines, depth+1); err != nil {
				return err
			}
		}
	case t.Kind() == reflect.Map && n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if err := checkFields(n.Content[i+1], t.Elem(), joinPath(path, n.Content[i].Value), lines, depth+1); err != nil {
				return err
			}
		}
	default:
		record()
	}
	return nil
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// yamlFields maps the YAML names of t's fields to their types, as
// yaml.v3 names them (the tag, else the lower-cased field name).
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

func unknownField(key string, fields map[string]reflect.Type) string {
	var names []string
	for name := range fields {
		names = append(names, name)
	}
	slices.Sort(names)
	msg := "unknown field."
	if best, d := closest(key, names); d <= 2 {
		msg = fmt.Sprintf("unknown field; did you mean %q?", best)
	}
	return msg + " Known fields here: " + strings.Join(names, ", ")
}

// closest returns the name nearest to s in edit distance, and the distance.
func closest(s string, names []string) (string, int) {
	best, bestD := "", 1<<30
	for _, n := range names {
		if d := editDistance(s, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best, bestD
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

var (
	lineMessage   = regexp.MustCompile(`^line (\d+): (.*)$`)
	cannotDecode  = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `(.*)`)? into (.+)$")
	typeDescribed = map[string]string{
		"int": "a whole number", "int64": "a whole number", "uint64": "a whole number",
		"float64": "a number", "string": "a string", "bool": "true or false",
		"[]string": "a list of strings", "map[string]string": "a mapping of names to values",
	}
)

// translateDecodeError turns yaml.v3's first type error into a
// FieldError naming the field on that line.
func translateDecodeError(err error, lines map[int]string) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) || len(te.Errors) == 0 {
		return &FieldError{Problem: strings.TrimPrefix(err.Error(), "yaml: "), Err: err}
	}
	msg := te.Errors[0]
	m := lineMessage.FindStringSubmatch(msg)
	if m == nil {
		return &FieldError{Problem: msg}
	}
	line, _ := strconv.Atoi(m[1])
	problem := m[2]
	if c := cannotDecode.FindStringSubmatch(problem); c != nil {
		want, ok := typeDescribed[c[3]]
		if !ok {
			want = "a " + strings.TrimPrefix(strings.TrimPrefix(c[3], "[]"), "config.")
			if strings.HasPrefix(c[3], "[]") {
				want = "a list"
			} else if strings.HasPrefix(c[3], "config.") {
				want = "a section of fields"
			}
		}
		if c[2] != "" {
			problem = fmt.Sprintf("%q is not %s", c[2], want)
		} else {
			problem = fmt.Sprintf("a %s is not %s", yamlKindName(c[1]), want)
		}
	}
	field, ok := lines[line]
	if !ok {
		return &FieldError{Problem: fmt.Sprintf("line %d: %s", line, problem)}
	}
	return &FieldError{Field: field, Problem: fmt.Sprintf("%s (line %d)", problem, line)}
}

func yamlKindName(tag string) string {
	switch tag {
	case "seq":
		return "list"
	case "map":
		return "mapping"
	}
	return tag
}
