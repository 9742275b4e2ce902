package keystatement

import (
	"bytes"
	"fmt"
	"slices"
	"time"
)

// MaxLiveKeys is how many keys of one courier may be live at once: the
// current one and the next. More would let whoever serves keys give
// different clients different keys and tell them apart by the key they
// blind with.
const MaxLiveKeys = 2

// CheckLive is ErrTooManyLiveKeys when more than MaxLiveKeys distinct
// public keys of one courier are live at now among keys. Several
// statements of one key count once.
func CheckLive(keys []Key, now time.Time) error {
	return checkPerCourier(keys, func(courier []Key) (int, time.Time) {
		return distinctLive(courier, now), now
	})
}

// CheckOverlap is ErrTooManyLiveKeys when more than MaxLiveKeys distinct
// public keys of one courier are live at any one time among keys, now or
// later: what a log or a monitor checks of all the statements it holds.
func CheckOverlap(keys []Key) error {
	return checkPerCourier(keys, func(courier []Key) (int, time.Time) {
		// The count only rises when a window opens, so the most live
		// at once is the most live at some not-before.
		most, at := 0, time.Time{}
		for _, k := range courier {
			if n := distinctLive(courier, k.NotBefore); n > most {
				most, at = n, k.NotBefore
			}
		}
		return most, at
	})
}

// checkPerCourier applies count to each courier's keys, in the order the
// couriers first appear.
func checkPerCourier(keys []Key, count func([]Key) (int, time.Time)) error {
	var couriers []string
	by := map[string][]Key{}
	for _, k := range keys {
		if by[k.Courier] == nil {
			couriers = append(couriers, k.Courier)
		}
		by[k.Courier] = append(by[k.Courier], k)
	}
	for _, c := range couriers {
		if n, at := count(by[c]); n > MaxLiveKeys {
			return fmt.Errorf("%w: %d keys of %s are live at %s, at most %d may be", ErrTooManyLiveKeys, n, c, formatTime(at), MaxLiveKeys)
		}
	}
	return nil
}

// distinctLive counts the distinct public keys live at t.
func distinctLive(keys []Key, t time.Time) int {
	var live [][]byte
	for _, k := range keys {
		if k.LiveAt(t) && !slices.ContainsFunc(live, func(pk []byte) bool { return bytes.Equal(pk, k.PublicKey) }) {
			live = append(live, k.PublicKey)
		}
	}
	return len(live)
}
