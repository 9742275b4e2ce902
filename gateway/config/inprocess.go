package config

import "github.com/trackgate/trackgate/gateway/courierhost"

// InProcess loads a courier host's file for a host that runs inside the
// gateway's own process (trackgate serve --courier): the gateway calls
// the host directly and, in push mode, the host publishes straight to it
// through Build's WithPublisher. The file's gateway section and outbox
// are then neither needed nor checked, and never used.
func InProcess() LoadOption {
	return func(o *loadOptions) { o.inProcess = true }
}

// WithPublisher makes a push-mode courier host publish through p (a
// gateway.LocalPublisher of the gateway it runs in) instead of the
// outbox and gateway.url; a host loaded with InProcess needs it.
func WithPublisher(p courierhost.Publisher) BuildOption {
	return func(o *buildOptions) { o.publisher = p }
}
