package client

import (
	"fmt"
	"testing"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

func TestRoundsRespectTheEvaluationCaps(t *testing.T) {
	tests := []struct {
		couriers, perCourier int
		wantRounds           int
	}{
		{1, 1, 1},
		{16, 1, 1},
		{17, 1, 2},
		{40, 1, 3},
		{1, 8, 1},
		{1, 9, 2},
		{3, 10, 2},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%dx%d", tt.couriers, tt.perCourier), func(t *testing.T) {
			var answers []answer
			for c := 0; c < tt.couriers; c++ {
				ci := &courierInfo{entry: &api.CourierEntry{ID: fmt.Sprintf("c%02d", c)}}
				for j := 0; j < tt.perCourier; j++ {
					answers = append(answers, answer{query: query{courier: ci, tn: fmt.Sprintf("TN%06d", j)}})
				}
			}
			rs := rounds(answers)
			if len(rs) != tt.wantRounds {
				t.Errorf("%d rounds, want %d", len(rs), tt.wantRounds)
			}
			seen := make([]int, len(answers))
			for r, round := range rs {
				if len(round) > crypto.MaxCouriers {
					t.Errorf("round %d asks %d couriers, cap %d", r, len(round), crypto.MaxCouriers)
				}
				couriers := map[*courierInfo]bool{}
				for _, b := range round {
					if couriers[b.courier] {
						t.Errorf("round %d asks %s twice", r, b.courier.entry.ID)
					}
					couriers[b.courier] = true
					if len(b.answers) > crypto.MaxBatch {
						t.Errorf("round %d sends %s %d elements, cap %d", r, b.courier.entry.ID, len(b.answers), crypto.MaxBatch)
					}
					for _, i := range b.answers {
						if answers[i].courier != b.courier {
							t.Errorf("answer %d placed under the wrong courier", i)
						}
						seen[i]++
					}
				}
			}
			for i, n := range seen {
				if n != 1 {
					t.Errorf("answer %d placed %d times, want once", i, n)
				}
			}
		})
	}
}

func TestUnknownGatewayStatusBecomesInvalid(t *testing.T) {
	for in, want := range map[string]string{
		api.StatusTimeout: api.StatusTimeout, api.StatusRateLimited: api.StatusRateLimited,
		api.StatusUnavailable: api.StatusUnavailable, api.StatusInvalid: api.StatusInvalid,
		"found": api.StatusInvalid, "\x1b[2J": api.StatusInvalid,
	} {
		if got := gatewayStatus(in); got != want {
			t.Errorf("gatewayStatus(%q) = %q, want %q", in, got, want)
		}
	}
}
