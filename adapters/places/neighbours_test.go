package places

import (
	"testing"
	"time"
)

func TestNeighbouringZones(t *testing.T) {
	a, b := time.FixedZone("A", 3600), time.FixedZone("B", 7200)
	names := func(zones []*time.Location) string {
		s := ""
		for _, z := range zones {
			if z == nil {
				s += "-"
			} else {
				s += z.String()
			}
		}
		return s
	}
	tests := []struct {
		in             []*time.Location
		nearest, early string
	}{
		{nil, "", ""},
		{[]*time.Location{nil, nil}, "--", "--"},
		{[]*time.Location{a, nil, nil, nil, b}, "AAABB", "AAAAB"},
		{[]*time.Location{nil, a, nil, b, nil}, "AAABB", "AAABB"},
		{[]*time.Location{nil, nil, b}, "BBB", "BBB"},
		{[]*time.Location{a, nil, b}, "AAB", "AAB"},
	}
	for _, tt := range tests {
		if got := names(NearestZones(tt.in)); got != tt.nearest {
			t.Errorf("NearestZones(%s) = %s, want %s", names(tt.in), got, tt.nearest)
		}
		if got := names(EarlierZones(tt.in)); got != tt.early {
			t.Errorf("EarlierZones(%s) = %s, want %s", names(tt.in), got, tt.early)
		}
	}
}
