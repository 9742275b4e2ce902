// Package tenant is what the gateway knows of the marketplaces it serves
// (docs/protocol.md §7.6, §10): their keys, kept only as SHA-256 hashes,
// and the browser origins they may call the gateway from.
//
// Three kinds of keys, told apart by their prefix:
//
//   - A publishable key (tg1pk_) is sent by a marketplace's page in the
//     TG-Api-Key header from shoppers' browsers, so anyone can read it.
//     It names the tenant, and so the quota a request is charged to, and
//     nothing more; it grants no access to any record.
//   - A secret key (tg1sk_) is sent by a marketplace's server as
//     "Authorization: Bearer" to manage its webhook subscriptions. It must
//     never reach a page.
//   - A report reader key (tg1rk_) lets a regulator read the
//     transparency report.
//
// The gateway and its configuration hold only a key's hash, compare hashes
// in constant time, and never log, store or forward a key. A key of one
// kind never hashes as another kind, so none is accepted where another is
// expected.
//
//   - key.go: the key kinds, Kind.New, Kind.Hash and Hash.
//   - origin.go: CheckOrigin, the exact scheme://host[:port] form a
//     browser sends in Origin.
package tenant
