package main

// The adapters this binary offers to 'trackgate courier', by the name
// each registers in its init function (see docs/adapters.md). The
// simulator is imported by courier.go, which the embedded demo needs anyway.
import (
	_ "github.com/trackgate/trackgate/adapters/declarative"
	_ "github.com/trackgate/trackgate/adapters/dhl"
	_ "github.com/trackgate/trackgate/adapters/fedex"
	_ "github.com/trackgate/trackgate/adapters/jdl"
	_ "github.com/trackgate/trackgate/adapters/sfexpress"
	_ "github.com/trackgate/trackgate/adapters/ups"
	_ "github.com/trackgate/trackgate/adapters/webhook"
	_ "github.com/trackgate/trackgate/adapters/zto"
)
