package deliverytest

import (
	"context"
	"sync"

	"github.com/trackgate/trackgate/gateway/delivery"
)

// Counter is a delivery.CountFunc that adds up what it is told, per
// scope and metric, for tests to compare with the traffic they sent.
type Counter struct {
	mu sync.Mutex
	n  map[delivery.Scope]map[string]int64
}

// NewCounter returns an empty Counter.
func NewCounter() *Counter { return &Counter{n: map[delivery.Scope]map[string]int64{}} }

// Count is the delivery.CountFunc.
func (c *Counter) Count(_ context.Context, scope delivery.Scope, metric string, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n[scope] == nil {
		c.n[scope] = map[string]int64{}
	}
	c.n[scope][metric] += n
}

// Get returns a metric of a scope.
func (c *Counter) Get(scope delivery.Scope, metric string) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[scope][metric]
}
