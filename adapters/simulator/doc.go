// Package simulator simulates three fictional couriers with deterministic,
// realistic tracking data, for the embedded demo (trackgate serve),
// end-to-end tests and benchmarks:
//
//   - sim-swift, "Swift Express 迅达快递": domestic Chinese express, push
//     mode, numbers SW + 12 digits, no second factor;
//   - sim-panda, "Panda Logistics 熊猫物流": Chinese last-mile courier,
//     push mode, near-sequential 13-digit numbers and therefore the
//     phone_last4 second factor;
//   - sim-global, "Global Parcel Line": international, pull mode, numbers
//     GP + 9 digits + the 2-letter origin country.
//
// A World holds all three couriers, generated up front from a seed, so
// that separate Worlds with the same Config agree parcel for parcel and
// handoffs between couriers (swift → global → panda) match. Every parcel
// has its complete timeline from the start; a view shows the events whose
// time has come on the simulated clock, which runs Speed times faster than
// the wall clock from Start. Parcels begin over a window from 45 days
// before Start to 90 days after it, so throughout that window every stage
// of the status taxonomy is present at once (out for delivery only by day:
// couriers deliver from 07:30 local time). At the demo's speed of 600 the
// window lasts about three and a half hours of wall time.
//
// Besides its random parcels, every World holds the DemoParcels: fixed
// numbers with scripted stories (on its way with an ETA, at a pickup
// point, held by customs on an onward leg, refused and returning, on an
// international flight), timed from the China-local midnight of Start, so
// that the README can name them and be right on any day.
//
// Views carry an ETA where a real courier would give one: while the
// parcel is on its way to the recipient, a day's window at home and a
// three-day one from abroad; none once delivered, for exceptions or
// returns, and none on a leg that has handed the parcel over.
//
// World.Source gives one courier as an adapters.Source that also lists and
// watches its parcels; the "simulator" adapter registered in init does the
// same from configuration options. Views carry no personal data: the phone
// digits that unlock sim-panda parcels live only in adapters.Parcel.Factors.
package simulator
