package client

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
)

// foundLeg tracks SE1234567890 at a fake gateway holding it and returns
// the gateway and the leg found.
func foundLeg(t *testing.T) (*clienttest.Gateway, Leg) {
	t.Helper()
	g := clienttest.New(t, clienttest.Config{BucketBits: 4, Couriers: []clienttest.Courier{east, west}, SecretKeys: []string{clienttest.NewSecretKey()}})
	g.AddParcel(t, "sim-east", "SE1234567890", "", inTransit("sim-east", "SE1234567890"))
	res, err := newClient(t, g).Track(ctxT(t), "SE1234567890", TrackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return g, res.Legs[0]
}

func TestFoundLegKeepsItsLocatorAndHidesItsRecordKey(t *testing.T) {
	g, leg := foundLeg(t)
	if want := g.Locator(t, "sim-east", "SE1234567890", ""); !bytes.Equal(leg.Locator, want) {
		t.Fatalf("leg locator %x, want the record's %x", leg.Locator, want)
	}
	key := leg.RecordKey()
	if len(key) != crypto.RecordKeySize {
		t.Fatalf("RecordKey is %d bytes, want %d", len(key), crypto.RecordKeySize)
	}
	key[0] ^= 1 // a copy: changing it changes nothing
	if bytes.Equal(leg.RecordKey(), key) {
		t.Error("RecordKey returns the leg's own bytes, not a copy")
	}
	key[0] ^= 1
	res := &Result{Legs: []Leg{leg}}
	js, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	printed := []string{fmt.Sprintf("%v", leg), fmt.Sprintf("%+v", leg), fmt.Sprintf("%#v", leg), fmt.Sprintf("%v", res), fmt.Sprintf("%+v", *res), string(js)}
	forms := []string{
		hex.EncodeToString(key), crypto.EncodeB64(key), base64.StdEncoding.EncodeToString(key),
		strings.Trim(fmt.Sprint(key), "[]"), fmt.Sprintf("%#v", key)[len("[]byte{"):40],
	}
	for _, p := range printed {
		for _, f := range forms {
			if strings.Contains(p, f) {
				t.Errorf("the record key shows in %q", p)
			}
		}
	}
	if !strings.Contains(string(js), `"locator":"`+crypto.EncodeB64(leg.Locator)+`"`) {
		t.Errorf("JSON %s lacks the locator in base64url", js)
	}
	if got := res.Locators(); len(got) != 1 || !bytes.Equal(got[0], leg.Locator) {
		t.Errorf("Locators = %x, want the leg's", got)
	}
}

// delivered builds the body the gateway would POST for the record.
func deliveryBody(t *testing.T, kind string, locator []byte, version uint64, rec *crypto.PublicRecord) []byte {
	t.Helper()
	body, err := json.Marshal(map[string]any{
		"type": kind, "subscription": "sub_AAAAAAAAAAAAAAAAAAAAAA", "delivery": "dlv_BBBBBBBBBBBBBBBBBBBBBB",
		"locator": crypto.B64(locator), "version": version, "record": rec,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rec == nil {
		body = bytes.Replace(body, []byte(`,"record":null`), nil, 1)
	}
	return body
}

func TestOpenDeliveryOpensTheNextVersionOfTheLeg(t *testing.T) {
	g, leg := foundLeg(t)
	next := inTransit("sim-east", "SE1234567890")
	next.Events = append(next.Events, clienttest.Event("2026-11-22T08:00:00+08:00", adapters.StatusOutForDelivery, "Out for delivery", "Shanghai", "", "CN"))
	next.Status, next.UpdatedAt = adapters.StatusOutForDelivery, next.Events[2].Time
	rec := g.AddParcel(t, "sim-east", "SE1234567890", "", next)
	pub := rec.Public()
	body := deliveryBody(t, DeliveryUpdated, rec.Locator, rec.Version, &pub)

	view, err := OpenDelivery(body, leg)
	if err != nil {
		t.Fatalf("OpenDelivery: %v", err)
	}
	if view.Status != adapters.StatusOutForDelivery || len(view.Events) != 3 {
		t.Errorf("view = %s with %d events, want out_for_delivery with 3", view.Status, len(view.Events))
	}
	d, err := ParseDelivery(body)
	if err != nil || d.Version != 2 || d.Type != DeliveryUpdated || d.ID != "dlv_BBBBBBBBBBBBBBBBBBBBBB" {
		t.Errorf("ParseDelivery = %+v, %v; want version 2 of an update", d, err)
	}

	restored, err := RestoreLeg(leg.Courier, "se 1234 567 890", leg.Locator, leg.RecordKey())
	if err != nil {
		t.Fatal(err)
	}
	if v, err := OpenDelivery(body, restored); err != nil || v.Status != adapters.StatusOutForDelivery {
		t.Errorf("a restored leg opens %v, %v; want the same view", v.Status, err)
	}
}

func TestOpenDeliveryRefusesWhatIsNotTheLegsRecord(t *testing.T) {
	g, leg := foundLeg(t)
	other := g.AddParcel(t, "sim-east", "SE0000000001", "", inTransit("sim-east", "SE0000000001"))
	liar := g.AddParcel(t, "sim-east", "SE1234567890", "", inTransit("sim-east", "SE9999999999")) // opens, names another number
	good := g.AddParcel(t, "sim-east", "SE1234567890", "", inTransit("sim-east", "SE1234567890"))
	pub := func(r crypto.SealedRecord) *crypto.PublicRecord { p := r.Public(); return &p }
	tampered := pub(good)
	tampered.Ciphertext = bytes.Clone(tampered.Ciphertext)
	tampered.Ciphertext[0] ^= 1
	otherPub := pub(other)

	tests := []struct {
		name string
		body []byte
		leg  Leg
		want error
	}{
		{"another record", deliveryBody(t, DeliveryUpdated, other.Locator, 1, otherPub), leg, ErrNotThisLeg},
		{"a leg that cannot open records", deliveryBody(t, DeliveryUpdated, good.Locator, 3, pub(good)), Leg{Courier: "sim-east", Locator: leg.Locator}, ErrNotThisLeg},
		{"tampered ciphertext", deliveryBody(t, DeliveryUpdated, good.Locator, 3, tampered), leg, ErrBadRecord},
		{"a view of another number", deliveryBody(t, DeliveryUpdated, liar.Locator, 2, pub(liar)), leg, ErrBadRecord},
		{"record at another locator than the delivery's", deliveryBody(t, DeliveryUpdated, good.Locator, 3, otherPub), leg, ErrBadDelivery},
		{"withdrawn", deliveryBody(t, DeliveryWithdrawn, good.Locator, 4, nil), leg, ErrWithdrawn},
		{"update without a record", deliveryBody(t, DeliveryUpdated, good.Locator, 3, nil), leg, ErrBadDelivery},
		{"withdrawal with a record", deliveryBody(t, DeliveryWithdrawn, good.Locator, 3, pub(good)), leg, ErrBadDelivery},
		{"unknown type", deliveryBody(t, "record.renamed", good.Locator, 3, nil), leg, ErrUnknownDeliveryType},
		{"version 0", deliveryBody(t, DeliveryUpdated, good.Locator, 0, pub(good)), leg, ErrBadDelivery},
		{"short locator", deliveryBody(t, DeliveryWithdrawn, good.Locator[:8], 3, nil), leg, ErrBadDelivery},
		{"not JSON", []byte("<html>"), leg, ErrBadDelivery},
		{"no ids", []byte(`{"type":"record.withdrawn","locator":"` + crypto.EncodeB64(good.Locator) + `","version":3}`), leg, ErrBadDelivery},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view, err := OpenDelivery(tt.body, tt.leg)
			if !errors.Is(err, tt.want) {
				t.Errorf("OpenDelivery = %v, want %v", err, tt.want)
			}
			if view.TrackingNumber != "" {
				t.Errorf("a view came with the error: %+v", view)
			}
		})
	}
}

func TestRestoreLegChecksWhatItIsGiven(t *testing.T) {
	loc, key := make([]byte, crypto.LocatorSize), make([]byte, crypto.RecordKeySize)
	for _, tt := range []struct {
		courier, tn string
		loc, key    []byte
	}{
		{"Sim East", "SE1234567890", loc, key},
		{"sim-east", "SE12", loc, key},
		{"sim-east", "SE1234567890", loc[:15], key},
		{"sim-east", "SE1234567890", loc, key[:16]},
	} {
		if _, err := RestoreLeg(tt.courier, tt.tn, tt.loc, tt.key); err == nil {
			t.Errorf("RestoreLeg(%q, %q, %d bytes, %d bytes) accepted", tt.courier, tt.tn, len(tt.loc), len(tt.key))
		}
	}
}

func TestUpdateLegMergesTheNewViewWithoutTouchingACopy(t *testing.T) {
	_, leg := foundLeg(t)
	res := &Result{TrackingNumber: "SE1234567890", Legs: []Leg{leg}}
	res.merge()
	before := *res
	before.Legs = append([]Leg(nil), res.Legs...)
	next := inTransit("sim-east", "SE1234567890")
	next.Events = append(next.Events, clienttest.Event("2026-11-22T08:00:00+08:00", adapters.StatusOutForDelivery, "Out for delivery", "Shanghai", "", "CN"))
	next.Status = adapters.StatusOutForDelivery

	if res.UpdateLeg(make([]byte, crypto.LocatorSize), next) {
		t.Error("UpdateLeg took a view for a locator of no leg")
	}
	if res.UpdateLeg(leg.Locator, inTransit("sim-east", "SE0000000001")) {
		t.Error("UpdateLeg took a view of another number")
	}
	if !res.UpdateLeg(leg.Locator, next) {
		t.Fatal("UpdateLeg refused the leg's next view")
	}
	if len(res.Timeline) != 3 || res.Timeline[2].Status != adapters.StatusOutForDelivery || res.Headline().Code != HeadlineOutForDelivery {
		t.Errorf("after UpdateLeg: %d events, headline %s", len(res.Timeline), res.Headline().Code)
	}
	if len(before.Timeline) != 2 || before.Timeline[1].Status != adapters.StatusInTransit || before.Legs[0].View.Status != adapters.StatusInTransit {
		t.Errorf("the copy taken before changed: %+v", before.Timeline)
	}
}
