package embedded

import (
	"errors"
	"testing"

	"github.com/trackgate/trackgate/gateway/client"
)

// TestReadyMeansNoCourierIsLoading: once WaitReady returns (serve then
// prints its demo parcels), the directory no longer says any courier is
// loading, so a miss is "not found" at once, not "still loading".
func TestReadyMeansNoCourierIsLoading(t *testing.T) {
	_, srv := startRunning(t, Config{ParcelsPerCourier: 5})
	cl, err := client.New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := cl.Directory(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range dir.Couriers {
		if c.Loading {
			t.Errorf("%s is still loading in the directory after WaitReady", c.ID)
		}
	}
	if _, err := cl.Track(t.Context(), "SW199999999999", client.TrackOptions{}); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("a miss right after WaitReady: %v, want ErrNotFound", err)
	}
}
