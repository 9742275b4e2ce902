package redisdelivery

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/delivery"
)

// subFields are the fields of a subscription's hash.
func subFields(s *delivery.Subscription) []any {
	return []any{
		"tenant", s.Tenant, "url", s.CallbackURL, "secret", s.Secret,
		"state", s.State, "created", formatTime(s.CreatedAt), "expires", formatTime(s.ExpiresAt),
		"locs", bytes.Join(s.Locators, nil), "delivered", 0, "pending", 0,
	}
}

// decodeSub reads a subscription's hash.
func decodeSub(id string, h map[string]string) (delivery.Subscription, error) {
	s := delivery.Subscription{
		ID: id, Tenant: h["tenant"], CallbackURL: h["url"], Secret: h["secret"], PreviousSecret: h["psecret"],
		State: h["state"], EndedReason: h["reason"],
	}
	var err error
	for _, f := range []struct {
		t    *time.Time
		name string
	}{{&s.CreatedAt, "created"}, {&s.ExpiresAt, "expires"}, {&s.EndedAt, "ended"}, {&s.PreviousUntil, "puntil"}} {
		if *f.t, err = parseTime(h[f.name]); err != nil {
			return s, fmt.Errorf("subscription %s: %s: %w", id, f.name, err)
		}
	}
	locs := []byte(h["locs"])
	if len(locs)%crypto.LocatorSize != 0 {
		return s, fmt.Errorf("subscription %s: %d bytes of locators", id, len(locs))
	}
	for i := 0; i < len(locs); i += crypto.LocatorSize {
		s.Locators = append(s.Locators, locs[i:i+crypto.LocatorSize:i+crypto.LocatorSize])
	}
	s.Counts.Delivered, _ = strconv.ParseInt(h["delivered"], 10, 64)
	s.Counts.Pending, _ = strconv.ParseInt(h["pending"], 10, 64)
	return s, nil
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// laneOf names the lane of a delivery of subscription sub.
func laneOf(sub string, d *delivery.Delivery) string {
	return sub + "|" + d.Courier + "|" + crypto.EncodeB64(d.Locator)
}

func encodeDelivery(d *delivery.Delivery) string {
	b, err := json.Marshal(d)
	if err != nil {
		panic("redisdelivery: marshal a delivery: " + err.Error()) // plain fields cannot fail
	}
	return string(b)
}

func decodeDelivery(s string) (delivery.Delivery, error) {
	var d delivery.Delivery
	err := json.Unmarshal([]byte(s), &d)
	return d, err
}

// replayValue is what deadq keeps of a dead letter to queue it again:
// its lane, a NUL, its order as a replay, and the delivery as replayed.
func replayValue(lane string, d delivery.Delivery) string {
	d.Replay = true
	d.Attempts, d.FirstAttemptAt, d.LastAttemptAt, d.LastError = 0, time.Time{}, time.Time{}, ""
	return lane + "\x00" + string(delivery.Order(&d)) + encodeDelivery(&d)
}
