// Package chinatrace reads what the trace queries of Chinese couriers'
// open platforms (JD Logistics, ZTO) answer alike: a list of traces, one
// a scan, each with a time, a node or scan type, a text and the province
// and city it is filed under, in an order not to be trusted.
//
// Time reads a trace's time: China time without an offset, or
// milliseconds since the epoch. Code reads a code sent as a number or a
// string. Place reads the province and city as every Chinese place is
// read (places.Parse), never finer. Parcel turns the traces, once the
// adapter has mapped each to a status and taken the personal data its
// fields name out of its text, into a parcel: events oldest first,
// scrubbed, and a status decided from the whole history
// (phrases.History).
//
// What differs between couriers — their fields, their tables of codes,
// the names their text templates hold — stays in each adapter.
package chinatrace
