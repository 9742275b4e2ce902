// Package phrases reads the free text of a tracking event — "Loaded on
// Delivery Vehicle", "快件交给李强，正在派送途中", "在官网"运单资料&签收图",
// 可查看签收人信息" — into the tg1 status it announces, for carriers that
// send events without a status code, or with a code too coarse to trust.
//
// A Table is a list of Rules, tried in order; the first whose phrases the
// text holds (and none of whose Unless phrases it holds) gives the Class:
// a status and a substatus, or no status at all for an informational line
// (a pointer to the signature on the website, a thank-you, a changed
// delivery date) that says nothing of where the parcel is. Common is the
// table of phrases carriers share, in English and Chinese; an adapter
// puts its carrier's own rules before it:
//
//	table := append(phrases.Table{{Class: ..., Phrases: []string{...}}}, phrases.Common...)
//
// The order of Common is what makes it right: a return before a delivery
// ("returned to sender" is not a delivery), a failed attempt before a
// delivery ("could not be delivered"), a collection from a locker before
// a parcel put in one, a parcel signed for ("已签收") before the locker it
// was signed for at, out for delivery before the delivery it promises
// ("请您准备签收"), customs cleared before customs.
//
// Matching ignores case, runs of spaces and hyphens ("pick-up" is "pick
// up"). An English phrase matches whole words only ("delivered" is not in
// "undelivered", "held" not in "withheld"); a Chinese phrase matches
// anywhere.
//
// Where a carrier does send a code, Table.Refine lets the text say more
// than the code within the code's stage ("transit" and "Out for
// delivery" is out_for_delivery; "transit" and "Delivered" stays
// in_transit).
//
// Statuses are decided from the whole history, not from its last line:
// Advance gives the status after an event, so that an informational line
// never moves a parcel, and a delivered or returned parcel is not moved
// back by a late scan of an earlier step. History applies it event by
// event and keeps the substatus of the event that set the status;
// History.AddUnknown takes an event whose code no table knows, which
// moves a parcel on to in transit but never back to it.
//
// Steps refines a plain in-transit class with the step of the road its
// text names: a site reached (arrived_at_facility) or left
// (departed_facility).
//
// The package imports nothing of trackgate but adapters.
package phrases
