package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"

	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

// Sentinel errors; compare with errors.Is. Track wraps them with detail.
var (
	// ErrNotFound: no courier has the parcel, or the second factor is
	// wrong. tg1 makes the two indistinguishable on purpose.
	ErrNotFound = errors.New("parcel not found: no courier has it, or the second factor is wrong (trackgate cannot tell which, by design)")
	// ErrNoCandidate: no courier in the directory could carry this number.
	ErrNoCandidate = errors.New("no courier in the gateway's directory matches this tracking number")
	// ErrFactorRequired: every candidate courier needs a second factor
	// (the last 4 digits of a phone number) and none was given.
	ErrFactorRequired = errors.New("a second factor is required")
	// ErrUnavailable: nothing was found, but a courier asked could not
	// answer for the moment (its evaluation timed out, was unavailable or
	// rate limited, or the gateway left its records out of a fetch answer):
	// the parcel may exist, and trying again later may find it.
	ErrUnavailable = errors.New("courier unavailable, try again")
	// ErrStillLoading: nothing was found, and a courier asked is still
	// publishing its first records ("loading" in the directory,
	// docs/protocol.md §7.1): the parcel may not be there yet, and trying
	// again shortly may find it. Not "not found".
	ErrStillLoading = errors.New("still loading")
	// ErrIncomplete: nothing was found, and some couriers could not be
	// asked for a reason that trying again will not cure (a bad proof, no
	// key valid now, an invalid answer): the parcel may still exist.
	ErrIncomplete = errors.New("lookup incomplete: some couriers could not be asked")
	// ErrInvalidDirectory: the gateway's directory breaks tg1 (wrong
	// protocol or suite, a kid that does not match its key, …).
	ErrInvalidDirectory = errors.New("invalid courier directory")
	// ErrGateway: the gateway answered with an error status or a body that
	// is not what tg1 says. *GatewayError carries the status.
	ErrGateway = errors.New("gateway error")
	// ErrKeyLog: what the gateway shows of the couriers' keys does not
	// verify against its key log (docs/protocol.md §7.8). *KeyLogError
	// says what failed, and errors.Is finds the sentinel of
	// gateway/keylog/verify it wraps (verify.ErrFork, ErrRollback, …).
	ErrKeyLog = errors.New("key log check failed")
	// ErrNoKeyLog: the directory shows no key log, though the Client
	// trusts one (configured, or pinned when a directory first showed
	// it): a gateway that hides its log hides what it shows.
	ErrNoKeyLog = errors.New("the gateway's directory shows no key log")
)

// KeyLogError is a check of the key log that failed: of the directory's
// checkpoint (Courier empty), when the directory is not used at all, or
// of one courier's statements, when that courier is not used. errors.Is
// holds for ErrKeyLog and for the sentinel Err wraps.
type KeyLogError struct {
	Courier string
	Err     error
}

// Unwrap lets errors.Is see ErrKeyLog and Err's sentinels.
func (e *KeyLogError) Unwrap() []error { return []error{ErrKeyLog, e.Err} }

// Error is a sentence that names the attack first, then the detail.
func (e *KeyLogError) Error() string {
	what, sentinel := e.attack()
	detail := e.Err.Error()
	if sentinel != nil {
		detail = strings.Replace(detail, sentinel.Error()+": ", "", 1)
	}
	if e.Courier != "" {
		detail = strings.TrimPrefix(detail, e.Courier+": ")
	}
	return what + ": " + detail
}

// attack names what went wrong, and the sentinel whose text the detail
// need not repeat.
func (e *KeyLogError) attack() (string, error) {
	c := e.Courier
	for _, a := range []struct {
		sentinel           error
		directory, courier string
	}{
		{verify.ErrFork, "the gateway's key log forked", ""},
		{verify.ErrRollback, "the gateway's key log rolled back", ""},
		{verify.ErrNotWitnessed, "the gateway's key log checkpoint lacks the witness cosignatures required", ""},
		{ErrNoKeyLog, "the gateway's directory no longer shows its key log", ""},
		{verify.ErrTooManyLiveKeys, "", "the gateway shows more than two live keys of " + c},
		{verify.ErrSigningKeyChanged, "", "the key log shows " + c + "'s signing key changed without its previous key's signature"},
		{verify.ErrWrongCourier, "", "the gateway shows another courier's key statement as " + c + "'s"},
		{verify.ErrNotIncluded, "", "the gateway shows a key of " + c + " that is not in its key log"},
		{verify.ErrBadSignature, "the gateway's key log checkpoint is not signed by the log's key", "a key statement of " + c + " is not signed by the key it names"},
		{verify.ErrMalformed, "the gateway's key log data is malformed", "the gateway's key log data about " + c + " is malformed"},
	} {
		if !errors.Is(e.Err, a.sentinel) {
			continue
		}
		what := a.directory
		if c != "" && a.courier != "" {
			what = a.courier
		}
		if what != "" {
			return what, a.sentinel
		}
		break
	}
	if c != "" {
		return "the key log check of " + c + " failed", nil
	}
	return "the key log check failed", nil
}

// GatewayError is a non-2xx answer of the gateway. errors.Is(err,
// ErrGateway) holds for it.
type GatewayError struct {
	Op         string // what the SDK was doing, e.g. "POST /v1/evaluate"
	StatusCode int
	Title      string // from the problem+json body, if any
	Detail     string // from the problem+json body, if any
	RetryAfter string // the Retry-After header of a 429 or 503, if any
}

func (e *GatewayError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: gateway answered %d %s", e.Op, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	} else if e.Title != "" && e.Title != http.StatusText(e.StatusCode) {
		b.WriteString(": ")
		b.WriteString(e.Title)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrGateway) true.
func (e *GatewayError) Is(target error) bool { return target == ErrGateway }

// problemDetails is the part of RFC 9457 problem details the SDK reads.
type problemDetails struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

func newGatewayError(op string, resp *http.Response) *GatewayError {
	e := &GatewayError{Op: op, StatusCode: resp.StatusCode, RetryAfter: printable(resp.Header.Get("Retry-After"), 32)}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxProblemBytes))
	var p problemDetails
	if json.Unmarshal(body, &p) == nil {
		e.Title = printable(p.Title, 200)
		e.Detail = printable(p.Detail, 300)
	}
	return e
}

// printable keeps gateway-written text from carrying terminal control
// sequences or whole pages into an app's error message.
func printable(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return s
}
