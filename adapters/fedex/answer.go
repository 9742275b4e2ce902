package fedex

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
)

// trackAnswer is FedEx's answer to POST /track/v1/trackingnumbers. Only
// what a view can show is decoded: recipient and shipper information,
// deliveryDetails' receivedByName, signedByName and actualDeliveryAddress,
// package identifiers (customer references), notes, nicknames, hold
// locations' addresses and scan locations' street lines and postal codes
// are personal data or lead to it, and are left out on purpose.
type trackAnswer struct {
	Output *struct {
		CompleteTrackResults []completeTrackResult `json:"completeTrackResults"`
	} `json:"output"`
	Errors []apiError `json:"errors"`
}

// apiError is an error of FedEx's envelope, at the top of an answer or
// inside one track result.
type apiError struct {
	Code string `json:"code"`
}

type completeTrackResult struct {
	TrackingNumber string        `json:"trackingNumber"`
	TrackResults   []trackResult `json:"trackResults"`
}

// trackResult is one shipment FedEx knows under the number; a number
// FedEx has used more than once has several.
type trackResult struct {
	Error                       *apiError     `json:"error"`
	LatestStatusDetail          *statusDetail `json:"latestStatusDetail"`
	ScanEvents                  []scanEvent   `json:"scanEvents"`
	DateAndTimes                []dateAndTime `json:"dateAndTimes"`
	EstimatedDeliveryTimeWindow *timeWindow   `json:"estimatedDeliveryTimeWindow"`
	StandardTransitTimeWindow   *timeWindow   `json:"standardTransitTimeWindow"`
	DeliveryDetails             *struct {
		// LocationDescription says where a delivered parcel was left:
		// "Residence", "Front Porch", "Shipping/Receiving".
		LocationDescription string `json:"locationDescription"`
	} `json:"deliveryDetails"`
}

type statusDetail struct {
	Code        string `json:"code"`
	DerivedCode string `json:"derivedCode"`
	Description string `json:"description"`
}

type scanEvent struct {
	Date                 string        `json:"date"`
	EventType            string        `json:"eventType"`
	EventDescription     string        `json:"eventDescription"`
	ExceptionCode        string        `json:"exceptionCode"`
	ExceptionDescription string        `json:"exceptionDescription"`
	ScanLocation         *scanLocation `json:"scanLocation"`
	DerivedStatusCode    string        `json:"derivedStatusCode"`
}

type scanLocation struct {
	City                string `json:"city"`
	StateOrProvinceCode string `json:"stateOrProvinceCode"`
	CountryCode         string `json:"countryCode"`
}

type dateAndTime struct {
	Type     string `json:"type"`
	DateTime string `json:"dateTime"`
}

type timeWindow struct {
	Window *struct {
		Begins string `json:"begins"`
		Ends   string `json:"ends"`
	} `json:"window"`
}

// failed reports whether the result is an error in place of a shipment
// (FedEx also sends an empty "error": {} beside good results).
func (r *trackResult) failed() bool { return r.Error != nil && r.Error.Code != "" }

// decodeAnswer reads FedEx's answer numbered tn and returns its track
// results that describe a shipment. An unknown number comes as an error
// inside a 200 answer: it is adapters.ErrNotFound, as is an answer
// without the number.
func decodeAnswer(body []byte, tn string) ([]trackResult, error) {
	var a trackAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, errMalformed
	}
	if a.Output == nil {
		if len(a.Errors) > 0 {
			return nil, classify(a.Errors)
		}
		return nil, errMalformed
	}
	var complete *completeTrackResult
	all := a.Output.CompleteTrackResults
	for i := range all {
		if n, err := crypto.NormalizeTrackingNumber(all[i].TrackingNumber); err == nil && n == tn {
			complete = &all[i]
			break
		}
	}
	if complete == nil && len(all) == 1 {
		complete = &all[0]
	}
	if complete == nil {
		return nil, adapters.ErrNotFound
	}
	var results []trackResult
	var errs []apiError
	for _, r := range complete.TrackResults {
		if r.failed() {
			errs = append(errs, *r.Error)
			continue
		}
		results = append(results, r)
	}
	if len(results) == 0 {
		return nil, classify(errs)
	}
	return results, nil
}

// classify is the class of FedEx's errors: a tracking number that is not
// found, invalid or empty is adapters.ErrNotFound, as is the absence of
// any error; anything else (SYSTEM.UNAVAILABLE.EXCEPTION,
// INTERNAL.SERVER.ERROR) is adapters.ErrUnavailable.
func classify(errs []apiError) error {
	for _, e := range errs {
		code := strings.ToUpper(e.Code)
		if !strings.Contains(code, "TRACKING") && !strings.Contains(code, "NOTFOUND") {
			return fmt.Errorf("%w: FedEx error%s", adapters.ErrUnavailable, codeList(errs))
		}
	}
	return adapters.ErrNotFound
}

// fedexCode is the shape of FedEx's error codes; anything else is not
// echoed into an error text, which may end up in a log.
var fedexCode = regexp.MustCompile(`^[A-Z0-9._-]{1,64}$`)

// codeList names errs' codes for an error text: " (A.B, C.D)".
func codeList(errs []apiError) string {
	var codes []string
	for _, e := range errs {
		if fedexCode.MatchString(e.Code) {
			codes = append(codes, e.Code)
		}
	}
	if len(codes) == 0 {
		return ""
	}
	return " (" + strings.Join(codes, ", ") + ")"
}

// errorCodes names the codes of the error envelope in body, if any.
func errorCodes(body []byte) string {
	var a trackAnswer
	if json.Unmarshal(body, &a) != nil {
		return ""
	}
	return codeList(a.Errors)
}

// errMalformed is an answer that is not FedEx's JSON.
var errMalformed = fmt.Errorf("%w: malformed answer", adapters.ErrUnavailable)
