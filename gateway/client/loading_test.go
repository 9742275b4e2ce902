package client

import (
	"errors"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/gateway/client/clienttest"
)

// loadingCourier is east while its host is still publishing its first
// records.
func loadingCourier() clienttest.Courier {
	c := east
	c.Loading = true
	return c
}

func TestAMissAtALoadingCourierIsStillLoadingNotNotFound(t *testing.T) {
	for _, private := range []bool{true, false} {
		g := newGateway(t, 8, loadingCourier(), west)
		res, err := newClient(t, g, WithPrivateFetch(private)).Track(ctxT(t), "SE1234567890", TrackOptions{})
		if !errors.Is(err, ErrStillLoading) || errors.Is(err, ErrNotFound) {
			t.Fatalf("private %v: err = %v, want ErrStillLoading and not ErrNotFound", private, err)
		}
		if got := statuses(res)["sim-east SE1234567890"]; got != OutcomeStillLoading {
			t.Errorf("outcome %q, want %q", got, OutcomeStillLoading)
		}
		if want := "still loading: sim-east is still publishing its parcels, so this one may not show yet; try again in a few minutes"; err.Error() != want {
			t.Errorf("message %q\nwant %q", err, want)
		}
	}
}

func TestAParcelFoundAtALoadingCourierIsShown(t *testing.T) {
	g := newGateway(t, 8, loadingCourier())
	g.AddParcel(t, "sim-east", "SE1234567890", "", inTransit("sim-east", "SE1234567890"))
	res, err := newClient(t, g).Track(ctxT(t), "SE1234567890", TrackOptions{})
	if err != nil || len(res.Legs) != 1 || statuses(res)["sim-east SE1234567890"] != OutcomeFound {
		t.Fatalf("err %v, result %+v; want the parcel", err, res)
	}
}

func TestAnUnavailableCourierOutranksALoadingOne(t *testing.T) {
	down := clienttest.Courier{ID: "sim-down", Name: "Sim Down", Patterns: anyShape, Behaviour: clienttest.Unavailable}
	g := newGateway(t, 8, loadingCourier(), down)
	_, err := newClient(t, g).Track(ctxT(t), "SE1234567890", TrackOptions{})
	if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrStillLoading) {
		t.Fatalf("err = %v, want ErrUnavailable (§11: unavailable first, then still loading)", err)
	}
}

func TestLoadingCouriersAreNamedTogether(t *testing.T) {
	north := clienttest.Courier{ID: "sim-north", Name: "Sim North", Patterns: anyShape, Loading: true}
	g := newGateway(t, 8, loadingCourier(), north)
	_, err := newClient(t, g).Track(ctxT(t), "SE1234567890", TrackOptions{})
	if !errors.Is(err, ErrStillLoading) || !strings.Contains(err.Error(), "sim-east and sim-north are still publishing their parcels") {
		t.Fatalf("err = %v, want both couriers named", err)
	}
}

// TestLoadingChangesNothingAClientSends: a loading courier is asked
// exactly as any other, so the gateway sees the same lookup whether the
// flag is set or not (docs/protocol.md §7.1, §11).
func TestLoadingChangesNothingAClientSends(t *testing.T) {
	for _, private := range []bool{true, false} {
		var shapes []string
		for _, first := range []clienttest.Courier{east, loadingCourier()} {
			g := newGateway(t, 8, first, west)
			_, err := newClient(t, g, WithPrivateFetch(private)).Track(ctxT(t), "SE1234567890", TrackOptions{})
			if err == nil {
				t.Fatal("found a parcel nobody has")
			}
			shapes = append(shapes, trafficShape(g.Seen()))
		}
		if shapes[0] != shapes[1] {
			t.Errorf("private %v: a loading courier changes the lookup:\n%s\n--- versus ---\n%s", private, shapes[1], shapes[0])
		}
	}
}
