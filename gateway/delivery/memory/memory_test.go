package memory

import (
	"testing"

	"github.com/trackgate/trackgate/gateway/delivery"
	"github.com/trackgate/trackgate/gateway/delivery/deliverytest"
)

func TestMemoryPassesTheConformanceSuite(t *testing.T) {
	deliverytest.Run(t, func(*testing.T) delivery.Backend { return New(deliverytest.ClaimTimeout) })
}
