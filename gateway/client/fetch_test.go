package client

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
)

func TestDecodeViewChecksWhatWasAsked(t *testing.T) {
	good, _ := json.Marshal(inTransit("sim-east", "SE1234567890"))
	tests := []struct {
		name    string
		plain   []byte
		courier string
		tn      string
		wantErr error
	}{
		{"matching view", good, "sim-east", "SE1234567890", nil},
		{"other number", good, "sim-east", "SE1234567891", errViewMismatch},
		{"other courier", good, "sim-west", "SE1234567890", errViewMismatch},
		{"invalid view", []byte(`{"courier":"sim-east","tracking_number":"SE1234567890","status":"?"}`), "sim-east", "SE1234567890", adapters.ErrInvalidView},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeView(tt.plain, tt.courier, tt.tn)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
	if _, err := decodeView([]byte("not json"), "sim-east", "SE1234567890"); err == nil {
		t.Error("decodeView accepted a body that is not JSON")
	}
}

func FuzzDecodeView(f *testing.F) {
	good, _ := json.Marshal(clienttest.View("sim-east", "SE1234567890",
		clienttest.Event("2026-11-20T09:00:00+08:00", adapters.StatusInTransit, "Departed", "Shenzhen", "Guangdong", "CN")))
	f.Add(good)
	f.Add([]byte(`{"courier":"sim-east","tracking_number":"SE1234567890","status":"delivered","events":[],"updated_at":"2026-11-01T00:00:00Z"}`))
	f.Add([]byte(`{"events":[{"time":"x"}]}`))
	f.Fuzz(func(t *testing.T, plain []byte) {
		v, err := decodeView(plain, "sim-east", "SE1234567890")
		if err != nil {
			return
		}
		if v.Courier != "sim-east" || v.TrackingNumber != "SE1234567890" || v.Check() != nil {
			t.Fatalf("accepted view %+v", v)
		}
	})
}

// A pull courier the gateway could not read is listed in "missing"; its
// parcel is then "unavailable", never "not found" (docs/protocol.md §11).
func TestCourierListedMissingIsUnavailable(t *testing.T) {
	for _, private := range []bool{true, false} {
		g := newGateway(t, 8, east)
		g.Missing("sim-east")
		res, err := newClient(t, g, WithPrivateFetch(private)).Track(ctxT(t), "SE1234567890", TrackOptions{})
		if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrNotFound) {
			t.Errorf("private=%v: err = %v, want ErrUnavailable and not ErrNotFound", private, err)
		}
		if got := statuses(res)["sim-east SE1234567890"]; got != api.StatusUnavailable {
			t.Errorf("private=%v: outcome = %q, want unavailable", private, got)
		}
	}
}

func TestRecordThatOpensWinsOverMissing(t *testing.T) {
	g := newGateway(t, 8, east)
	g.AddParcel(t, "sim-east", "SE1234567890", "", inTransit("sim-east", "SE1234567890"))
	g.Missing("sim-east")
	res, err := newClient(t, g).Track(ctxT(t), "SE1234567890", TrackOptions{})
	if err != nil || len(res.Legs) != 1 {
		t.Fatalf("Track = %+v, %v; want the parcel", res, err)
	}
}

// A record of another courier at the same locator, or any record that
// does not open with the courier asked, is skipped: it can neither hide
// nor replace the parcel.
func TestOpenSkipsRecordsOfOtherCouriersAtTheLocator(t *testing.T) {
	y := make([]byte, 64)
	d, err := crypto.Derive(y)
	if err != nil {
		t.Fatal(err)
	}
	seal := func(courier string, view adapters.View) crypto.PublicRecord {
		plain, _ := json.Marshal(view)
		r := crypto.SealedRecord{Courier: courier, Locator: d.Locator}
		if err := crypto.Seal(d.RecordKey, &r, plain, crypto.DefaultRecordSize, rand.Reader); err != nil {
			t.Fatal(err)
		}
		return r.Public()
	}
	mine := seal("sim-east", inTransit("sim-east", "SE1234567890"))
	squatter := seal("sim-west", inTransit("sim-east", "SE1234567890"))
	tests := []struct {
		name    string
		records []crypto.PublicRecord
		missing []string
		want    string
	}{
		{"own record among others", []crypto.PublicRecord{squatter, mine}, nil, OutcomeFound},
		{"another courier's record only", []crypto.PublicRecord{squatter}, nil, OutcomeNotFound},
		{"another courier's record, courier missing", []crypto.PublicRecord{squatter}, []string{"sim-east"}, api.StatusUnavailable},
		{"nothing, courier missing", nil, []string{"sim-east"}, api.StatusUnavailable},
		{"nothing, another courier missing", nil, []string{"sim-west"}, OutcomeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := answer{query: query{courier: &courierInfo{entry: &api.CourierEntry{ID: "sim-east"}}, tn: "SE1234567890"}, derived: &d}
			a.open(&api.PublicRecords{Records: tt.records, Missing: tt.missing})
			if a.status != tt.want {
				t.Errorf("status = %q, want %q", a.status, tt.want)
			}
		})
	}
}
