package adaptertest

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/scrub"
	"github.com/trackgate/trackgate/crypto"
)

// CheckView reports the first rule of docs/protocol.md §6 that v breaks: it
// must pass View.Check, name courier and the normalized form of
// trackingNumber, be updated no earlier than its last event, and show none
// of pii (compared without regard to case) nor anything shaped like
// personal data (see CheckViewJSON).
func CheckView(v adapters.View, courier, trackingNumber string, pii []string) error {
	if err := v.Check(); err != nil {
		return err
	}
	if v.Courier != courier {
		return fmt.Errorf("view names courier %q; want %q", v.Courier, courier)
	}
	tn, err := crypto.NormalizeTrackingNumber(trackingNumber)
	if err != nil {
		return fmt.Errorf("the harness's tracking number does not normalize: %w", err)
	}
	if v.TrackingNumber != tn {
		return fmt.Errorf("view names tracking number %q; want the normalized %q", v.TrackingNumber, tn)
	}
	if n := len(v.Events); n > 0 && v.UpdatedAt.Before(v.Events[n-1].Time) {
		return fmt.Errorf("updated_at %s is before the last event at %s", v.UpdatedAt, v.Events[n-1].Time)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("view does not marshal: %w", err)
	}
	return CheckViewJSON(data, pii)
}

// timeKeys are the members of a view that hold times.
var timeKeys = map[string]bool{"time": true, "updated_at": true, "from": true, "to": true}

// identityKeys hold the courier id and tracking numbers, which are not
// free text and may well be long digit strings.
var identityKeys = map[string]bool{"courier": true, "tracking_number": true}

// rfc3339WithOffset is a time as docs/protocol.md §2 wants it: RFC 3339 with an
// explicit offset, never a naive local time.
var rfc3339WithOffset = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)

// personalData are shapes of personal data that no free text of a view
// may hold. Digits are bounded by non-digits so that a phone-like run
// inside a longer number is not mistaken for one.
var personalData = []struct {
	what string
	re   *regexp.Regexp
}{
	{"a mainland mobile number", regexp.MustCompile(`(^|\D)1[3-9]\d[ -]?\d{4}[ -]?\d{4}(\D|$)`)},
	{"a partly masked mobile number", regexp.MustCompile(`(^|\D)1[3-9]\d[*xX]{4}\d{4}(\D|$)`)},
	{"an international phone number", regexp.MustCompile(`\+\d{1,3}[ -]?\(?\d{1,4}\)?([ -]?\d){6,}`)},
	{"a landline number", regexp.MustCompile(`(^|\D)0\d{2,3}-\d{7,8}(\D|$)`)},
	{"an e-mail address", regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)},
	{"an ID card number", regexp.MustCompile(`(^|\D)\d{17}[\dXx](\D|$)`)},
}

// CheckViewJSON checks the wire form of a view: every time is RFC 3339
// with an explicit offset, and no free text (anything but the courier id
// and tracking numbers) holds a phone number, e-mail address or ID number
// — by the kit's own patterns, and by scrub.Has, which every adapter's
// text must have passed — nor any of pii, compared without regard to case.
func CheckViewJSON(data []byte, pii []string) error {
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("view JSON does not parse: %w", err)
	}
	return walk(doc, "", "view", pii)
}

func walk(node any, key, path string, pii []string) error {
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			if err := walk(v, k, path+"."+k, pii); err != nil {
				return err
			}
		}
	case []any:
		for i, v := range n {
			if err := walk(v, key, fmt.Sprintf("%s[%d]", path, i), pii); err != nil {
				return err
			}
		}
	case string:
		return checkString(n, key, path, pii)
	}
	return nil
}

func checkString(s, key, path string, pii []string) error {
	if timeKeys[key] {
		if !rfc3339WithOffset.MatchString(s) {
			return fmt.Errorf("%s = %q is not an RFC 3339 time with an explicit offset", path, s)
		}
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			return fmt.Errorf("%s = %q: %w", path, s, err)
		}
		return nil
	}
	if identityKeys[key] {
		return nil
	}
	for _, p := range personalData {
		if p.re.MatchString(s) {
			return fmt.Errorf("%s holds %s: %q", path, p.what, s)
		}
	}
	if scrub.Has(s) {
		return fmt.Errorf("%s holds personal data that scrub.Text masks: %q", path, s)
	}
	lower := strings.ToLower(s)
	for _, p := range pii {
		if p != "" && strings.Contains(lower, strings.ToLower(p)) {
			return fmt.Errorf("%s holds the fixture's personal data %q: %q", path, p, s)
		}
	}
	return nil
}

// errorClasses are the classes of Source.Lookup errors.
var errorClasses = []error{adapters.ErrNotFound, adapters.ErrUnavailable, adapters.ErrMisconfigured}

// CheckError checks that err is in class want (one of adapters.ErrNotFound,
// ErrUnavailable, ErrMisconfigured) and in no other class, and that its
// text names neither ref's tracking number nor any of its factors: an
// error text can end up in a log.
func CheckError(err, want error, ref adapters.ParcelRef) error {
	if !slices.Contains(errorClasses, want) {
		return fmt.Errorf("CheckError: %v is not an error class of adapters.Source", want)
	}
	if err == nil {
		return fmt.Errorf("no error; want one matching %q", want)
	}
	for _, class := range errorClasses {
		if is := errors.Is(err, class); is != (class == want) {
			return fmt.Errorf("error %q: errors.Is(err, %q) = %v", err, class, is)
		}
	}
	text := err.Error()
	secrets := append([]string{ref.TrackingNumber}, ref.Factors...)
	if tn, nerr := crypto.NormalizeTrackingNumber(ref.TrackingNumber); nerr == nil {
		secrets = append(secrets, tn)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			return fmt.Errorf("error text %q names the parcel (%q)", text, s)
		}
	}
	return nil
}
