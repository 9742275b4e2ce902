package simulator

import "math/rand/v2"

// scenario is the plan of one parcel's life, drawn from a deck before its
// timeline is built. Fields that do not apply to a courier are ignored.
type scenario struct {
	pending      bool // starts with a "pending" event some hours before the label
	neverShipped bool // stays pending until it expires
	incident     incident
	customs      customs
	outcome      outcome
	handoff      bool  // sim-swift: hands over to sim-global at a gateway
	route        route // sim-global: where it goes
}

// incident is something that happens on the way.
type incident uint8

const (
	noIncident      incident = iota
	damaged                  // exception at a hub, repacked, goes on
	weather                  // exception at a hub, delay clears, goes on
	stallAfterLabel          // the shipper never hands it over: expires
	stallAtHub               // lost track of at a hub: expires
)

// customs is what import customs do with an international parcel.
type customs uint8

const (
	customsClear   customs = iota
	customsHold            // exception, then released
	customsRefused         // exception, then returned to the origin country
)

// outcome is how the last mile ends.
type outcome uint8

const (
	deliverHome       outcome = iota
	deliverLocker             // available for pickup, then collected
	failThenDeliver           // attempt failed, redelivered next day
	failTwiceToLocker         // two failed attempts, then a pickup point
	uncollected               // left at a pickup point too long: returned
	refused                   // the recipient refuses it: returned
	addressFixed              // address issue resolved, delivered
	addressReturned           // address issue never resolved: returned
)

// route is the kind of journey of a sim-global parcel.
type route uint8

const (
	outbound route = iota // from China abroad
	inbound               // from abroad into China, handed to sim-panda
	overseas              // between two countries outside China
)

// card is a scenario with the number of copies it has in a deck.
type card struct {
	copies int
	scenario
}

// domesticCards is the mix of sim-swift and sim-panda parcels; every
// scenario appears at least once in every round of a deck.
func domesticCards(handoffs bool) []card {
	handoffCopies := 0
	if handoffs {
		handoffCopies = 6
	}
	return []card{
		{36, scenario{outcome: deliverHome}},
		{8, scenario{pending: true, outcome: deliverHome}},
		{16, scenario{outcome: deliverLocker}},
		{10, scenario{outcome: failThenDeliver}},
		{3, scenario{outcome: failTwiceToLocker}},
		{2, scenario{outcome: uncollected}},
		{2, scenario{outcome: refused}},
		{4, scenario{outcome: addressFixed}},
		{2, scenario{outcome: addressReturned}},
		{3, scenario{incident: damaged, outcome: deliverHome}},
		{3, scenario{incident: weather, outcome: deliverLocker}},
		{2, scenario{incident: stallAfterLabel}},
		{1, scenario{incident: stallAtHub}},
		{2, scenario{pending: true, neverShipped: true}},
		{handoffCopies, scenario{handoff: true}},
	}
}

// globalCards is the mix of parcels sim-global accepts itself.
var globalCards = []card{
	{20, scenario{route: outbound, outcome: deliverHome}},
	{5, scenario{route: outbound, pending: true, outcome: deliverHome}},
	{6, scenario{route: outbound, outcome: deliverLocker}},
	{5, scenario{route: outbound, outcome: failThenDeliver}},
	{6, scenario{route: outbound, customs: customsHold, outcome: deliverHome}},
	{2, scenario{route: outbound, customs: customsRefused}},
	{18, scenario{route: inbound}},
	{5, scenario{route: inbound, customs: customsHold}},
	{18, scenario{route: overseas, outcome: deliverHome}},
	{5, scenario{route: overseas, outcome: deliverLocker}},
	{4, scenario{route: overseas, outcome: failThenDeliver}},
	{2, scenario{route: overseas, outcome: uncollected}},
	{2, scenario{route: overseas, outcome: addressFixed}},
	{2, scenario{route: overseas, customs: customsRefused}},
	{2, scenario{route: overseas, incident: stallAfterLabel}},
	{1, scenario{route: overseas, incident: stallAtHub}},
	{2, scenario{route: outbound, pending: true, neverShipped: true}},
}

// forwardedCards is the mix of the international legs of sim-swift
// parcels; refusals come back through sim-panda (a chain of three).
var forwardedCards = []card{
	{4, scenario{route: outbound, outcome: deliverHome}},
	{1, scenario{route: outbound, outcome: deliverLocker}},
	{1, scenario{route: outbound, customs: customsHold, outcome: failThenDeliver}},
	{2, scenario{route: outbound, customs: customsRefused}},
}

// lastMileCards is the mix of sim-panda parcels handed over by sim-global.
var lastMileCards = []card{
	{5, scenario{outcome: deliverHome}},
	{4, scenario{outcome: deliverLocker}},
	{1, scenario{outcome: failThenDeliver}},
	{1, scenario{outcome: addressFixed}},
}

// deck deals scenarios in rounds, each round a fresh shuffle of all cards,
// so that even small worlds contain every scenario.
type deck struct {
	rng   *rand.Rand
	cards []scenario
	next  int
}

func newDeck(rng *rand.Rand, cards []card) *deck {
	d := &deck{rng: rng}
	for _, c := range cards {
		for range c.copies {
			d.cards = append(d.cards, c.scenario)
		}
	}
	return d
}

func (d *deck) deal() scenario {
	if d.next == 0 {
		d.rng.Shuffle(len(d.cards), func(i, j int) { d.cards[i], d.cards[j] = d.cards[j], d.cards[i] })
	}
	s := d.cards[d.next]
	d.next = (d.next + 1) % len(d.cards)
	return s
}
