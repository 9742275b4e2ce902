package declarative

import (
	"context"
	"errors"
	"fmt"

	"github.com/itchyny/gojq"
	"gopkg.in/yaml.v3"
)

// jqVariables are the variables every jq expression of a description may
// use, in the order Run takes their values.
var jqVariables = []string{"$number", "$factor"}

// jqOptions compile every expression: trackgate's functions, the
// variables, and an empty environment, so that a description cannot read
// the host's secrets through env or $ENV.
var jqOptions = append(trackgateFunctions(),
	gojq.WithVariables(jqVariables),
	gojq.WithEnvironLoader(func() []string { return nil }),
)

// jqExpr is a jq expression of a description, compiled when it is loaded.
type jqExpr struct {
	src  string
	line int
	code *gojq.Code
}

// UnmarshalYAML compiles the expression, reporting a syntax error with
// its line.
func (e *jqExpr) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return lineError(n, "want a jq expression (a string)")
	}
	e.src, e.line = n.Value, n.Line
	q, err := gojq.Parse(n.Value)
	if err != nil {
		return lineError(n, fmt.Sprintf("jq expression %q: %v", n.Value, err))
	}
	e.code, err = gojq.Compile(q, jqOptions...)
	if err != nil {
		return lineError(n, fmt.Sprintf("jq expression %q: %v", n.Value, err))
	}
	return nil
}

func (e *jqExpr) set() bool { return e != nil && e.code != nil }

// errJQ is an expression that failed on an answer. Its text names the
// expression's line only: jq's own messages quote the values they failed
// on, which may be the parcel's number or personal data.
var errJQ = errors.New("jq expression failed on the answer")

// all runs e on input and returns its outputs, at most limit of them.
func (e *jqExpr) all(ctx context.Context, input any, vars []any, limit int) ([]any, error) {
	iter := e.code.RunWithContext(ctx, input, vars...)
	var out []any
	for {
		v, ok := iter.Next()
		if !ok {
			return out, nil
		}
		if err, isErr := v.(error); isErr {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("the jq expression at line %d ran out of time", e.line)
			}
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				return out, nil // halt: no more outputs
			}
			return nil, fmt.Errorf("%w (line %d)", errJQ, e.line)
		}
		if len(out) == limit {
			return nil, fmt.Errorf("the jq expression at line %d gives more than %d values", e.line, limit)
		}
		out = append(out, v)
	}
}

// first runs e on input and returns its first output, nil when it has
// none.
func (e *jqExpr) first(ctx context.Context, input any, vars []any) (any, error) {
	out, err := e.all(ctx, input, vars, maxOutputs)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return out[0], nil
}

// maxOutputs bounds what one expression may give: a description's
// events included.
const maxOutputs = 2000
