package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Duration is a YAML duration: a Go duration ("30s", "5m", "1h30m") or a
// whole number of days ("7d"). It is never negative.
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: want a duration such as 30s, 5m or 7d", n.Line)}}
	}
	v, err := parseDuration(n.Value)
	if err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %q is not a duration such as 30s, 5m or 7d", n.Line, n.Value)}}
	}
	if v < 0 {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %q is negative; a duration must be positive", n.Line, n.Value)}}
	}
	*d = Duration(v)
	return nil
}

func parseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 36500 {
			return 0, fmt.Errorf("bad number of days %q", days)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// Paths is one path or a list of paths.
type Paths []string

// UnmarshalYAML implements yaml.Unmarshaler.
func (p *Paths) UnmarshalYAML(n *yaml.Node) error {
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		*p = nil
	case n.Kind == yaml.ScalarNode:
		*p = Paths{n.Value}
	case n.Kind == yaml.SequenceNode:
		out := make(Paths, 0, len(n.Content))
		for _, item := range n.Content {
			if item.Kind != yaml.ScalarNode {
				return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: want a path, or a list of paths", item.Line)}}
			}
			out = append(out, item.Value)
		}
		*p = out
	default:
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: want a path, or a list of paths", n.Line)}}
	}
	return nil
}
