package jdl

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
	"github.com/trackgate/trackgate/adapters/chinatrace"
	"github.com/trackgate/trackgate/crypto"
)

// tracePath is the trace query of JDL's express API (ECAP): 京东快递
// 物流轨迹查询, commonGetOrderTraceV1.
const tracePath = "/ecap/v1/orders/trace/query"

// domain is the LOP-DN of the express API on JDL's gateway.
const domain = "ECAP"

// chinaOffset is the lop-tz header: the hours east of UTC of the
// timestamps the adapter sends, which are China time.
const chinaOffset = "8"

// traceQuery is one element of the trace query's body, a JSON list.
type traceQuery struct {
	WaybillCode  string `json:"waybillCode"`
	OrderOrigin  int    `json:"orderOrigin"`
	CustomerCode string `json:"customerCode,omitempty"`
}

// Lookup asks JDL for the traces of the parcel ref names. JDL's trace
// query takes no phone: the factors the courier's systems hold are the
// parcel's.
func (s *Source) Lookup(ctx context.Context, ref adapters.ParcelRef) (adapters.Parcel, error) {
	tn, err := crypto.NormalizeTrackingNumber(ref.TrackingNumber)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("jdl: %w: the tracking number does not normalize", adapters.ErrNotFound)
	}
	details, err := s.query(ctx, tn)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("jdl: trace query: %w", err)
	}
	if len(details) == 0 {
		return adapters.Parcel{}, fmt.Errorf("jdl: trace query: %w", adapters.ErrNotFound)
	}
	p, err := parcelOf(s.cfg.Courier, tn, details)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("jdl: trace query: %w", err)
	}
	p.Factors = append([]string(nil), ref.Factors...)
	return p, nil
}

// query sends one trace query and returns the traces of tn: none when
// JDL does not know the parcel.
func (s *Source) query(ctx context.Context, tn string) ([]detail, error) {
	body, err := json.Marshal([]traceQuery{{WaybillCode: tn, OrderOrigin: s.cfg.OrderOrigin, CustomerCode: s.cfg.CustomerCode}})
	if err != nil {
		return nil, err
	}
	resp, err := s.cfg.Client.Do(ctx, func(ctx context.Context) (*http.Request, error) {
		// A fresh timestamp each attempt: the gateway refuses stale ones.
		timestamp := s.cfg.Now().In(chinatrace.China).Format("2006-01-02 15:04:05")
		q := url.Values{
			"LOP-DN":       {domain},
			"app_key":      {s.cfg.AppKey},
			"access_token": {s.cfg.AccessToken},
			"timestamp":    {timestamp},
			"v":            {signVersion},
			"sign":         {Sign(s.cfg.AppSecret, s.cfg.AccessToken, s.cfg.AppKey, tracePath, string(body), timestamp)},
			"algorithm":    {"md5-salt"},
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint+"?"+q.Encode(), strings.NewReader(string(body)))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json;charset=utf-8")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("lop-tz", chinaOffset)
		return req, nil
	})
	if err != nil {
		return nil, err
	}
	if resp.Status != http.StatusOK {
		return nil, carrierhttp.StatusError(resp.Status, "the API URL")
	}
	return decodeDetails(resp.Body, tn)
}
