// Package openapi holds tg1.yaml, the OpenAPI 3 document that is the source
// of truth for trackgate's HTTP APIs: the gateway (/v1, docs/protocol.md §7) and
// the courier host (/tg1, §8). Everything here is built from that one file,
// so the document, the checks on requests and the reference page cannot
// drift apart:
//
//   - document.go: the embedded bytes (Document), the parsed and validated
//     document (Load), and the operations of a tag in gin's route syntax
//     (Operations), which route-parity tests compare with a gin engine.
//   - validator.go: Validator, gin middleware that checks every request's
//     path, headers and body against the document before a handler runs,
//     and ValidateResponse, which tests use to check what handlers answer.
//   - detail.go: turns a validation failure into a problem detail that names
//     the failing field or parameter without repeating the value sent.
//   - docs.go, docs_page.go, markdown.go, docs.html.tmpl: the /docs
//     reference page, rendered once on the server, and the /openapi.yaml
//     handler.
//
// The validator does not authenticate: signed requests (§9) are checked by
// gateway/signing, which should run before it on signed routes so that an
// unsigned request is answered 401 rather than 400.
package openapi
