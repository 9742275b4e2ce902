package simulator

import "time"

const hour = time.Hour

// addDomestic builds a parcel that sim-swift or sim-panda accepts from a
// shipper in China; a sim-swift parcel may leave the country through
// sim-global.
func (g *generator) addDomestic(c courier, s scenario, start time.Time) {
	origin := g.pick(chinaCities, true)
	dest := g.pick(chinaCities, false)
	p := parcel{origin: origin, dest: dest}
	t := newTimeline(g.rng, start)
	defer func() { g.add(c, p, t) }() // each return below ends the timeline

	if s.pending {
		t.emit(kPending, origin)
		if s.neverShipped {
			t.expire(origin)
			return
		}
		t.wait(6*hour, 72*hour)
	}
	t.daytime(origin, 8*hour, 21*hour)
	t.emit(kLabelCreated, origin)
	if s.incident == stallAfterLabel {
		t.expire(origin)
		return
	}
	t.wait(1*hour, 10*hour)
	t.daytime(origin, 9*hour, 19*hour)
	t.emit(kPickedUp, origin)
	t.wait(1*hour, 5*hour)

	if s.handoff && g.room(global) {
		gateway := gatewayFor(origin)
		p.dest = gateway
		g.haul(t, origin, gateway, noIncident)
		t.wait(2*hour, 8*hour)
		revealed := t.emitAux(kHandedToPartner, gateway, uint16(global))
		leg := g.addGlobal(g.forwarded.deal(), t.at, &handover{from: swift, gateway: gateway, sender: origin})
		p.onward = &onwardLeg{courier: global, index: leg, revealedBy: revealed}
		return
	}
	if !g.haul(t, origin, dest, s.incident) {
		return
	}
	g.toStation(t, dest)
	g.lastMileOf(t, dest, origin, s.outcome)
}

// addPandaLeg builds the sim-panda parcel that takes over from sim-global
// at gateway, after the hand-over at handedAt, and returns its index.
func (g *generator) addPandaLeg(s scenario, handedAt time.Time, gateway, dest cityID) int {
	p := parcel{origin: gateway, dest: dest}
	t := newTimeline(g.rng, handedAt)
	t.wait(1*hour, 6*hour)
	t.emitAux(kReceivedFromPartner, gateway, uint16(global))
	t.wait(1*hour, 4*hour)
	g.haul(t, gateway, dest, noIncident)
	g.toStation(t, dest)
	g.lastMileOf(t, dest, gateway, s.outcome)
	return g.add(panda, p, t)
}

// haul carries a parcel from the hub of from to the hub of to, through a
// central hub on long routes. It reports false when the parcel stalled
// (and expired) on the way.
func (g *generator) haul(t *timeline, from, to cityID, inc incident) bool {
	hubs := []cityID{from}
	if mid, ok := transitHub(from, to); ok {
		hubs = append(hubs, mid)
	}
	if to != from {
		hubs = append(hubs, to)
	}
	incidentAt := g.rng.IntN(len(hubs))
	for i, h := range hubs {
		if i > 0 {
			t.truck(hubs[i-1], h)
		}
		t.emit(kArrivedHub, h)
		if i == incidentAt {
			switch inc {
			case damaged:
				t.wait(2*hour, 10*hour)
				t.emit(kDamaged, h)
				t.wait(6*hour, 30*hour)
				t.emit(kRepacked, h)
			case weather:
				t.wait(1*hour, 6*hour)
				t.emit(kWeather, h)
				t.wait(12*hour, 54*hour)
				t.emit(kWeatherCleared, h)
			case stallAtHub:
				t.expire(h)
				return false
			}
		}
		if i < len(hubs)-1 {
			t.wait(1*hour, 5*hour)
			t.emitAux(kDepartedHub, h, uint16(hubs[i+1]))
		}
	}
	return true
}

// toStation brings a parcel from the hub of c to a delivery station there.
func (g *generator) toStation(t *timeline, c cityID) {
	t.wait(1*hour, 5*hour)
	t.emit(kDepartedForStation, c)
	t.wait(1*hour, 3*hour)
	t.daytime(c, 5*hour, 23*hour)
	t.emit(kArrivedStation, c)
}

// lastMileOf plays out outcome o from the delivery station in city at;
// returns go back to sender.
func (g *generator) lastMileOf(t *timeline, at, sender cityID, o outcome) {
	switch o {
	case deliverHome:
		g.deliver(t, at)
	case deliverLocker:
		g.collect(t, at)
	case failThenDeliver:
		g.failedAttempt(t, at)
		g.deliver(t, at)
	case failTwiceToLocker:
		g.failedAttempt(t, at)
		g.failedAttempt(t, at)
		g.collect(t, at)
	case uncollected:
		t.wait(1*hour, 4*hour)
		t.daytime(at, 8*hour, 21*hour)
		t.emitAux(kAtPickupPoint, at, t.station())
		t.wait(7*24*hour, 7*24*hour+12*hour)
		t.emit(kUncollected, at)
		g.returnToSender(t, at, sender)
	case refused:
		t.daytime(at, 7*hour+30*time.Minute, 10*hour)
		t.emit(kOutForDelivery, at)
		t.wait(20*time.Minute, 6*hour)
		t.emit(kRefused, at)
		g.returnToSender(t, at, sender)
	case addressFixed:
		t.wait(1*hour, 6*hour)
		t.emit(kAddressIssue, at)
		t.wait(6*hour, 48*hour)
		t.daytime(at, 9*hour, 18*hour)
		t.emit(kAddressFixed, at)
		g.deliver(t, at)
	case addressReturned:
		t.wait(1*hour, 6*hour)
		t.emit(kAddressIssue, at)
		t.wait(5*24*hour, 7*24*hour)
		g.returnToSender(t, at, sender)
	}
}

// deliver sends the parcel out in the morning and delivers it by evening.
func (g *generator) deliver(t *timeline, at cityID) {
	t.daytime(at, 7*hour+30*time.Minute, 10*hour)
	t.emit(kOutForDelivery, at)
	t.wait(30*time.Minute, 11*hour)
	t.emit(kDelivered, at)
}

// collect leaves the parcel at a pickup point, where the recipient picks
// it up within three days.
func (g *generator) collect(t *timeline, at cityID) {
	t.wait(1*hour, 4*hour)
	t.daytime(at, 8*hour, 21*hour)
	station := t.station()
	t.emitAux(kAtPickupPoint, at, station)
	t.wait(2*hour, 72*hour)
	t.daytime(at, 8*hour, 22*hour)
	t.emitAux(kCollected, at, station)
}

// failedAttempt is a delivery run that finds nobody (or no way in).
func (g *generator) failedAttempt(t *timeline, at cityID) {
	t.daytime(at, 7*hour+30*time.Minute, 10*hour)
	t.emit(kOutForDelivery, at)
	t.wait(1*hour, 8*hour)
	if t.chance(70) {
		t.emit(kAttemptAbsent, at)
	} else {
		t.emit(kAttemptNoAccess, at)
	}
	// Tried again on the next morning run, or the one after when the
	// recipient asks for another day.
	t.wait(12*hour, 38*hour)
}

// returnToSender carries the parcel back from at to the sender's city.
func (g *generator) returnToSender(t *timeline, at, sender cityID) {
	t.wait(12*hour, 48*hour)
	t.emit(kReturning, at)
	if at.city().country == sender.city().country {
		t.truck(at, sender)
	} else {
		t.flight(at, sender)
	}
	t.emit(kArrivedBack, sender)
	t.wait(2*hour, 24*hour)
	t.daytime(sender, 9*hour, 19*hour)
	t.emit(kReturned, sender)
}
