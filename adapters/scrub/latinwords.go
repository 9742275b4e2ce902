package scrub

import "strings"

// English words that are not names, compared in lower case. Couriers
// write "Delivered to Front Desk" and "LEFT WITH SECURITY" where they
// could have written a name, in any case, so capitals prove nothing.

// latinStops are words that end a name, or that a name does not start
// with: "Delivered to Front Desk", "Contact Customer Service", "Signature:
// Not Required", "DELIVERED TO JOHN AT FRONT DOOR".
var latinStops = wordSet(`front back side rear main mail mailroom mailbox postbox reception receptionist
	neighbor neighbour neighbors neighbours porch garage parcel parcels package security concierge residence
	doorman door guard building agent customer customers recipient resident household family member
	authorized authorised signature the a an access pickup pick dock shipping receiving inside outside
	driver service services desk lobby management manager leasing apartment delivery safe place left
	company us you your our sender shipper consignee owner tenant staff team department dept unit room
	floor gate yard box bin slot ups dhl fedex usps ems courier contact not no none
	on at for in by to from with and or of via mon tue wed thu fri sat sun monday tuesday wednesday thursday
	friday saturday sunday today tomorrow yesterday receiver residential out delivered delivering arrived
	departed attempted picked collected scheduled returned exception held hold ready awaiting available
	pending transit en route
	porter colleague relative relatives friend housemate flatmate roommate occupant landlord addressee
	adult individual person someone somebody anyone other self proxy absent unknown same see view
	yes ok okay release u.s u.k usa uk required obtained waived released received captured electronic electronically digital
	paper signed unsigned image photo picture file verified confirmed direct indirect attached uploaded
	provided taken scanned missing waiting requested needed present refused declined
	his her hers their theirs its him them me mine wife husband spouse son daughter mother father mum mom
	dad parent parents brother sister child children grandmother grandfather aunt uncle cousin
	royal local destination origin international domestic overseas evri hermes dpd gls tnt yodel amazon
	ontrac lasership purolator aramex postnl bpost correos colissimo chronopost cainiao yanwen la poste`)

// latinPlaces are words that make the phrase a place, not a person:
// "Delivered to Shenzhen Hub".
var latinPlaces = wordSet(`hub center centre facility facilities station depot terminal airport office warehouse
	branch point locker lockers store shop gateway city district province county port sorting
	distribution processing street road avenue`)

// latinOrganisations are words that make the phrase a company: "received
// by Swift Express", "Handed over to Panda Logistics", "Handed to Canada
// Post".
var latinOrganisations = wordSet(`express logistics post postal parcelforce freight airline airlines airways customs
	carrier carriers partner partners line lines group co corp corporation ltd limited inc llc gmbh plc`)

func wordSet(words string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(words) {
		set[w] = true
	}
	return set
}
