// Package adapters is what a courier implements to plug its systems into
// trackgate, and the vocabulary every other package speaks: the tracking
// view of docs/protocol.md §6 (View, Event, Status), the parcels an adapter
// reports, and a registry of adapters by name.
//
// It plays the part that database/sql/driver plays for database/sql: a
// courier writes a Source (one required method), may add optional
// abilities (Lister, Watcher, Closer, LoggerSetter) that the courier host
// discovers by type assertion, and registers a Factory under a name in an
// init function:
//
//	func init() { adapters.Register("sfexpress", open) }
//
// A courier host then opens it by the name in its configuration with
// adapters.Open. Views an adapter returns must carry no personal data: no
// names, phone numbers, e-mail or street addresses, signatures or photos.
//
// The package imports nothing else of trackgate.
package adapters
