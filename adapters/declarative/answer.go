package declarative

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
	"github.com/trackgate/trackgate/adapters/places"
	"github.com/trackgate/trackgate/adapters/scrub"
)

// errMalformed is an answer that is not the carrier's JSON, or that the
// description cannot read.
var errMalformed = fmt.Errorf("%w: malformed answer", adapters.ErrUnavailable)

// maxDescription bounds an event's text, in bytes (as the webhook
// adapter's does).
const maxDescription = 1000

// event is an event of the answer as the description reads it.
type event struct {
	at        time.Time // the wall clock in UTC while hasOffset is false
	hasOffset bool
	code      string
	text      string // shown
	classify  string // read for phrases
	loc       adapters.Location
}

// read turns the body of a 2xx answer into the parcel numbered tn.
func (d *Description) read(ctx context.Context, courier, tn string, vars []any, body []byte) (adapters.Parcel, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // long ids keep their digits
	var doc any
	if err := dec.Decode(&doc); err != nil || dec.More() {
		return adapters.Parcel{}, fmt.Errorf("track: %w", errMalformed)
	}
	ctx, cancel := context.WithTimeout(ctx, d.limits.jqTimeout)
	defer cancel()
	p, err := d.parcel(ctx, courier, tn, vars, doc)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("track: %w", err)
	}
	return p, nil
}

func (d *Description) parcel(ctx context.Context, courier, tn string, vars []any, doc any) (adapters.Parcel, error) {
	a := &d.spec.Answer
	for _, ae := range d.spec.Errors.Answer {
		v, err := ae.When.first(ctx, doc, vars)
		if err != nil {
			return adapters.Parcel{}, fmt.Errorf("%w: %v", errMalformed, err)
		}
		if truthy(v) {
			return adapters.Parcel{}, fmt.Errorf("%w: the answer says so (errors.answer at line %d)", ae.Error.err, ae.When.line)
		}
	}
	shipment := doc
	if a.Shipment.set() {
		var err error
		if shipment, err = a.Shipment.first(ctx, doc, vars); err != nil {
			return adapters.Parcel{}, fmt.Errorf("%w: %v", errMalformed, err)
		}
		if shipment == nil {
			return adapters.Parcel{}, fmt.Errorf("%w: the answer holds no such shipment", adapters.ErrNotFound)
		}
	}
	m := mapper{ctx: ctx, vars: vars}
	raw := m.all(&a.Events, shipment)
	names := personalNames(m.all(&a.Personal, shipment))
	var events []event
	for _, r := range raw {
		if e, ok := m.event(&a.Event, r, names); ok {
			events = append(events, e)
		}
	}
	var current *event
	if a.Current.set() {
		if r := m.first(&a.Current, shipment); r != nil {
			if e, ok := m.event(&a.Event, r, names); ok || e.code != "" {
				current = &e
			}
		}
	}
	fallback := locationOf(m.first(&a.Place, shipment))
	etas := m.all(&a.ETA, shipment)
	if m.err != nil {
		return adapters.Parcel{}, fmt.Errorf("%w: %v", errMalformed, m.err)
	}
	d.placeInTime(events, fallback)
	if current != nil {
		c := []event{*current}
		d.placeInTime(c, fallback)
		current = &c[0]
	}
	view := d.view(courier, tn, events, current)
	if view.UpdatedAt.IsZero() {
		return adapters.Parcel{}, fmt.Errorf("%w: the shipment has nothing dated", errMalformed)
	}
	if !view.Status.Final() {
		view.ETA = d.eta(etas, fallback)
	}
	return adapters.Parcel{Version: uint64(len(view.Events)) + 1, View: view}, nil
}

// mapper runs a description's expressions on one answer, keeping the
// first error.
type mapper struct {
	ctx  context.Context
	vars []any
	err  error
}

func (m *mapper) all(e *jqExpr, input any) []any {
	if !e.set() || m.err != nil {
		return nil
	}
	out, err := e.all(m.ctx, input, m.vars, maxOutputs)
	if err != nil {
		m.err = err
	}
	return out
}

func (m *mapper) first(e *jqExpr, input any) any {
	if out := m.all(e, input); len(out) > 0 {
		return out[0]
	}
	return nil
}

func (m *mapper) text(e *jqExpr, input any) string {
	s := scalarString(m.first(e, input))
	return strings.TrimSpace(s)
}

// event reads one event; ok is false for an event without a time that
// reads, which is dropped.
func (m *mapper) event(spec *eventSpec, raw any, names []string) (event, bool) {
	var e event
	var ok bool
	e.at, e.hasOffset, ok = parseTime(m.first(&spec.Time, raw))
	e.code = m.text(&spec.Code, raw)
	shown := m.text(&spec.Description, raw)
	e.classify = shown
	if spec.Classify.set() {
		e.classify = m.text(&spec.Classify, raw)
	}
	e.text = cleanText(shown, names)
	if spec.Location.set() {
		e.loc = cleanLocation(locationOf(m.first(&spec.Location, raw)))
	}
	return e, ok
}

// cleanText is an event's text as a view shows it: the personal names
// the answer holds masked wherever they appear, then scrubbed, on one
// line and bounded.
func cleanText(s string, names []string) string {
	s = strings.Join(strings.Fields(maskNames(s, names)), " ")
	s = scrub.Text(s)
	for len(s) > maxDescription {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// cleanLocation keeps a city and region that hold no personal data and
// an ISO country code.
func cleanLocation(loc adapters.Location) adapters.Location {
	clean := func(s string) string {
		s = strings.TrimSpace(s)
		if len(s) > 100 || strings.ContainsAny(s, "0123456789@") || scrub.Has(s) {
			return ""
		}
		return s
	}
	loc.City, loc.Region = clean(loc.City), clean(loc.Region)
	loc.Country, _ = places.Country(loc.Country)
	return loc
}

// placeInTime gives every time without an offset the zone of its place:
// the description's fixed zone, else the zone of the event's own place,
// of the nearest earlier event with one, of the nearest later one, of the
// shipment's fallback place, else UTC.
func (d *Description) placeInTime(events []event, fallback adapters.Location) {
	if len(events) > 1 && events[0].at.After(events[len(events)-1].at) {
		slices.Reverse(events) // listed newest first: same-time events keep their order
	}
	slices.SortStableFunc(events, func(a, b event) int { return a.at.Compare(b.at) })
	own := make([]*time.Location, len(events))
	for i := range events {
		own[i], _ = places.Zone(&events[i].loc)
	}
	zones := places.EarlierZones(own)
	fallbackZone, _ := places.Zone(&fallback)
	for i := range events {
		if events[i].hasOffset {
			continue
		}
		zone := d.spec.Zone.fixed
		if zone == nil {
			zone = zones[i]
		}
		if zone == nil {
			zone = fallbackZone
		}
		if zone == nil {
			zone = time.UTC
		}
		events[i].at, events[i].hasOffset = places.WallClockIn(events[i].at, zone), true
	}
	slices.SortStableFunc(events, func(a, b event) int { return a.at.Compare(b.at) })
}

// view builds the view from events, oldest first, and the shipment's
// current status line, deciding the status from the whole history.
func (d *Description) view(courier, tn string, events []event, current *event) adapters.View {
	if n := len(events); n > d.limits.events {
		events = events[n-d.limits.events:]
	}
	st := &d.spec.Status
	view := adapters.View{Courier: courier, TrackingNumber: tn, Events: []adapters.Event{}}
	var history phrases.History
	for _, e := range events {
		ev := adapters.Event{Time: e.at, Status: history.Add(st.eventStatus(e.code, e.classify)), Description: e.text}
		if e.loc != (adapters.Location{}) {
			loc := e.loc
			ev.Location = &loc
		}
		view.Events = append(view.Events, ev)
		view.UpdatedAt = e.at
	}
	if current != nil {
		history.Add(st.eventStatus(current.code, current.classify))
		if current.hasOffset && current.at.After(view.UpdatedAt) {
			view.UpdatedAt = current.at
		}
	}
	view.Status, view.Substatus = history.Status()
	return view
}

// eta is the first window of etas whose times read and that does not end
// before it starts.
func (d *Description) eta(etas []any, fallback adapters.Location) *adapters.ETA {
	for _, w := range etas {
		obj, ok := w.(map[string]any)
		if !ok {
			continue
		}
		from, fromOffset, ok1 := parseTime(obj["from"])
		to, toOffset, ok2 := parseTime(obj["to"])
		if !ok1 || !ok2 {
			continue
		}
		zone := d.spec.Zone.fixed
		if zone == nil {
			zone, _ = places.Zone(&fallback)
		}
		if zone == nil {
			zone = time.UTC
		}
		if !fromOffset {
			from = places.WallClockIn(from, zone)
		}
		if !toOffset {
			to = places.WallClockIn(to, zone)
		}
		if !to.Before(from) {
			return &adapters.ETA{From: from, To: to}
		}
	}
	return nil
}

func truthy(v any) bool { return v != nil && v != false }

// personalNames are the names the answer holds (the description's
// personal expression gives them: strings, or lists of strings), and each
// word of them, longest first: carriers repeat a signer's name in event
// texts where no label announces it. One letter is an initial, which
// texts have everywhere, and a word that reads as a status ("Delivered",
// which DHL puts where the signer's name goes) is no name.
func personalNames(values []any) []string {
	var names []string
	var collect func(v any)
	collect = func(v any) {
		switch v := v.(type) {
		case string:
			for _, n := range append([]string{v}, strings.Fields(v)...) {
				if _, isPhrase := phrases.Classify(n); utf8.RuneCountInString(n) > 1 && !isPhrase && !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
		case []any:
			for _, x := range v {
				collect(x)
			}
		}
	}
	for _, v := range values {
		collect(v)
	}
	slices.SortStableFunc(names, func(a, b string) int { return len(b) - len(a) })
	return names
}

// maskNames masks every whole-word occurrence of names in s, in any case.
func maskNames(s string, names []string) string {
	for _, n := range names {
		re := regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(n) + `\b`)
		s = re.ReplaceAllStringFunc(s, func(m string) string {
			if len(m) < len(scrub.MaskName) {
				return strings.Repeat("*", utf8.RuneCountInString(m))
			}
			return scrub.MaskName
		})
	}
	return s
}
