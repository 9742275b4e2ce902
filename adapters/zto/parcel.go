package zto

import (
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/chinatrace"
)

// parcelOf turns ZTO's traces of tn into a parcel (chinatrace.Parcel).
// ZTO lists traces oldest first, mostly: real answers hold scans out of
// order, and arrival and delivery scans after the signature, which do
// not move a delivered parcel back.
func parcelOf(courier, tn string, traces []trace) (adapters.Parcel, error) {
	read := make([]chinatrace.Trace, len(traces))
	for i, t := range traces {
		c, unknown := traceStatus(t)
		description := redact(t)
		if description == "" {
			description = strings.TrimSpace(t.ScanType)
		}
		read[i] = chinatrace.Trace{Time: t.ScanDate.Time, Class: c, Unknown: unknown, Text: description, Location: locationOf(t)}
	}
	p, ok := chinatrace.Parcel(courier, tn, read)
	if !ok {
		return adapters.Parcel{}, errMalformed
	}
	return p, nil
}
