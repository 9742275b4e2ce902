// Package larkpost is the worked example of docs/adapters.md: an adapter
// for Lark Post, a fictional carrier whose tracking API answers
//
//	GET {base_url}/v1/parcels/{number}?phone_last4=1234   (X-Api-Key: …)
//
// with the parcel's scans, newest first, in local time with the offset of
// the place. docs/adapters.md shows this file verbatim; a test keeps them
// equal.
package larkpost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
	"github.com/trackgate/trackgate/adapters/scrub"
	"github.com/trackgate/trackgate/adapters/watchlist"
	"github.com/trackgate/trackgate/crypto"
)

// A query-only API: watchlist.Wrap adds the options "watchlist" and
// "poll", with which the courier host can list and watch parcels.
func init() { adapters.Register("larkpost", watchlist.Wrap(open)) }

// Config configures a Source.
type Config struct {
	APIKey  string              // required
	BaseURL string              // default https://api.larkpost.example
	Courier string              // courier id of the views, default lark-post
	Client  *carrierhttp.Client // timeouts, retries, Retry-After
}

// open is the adapters.Factory: options come from the host's file.
func open(options map[string]string) (adapters.Source, error) {
	for _, name := range slices.Sorted(maps.Keys(options)) {
		if name != "api_key" && name != "base_url" && name != "courier" {
			return nil, fmt.Errorf("unknown option %q; known options: api_key, base_url, courier", name)
		}
	}
	return New(Config{APIKey: options["api_key"], BaseURL: options["base_url"], Courier: options["courier"]})
}

// New checks cfg once, at start: a Source is then trusted.
func New(cfg Config) (*Source, error) {
	if cfg.APIKey == "" {
		return nil, errors.New(`larkpost: option "api_key" is required`)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://api.larkpost.example"
	}
	if _, err := carrierhttp.BaseURL(cfg.BaseURL); err != nil {
		return nil, fmt.Errorf("larkpost: option \"base_url\": %w", err)
	}
	if cfg.Courier == "" {
		cfg.Courier = "lark-post"
	}
	if err := crypto.CheckCourierID(cfg.Courier); err != nil {
		return nil, fmt.Errorf("larkpost: option \"courier\": %w", err)
	}
	if cfg.Client == nil {
		cfg.Client = &carrierhttp.Client{}
	}
	return &Source{cfg: cfg}, nil
}

// Source looks Lark Post parcels up; it is safe for concurrent use.
type Source struct{ cfg Config }

var _ adapters.Source = (*Source)(nil)

// answer is Lark Post's JSON; "at" is local time, "zone" its offset.
type answer struct {
	Scans []struct {
		At      string `json:"at"`
		Zone    string `json:"zone"`
		State   string `json:"state"`
		Note    string `json:"note"`
		City    string `json:"city"`
		Country string `json:"country"`
	} `json:"scans"`
}

// states maps Lark Post's states onto the tg1 taxonomy.
var states = map[string]adapters.Status{
	"created": adapters.StatusInfoReceived, "transit": adapters.StatusInTransit,
	"out": adapters.StatusOutForDelivery, "locker": adapters.StatusAvailableForPickup,
	"failed": adapters.StatusAttemptFailed, "delivered": adapters.StatusDelivered,
	"returned": adapters.StatusReturned,
}

// Lookup asks Lark Post about one parcel. Error texts never name it.
func (s *Source) Lookup(ctx context.Context, ref adapters.ParcelRef) (adapters.Parcel, error) {
	tn, err := crypto.NormalizeTrackingNumber(ref.TrackingNumber)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("larkpost: %w", adapters.ErrNotFound)
	}
	u := s.cfg.BaseURL + "/v1/parcels/" + url.PathEscape(tn)
	factors := slices.Clone(ref.Factors[:min(1, len(ref.Factors))]) // Lark Post checks one
	if len(factors) == 1 {
		u += "?phone_last4=" + url.QueryEscape(factors[0])
	}
	// carrierhttp retries network errors, 429 and 5xx (honouring
	// Retry-After) and classifies what outlasts them as ErrUnavailable.
	resp, err := s.cfg.Client.Do(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err == nil {
			req.Header.Set("X-Api-Key", s.cfg.APIKey)
		}
		return req, err
	})
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("larkpost: %w", err)
	}
	switch resp.Status {
	case http.StatusOK:
	case http.StatusNotFound: // unknown number, or the phone digits do not match
		return adapters.Parcel{}, fmt.Errorf("larkpost: %w", adapters.ErrNotFound)
	case http.StatusUnauthorized, http.StatusForbidden:
		return adapters.Parcel{}, fmt.Errorf("larkpost: %w: the API key was refused", adapters.ErrMisconfigured)
	default:
		return adapters.Parcel{}, fmt.Errorf("larkpost: %w: HTTP %d", adapters.ErrUnavailable, resp.Status)
	}
	var a answer
	if err := json.Unmarshal(resp.Body, &a); err != nil || len(a.Scans) == 0 {
		return adapters.Parcel{}, fmt.Errorf("larkpost: %w: the answer is not Lark Post's JSON", adapters.ErrUnavailable)
	}
	view := adapters.View{Courier: s.cfg.Courier, TrackingNumber: tn}
	for _, sc := range a.Scans {
		// The offset makes the time exact; never assume the server's zone.
		at, err := time.Parse("2006-01-02 15:04:05 -07:00", sc.At+" "+sc.Zone)
		if err != nil {
			return adapters.Parcel{}, fmt.Errorf("larkpost: %w: a scan time does not parse", adapters.ErrUnavailable)
		}
		status, ok := states[sc.State]
		if !ok {
			status = adapters.StatusInTransit // a state newer than this adapter
		}
		// Free text goes through scrub.Text: no name or phone in a view.
		e := adapters.Event{Time: at, Status: status, Description: scrub.Text(sc.Note)}
		if sc.City != "" || sc.Country != "" {
			e.Location = &adapters.Location{City: scrub.Text(sc.City), Country: sc.Country}
		}
		view.Events = append(view.Events, e)
	}
	slices.SortStableFunc(view.Events, func(a, b adapters.Event) int { return a.Time.Compare(b.Time) })
	latest := view.Events[len(view.Events)-1]
	view.Status, view.UpdatedAt = latest.Status, latest.Time
	return adapters.Parcel{Factors: factors, Version: uint64(len(view.Events)), View: view}, nil
}
