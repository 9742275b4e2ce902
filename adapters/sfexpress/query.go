package sfexpress

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
	"github.com/trackgate/trackgate/adapters/scrub"
	"github.com/trackgate/trackgate/crypto"
)

// serviceCode is the route query of SF's open platform.
const serviceCode = "EXP_RECE_SEARCH_ROUTES"

// routeQuery is the msgData of a route query, in the field order of SF's
// documentation.
type routeQuery struct {
	Language       string   `json:"language"`       // "0": Chinese
	TrackingType   string   `json:"trackingType"`   // "1": by waybill number
	TrackingNumber []string `json:"trackingNumber"` // one number a request
	MethodType     string   `json:"methodType"`     // "1": standard route query
	CheckPhoneNo   string   `json:"checkPhoneNo,omitempty"`
}

// Lookup asks SF for the routes of the parcel ref names, trying each
// factor as checkPhoneNo until one brings routes.
func (s *Source) Lookup(ctx context.Context, ref adapters.ParcelRef) (adapters.Parcel, error) {
	tn, err := crypto.NormalizeTrackingNumber(ref.TrackingNumber)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("sfexpress: %w: the tracking number does not normalize", adapters.ErrNotFound)
	}
	var phones []string
	for _, f := range ref.Factors {
		// SF takes exactly four digits; anything else cannot unlock a parcel.
		if crypto.CheckFactor(crypto.FactorPhoneLast4, f) == nil {
			phones = append(phones, f)
		}
	}
	if len(ref.Factors) == 0 {
		phones = []string{""} // SF answers the shipper's own account without one
	}
	for _, phone := range phones {
		routes, err := s.query(ctx, tn, phone)
		if err != nil {
			return adapters.Parcel{}, fmt.Errorf("sfexpress: route query: %w", err)
		}
		if len(routes) == 0 {
			continue
		}
		p, err := parcelOf(s.cfg.Courier, tn, routes)
		if err != nil {
			return adapters.Parcel{}, fmt.Errorf("sfexpress: route query: %w", err)
		}
		if phone != "" {
			p.Factors = []string{phone}
		}
		return p, nil
	}
	return adapters.Parcel{}, fmt.Errorf("sfexpress: route query: %w", adapters.ErrNotFound)
}

// query sends one route query and returns the routes of tn: none when SF
// does not know the parcel or the phone does not match.
func (s *Source) query(ctx context.Context, tn, phone string) ([]route, error) {
	msgData, err := json.Marshal(routeQuery{
		Language: "0", TrackingType: "1", TrackingNumber: []string{tn}, MethodType: "1", CheckPhoneNo: phone,
	})
	if err != nil {
		return nil, err
	}
	resp, err := s.cfg.Client.Do(ctx, func(ctx context.Context) (*http.Request, error) {
		// A fresh requestID and timestamp each attempt: SF refuses a
		// repeated requestID (A1007) and a stale timestamp (A1002).
		timestamp := strconv.FormatInt(s.cfg.Now().UnixMilli(), 10)
		form := url.Values{
			"partnerID":   {s.cfg.PartnerID},
			"requestID":   {newRequestID()},
			"serviceCode": {serviceCode},
			"timestamp":   {timestamp},
			"msgDigest":   {MsgDigest(string(msgData), timestamp, s.cfg.Checkword)},
			"msgData":     {string(msgData)},
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
		req.Header.Set("Accept", "application/json")
		return req, nil
	})
	if err != nil {
		return nil, err
	}
	if resp.Status != http.StatusOK {
		return nil, carrierhttp.StatusError(resp.Status, "the service URL")
	}
	return decodeRoutes(resp.Body, tn)
}

func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// envelope is the outer answer of SF's open platform.
type envelope struct {
	APIResultCode string  `json:"apiResultCode"`
	APIErrorMsg   string  `json:"apiErrorMsg"`
	APIResponseID string  `json:"apiResponseID"`
	APIResultData *string `json:"apiResultData"`
}

// result is the route query's answer, inside envelope.apiResultData.
type result struct {
	Success   bool    `json:"success"`
	ErrorCode string  `json:"errorCode"`
	ErrorMsg  *string `json:"errorMsg"`
	MsgData   *struct {
		RouteResps []struct {
			MailNo string  `json:"mailNo"`
			Routes []route `json:"routes"`
		} `json:"routeResps"`
	} `json:"msgData"`
}

// route is one scan of a parcel, as SF reports it.
type route struct {
	AcceptTime          string `json:"acceptTime"`
	AcceptAddress       string `json:"acceptAddress"`
	Remark              string `json:"remark"`
	OpCode              code   `json:"opCode"`
	FirstStatusCode     code   `json:"firstStatusCode"`
	FirstStatusName     string `json:"firstStatusName"`
	SecondaryStatusCode code   `json:"secondaryStatusCode"`
	SecondaryStatusName string `json:"secondaryStatusName"`
}

// code is one of SF's codes, which its clients see both as strings and
// as numbers.
type code string

func (c *code) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*c = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*c = code(strings.TrimSpace(s))
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*c = code(n.String())
	return nil
}

// errMalformed is an answer that is not SF's JSON.
var errMalformed = fmt.Errorf("%w: malformed answer", adapters.ErrUnavailable)

// Envelope codes (apiResultCode) of SF's open platform.
const (
	codeOK = "A1000"
)

// misconfiguredCodes are envelope codes that no retry fixes: a missing
// parameter (A1001), an expired timestamp — a clock far off — (A1002), an
// IP not on the account's list (A1003), no permission for the service
// (A1004), a wrong msgDigest, that is a wrong check word (A1006). Others
// — traffic control (A1005), a repeated requestID (A1007), SF's service
// failing (A1009, A1099) — are worth another try later.
var misconfiguredCodes = map[string]bool{"A1001": true, "A1002": true, "A1003": true, "A1004": true, "A1006": true}

// decodeRoutes reads SF's answer and returns the routes of tn.
func decodeRoutes(body []byte, tn string) ([]route, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || env.APIResultCode == "" {
		return nil, errMalformed
	}
	if env.APIResultCode != codeOK {
		// apiErrorMsg is SF's fixed text for the code, never a parcel's;
		// only the code is kept all the same.
		if misconfiguredCodes[env.APIResultCode] {
			return nil, fmt.Errorf("%w: SF refused the request (%s)", adapters.ErrMisconfigured, safeCode(env.APIResultCode))
		}
		return nil, fmt.Errorf("%w: SF answered %s", adapters.ErrUnavailable, safeCode(env.APIResultCode))
	}
	if env.APIResultData == nil {
		return nil, errMalformed
	}
	var res result
	if err := json.Unmarshal([]byte(*env.APIResultData), &res); err != nil {
		return nil, errMalformed
	}
	if !res.Success {
		return nil, fmt.Errorf("%w: route query failed (%s)", adapters.ErrUnavailable, safeCode(res.ErrorCode))
	}
	if res.MsgData == nil {
		return nil, nil
	}
	for _, rr := range res.MsgData.RouteResps {
		if n, err := crypto.NormalizeTrackingNumber(rr.MailNo); err == nil && n == tn {
			return rr.Routes, nil
		}
	}
	return nil, nil
}

// safeCode keeps an error code short and plain, whatever SF put there.
func safeCode(c string) string {
	if !scrub.PlainCode(c) {
		return "unrecognized code"
	}
	return c
}
