package gateway

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/ratelimit"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
)

// pullCounter counts the bucket requests a pull courier receives.
type pullCounter struct {
	*scriptedHost
	buckets atomic.Int32
}

func (p *pullCounter) Bucket(ctx context.Context, b uint32) ([]crypto.SealedRecord, error) {
	p.buckets.Add(1)
	return p.scriptedHost.Bucket(ctx, b)
}

// from makes a request look as if it came from addr, through the trusted
// proxy of the test (the loopback address).
func from(addr string) http.Header { return http.Header{"X-Forwarded-For": {addr}} }

// TestAttackUnlimitedFetches: revision 1 did not limit GET /v1/buckets
// and /v1/records at all, so one client could load the store and the pull
// couriers as much as it liked; the test fails on revision 1 because
// every fetch past the burst was still answered.
func TestAttackUnlimitedFetches(t *testing.T) {
	const burst = 5
	limiters := map[string]func(t *testing.T) ratelimit.Limiter{
		"memory": func(*testing.T) ratelimit.Limiter { return nil }, // the gateway's own
		"redis": func(t *testing.T) ratelimit.Limiter {
			r := redistest.Single(t)
			l, err := ratelimit.NewRedis(r.Client, 1, burst, []byte("a shared secret of the gateways"),
				ratelimit.WithKeyPrefix(ratelimit.FetchKeyPrefix))
			if err != nil {
				t.Fatal(err)
			}
			return l
		},
	}
	for name, limiter := range limiters {
		t.Run(name, func(t *testing.T) {
			var pull *pullCounter
			h := newHarness(t, func(c *Config) {
				c.TrustedProxies = []string{"127.0.0.1"}
				c.FetchRate, c.FetchBurst = 0.001, burst
				c.FetchLimiter = limiter(t)
				c.PullCacheTTL = time.Nanosecond // every admitted fetch reaches the pull courier
				pull = &pullCounter{scriptedHost: c.Couriers[2].Host.(*scriptedHost)}
				c.Couriers[2].Host = pull
			})
			attacker, neighbour := from("198.51.100.7"), from("198.51.100.8")
			locator := crypto.EncodeB64(make([]byte, crypto.LocatorSize))
			for i := range burst {
				path := fmt.Sprintf("/v1/buckets/%x", i)
				if i == burst-1 {
					path = "/v1/records/" + locator // records share the budget
				}
				if status, _, body := h.do(http.MethodGet, path, nil, attacker); status == http.StatusTooManyRequests {
					t.Fatalf("fetch %d within the burst refused: %s", i, body)
				}
			}
			for _, path := range []string{"/v1/buckets/1", "/v1/records/" + locator} {
				// A slow run may have refilled a token (the Redis rate is at
				// least 1/s), so a few more tries are allowed.
				for try := 0; ; try++ {
					asked := pull.buckets.Load()
					status, header, body := h.do(http.MethodGet, path, nil, attacker)
					if status != http.StatusTooManyRequests {
						if try == 3 {
							t.Fatalf("%s past the burst: status %d, want 429", path, status)
						}
						continue
					}
					assertProblem(t, header, body, status)
					if header.Get("Retry-After") == "" {
						t.Fatalf("%s: 429 without Retry-After", path)
					}
					if pull.buckets.Load() != asked {
						t.Fatalf("%s: a refused fetch reached the pull courier", path)
					}
					break
				}
			}
			if status, _, body := h.do(http.MethodGet, "/v1/buckets/1", nil, neighbour); status != http.StatusOK {
				t.Fatalf("another client was limited by the attacker: %d %s", status, body)
			}
		})
	}
}

// TestAttackBurstBelowLargestRequest: revision 1's default evaluation
// burst was 64 elements, below the largest valid request (16 couriers × 8
// elements), which was therefore refused forever; the test fails on
// revision 1 because both requests below were answered 429.
func TestAttackBurstBelowLargestRequest(t *testing.T) {
	for _, configured := range []int{0, 64} { // the default, and one set too low
		t.Run(fmt.Sprintf("burst=%d", configured), func(t *testing.T) {
			h := newHarness(t, func(c *Config) { c.EvaluateRate, c.EvaluateBurst = 0, configured })
			full := make([]crypto.B64, crypto.MaxBatch)
			for i := range full {
				full[i] = h.blindFor("alpha")
			}
			var req api.EvaluateRequest
			for i := range crypto.MaxCouriers {
				courier := fmt.Sprintf("courier-%02d", i) // the harness knows three; the rest are "invalid", yet counted
				if i < 3 {
					courier = []string{"alpha", "beta", "gamma"}[i]
				}
				req.Requests = append(req.Requests, api.CourierEvaluation{Courier: courier, KeyID: h.kid("alpha"), Blinded: full})
			}
			status, _, body := h.do(http.MethodPost, "/v1/evaluate", mustJSON(t, req), nil)
			if status != http.StatusOK {
				t.Fatalf("the largest valid request (%d×%d) at a fresh limiter: %d %s", crypto.MaxCouriers, crypto.MaxBatch, status, body)
			}
		})
	}
}
