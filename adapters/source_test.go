package adapters

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestRetryAfterReadsTheWaitThroughWrapping(t *testing.T) {
	err := fmt.Errorf("dhl: track: %w", &RetryAfterError{Wait: 90 * time.Second})
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("errors.Is(%v, ErrUnavailable) = false", err)
	}
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrMisconfigured) {
		t.Errorf("%v matches another error class", err)
	}
	if d, ok := RetryAfter(err); !ok || d != 90*time.Second {
		t.Errorf("RetryAfter = %v, %v; want 1m30s, true", d, ok)
	}
}

func TestRetryAfterIsAbsentFromOtherErrors(t *testing.T) {
	for _, err := range []error{nil, ErrUnavailable, fmt.Errorf("x: %w", ErrNotFound)} {
		if d, ok := RetryAfter(err); ok {
			t.Errorf("RetryAfter(%v) = %v, true; want false", err, d)
		}
	}
}
