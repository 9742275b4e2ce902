package simulator

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/adapters/detect"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

func TestProfilesAreValidDirectoryEntries(t *testing.T) {
	want := map[string]struct{ factor, mode string }{
		SwiftID:  {crypto.FactorNone, api.ModePush},
		PandaID:  {crypto.FactorPhoneLast4, api.ModePush},
		GlobalID: {crypto.FactorNone, api.ModePull},
	}
	profiles := Profiles()
	if len(profiles) != len(want) {
		t.Fatalf("%d profiles, want %d", len(profiles), len(want))
	}
	for _, p := range profiles {
		if err := crypto.CheckCourierID(p.ID); err != nil {
			t.Errorf("%s: %v", p.ID, err)
		}
		if w := want[p.ID]; p.Factor != w.factor || p.Mode != w.mode {
			t.Errorf("%s: factor %q mode %q, want %q %q", p.ID, p.Factor, p.Mode, w.factor, w.mode)
		}
		if p.Name == "" || len(p.Patterns) == 0 {
			t.Errorf("%s: name %q, patterns %v", p.ID, p.Name, p.Patterns)
		}
		for _, re := range p.Patterns {
			if !strings.HasPrefix(re, "^") || !strings.HasSuffix(re, "$") {
				t.Errorf("%s: pattern %q is not anchored", p.ID, re)
			}
		}
	}
}

func TestProfilesReturnsCopies(t *testing.T) {
	Profiles()[0].Patterns[0] = "changed"
	Profiles()[global].Checksums[0] = "changed"
	if Profiles()[0].Patterns[0] == "changed" || Profiles()[global].Checksums[0] == "changed" {
		t.Fatal("changing a returned profile changed the simulator's")
	}
}

func TestNumbersMatchOnlyTheirCourierPatternsAndAreUnique(t *testing.T) {
	w, _ := newTestWorld(t, 15, 0)
	patterns := map[courier][]*regexp.Regexp{}
	for c := range courierCount {
		for _, re := range c.profile().Patterns {
			patterns[c] = append(patterns[c], regexp.MustCompile(re))
		}
	}
	matches := func(c courier, n string) bool {
		return slices.ContainsFunc(patterns[c], func(re *regexp.Regexp) bool { return re.MatchString(n) })
	}
	seen := map[string]bool{}
	for c := range courierCount {
		for _, p := range w.fleets[c].parcels {
			if seen[p.number] {
				t.Fatalf("%s is used twice", p.number)
			}
			seen[p.number] = true
			if norm, err := crypto.NormalizeTrackingNumber(p.number); err != nil || norm != p.number {
				t.Fatalf("%s is not a normalized tracking number: %q, %v", p.number, norm, err)
			}
			for other := range courierCount {
				if got := matches(other, p.number); got != (other == c) {
					t.Fatalf("%s of %s: matches the patterns of %s = %v", p.number, c.profile().ID, other.profile().ID, got)
				}
			}
		}
	}
}

func TestGlobalNumbersCarryS10CheckDigitAndOriginCountry(t *testing.T) {
	w, _ := newTestWorld(t, 16, 500)
	for _, p := range w.fleets[global].parcels {
		serial := p.number[2:10]
		if p.number[10] != s10CheckDigit(serial) {
			t.Fatalf("%s: check digit %c, want %c", p.number, p.number[10], s10CheckDigit(serial))
		}
		if got := p.number[11:]; got != p.origin.city().country {
			t.Fatalf("%s ends in %s but starts in %s", p.number, got, p.origin.city().country)
		}
	}
}

func TestNumbersSatisfyTheirPatternsChecksums(t *testing.T) {
	w, _ := newTestWorld(t, 18, 300)
	checked := 0
	for c := range courierCount {
		p := c.profile()
		if len(p.Checksums) > len(p.Patterns) {
			t.Fatalf("%s: %d checksums for %d patterns", p.ID, len(p.Checksums), len(p.Patterns))
		}
		for i, re := range p.Patterns {
			name := p.Checksum(i)
			if name == "" {
				continue
			}
			check, ok := detect.Checksum(name)
			if !ok {
				t.Fatalf("%s: pattern %s names unknown checksum %q", p.ID, re, name)
			}
			matches := regexp.MustCompile(re)
			for _, parcel := range w.fleets[c].parcels {
				if matches.MatchString(parcel.number) {
					checked++
					if !check(parcel.number) {
						t.Fatalf("%s: %s fails its %s check digit", p.ID, parcel.number, name)
					}
				}
			}
		}
	}
	if global.profile().Checksum(0) != "s10" || checked == 0 {
		t.Fatalf("sim-global's pattern has checksum %q and %d numbers were checked; want s10 on every one", global.profile().Checksum(0), checked)
	}
}

func TestS10CheckDigit(t *testing.T) {
	for _, tc := range []struct {
		serial string
		want   byte
	}{
		{"12345678", '5'}, // the UPU's example RA123456785CN
		{"47312482", '9'}, // 4·8+7·6+3·4+1·2+2·3+4·5+8·9+2·7 = 200; 11 − 200 mod 11 = 9
		{"00000000", '5'}, // r = 11
		{"00000050", '0'}, // r = 10
	} {
		if got := s10CheckDigit(tc.serial); got != tc.want {
			t.Errorf("s10CheckDigit(%s) = %c, want %c", tc.serial, got, tc.want)
		}
	}
}

func TestPandaNumbersAreNearSequentialInRegistrationOrder(t *testing.T) {
	w, _ := newTestWorld(t, 17, 500)
	parcels := slices.DeleteFunc(slices.Clone(w.fleets[panda].parcels), func(p parcel) bool { return p.demo })
	slices.SortStableFunc(parcels, func(a, b parcel) int { return strings.Compare(a.number, b.number) })
	for i := 1; i < len(parcels); i++ {
		prev, cur := parcels[i-1], parcels[i]
		if cur.events[0].at < prev.events[0].at {
			t.Fatalf("%s was registered before %s", cur.number, prev.number)
		}
		if len(cur.number) != len(prev.number) || cur.number <= prev.number {
			t.Fatalf("%s follows %s", cur.number, prev.number)
		}
	}
	first, _ := strconv.ParseInt(parcels[0].number, 10, 64)
	last, _ := strconv.ParseInt(parcels[len(parcels)-1].number, 10, 64)
	if last-first > 3*int64(len(parcels)) {
		t.Fatalf("%d numbers span %d to %d: not near-sequential", len(parcels), first, last)
	}
}
