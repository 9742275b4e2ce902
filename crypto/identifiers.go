package crypto

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	courierIDPattern      = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,31}$`)
	trackingNumberPattern = regexp.MustCompile(`^[A-Z0-9]{6,40}$`)
)

// Second-factor kinds a courier publishes in the directory (§3).
const (
	FactorNone       = "none"
	FactorPhoneLast4 = "phone_last4"
)

// CheckCourierID reports whether id is a valid courier_id (§3).
func CheckCourierID(id string) error {
	if !courierIDPattern.MatchString(id) {
		return fmt.Errorf("%w: %q must match %s", ErrInvalidCourierID, id, courierIDPattern)
	}
	return nil
}

// NormalizeTrackingNumber upper-cases s and removes ASCII spaces, '-' and
// '.', then checks the result against ^[A-Z0-9]{6,40}$ (§3). Callers must
// reject a number this refuses before making any network call.
func NormalizeTrackingNumber(s string) (string, error) {
	tn := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.':
			return -1
		}
		return r
	}, strings.ToUpper(s))
	// strings.ToUpper maps some non-ASCII letters onto ASCII ones (the
	// Kelvin sign to K); only ASCII input may produce a valid number.
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return "", fmt.Errorf("%w: only ASCII letters, digits, spaces, '-' and '.' are allowed", ErrInvalidTrackingNumber)
		}
	}
	if !trackingNumberPattern.MatchString(tn) {
		return "", fmt.Errorf("%w: after removing spaces, '-' and '.', it must be 6 to 40 letters or digits", ErrInvalidTrackingNumber)
	}
	return tn, nil
}

// CheckFactor checks a second factor against the kind a courier requires:
// empty for "none", exactly four ASCII digits for "phone_last4".
func CheckFactor(kind, factor string) error {
	switch kind {
	case FactorNone:
		if factor != "" {
			return fmt.Errorf("%w: this courier takes no second factor", ErrInvalidFactor)
		}
		return nil
	case FactorPhoneLast4:
		if len(factor) != 4 || strings.Trim(factor, "0123456789") != "" {
			return fmt.Errorf("%w: this courier requires the last 4 digits of a phone number", ErrInvalidFactor)
		}
		return nil
	default:
		return fmt.Errorf("%w: unknown factor kind %q", ErrInvalidFactor, kind)
	}
}

// Input builds the OPRF input of §4:
//
//	x = "tg1" ‖ 0x00 ‖ courier_id ‖ 0x00 ‖ tn ‖ 0x00 ‖ f
//
// tn must already be normalized and factor checked; factor is "" for
// couriers without a second factor.
func Input(courierID, tn, factor string) []byte {
	x := make([]byte, 0, 3+1+len(courierID)+1+len(tn)+1+len(factor))
	x = append(x, "tg1"...)
	x = append(x, 0)
	x = append(x, courierID...)
	x = append(x, 0)
	x = append(x, tn...)
	x = append(x, 0)
	x = append(x, factor...)
	return x
}
