package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/webhook"
	"github.com/trackgate/trackgate/crypto"
)

// The conformance kit drives the adapter through its ingest API: it posts
// realistic histories with personal data in their free text, out of
// order, again, and malformed, and checks the parcels Lookup and Parcels
// then give. It runs for both factor settings of a courier.
func TestConformance(t *testing.T) {
	for _, factor := range []string{crypto.FactorNone, crypto.FactorPhoneLast4} {
		t.Run(factor, func(t *testing.T) {
			adaptertest.RunPush(t, adaptertest.PushHarness{
				Courier: testCourier,
				Factors: factor == crypto.FactorPhoneLast4,
				Now:     func() time.Time { return testNow },
				Open: func(t *testing.T) (adapters.Source, adaptertest.Push) {
					in := openIngest(t, func(c *webhook.Config) { c.Factor = factor })
					return in, in.pushEvents
				},
			})
		})
	}
}

// pushEvents posts events as the courier's systems do, and turns a refusal
// into an error carrying the problem details the courier would read.
func (in *ingest) pushEvents(ctx context.Context, events []adaptertest.PushEvent) error {
	req := webhook.EventsRequest{Events: make([]webhook.EventIn, len(events))}
	for i, e := range events {
		req.Events[i] = webhook.EventIn{
			TrackingNumber: e.TrackingNumber, Factors: e.Factors, Time: e.Time, Status: e.Status,
			Substatus: e.Substatus, Description: e.Description,
		}
		if l := e.Location; l != nil {
			req.Events[i].Location = &webhook.LocationIn{City: l.City, Region: l.Region, Country: l.Country}
		}
	}
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, in.url+"/v1/events", bytes.NewReader(body))
	if err != nil {
		return err
	}
	r.Header.Set("Authorization", "Bearer "+testToken)
	r.Header.Set("Content-Type", "application/json")
	resp, err := in.client.Do(r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("POST /v1/events: %d %s", resp.StatusCode, answer)
	}
	return nil
}

// conformanceHistory is a history posted newest first, with the personal
// data couriers' remarks carry, for the checks the kit leaves to the
// adapter: a state file that cannot be read.
var conformanceHistory = []webhook.EventIn{
	{TrackingNumber: "ap-2026-0530-0001", Time: "2026-05-31T14:03:11+08:00", Status: "delivered",
		Description: "已签收，签收人：张三，如有疑问请联系派件员李四 13800138000",
		Location:    &webhook.LocationIn{City: "杭州市", Region: "浙江省", Country: "CN"}},
	{TrackingNumber: "AP202605300001", Time: "2026-05-30T21:40:00+08:00", Status: "in_transit",
		Description: "Departed Shanghai hub; contact zhangsan@example.com for questions",
		Location:    &webhook.LocationIn{City: "Shanghai", Country: "CN"}},
	{TrackingNumber: "AP202605300001", Time: "2026-05-30T09:00:00Z", Status: "info_received",
		Description: "Shipment information received from sender, signed by John Smith"},
}

func TestStateFileUnreadableIsUnavailable(t *testing.T) {
	in := openIngest(t, phoneCourier)
	history := append([]webhook.EventIn(nil), conformanceHistory...)
	history[0].Factors = []string{"8000"}
	in.mustPost(t, history...)
	ref := adapters.ParcelRef{TrackingNumber: "AP202605300001", Factors: []string{"8000"}}
	if _, err := in.Lookup(t.Context(), ref); err != nil {
		t.Fatal(err)
	}
	if err := in.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := in.Lookup(t.Context(), ref)
	if cerr := adaptertest.CheckError(err, adapters.ErrUnavailable, ref); cerr != nil {
		t.Fatal(cerr)
	}
	err = in.Parcels(t.Context(), func(adapters.Parcel) bool { return true })
	if cerr := adaptertest.CheckError(err, adapters.ErrUnavailable, ref); cerr != nil {
		t.Fatal(cerr)
	}
}
