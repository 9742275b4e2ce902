package client

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/trackgate/trackgate/adapters"
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
