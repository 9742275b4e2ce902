package places

import "time"

// Carriers leave the offset out of some times and the place out of some
// events ("Shipment picked up", "Label created"). Such an event happened
// where the parcel was around it, so its time is read in the zone of a
// neighbouring event. The adapters differ only in which neighbour they
// trust first; these two rules are theirs.

// NearestZones returns zones with each nil (an event whose zone is not
// known) replaced by the zone of the nearest event in the list that has
// one, the one at the lower index first at equal distance; nil when no
// event has one. zones is not changed.
func NearestZones(zones []*time.Location) []*time.Location {
	out := make([]*time.Location, len(zones))
	for i := range zones {
		for d := 0; d < len(zones) && out[i] == nil; d++ {
			if j := i - d; j >= 0 && zones[j] != nil {
				out[i] = zones[j]
			} else if j := i + d; j < len(zones) && zones[j] != nil {
				out[i] = zones[j]
			}
		}
	}
	return out
}

// EarlierZones returns zones, given oldest event first, with each nil
// replaced by the zone of the nearest earlier event that has one, else of
// the nearest later one; nil when no event has one. An event without a
// place happened where the parcel last was. zones is not changed.
func EarlierZones(zones []*time.Location) []*time.Location {
	out := make([]*time.Location, len(zones))
	for i := range zones {
		for j := i; out[i] == nil && j >= 0; j-- {
			out[i] = zones[j]
		}
		for j := i + 1; out[i] == nil && j < len(zones); j++ {
			out[i] = zones[j]
		}
	}
	return out
}

// WallClockIn is the time whose wall clock in zone reads as t's does:
// a time read without an offset, placed in the zone it happened in.
func WallClockIn(t time.Time, zone *time.Location) time.Time {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, t.Nanosecond(), zone)
}
