package webhook_test

import (
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/webhook"
	"github.com/trackgate/trackgate/crypto"
)

func phoneCourier(c *webhook.Config) { c.Factor = crypto.FactorPhoneLast4 }

func (in *ingest) putFactors(t *testing.T, tn, body string) answer {
	t.Helper()
	return in.do(t, http.MethodPut, "/v1/parcels/"+tn, testToken, "application/json", []byte(body))
}

func TestPutFactorsReplacesThem(t *testing.T) {
	in := openIngest(t, phoneCourier)
	// Factors may come before the first event.
	if a := in.putFactors(t, goodTN, `{"factors":["1234","5678","1234"]}`); a.status != http.StatusNoContent {
		t.Fatalf("%d %s", a.status, a.body)
	}
	if _, err := in.lookup(t, goodTN); !errors.Is(err, adapters.ErrNotFound) {
		t.Fatalf("a parcel with factors but no events is found: %v", err)
	}
	in.mustPost(t, ev(goodTN, 0, adapters.StatusInTransit, "Departed Hangzhou hub"))
	p, err := in.lookup(t, goodTN)
	if err != nil || !slices.Equal(p.Factors, []string{"1234", "5678"}) {
		t.Fatalf("factors %q, %v", p.Factors, err)
	}
	if a := in.putFactors(t, goodTN, `{"factors":["9999"]}`); a.status != http.StatusNoContent {
		t.Fatalf("%d %s", a.status, a.body)
	}
	p, err = in.lookup(t, goodTN)
	if err != nil || !slices.Equal(p.Factors, []string{"9999"}) || p.Version != 1 {
		t.Fatalf("factors %q version %d, %v", p.Factors, p.Version, err)
	}

	for _, tc := range []struct{ name, body, pointer string }{
		{"missing", `{}`, "/factors"},
		{"null", `{"factors":null}`, "/factors"},
		{"not 4 digits", `{"factors":["123a"]}`, "/factors/0"},
		{"too many", `{"factors":["0001","0002","0003","0004","0005","0006","0007","0008","0009"]}`, "/factors"},
		{"none left for a parcel with events", `{"factors":[]}`, "/factors"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := wantProblem(t, in.putFactors(t, goodTN, tc.body), http.StatusBadRequest)
			if p.pointers() != tc.pointer {
				t.Errorf("pointers %q, want %q", p.pointers(), tc.pointer)
			}
		})
	}
	if p, _ := in.lookup(t, goodTN); !slices.Equal(p.Factors, []string{"9999"}) {
		t.Fatalf("a refused PUT changed the factors to %q", p.Factors)
	}
	if p, err := in.lookup(t, goodTN, "1234"); !errors.Is(err, adapters.ErrNotFound) {
		t.Fatalf("a removed factor still unlocks the parcel: %+v", p)
	}
}

func TestPutFactorsRefusesFactorsForACourierWithoutThem(t *testing.T) {
	in := openIngest(t)
	p := wantProblem(t, in.putFactors(t, goodTN, `{"factors":["1234"]}`), http.StatusBadRequest)
	if p.pointers() != "/factors" {
		t.Fatalf("pointers %q", p.pointers())
	}
	if a := in.putFactors(t, goodTN, `{"factors":[]}`); a.status != http.StatusNoContent {
		t.Fatalf("no factors for a courier without them: %d %s", a.status, a.body)
	}
}

func TestLookupWithFactorsAnswersOnlyForAMatchingOne(t *testing.T) {
	in := openIngest(t, phoneCourier)
	e := ev(goodTN, 0, adapters.StatusInTransit, "Departed Hangzhou hub")
	e.Factors = []string{"1234", "5678"}
	in.mustPost(t, e)
	for _, tc := range []struct {
		factors []string
		want    []string
	}{
		{nil, []string{"1234", "5678"}},
		{[]string{"5678", "0000"}, []string{"5678"}},
		{[]string{"0000"}, nil},
	} {
		p, err := in.lookup(t, goodTN, tc.factors...)
		if tc.want == nil {
			if !errors.Is(err, adapters.ErrNotFound) {
				t.Errorf("factors %q: %v, want not found", tc.factors, err)
			}
			continue
		}
		if err != nil || !slices.Equal(p.Factors, tc.want) {
			t.Errorf("factors %q: got %q, %v; want %q", tc.factors, p.Factors, err, tc.want)
		}
	}
}

func TestDeleteDropsAParcelAndItsVersionNeverGoesBack(t *testing.T) {
	in := openIngest(t, phoneCourier)
	e := ev(goodTN, 0, adapters.StatusInTransit, "Departed Hangzhou hub")
	e.Factors = []string{"1234"}
	later := ev(goodTN, 60, adapters.StatusOutForDelivery, "Out for delivery")
	in.mustPost(t, e, later)
	for range 2 { // dropping is idempotent
		if a := in.do(t, http.MethodDelete, "/v1/parcels/"+goodTN, testToken, "", nil); a.status != http.StatusNoContent {
			t.Fatalf("DELETE: %d %s", a.status, a.body)
		}
	}
	if _, err := in.lookup(t, goodTN); !errors.Is(err, adapters.ErrNotFound) {
		t.Fatalf("a dropped parcel is found: %v", err)
	}
	wantProblem(t, in.do(t, http.MethodGet, "/v1/parcels/"+goodTN, testToken, "", nil), http.StatusNotFound)
	// Posted again, it starts afresh above the version it had.
	e.Factors = []string{"4321"}
	in.mustPost(t, e)
	p, err := in.lookup(t, goodTN)
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 3 || len(p.View.Events) != 1 || !slices.Equal(p.Factors, []string{"4321"}) {
		t.Fatalf("version %d, %d events, factors %q; want 3, 1, [4321]", p.Version, len(p.View.Events), p.Factors)
	}
}
