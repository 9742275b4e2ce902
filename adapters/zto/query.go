package zto

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
	"github.com/trackgate/trackgate/crypto"
)

// The paths of the trace services under the base URL.
const (
	trackPath     = "zto.merchant.waybill.track.query"
	newTracesPath = "traceInterfaceNewTraces"
)

// trackQuery is the body of zto.merchant.waybill.track.query.
type trackQuery struct {
	BillCode    string `json:"billCode"`
	MobilePhone string `json:"mobilePhone,omitempty"` // last four digits of a phone on the waybill
}

// Lookup asks ZTO for the traces of the parcel ref names. With the
// track service it tries each factor as mobilePhone until one brings
// traces, and reports that factor; with new_traces, which takes no
// phone, the factors the courier's systems hold are the parcel's.
func (s *Source) Lookup(ctx context.Context, ref adapters.ParcelRef) (adapters.Parcel, error) {
	tn, err := crypto.NormalizeTrackingNumber(ref.TrackingNumber)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("zto: %w: the tracking number does not normalize", adapters.ErrNotFound)
	}
	if s.cfg.Service == ServiceNewTraces {
		traces, err := s.query(ctx, s.newTracesRequest(tn), tn)
		if err != nil {
			return adapters.Parcel{}, fmt.Errorf("zto: trace query: %w", err)
		}
		if len(traces) == 0 {
			return adapters.Parcel{}, fmt.Errorf("zto: trace query: %w", adapters.ErrNotFound)
		}
		p, err := parcelOf(s.cfg.Courier, tn, traces)
		if err != nil {
			return adapters.Parcel{}, fmt.Errorf("zto: trace query: %w", err)
		}
		p.Factors = append([]string(nil), ref.Factors...)
		return p, nil
	}
	var phones []string
	for _, f := range ref.Factors {
		// ZTO checks the last four digits; anything else cannot unlock a parcel.
		if crypto.CheckFactor(crypto.FactorPhoneLast4, f) == nil {
			phones = append(phones, f)
		}
	}
	if len(ref.Factors) == 0 {
		phones = []string{""} // ZTO answers for the merchant's own waybills without one
	}
	for _, phone := range phones {
		traces, err := s.query(ctx, s.trackRequest(tn, phone), tn)
		if err != nil {
			return adapters.Parcel{}, fmt.Errorf("zto: trace query: %w", err)
		}
		if len(traces) == 0 {
			continue
		}
		p, err := parcelOf(s.cfg.Courier, tn, traces)
		if err != nil {
			return adapters.Parcel{}, fmt.Errorf("zto: trace query: %w", err)
		}
		if phone != "" {
			p.Factors = []string{phone}
		}
		return p, nil
	}
	return adapters.Parcel{}, fmt.Errorf("zto: trace query: %w", adapters.ErrNotFound)
}

// request is one signed request, built anew for each attempt.
type request struct {
	contentType string
	body        string
	digest      string
}

func (s *Source) trackRequest(tn, phone string) request {
	body, _ := json.Marshal(trackQuery{BillCode: tn, MobilePhone: phone}) // cannot fail
	return request{
		contentType: "application/json; charset=UTF-8",
		body:        string(body),
		digest:      DataDigest(string(body), s.cfg.AppSecret),
	}
}

func (s *Source) newTracesRequest(tn string) request {
	data, _ := json.Marshal([]string{tn}) // cannot fail
	digested, encoded := formBody([]formParam{
		{"company_id", s.cfg.AppKey}, {"msg_type", "NEW_TRACES"}, {"data", string(data)},
	})
	return request{
		contentType: "application/x-www-form-urlencoded; charset=UTF-8",
		body:        encoded,
		digest:      DataDigest(digested, s.cfg.AppSecret),
	}
}

// query sends r and returns the traces of tn: none when ZTO does not
// know the parcel or the phone does not match.
func (s *Source) query(ctx context.Context, r request, tn string) ([]trace, error) {
	resp, err := s.cfg.Client.Do(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, strings.NewReader(r.body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", r.contentType)
		req.Header.Set("Accept", "application/json")
		// zopsdk sends the key as x-companyid; ZTO's newer documents and
		// clients name it x-appKey. ZOP reads either.
		req.Header.Set("x-companyid", s.cfg.AppKey)
		req.Header.Set("x-appKey", s.cfg.AppKey)
		req.Header.Set("x-datadigest", r.digest)
		return req, nil
	})
	if err != nil {
		return nil, err
	}
	if resp.Status != http.StatusOK {
		return nil, carrierhttp.StatusError(resp.Status, "the service URL")
	}
	return decodeTraces(resp.Body, tn)
}
