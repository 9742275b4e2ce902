package client

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
)

func TestEvaluationsSplitAtSixteenCouriers(t *testing.T) {
	tests := []struct {
		couriers     int
		wantRequests int // per round
	}{
		{1, 1},
		{16, 1},
		{17, 2},
		{40, 3},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d couriers", tt.couriers), func(t *testing.T) {
			var couriers []clienttest.Courier
			var ids []string
			for i := range tt.couriers {
				id := fmt.Sprintf("c%02d", i)
				couriers = append(couriers, clienttest.Courier{ID: id, Name: id, Patterns: anyShape})
				ids = append(ids, id)
			}
			g := newGateway(t, 8, couriers...)
			if _, err := newClient(t, g, WithMaxHandoffs(0)).Track(ctxT(t), "AB1234567890", TrackOptions{}); !errors.Is(err, ErrNotFound) {
				t.Fatalf("err = %v, want ErrNotFound", err)
			}
			var asked []string
			evals := g.Evaluations()
			for i, e := range evals {
				if len(e.Requests) > crypto.MaxCouriers {
					t.Errorf("request %d asks %d couriers, cap %d", i, len(e.Requests), crypto.MaxCouriers)
				}
				for _, part := range e.Requests {
					asked = append(asked, part.Courier)
					if len(part.Blinded) != 1 {
						t.Errorf("request %d sends %s %d elements, want 1", i, part.Courier, len(part.Blinded))
					}
				}
			}
			if len(evals) != tt.wantRequests || strings.Join(asked, ",") != strings.Join(ids, ",") {
				t.Errorf("%d requests asking %v; want %d asking every courier once in directory order", len(evals), asked, tt.wantRequests)
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
