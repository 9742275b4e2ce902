// Package tenant is what the gateway knows of the marketplaces it serves
// (docs/protocol.md §7.6): their publishable API keys, kept only as
// SHA-256 hashes, and the browser origins they may call the gateway from.
//
// A key is publishable: a marketplace's page sends it in the TG-Api-Key
// header from shoppers' browsers, so anyone can read it. It names the
// tenant, and so the quota a request is charged to, and nothing more; it
// grants no access to any record. The gateway and its configuration hold
// only its hash, compare hashes in constant time, and never log, store or
// forward a key.
//
//   - key.go: the key format, NewKey, HashKey and Hash.
//   - origin.go: CheckOrigin, the exact scheme://host[:port] form a
//     browser sends in Origin.
package tenant
