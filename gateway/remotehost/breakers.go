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
