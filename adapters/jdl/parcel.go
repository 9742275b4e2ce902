package jdl

import (
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/chinatrace"
)

// parcelOf turns JDL's traces of tn into a parcel (chinatrace.Parcel).
// JDL's order is not documented (clients read it both ways); the parcel
// puts the oldest first and keeps JDL's order within a second.
func parcelOf(courier, tn string, details []detail) (adapters.Parcel, error) {
	traces := make([]chinatrace.Trace, len(details))
	for i, d := range details {
		c, unknown := detailStatus(d)
		description := redact(d)
		if description == "" {
			description = strings.TrimSpace(d.OperationTitle)
		}
		traces[i] = chinatrace.Trace{Time: d.OperationTime.Time, Class: c, Unknown: unknown, Text: description, Location: locationOf(d)}
	}
	p, ok := chinatrace.Parcel(courier, tn, traces)
	if !ok {
		return adapters.Parcel{}, errMalformed
	}
	return p, nil
}
