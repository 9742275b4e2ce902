package keystatement

import (
	"errors"
	"testing"
	"time"
)

func TestLiveKeyRules(t *testing.T) {
	sk := signingKey("swift")
	day := 24 * time.Hour
	// key is a statement of sim-swift's key label live in [from, to)
	// days from testNow.
	key := func(courier, label string, from, to int) Key {
		k := sampleKey(t, label, sk)
		k.Courier = courier
		k.NotBefore = testNow.Add(time.Duration(from) * day)
		k.NotAfter = testNow.Add(time.Duration(to) * day)
		return k
	}
	tests := []struct {
		name        string
		keys        []Key
		liveErr     error // CheckLive at testNow
		overlapsErr error // CheckOverlap
	}{
		{"none", nil, nil, nil},
		{"current and next", []Key{key("sim-swift", "a", -10, 5), key("sim-swift", "b", 0, 30)}, nil, nil},
		{"three live now", []Key{key("sim-swift", "a", -10, 5), key("sim-swift", "b", -1, 30), key("sim-swift", "c", -2, 1)},
			ErrTooManyLiveKeys, ErrTooManyLiveKeys},
		{"three in a row, two at a time", []Key{key("sim-swift", "a", -10, 1), key("sim-swift", "b", 0, 20), key("sim-swift", "c", 19, 40)},
			nil, nil},
		{"three at once next week only", []Key{key("sim-swift", "a", -10, 10), key("sim-swift", "b", 0, 20), key("sim-swift", "c", 7, 40)},
			nil, ErrTooManyLiveKeys},
		{"a window ends as the next begins", []Key{key("sim-swift", "a", -10, 0), key("sim-swift", "b", 0, 20), key("sim-swift", "c", -5, 20)},
			nil, nil}, // windows are half-open: a is no longer live when b begins
		{"one key in several statements counts once", []Key{key("sim-swift", "a", -10, 5), key("sim-swift", "a", -1, 30), key("sim-swift", "b", 0, 30)},
			nil, nil},
		{"two each for two couriers", []Key{key("sim-swift", "a", -10, 5), key("sim-swift", "b", 0, 30), key("sim-other", "c", -10, 5), key("sim-other", "d", 0, 30)},
			nil, nil},
		{"expired and future keys are not live now", []Key{key("sim-swift", "a", -30, -10), key("sim-swift", "b", -10, 5), key("sim-swift", "c", 0, 30), key("sim-swift", "d", 30, 60)},
			nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := CheckLive(tt.keys, testNow); !errors.Is(err, tt.liveErr) || (tt.liveErr == nil) != (err == nil) {
				t.Errorf("CheckLive = %v, want %v", err, tt.liveErr)
			}
			if err := CheckOverlap(tt.keys); !errors.Is(err, tt.overlapsErr) || (tt.overlapsErr == nil) != (err == nil) {
				t.Errorf("CheckOverlap = %v, want %v", err, tt.overlapsErr)
			}
		})
	}
}
