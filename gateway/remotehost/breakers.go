package remotehost

import (
	"github.com/sony/gobreaker/v2"

	"github.com/trackgate/trackgate/gateway/telemetry"
)

var _ telemetry.Breakers = (*Client)(nil)

// BreakerStates reports the state of the client's circuit breaker, for
// the gateway's trackgate_courier_breaker_state gauge: one host, index 0.
func (c *Client) BreakerStates() []telemetry.BreakerState {
	return []telemetry.BreakerState{breakerState(c.breaker.State())}
}

func breakerState(s gobreaker.State) telemetry.BreakerState {
	switch s {
	case gobreaker.StateOpen:
		return telemetry.BreakerOpen
	case gobreaker.StateHalfOpen:
		return telemetry.BreakerHalfOpen
	}
	return telemetry.BreakerClosed
}

var _ telemetry.Breakers = (*Replicas)(nil)

// BreakerStates reports each replica's breaker, in the order the
// courier's hosts are listed: the gauge's host label is that index.
func (r *Replicas) BreakerStates() []telemetry.BreakerState {
	out := make([]telemetry.BreakerState, len(r.replicas))
	for i, rep := range r.replicas {
		out[i] = breakerState(rep.client.breaker.State())
	}
	return out
}
