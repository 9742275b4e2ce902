package client

import (
	"context"
	"fmt"
	"strings"

	"github.com/trackgate/trackgate/crypto"
)

// TrackOptions refine a Track call.
type TrackOptions struct {
	// Factor is the second factor, the last 4 digits of a phone number.
	// It is used only for couriers whose directory entry asks for
	// "phone_last4" (handoff legs included) and never sent to the others.
	Factor string
	// Courier pins one courier id and skips detection.
	Courier string
}

// query is one (courier, tracking number) pair to look up.
type query struct {
	courier *courierInfo
	tn      string
	factor  string // "" for couriers without a second factor
	depth   int    // 0 for the number asked, n for the n-th handoff
}

func (q query) key() string { return q.courier.entry.ID + "\x00" + q.tn }

// Track looks a parcel up through the gateway (see the package comment
// for the steps) and returns every leg found, handoffs included. Once the
// input is accepted it always makes the same requests, found or not
// (shape.go).
//
// Errors, all checked with errors.Is:
//   - crypto.ErrInvalidTrackingNumber, crypto.ErrInvalidFactor,
//     crypto.ErrInvalidCourierID: bad input, refused before any request;
//   - ErrNoCandidate: no courier matches (or the pinned one is unknown);
//   - ErrFactorRequired: every candidate needs a factor and none was given;
//   - ErrNotFound: no courier has it, or the factor is wrong;
//   - ErrUnavailable: nothing found, and a courier asked was unavailable
//     for the moment (timeout, unavailable, rate limited, or left out of a
//     fetch answer): trying again later may find it;
//   - ErrStillLoading: nothing found, and a courier asked is still
//     publishing its first records ("loading" in the directory): the
//     parcel may not be there yet; trying again shortly may find it;
//   - ErrIncomplete: nothing found, and a courier could not be asked for
//     a reason that retrying will not cure (a bad proof, no key valid
//     now, an invalid answer);
//   - ErrInvalidDirectory, ErrGateway, or a transport or context error.
//
// With ErrFactorRequired, ErrNotFound, ErrUnavailable, ErrStillLoading and
// ErrIncomplete the Result is returned too, so the caller can show what each courier answered.
func (c *Client) Track(ctx context.Context, number string, opts TrackOptions) (*Result, error) {
	tn, err := crypto.NormalizeTrackingNumber(number)
	if err != nil {
		return nil, err
	}
	if opts.Factor != "" {
		if err := crypto.CheckFactor(crypto.FactorPhoneLast4, opts.Factor); err != nil {
			return nil, err
		}
	}
	if opts.Courier != "" {
		if err := crypto.CheckCourierID(opts.Courier); err != nil {
			return nil, err
		}
	}

	dir, err := c.directory(ctx)
	if err != nil {
		return nil, err
	}
	couriers, err := candidates(dir, tn, opts.Courier)
	if err != nil {
		return nil, err
	}

	res := &Result{TrackingNumber: tn}
	var queries []query
	var needFactor []*courierInfo
	for _, ci := range couriers {
		if ci.refused != nil {
			res.refuse(ci, tn)
			continue
		}
		q, ok := newQuery(ci, tn, opts.Factor, 0)
		if !ok {
			needFactor = append(needFactor, ci)
			res.Couriers = append(res.Couriers, CourierOutcome{Courier: ci.entry.ID, TrackingNumber: tn, Status: OutcomeFactorRequired})
			continue
		}
		queries = append(queries, q)
	}
	if len(queries) == 0 {
		if err := res.KeyLogError(); err != nil {
			return res, err
		}
		return res, fmt.Errorf("%w: %s", ErrFactorRequired, describeFactorNeed(needFactor))
	}
	if err := c.follow(ctx, dir, queries, opts.Factor, res); err != nil {
		return nil, err
	}
	res.merge()
	if len(res.Legs) == 0 {
		return res, res.nothingFound()
	}
	return res, nil
}

// candidates resolves the couriers to ask: the pinned one, or detection.
func candidates(dir *directory, tn, pinned string) ([]*courierInfo, error) {
	if pinned != "" {
		ci := dir.couriers[pinned]
		if ci == nil {
			return nil, fmt.Errorf("%w: courier %q is not in the directory", ErrNoCandidate, pinned)
		}
		return []*courierInfo{ci}, nil
	}
	found, err := Detect(&dir.doc, tn)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("%w; pin a courier if you know it", ErrNoCandidate)
	}
	out := make([]*courierInfo, len(found))
	for i, cand := range found {
		out[i] = dir.couriers[cand.Courier.ID]
	}
	return out, nil
}

// newQuery builds the lookup of tn at courier ci. It reports false when
// the courier needs a factor and none was given.
func newQuery(ci *courierInfo, tn, factor string, depth int) (query, bool) {
	if ci.entry.Factor == crypto.FactorNone {
		factor = "" // a factor is never sent where none is asked for
	} else if crypto.CheckFactor(ci.entry.Factor, factor) != nil {
		return query{}, false
	}
	return query{courier: ci, tn: tn, factor: factor, depth: depth}, true
}

// handoffQuery builds the lookup of an onward leg, or the outcome that
// explains why it cannot be looked up.
func handoffQuery(dir *directory, courier, number, factor string, depth int) (query, *CourierOutcome) {
	tn, err := crypto.NormalizeTrackingNumber(number)
	if err != nil {
		return query{}, &CourierOutcome{Courier: courier, Status: OutcomeInvalidHandoff}
	}
	ci := dir.couriers[courier]
	if ci == nil {
		return query{}, &CourierOutcome{Courier: courier, TrackingNumber: tn, Status: OutcomeUnknownCourier}
	}
	if ci.refused != nil {
		return query{}, &CourierOutcome{Courier: courier, TrackingNumber: tn, Status: OutcomeKeyLogRefused}
	}
	q, ok := newQuery(ci, tn, factor, depth)
	if !ok {
		return query{}, &CourierOutcome{Courier: courier, TrackingNumber: tn, Status: OutcomeFactorRequired}
	}
	return q, nil
}

func describeFactorNeed(cs []*courierInfo) string {
	names := make([]string, len(cs))
	for i, ci := range cs {
		names[i] = courierLabel(ci)
	}
	verb := "needs"
	if len(cs) > 1 {
		verb = "need"
	}
	return fmt.Sprintf("%s %s the last 4 digits of a phone number on the parcel", joinAnd(names), verb)
}

func courierLabel(ci *courierInfo) string {
	if ci.entry.Name == "" {
		return ci.entry.ID
	}
	return fmt.Sprintf("%s (%s)", printable(ci.entry.Name, 80), ci.entry.ID)
}

func joinAnd(s []string) string {
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
