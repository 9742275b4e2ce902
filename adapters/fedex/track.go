package fedex

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
	"github.com/trackgate/trackgate/crypto"
)

// Lookup asks FedEx for the shipment ref names. FedEx takes no second
// factor; the ref's factors are reported as they came, as the courier's
// systems vouch for them.
func (s *Source) Lookup(ctx context.Context, ref adapters.ParcelRef) (adapters.Parcel, error) {
	tn, err := crypto.NormalizeTrackingNumber(ref.TrackingNumber)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("fedex: %w: the tracking number does not normalize", adapters.ErrNotFound)
	}
	resp, err := s.track(ctx, tn)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("fedex: %w", err)
	}
	results, err := decodeAnswer(resp.Body, tn)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("fedex: track: %w", err)
	}
	p, err := parcelOf(s.cfg.Courier, tn, latestResult(results))
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("fedex: track: %w", err)
	}
	p.Factors = append([]string(nil), ref.Factors...)
	return p, nil
}

// trackRequest is the body of POST /track/v1/trackingnumbers: one number,
// with every scan.
type trackRequest struct {
	IncludeDetailedScans bool           `json:"includeDetailedScans"`
	TrackingInfo         []trackingInfo `json:"trackingInfo"`
}

type trackingInfo struct {
	TrackingNumberInfo struct {
		TrackingNumber string `json:"trackingNumber"`
	} `json:"trackingNumberInfo"`
}

// track fetches the shipment's tracking, with a fresh token once more if
// FedEx refuses the cached one (expired early, or revoked).
func (s *Source) track(ctx context.Context, tn string) (*carrierhttp.Response, error) {
	u := s.base.JoinPath("track", "v1", "trackingnumbers").String()
	req := trackRequest{IncludeDetailedScans: true, TrackingInfo: make([]trackingInfo, 1)}
	req.TrackingInfo[0].TrackingNumberInfo.TrackingNumber = tn
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("track: %w: %v", adapters.ErrMisconfigured, err)
	}
	resp, err := s.token.Send(ctx, func(tok string) (*carrierhttp.Response, error) {
		resp, err := s.cfg.Client.Do(ctx, func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json")
			req.Header.Set("X-locale", s.cfg.Locale)
			return req, nil
		})
		if err != nil {
			return nil, fmt.Errorf("track: %w", err)
		}
		return resp, nil
	})
	if err != nil {
		return nil, err
	}
	switch resp.Status {
	case http.StatusOK:
		return resp, nil
	case http.StatusUnauthorized:
		return nil, fmt.Errorf("track: %w: HTTP 401 with a fresh token%s", adapters.ErrMisconfigured, errorCodes(resp.Body))
	case http.StatusForbidden:
		return nil, fmt.Errorf("track: %w: HTTP 403%s, the project may not use the Track API", adapters.ErrMisconfigured, errorCodes(resp.Body))
	case http.StatusBadRequest, http.StatusNotFound:
		return nil, fmt.Errorf("track: %w", refused(resp))
	default:
		return nil, fmt.Errorf("track: %w: HTTP %d", adapters.ErrUnavailable, resp.Status)
	}
}

// refused classifies a 400 or 404 answer. FedEx reports an unknown number
// inside a 200 answer, but refuses one it cannot read (too short,
// letters) with 400 TRACKING.TRACKINGNUMBER.INVALID: errors about the
// number are adapters.ErrNotFound. Any other 400 or 404 is a request
// FedEx cannot serve however often it is sent — a wrong base_url, a
// request this adapter should not make — and adapters.ErrMisconfigured.
func refused(resp *carrierhttp.Response) error {
	var a trackAnswer
	if json.Unmarshal(resp.Body, &a) == nil && len(a.Errors) > 0 {
		about := true
		for _, e := range a.Errors {
			about = about && strings.Contains(strings.ToUpper(e.Code), "TRACKINGNUMBER")
		}
		if about {
			return adapters.ErrNotFound
		}
	}
	hint := ""
	if resp.Status == http.StatusNotFound {
		hint = ", check base_url"
	}
	return fmt.Errorf("%w: HTTP %d%s%s", adapters.ErrMisconfigured, resp.Status, codeList(a.Errors), hint)
}
