package larkpost

import (
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
)

func TestConformance(t *testing.T) {
	adaptertest.Run(t, adaptertest.Harness{
		Courier: "lark-post",
		Ref:     adapters.ParcelRef{TrackingNumber: "LP 2026 0601 00017", Factors: []string{fakePhone}},
		Open: func(t *testing.T, s adaptertest.Scenario) adapters.Source {
			return startFake(t, s)
		},
		PII:        fakePII,
		RetryAfter: retryAfter,
		EventTimes: []string{"2026-06-01T09:30:00Z", "2026-06-01T22:40:00+08:00",
			"2026-06-02T08:02:00+08:00", "2026-06-02T10:15:00+08:00"},
		Status: adapters.StatusDelivered,
	})
}
