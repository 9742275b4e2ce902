package simulator

import "time"

// handover describes a sim-global parcel that another courier brought to
// a Chinese gateway; sender is where a return has to go back to.
type handover struct {
	from    courier
	gateway cityID
	sender  cityID
}

// addGlobal builds a sim-global parcel and returns its index. Parcels into
// China are handed to sim-panda for the last mile, and so are returns to
// Chinese senders.
func (g *generator) addGlobal(s scenario, start time.Time, from *handover) int {
	if s.route == inbound && !g.room(panda) {
		s.route = overseas // a small world has no sim-panda parcel left to continue it
	}
	var origin, dest cityID
	switch {
	case from != nil:
		origin, dest = from.gateway, g.pick(foreignCities, false)
	case s.route == outbound:
		origin, dest = g.pick(chinaCities, true), g.pick(foreignCities, false)
	case s.route == inbound:
		origin, dest = g.pick(foreignCities, true), g.pick(chinaCities, false)
	default:
		origin = g.pick(foreignCities, true)
		dest = g.pickOtherCountry(origin)
	}
	sender := origin
	if from != nil {
		sender = from.sender
	}
	if s.customs == customsRefused && origin.city().country == "CN" && !g.room(panda) {
		s.customs = customsHold
	}

	p := parcel{origin: origin, dest: dest}
	t := newTimeline(g.rng, start)
	add := func() int { return g.add(global, p, t) }

	if from != nil {
		t.wait(1*hour, 6*hour)
		t.emitAux(kReceivedFromPartner, origin, uint16(from.from))
	} else {
		if s.pending {
			t.emit(kPending, origin)
			if s.neverShipped {
				t.expire(origin)
				return add()
			}
			t.wait(6*hour, 72*hour)
		}
		t.daytime(origin, 8*hour, 21*hour)
		t.emit(kLabelCreated, origin)
		if s.incident == stallAfterLabel {
			t.expire(origin)
			return add()
		}
		t.wait(1*hour, 10*hour)
		t.daytime(origin, 9*hour, 19*hour)
		t.emit(kPickedUp, origin)
	}

	out, in := gatewayFor(origin), gatewayFor(dest)
	t.wait(1*hour, 4*hour)
	if out != origin {
		t.truck(origin, out)
	}
	t.emit(kArrivedGateway, out)
	if s.incident == stallAtHub {
		t.expire(out)
		return add()
	}
	t.wait(3*hour, 12*hour)
	t.emit(kExportCleared, out)
	t.wait(2*hour, 18*hour)
	t.emitAux(kDepartedFlight, out, uint16(in))
	t.flight(out, in)
	t.emit(kArrivedDestCountry, in)
	t.wait(1*hour, 6*hour)
	t.emit(kImportCustoms, in)

	switch s.customs {
	case customsHold:
		t.wait(6*hour, 24*hour)
		t.emit(kCustomsHold, in)
		t.wait(48*hour, 144*hour)
		t.emit(kCustomsReleased, in)
	case customsRefused:
		t.wait(6*hour, 24*hour)
		t.emit(kCustomsHold, in)
		t.wait(72*hour, 192*hour)
		t.emit(kCustomsRefused, in)
		t.wait(24*hour, 72*hour)
		t.emitAux(kReturnFlight, in, uint16(out))
		t.flight(in, out)
		t.emit(kArrivedBack, out)
		if out.city().country != "CN" {
			g.returnHome(t, out, sender)
			return add()
		}
		t.wait(4*hour, 24*hour)
		revealed := t.emitAux(kReturnedViaPartner, out, uint16(panda))
		leg := g.addPandaLeg(scenario{outcome: deliverHome}, t.at, out, sender)
		p.onward = &onwardLeg{courier: panda, index: leg, revealedBy: revealed}
		return add()
	default:
		t.wait(4*hour, 36*hour)
		t.emit(kCustomsReleased, in)
	}

	if dest.city().country == "CN" {
		t.wait(2*hour, 10*hour)
		revealed := t.emitAux(kHandedToPartner, in, uint16(panda))
		leg := g.addPandaLeg(g.lastMile.deal(), t.at, in, dest)
		p.onward = &onwardLeg{courier: panda, index: leg, revealedBy: revealed}
		return add()
	}
	t.wait(2*hour, 8*hour)
	g.haul(t, in, dest, noIncident)
	g.toStation(t, dest)
	g.lastMileOf(t, dest, sender, s.outcome)
	return add()
}

// returnHome ends a return that arrived back at the gateway of the
// origin country: trucked to the sender's city and handed back.
func (g *generator) returnHome(t *timeline, gateway, sender cityID) {
	if sender != gateway {
		t.wait(2*hour, 12*hour)
		t.truck(gateway, sender)
	}
	t.wait(2*hour, 24*hour)
	t.daytime(sender, 9*hour, 19*hour)
	t.emit(kReturned, sender)
}
