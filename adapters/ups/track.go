package ups

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
	"github.com/trackgate/trackgate/crypto"
)

// Lookup asks UPS for the package ref names. UPS takes no second factor;
// the ref's factors are reported as they came, as the courier's systems
// vouch for them.
func (s *Source) Lookup(ctx context.Context, ref adapters.ParcelRef) (adapters.Parcel, error) {
	tn, err := crypto.NormalizeTrackingNumber(ref.TrackingNumber)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("ups: %w: the tracking number does not normalize", adapters.ErrNotFound)
	}
	resp, err := s.track(ctx, tn)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("ups: %w", err)
	}
	var body trackAPIResponse
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		return adapters.Parcel{}, fmt.Errorf("ups: track: %w", errMalformed)
	}
	pkg := body.pkg(tn)
	if pkg == nil {
		return adapters.Parcel{}, fmt.Errorf("ups: track: %w", adapters.ErrNotFound)
	}
	p, err := parcelOf(s.cfg.Courier, tn, pkg)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("ups: track: %w", err)
	}
	p.Factors = append([]string(nil), ref.Factors...)
	return p, nil
}

// track fetches the package's details, with a fresh token once more if
// UPS refuses the cached one (revoked, or expired early).
func (s *Source) track(ctx context.Context, tn string) (*carrierhttp.Response, error) {
	u := s.base.JoinPath("api", "track", "v1", "details", tn)
	q := u.Query()
	q.Set("locale", "en_US")
	// Signatures and proofs of delivery are personal data: never asked for.
	q.Set("returnSignature", "false")
	q.Set("returnMilestones", "false")
	q.Set("returnPOD", "false")
	u.RawQuery = q.Encode()
	resp, err := s.token.Send(ctx, func(tok string) (*carrierhttp.Response, error) {
		resp, err := s.cfg.Client.Do(ctx, func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
			if err != nil {
				return nil, err
			}
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("transId", newTransID())
			req.Header.Set("transactionSrc", s.cfg.TransactionSrc)
			req.Header.Set("Accept", "application/json")
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
		return nil, fmt.Errorf("track: %w: HTTP 401 with a fresh token", adapters.ErrMisconfigured)
	case http.StatusForbidden:
		return nil, fmt.Errorf("track: %w: HTTP 403, UPS blocks this account", adapters.ErrMisconfigured)
	case http.StatusNotFound:
		return nil, fmt.Errorf("track: %w", adapters.ErrNotFound)
	case http.StatusBadRequest:
		// UPS answers 400 to an inquiry number it cannot search for.
		return nil, fmt.Errorf("track: %w: HTTP 400", adapters.ErrNotFound)
	default:
		return nil, fmt.Errorf("track: %w: HTTP %d", adapters.ErrUnavailable, resp.Status)
	}
}

// newTransID is the transId header: unique to the request, 32 characters
// at most.
func newTransID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// errMalformed is an answer that is not UPS's JSON.
var errMalformed = fmt.Errorf("%w: malformed answer", adapters.ErrUnavailable)
