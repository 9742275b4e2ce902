package webhook

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/scrub"
	"github.com/trackgate/trackgate/crypto"
)

// EventsRequest is the body of POST /v1/events, as the courier's systems
// send it (docs/webhook-events.schema.json).
type EventsRequest struct {
	Events []EventIn `json:"events"`
}

// EventIn is one tracking event as the courier's systems send it. Times
// are strings so that the adapter, not the JSON decoder, says what is
// wrong with one.
type EventIn struct {
	TrackingNumber string      `json:"tracking_number"`
	Factors        []string    `json:"factors,omitempty"`
	Time           string      `json:"time"`
	Status         string      `json:"status"`
	Substatus      string      `json:"substatus,omitempty"`
	Description    string      `json:"description"`
	Location       *LocationIn `json:"location,omitempty"`
	ETA            *ETAIn      `json:"eta,omitempty"`
	Handoff        *HandoffIn  `json:"handoff,omitempty"`
}

// LocationIn is where an event happened: a city at the finest.
type LocationIn struct {
	City    string `json:"city,omitempty"`
	Region  string `json:"region,omitempty"`
	Country string `json:"country,omitempty"`
}

// ETAIn is the delivery window an event announces.
type ETAIn struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// HandoffIn names the onward leg an event hands the parcel to.
type HandoffIn struct {
	Courier        string `json:"courier"`
	TrackingNumber string `json:"tracking_number"`
}

// FactorsRequest is the body of PUT /v1/parcels/{tracking_number}: the
// parcel's second factors, replacing those it had ([] removes them all).
type FactorsRequest struct {
	Factors []string `json:"factors"`
}

// EventsResponse is the answer 202 to POST /v1/events.
type EventsResponse struct {
	// Received counts the events of the request.
	Received int `json:"received"`
	// Stored counts the events new to the state file.
	Stored int `json:"stored"`
	// Duplicates counts the events stored before (or twice in the
	// request), which were not stored again.
	Duplicates int `json:"duplicates"`
	// Parcels counts the distinct parcels the request named.
	Parcels int `json:"parcels"`
}

// Limits of an event's fields, in bytes of UTF-8.
const (
	maxDescriptionBytes = 1000
	maxPlaceBytes       = 100
	maxSubstatusBytes   = 64
	// maxClockSkew is how far in the future an event time may lie: a
	// local time sent with the wrong offset usually lies further.
	maxClockSkew = time.Hour
)

var (
	// substatusPattern keeps substatus a code: free text belongs in the
	// description, where it is scrubbed.
	substatusPattern = regexp.MustCompile(`^[A-Za-z0-9_.:-]+$`)
	countryPattern   = regexp.MustCompile(`^[A-Za-z]{2}$`)
	// earliestEvent rejects zero and absurd times.
	earliestEvent = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// event is a validated, normalized and scrubbed event, ready to store.
type event struct {
	TrackingNumber string
	Factors        []string
	stored         storedEvent
}

// fieldProblem is one thing wrong with a request, at a JSON pointer
// (RFC 6901) into its body. Details are our sentences and never repeat a
// value: an answer may end up in the courier's logs.
type fieldProblem struct {
	Pointer string `json:"pointer"`
	Detail  string `json:"detail"`
}

// maxProblems bounds the problems listed in one answer.
const maxProblems = 50

// problems collects fieldProblems, up to maxProblems.
type problems struct {
	list  []fieldProblem
	total int
}

func (p *problems) add(pointer, format string, args ...any) {
	p.total++
	if len(p.list) < maxProblems {
		p.list = append(p.list, fieldProblem{Pointer: pointer, Detail: fmt.Sprintf(format, args...)})
	}
}

// validateEvents checks a whole batch and returns its events normalized
// and scrubbed, or every problem found (up to maxProblems), in which case
// nothing may be stored.
func validateEvents(req EventsRequest, factorKind string, now time.Time) ([]event, *problems) {
	var p problems
	switch {
	case req.Events == nil:
		p.add("/events", "is required: a list of 1 to %d events", MaxEventsPerRequest)
		return nil, &p
	case len(req.Events) == 0:
		p.add("/events", "is empty; send 1 to %d events", MaxEventsPerRequest)
		return nil, &p
	case len(req.Events) > MaxEventsPerRequest:
		p.add("/events", "holds %d events; send at most %d a request", len(req.Events), MaxEventsPerRequest)
		return nil, &p
	}
	out := make([]event, 0, len(req.Events))
	for i, in := range req.Events {
		ev, ok := validateEvent(&p, fmt.Sprintf("/events/%d", i), in, factorKind, now)
		if ok {
			out = append(out, ev)
		}
	}
	if p.total > 0 {
		return nil, &p
	}
	return out, nil
}

func validateEvent(p *problems, at string, in EventIn, factorKind string, now time.Time) (event, bool) {
	before := p.total
	var ev event
	if in.TrackingNumber == "" {
		p.add(at+"/tracking_number", "is required")
	} else if tn, err := crypto.NormalizeTrackingNumber(in.TrackingNumber); err != nil {
		p.add(at+"/tracking_number", "is not a tracking number: after removing spaces, '-' and '.', it must be 6 to 40 ASCII letters or digits")
	} else {
		ev.TrackingNumber = tn
	}
	ev.Factors = validateFactors(p, at+"/factors", in.Factors, factorKind)

	s := &ev.stored
	s.Time, _ = parseTime(p, at+"/time", in.Time, now, true)
	s.Status = adapters.Status(in.Status)
	switch {
	case in.Status == "":
		p.add(at+"/status", "is required: one of %s", statusList())
	case !s.Status.Valid():
		p.add(at+"/status", "is not a tg1 status; use one of %s", statusList())
	}
	if in.Substatus != "" {
		if len(in.Substatus) > maxSubstatusBytes || !substatusPattern.MatchString(in.Substatus) {
			p.add(at+"/substatus", "must be a code of at most %d ASCII letters, digits, '_', '.', ':' or '-'; free text goes in description", maxSubstatusBytes)
		}
		s.Substatus = in.Substatus
	}
	s.Description = checkText(p, at+"/description", in.Description, maxDescriptionBytes, true)
	if in.Location != nil {
		s.Location = validateLocation(p, at+"/location", *in.Location)
	}
	if in.ETA != nil {
		from, okFrom := parseTime(p, at+"/eta/from", in.ETA.From, now, false)
		to, okTo := parseTime(p, at+"/eta/to", in.ETA.To, now, false)
		if okFrom && okTo {
			if to.Before(from) {
				p.add(at+"/eta/to", "is before eta/from")
			}
			s.ETA = &adapters.ETA{From: from, To: to}
		}
	}
	if in.Handoff != nil {
		s.Handoff = validateHandoff(p, at+"/handoff", *in.Handoff)
	}
	return ev, p.total == before
}

// parseTime parses an RFC 3339 time, which always carries an offset (Z
// or ±hh:mm); eventTime also bounds it to the plausible past.
func parseTime(p *problems, at, s string, now time.Time, eventTime bool) (time.Time, bool) {
	if s == "" {
		p.add(at, "is required: an RFC 3339 time with the offset of the place, e.g. 2026-06-01T09:30:00+08:00")
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		p.add(at, "is not an RFC 3339 time with an offset, e.g. 2026-06-01T09:30:00+08:00 (a time without Z or ±hh:mm is refused)")
		return time.Time{}, false
	}
	if t.Before(earliestEvent) {
		p.add(at, "is before the year 2000")
		return time.Time{}, false
	}
	if eventTime && t.After(now.Add(maxClockSkew)) {
		p.add(at, "is more than %s in the future; is the offset right?", maxClockSkew)
		return time.Time{}, false
	}
	return t, true
}

// checkText checks a free-text field and returns it scrubbed of personal
// data.
func checkText(p *problems, at, s string, maxBytes int, required bool) string {
	switch trimmed := strings.TrimSpace(s); {
	case trimmed == "" && required:
		p.add(at, "is required and must not be blank")
	case len(trimmed) > maxBytes:
		p.add(at, "is longer than %d bytes of UTF-8", maxBytes)
	case !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError):
		p.add(at, "is not valid UTF-8")
	case strings.ContainsFunc(s, isControl):
		p.add(at, "holds control characters (a line break, a tab); send one line of text")
	default:
		return scrub.Text(trimmed)
	}
	return ""
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func validateFactors(p *problems, at string, factors []string, kind string) []string {
	if len(factors) == 0 {
		return nil
	}
	if kind == crypto.FactorNone {
		p.add(at, "must be left out: this courier takes no second factor (adapter option factor is none)")
		return nil
	}
	if len(factors) > MaxFactorsPerParcel {
		p.add(at, "holds %d factors; a parcel has at most %d", len(factors), MaxFactorsPerParcel)
		return nil
	}
	var out []string
	for i, f := range factors {
		if crypto.CheckFactor(kind, f) != nil {
			p.add(fmt.Sprintf("%s/%d", at, i), "must be exactly 4 ASCII digits, the last 4 of a phone number")
			continue
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

func validateLocation(p *problems, at string, in LocationIn) *adapters.Location {
	loc := adapters.Location{
		City:   checkText(p, at+"/city", in.City, maxPlaceBytes, false),
		Region: checkText(p, at+"/region", in.Region, maxPlaceBytes, false),
	}
	if in.Country != "" {
		if !countryPattern.MatchString(in.Country) {
			p.add(at+"/country", "must be an ISO 3166-1 alpha-2 code, e.g. CN")
		}
		loc.Country = strings.ToUpper(in.Country)
	}
	if loc == (adapters.Location{}) {
		return nil
	}
	return &loc
}

func validateHandoff(p *problems, at string, in HandoffIn) *adapters.Handoff {
	if crypto.CheckCourierID(in.Courier) != nil {
		p.add(at+"/courier", "must be the courier id of the onward courier: 2 to 32 lower-case letters, digits or '-'")
	}
	tn, err := crypto.NormalizeTrackingNumber(in.TrackingNumber)
	if err != nil {
		p.add(at+"/tracking_number", "is not a tracking number: after removing spaces, '-' and '.', it must be 6 to 40 ASCII letters or digits")
	}
	return &adapters.Handoff{Courier: in.Courier, TrackingNumber: tn}
}

// statusList lists the tg1 statuses for problem details.
func statusList() string {
	names := make([]string, len(adapters.Statuses))
	for i, s := range adapters.Statuses {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}
