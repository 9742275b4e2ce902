// Package docs embeds the documents of this directory that the gateway
// serves to its readers: the tg1 protocol (protocol.md) and the threat
// model (threat-model.md). The Markdown files are the source; package
// openapi renders them at /docs/protocol and /docs/threat-model. It lives
// here because go:embed reaches no parent directory.
package docs

import "embed"

// Files holds protocol.md and threat-model.md.
//
//go:embed protocol.md threat-model.md
var Files embed.FS
