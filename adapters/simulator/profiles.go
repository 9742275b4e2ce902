package simulator

// Courier ids of the simulated couriers.
const (
	SwiftID  = "sim-swift"
	PandaID  = "sim-panda"
	GlobalID = "sim-global"
)

// Profile is what a courier host publishes about a simulated courier in
// the directory (docs/protocol.md §7).
type Profile struct {
	ID     string
	Name   string
	Factor string // "none" or "phone_last4"
	Mode   string // "push" or "pull"
	// Patterns are JavaScript-compatible regular expressions over the
	// normalized tracking number, anchored ^…$.
	Patterns []string
	// Checksums name, index for index with Patterns, the check-digit
	// algorithm (adapters/detect) that numbers of the pattern satisfy; ""
	// or a missing entry for none. See Checksum.
	Checksums []string
}

// Checksum is the check-digit algorithm of Patterns[i], "" for none.
func (p Profile) Checksum(i int) string {
	if i < len(p.Checksums) {
		return p.Checksums[i]
	}
	return ""
}

// courier indexes the simulated couriers in World and in the tables below.
type courier int8

const (
	swift courier = iota
	panda
	global
	courierCount
)

// brand is how a courier names itself and its pickup points in events.
type brand struct {
	zh, en               string
	stationZh, stationEn string
}

var couriers = [courierCount]struct {
	profile Profile
	brand   brand
}{
	swift: {
		Profile{ID: SwiftID, Name: "Swift Express 迅达快递", Factor: "none", Mode: "push",
			Patterns: []string{`^SW[0-9]{12}$`}},
		brand{zh: "迅达快递", en: "Swift Express", stationZh: "迅达快递柜", stationEn: "Swift Locker"},
	},
	panda: {
		Profile{ID: PandaID, Name: "Panda Logistics 熊猫物流", Factor: "phone_last4", Mode: "push",
			Patterns: []string{`^77[0-9]{11}$`}},
		brand{zh: "熊猫物流", en: "Panda Logistics", stationZh: "熊猫驿站", stationEn: "Panda Station"},
	},
	global: {
		Profile{ID: GlobalID, Name: "Global Parcel Line", Factor: "none", Mode: "pull",
			Patterns: []string{`^GP[0-9]{9}[A-Z]{2}$`}, Checksums: []string{"s10"}}, // numbers are UPU S10
		brand{zh: "环球包裹专线", en: "Global Parcel Line", stationZh: "环球自提点", stationEn: "Global Parcel Point"},
	},
}

// Profiles returns the profiles of the three simulated couriers.
func Profiles() []Profile {
	out := make([]Profile, 0, courierCount)
	for _, c := range couriers {
		p := c.profile
		p.Patterns = append([]string(nil), p.Patterns...)
		p.Checksums = append([]string(nil), p.Checksums...)
		out = append(out, p)
	}
	return out
}

// courierByID finds the index of a simulated courier.
func courierByID(id string) (courier, bool) {
	for i, c := range couriers {
		if c.profile.ID == id {
			return courier(i), true
		}
	}
	return 0, false
}

func (c courier) profile() Profile { return couriers[c].profile }
func (c courier) brand() brand     { return couriers[c].brand }
