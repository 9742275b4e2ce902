package simulator

import (
	"slices"
	"time"
)

// DemoParcel is a parcel that every World holds, whatever its seed: a
// fixed number and a scripted story, timed from the China-local midnight
// of Config.Start, so that documentation can name it and be right on any
// day. At that midnight (when a `trackgate serve` begins: its Start is
// today 00:00 China time) each is at the stage its Story tells; the
// simulated clock then moves it on. Demo parcels stay listed after their
// last event, so courier hosts never drop them.
type DemoParcel struct {
	Sample
	Story string // what it shows when the demo begins, in English
}

// demoScript is the plan of one demo parcel.
type demoScript struct {
	DemoParcel
	courier      courier
	origin, dest string
	factors      []string // sim-panda: the recipient's then the sender's
	steps        []demoStep
	// onward is the index in demoScripts of the parcel that continues the
	// journey, revealed from step revealedBy on.
	onward, revealedBy int
}

// demoStep is an event hours after the anchor midnight (before it when
// negative). aux is the next city's name for departures, the partner for
// hand-overs and the station number at pickup points.
type demoStep struct {
	hours float64
	kind  eventKind
	city  string
	aux   any
}

const noOnward = -1

// demoScripts are the demo parcels; docs (README) name them, and
// TestDemoParcelsTellTheirStory keeps each to its story.
var demoScripts = []demoScript{
	{
		DemoParcel: DemoParcel{Sample{SwiftID, "SW100000000001", ""}, "on its way from Yiwu to Shenyang, with an ETA"},
		courier:    swift, origin: "Yiwu", dest: "Shenyang", onward: noOnward,
		steps: []demoStep{
			{-26, kLabelCreated, "Yiwu", nil}, {-15, kPickedUp, "Yiwu", nil},
			{-12, kArrivedHub, "Yiwu", nil}, {-9, kDepartedHub, "Yiwu", "Zhengzhou"},
			{10, kArrivedHub, "Zhengzhou", nil}, {13, kDepartedHub, "Zhengzhou", "Shenyang"},
			{40, kArrivedHub, "Shenyang", nil}, {44, kDepartedForStation, "Shenyang", nil},
			{47, kArrivedStation, "Shenyang", nil}, {56.5, kOutForDelivery, "Shenyang", nil},
			{61, kDelivered, "Shenyang", nil},
		},
	},
	{
		DemoParcel: DemoParcel{Sample{PandaID, "7700000000001", "1234"}, "delivered to a Panda Station in Chengdu, ready for pickup"},
		courier:    panda, origin: "Guangzhou", dest: "Chengdu", factors: []string{"1234", "5678"}, onward: noOnward,
		steps: []demoStep{
			{-74, kLabelCreated, "Guangzhou", nil}, {-63, kPickedUp, "Guangzhou", nil},
			{-61, kArrivedHub, "Guangzhou", nil}, {-58, kDepartedHub, "Guangzhou", "Chengdu"},
			{-40, kArrivedHub, "Chengdu", nil}, {-36, kDepartedForStation, "Chengdu", nil},
			{-33, kArrivedStation, "Chengdu", nil}, {-31, kAtPickupPoint, "Chengdu", 318},
			{139, kCollected, "Chengdu", 318},
		},
	},
	{
		DemoParcel: DemoParcel{Sample{SwiftID, "SW100000000002", ""}, "handed to Global Parcel Line (GP000000014CN), held by customs in Frankfurt"},
		courier:    swift, origin: "Shenzhen", dest: "Shenzhen", onward: 3, revealedBy: 3,
		steps: []demoStep{
			{-153, kLabelCreated, "Shenzhen", nil}, {-150, kPickedUp, "Shenzhen", nil},
			{-143, kArrivedHub, "Shenzhen", nil}, {-138, kHandedToPartner, "Shenzhen", global},
		},
	},
	{
		DemoParcel: DemoParcel{Sample{GlobalID, "GP000000014CN", ""}, "the international leg of SW100000000002: held by customs in Frankfurt"},
		courier:    global, origin: "Shenzhen", dest: "Hamburg", onward: noOnward,
		steps: []demoStep{
			{-135, kReceivedFromPartner, "Shenzhen", swift}, {-132, kArrivedGateway, "Shenzhen", nil},
			{-124, kExportCleared, "Shenzhen", nil}, {-110, kDepartedFlight, "Shenzhen", "Frankfurt"},
			{-92, kArrivedDestCountry, "Frankfurt", nil}, {-88, kImportCustoms, "Frankfurt", nil},
			{-70, kCustomsHold, "Frankfurt", nil}, {60, kCustomsReleased, "Frankfurt", nil},
			{63, kArrivedHub, "Frankfurt", nil}, {66, kDepartedHub, "Frankfurt", "Hamburg"},
			{74, kArrivedHub, "Hamburg", nil}, {78, kDepartedForStation, "Hamburg", nil},
			{84, kArrivedStation, "Hamburg", nil}, {88, kOutForDelivery, "Hamburg", nil},
			{93, kDelivered, "Hamburg", nil},
		},
	},
	{
		DemoParcel: DemoParcel{Sample{SwiftID, "SW100000000003", ""}, "refused by the recipient in Wuhan, returning to the sender in Beijing"},
		courier:    swift, origin: "Beijing", dest: "Wuhan", onward: noOnward,
		steps: []demoStep{
			{-104, kLabelCreated, "Beijing", nil}, {-101, kPickedUp, "Beijing", nil},
			{-99, kArrivedHub, "Beijing", nil}, {-96, kDepartedHub, "Beijing", "Wuhan"},
			{-75, kArrivedHub, "Wuhan", nil}, {-71, kDepartedForStation, "Wuhan", nil},
			{-67, kArrivedStation, "Wuhan", nil}, {-63.5, kOutForDelivery, "Wuhan", nil},
			{-61, kRefused, "Wuhan", nil}, {-40, kReturning, "Wuhan", nil},
			{50, kArrivedBack, "Beijing", nil}, {60, kReturned, "Beijing", nil},
		},
	},
	{
		DemoParcel: DemoParcel{Sample{GlobalID, "GP000000028CN", ""}, "on a flight from Shanghai to Sydney, with a wider international ETA"},
		courier:    global, origin: "Shanghai", dest: "Sydney", onward: noOnward,
		steps: []demoStep{
			{-40, kLabelCreated, "Shanghai", nil}, {-36, kPickedUp, "Shanghai", nil},
			{-32, kArrivedGateway, "Shanghai", nil}, {-24, kExportCleared, "Shanghai", nil},
			{-4, kDepartedFlight, "Shanghai", "Sydney"}, {10, kArrivedDestCountry, "Sydney", nil},
			{14, kImportCustoms, "Sydney", nil}, {40, kCustomsReleased, "Sydney", nil},
			{44, kArrivedHub, "Sydney", nil}, {47, kDepartedForStation, "Sydney", nil},
			{49, kArrivedStation, "Sydney", nil}, {54.5, kOutForDelivery, "Sydney", nil},
			{60, kDelivered, "Sydney", nil},
		},
	},
}

// DemoParcels lists the demo parcels every World holds.
func DemoParcels() []DemoParcel {
	out := make([]DemoParcel, len(demoScripts))
	for i, s := range demoScripts {
		out[i] = s.DemoParcel
	}
	return out
}

// demoNumbers are the numbers the random parcels must not take.
func demoNumbers() map[string]bool {
	used := map[string]bool{}
	for _, s := range demoScripts {
		used[s.TrackingNumber] = true
	}
	return used
}

// addDemos appends the demo parcels to the fleets, timed from the
// China-local midnight of start.
func (g *generator) addDemos(start time.Time) {
	y, m, d := start.In(chinaTime).Date()
	anchor := time.Date(y, m, d, 0, 0, 0, 0, chinaTime)
	index := make([]int, len(demoScripts))
	for i, s := range demoScripts {
		p := parcel{
			number:  s.TrackingNumber,
			factors: slices.Clone(s.factors),
			origin:  cityIDs(s.origin)[0],
			dest:    cityIDs(s.dest)[0],
			demo:    true,
		}
		for _, st := range s.steps {
			var aux uint16
			switch a := st.aux.(type) {
			case string:
				aux = uint16(cityIDs(a)[0])
			case courier:
				aux = uint16(a)
			case int:
				aux = uint16(a)
			}
			at := anchor.Add(time.Duration(st.hours * float64(time.Hour)))
			p.events = append(p.events, event{at: at.Unix(), kind: st.kind, city: cityIDs(st.city)[0], aux: aux})
		}
		index[i] = len(g.fleets[s.courier])
		g.fleets[s.courier] = append(g.fleets[s.courier], p)
	}
	for i, s := range demoScripts {
		if s.onward != noOnward {
			next := demoScripts[s.onward].courier
			g.fleets[s.courier][index[i]].onward = &onwardLeg{courier: next, index: index[s.onward], revealedBy: s.revealedBy}
		}
	}
}
