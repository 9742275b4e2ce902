package dhl

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
)

// Lookup asks DHL for the shipment ref names. DHL takes no second
// factor; the ref's factors are reported as they came, as the courier's
// systems vouch for them.
func (s *Source) Lookup(ctx context.Context, ref adapters.ParcelRef) (adapters.Parcel, error) {
	tn, err := crypto.NormalizeTrackingNumber(ref.TrackingNumber)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("dhl: %w: the tracking number does not normalize", adapters.ErrNotFound)
	}
	u := *s.endpoint
	q := u.Query()
	q.Set("trackingNumber", tn)
	if s.cfg.Service != "" {
		q.Set("service", s.cfg.Service)
	}
	u.RawQuery = q.Encode()
	resp, err := s.cfg.Client.Do(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("DHL-API-Key", s.cfg.APIKey)
		req.Header.Set("Accept", "application/json")
		return req, nil
	})
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("dhl: track: %w", err)
	}
	switch resp.Status {
	case http.StatusOK:
	case http.StatusNotFound:
		return adapters.Parcel{}, fmt.Errorf("dhl: track: %w", adapters.ErrNotFound)
	case http.StatusBadRequest:
		// DHL answers 400 to a number it cannot search for at all.
		return adapters.Parcel{}, fmt.Errorf("dhl: track: %w: HTTP 400", adapters.ErrNotFound)
	case http.StatusUnauthorized, http.StatusForbidden:
		return adapters.Parcel{}, fmt.Errorf("dhl: track: %w: HTTP %d, check the API key", adapters.ErrMisconfigured, resp.Status)
	default:
		return adapters.Parcel{}, fmt.Errorf("dhl: track: %w: HTTP %d", adapters.ErrUnavailable, resp.Status)
	}
	var body response
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		return adapters.Parcel{}, fmt.Errorf("dhl: track: %w", errMalformed)
	}
	sh := body.shipment(tn)
	if sh == nil {
		return adapters.Parcel{}, fmt.Errorf("dhl: track: %w", adapters.ErrNotFound)
	}
	p, err := parcelOf(s.cfg.Courier, tn, sh)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("dhl: track: %w", err)
	}
	p.Factors = append([]string(nil), ref.Factors...)
	return p, nil
}

// errMalformed is an answer that is not DHL's JSON.
var errMalformed = fmt.Errorf("%w: malformed answer", adapters.ErrUnavailable)
