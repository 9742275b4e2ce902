// Package openapi holds tg1.yaml, the OpenAPI 3 document that is the source
// of truth for trackgate's HTTP APIs: the gateway (/v1, docs/protocol.md §7) and
// the courier host (/tg1, §8). Everything here is built from that one file,
// so the document, the checks on requests and the reference cannot drift
// apart:
//
//   - document.go: the embedded bytes (Document), the parsed and validated
//     document (Load), and the operations of a tag in gin's route syntax
//     (Operations), which route-parity tests compare with a gin engine.
//   - validator.go: Validator, gin middleware that checks every request's
//     path, headers and body against the document before a handler runs,
//     and ValidateResponse, which tests use to check what handlers answer.
//   - detail.go: turns a validation failure into a problem detail that names
//     the failing field or parameter without repeating the value sent.
//   - docs.go, docs.html.tmpl: the /docs pages (DocsHandler) and the
//     /openapi.yaml handler. /docs is the API reference: Swagger UI
//     renders the document in the browser, with a try-it console that
//     calls the gateway serving it.
//   - assets.go: the reference's scripts and style sheets, built into
//     viewer/dist by viewer/build.mjs (an npm project that also holds the
//     OpenAPI linter, Redocly CLI), embedded, cached and gzipped.
//   - pages.go: the protocol documents of package docs rendered from
//     Markdown with goldmark, at /docs/protocol and /docs/threat-model.
//
// The validator does not authenticate: signed requests (§9) are checked by
// gateway/signing, which should run before it on signed routes so that an
// unsigned request is answered 401 rather than 400.
package openapi
