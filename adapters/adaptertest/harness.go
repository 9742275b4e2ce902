package adaptertest

import (
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// Scenario is how the fake carrier answers every request of one test.
type Scenario int

// The scenarios of Run.
const (
	// Found answers with the parcel of Harness.Ref and a realistic
	// history of several events, salted with the personal data listed in
	// Harness.PII the way the carrier's real answers carry it.
	Found Scenario = iota
	// NotFound answers the way the carrier says it does not know a parcel.
	NotFound
	// BadCredentials: the fake refuses the adapter's credentials (the
	// harness opens the adapter with wrong ones, or the fake refuses all).
	BadCredentials
	// RateLimited answers 429 with a Retry-After of Harness.RetryAfter.
	RateLimited
	// ServerError answers 5xx.
	ServerError
	// Malformed answers 200 with a body that is not the carrier's JSON.
	Malformed
	// Slow answers only after the adapter's timeout has passed.
	Slow
)

var scenarioNames = [...]string{"Found", "NotFound", "BadCredentials", "RateLimited", "ServerError", "Malformed", "Slow"}

func (s Scenario) String() string {
	if int(s) < len(scenarioNames) {
		return scenarioNames[s]
	}
	return "Scenario(?)"
}

// Harness is what Run needs to test one adapter.
type Harness struct {
	// Courier is the courier id the adapter is configured with.
	Courier string
	// Ref is the parcel the fake knows in the Found scenario, as the
	// courier's own systems name it (with the factors they hold).
	Ref adapters.ParcelRef
	// Open returns the adapter under test connected to a fake carrier
	// that answers every request as in scenario s. The adapter's timeout
	// must be shorter than the Slow scenario's delay, and a Retry-After
	// of RetryAfter must be longer than the adapter waits within one
	// Lookup, so that the kit runs fast. Open registers its cleanup with t.
	Open func(t *testing.T, s Scenario) adapters.Source
	// PII lists the personal data the fake put in its Found answer —
	// names, phone numbers, street addresses, signature URLs — none of
	// which may reach a view.
	PII []string
	// RetryAfter is the Retry-After the fake sends in RateLimited.
	RetryAfter time.Duration
	// EventTimes, when set, are the event times the Found view must show,
	// oldest first, exactly as marshalled (e.g. "2026-11-20T14:03:11+08:00"):
	// the check that times without an offset at the carrier were given
	// the right one.
	EventTimes []string
	// Status, when set, is the status the Found view must have.
	Status adapters.Status
	// Failures are the failure scenarios (all but Found) the adapter's
	// carrier can play; nil means all of them, as for every adapter that
	// calls a carrier's API. An adapter fed by the courier's own pushes
	// (webhooks) lists the few that apply to it, such as NotFound, or
	// better runs RunPush, which drives it through its intake.
	Failures []Scenario
}

// failure is a failure scenario and the error class it must give.
type failure struct {
	s    Scenario
	want error
}

var allFailures = []failure{
	{NotFound, adapters.ErrNotFound},
	{BadCredentials, adapters.ErrMisconfigured},
	{RateLimited, adapters.ErrUnavailable},
	{ServerError, adapters.ErrUnavailable},
	{Malformed, adapters.ErrUnavailable},
	{Slow, adapters.ErrUnavailable},
}

// minEvents is the shortest history a Found fixture may have: the kit
// checks ordering and mapping, which one event cannot show.
const minEvents = 3

// lookupTimeout bounds every Lookup of the kit, so that an adapter that
// ignores its own timeout fails instead of hanging the test binary.
const lookupTimeout = 30 * time.Second
