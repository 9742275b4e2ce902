// Package docs embeds the documents of this directory that the gateway
// serves to its readers: the tg1 protocol (protocol.md), the threat model
// (threat-model.md) and the transparency report's guide (transparency.md).
// The Markdown files are the source; package openapi renders them at
// /docs/protocol, /docs/threat-model and /docs/transparency. It lives here
// because go:embed reaches no parent directory.
package docs

import "embed"

// Files holds protocol.md, threat-model.md and transparency.md.
//
//go:embed protocol.md threat-model.md transparency.md webhooks.md
var Files embed.FS
