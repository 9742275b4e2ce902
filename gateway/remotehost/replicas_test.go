package remotehost

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/signing"
	"github.com/trackgate/trackgate/gateway/telemetry"
)

// replicaServer serves a fixture's host on a server of its own, as one
// replica of the courier, and counts the requests it receives per path.
// evaluate, when set, answers POST /tg1/evaluate instead of the host.
type replicaServer struct {
	srv      *httptest.Server
	mu       sync.Mutex
	hits     map[string]int
	evaluate http.HandlerFunc
}

func newReplicaServer(t *testing.T, f *remoteFixture, evaluate http.HandlerFunc) *replicaServer {
	t.Helper()
	s := &replicaServer{hits: map[string]int{}, evaluate: evaluate}
	host := f.host.Handler(gatewayVerifier(nil), testAnswerKey)
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		if strings.HasPrefix(path, "/tg1/buckets/") {
			path = "/tg1/buckets"
		}
		s.mu.Lock()
		s.hits[path]++
		s.mu.Unlock()
		if s.evaluate != nil && path == "/tg1/evaluate" {
			s.evaluate(w, r)
			return
		}
		host.ServeHTTP(w, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *replicaServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// client is a Client of this replica signing as the gateway.
func (s *replicaServer) client() *Client {
	signer := &signing.Signer{KeyID: "gateway", Key: testGatewayKey, Audience: testCourier}
	return New(s.srv.URL, signer, testAnswerPub, &http.Client{Timeout: 5 * time.Second})
}

// replicasOf is the courier served by servers, after a Keys call that
// succeeded; logs collects what it logs.
func replicasOf(t *testing.T, logs *bytes.Buffer, servers ...*replicaServer) *Replicas {
	t.Helper()
	clients := make([]*Client, len(servers))
	for i, s := range servers {
		clients[i] = s.client()
	}
	var logger *slog.Logger
	if logs != nil {
		logger = slog.New(slog.NewTextHandler(logs, nil))
	}
	rs := NewReplicas(clients, logger)
	if _, err := rs.Keys(t.Context()); err != nil {
		t.Fatalf("Keys: %v", err)
	}
	return rs
}

// answer502 answers like a proxy whose replica behind it is gone.
func answer502(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) }

// evaluateOnce evaluates one element of f's key through rs and checks
// the answer opens with f's public key.
func evaluateOnce(ctx context.Context, t *testing.T, f *remoteFixture, rs *Replicas) error {
	b, err := crypto.Blind(f.key.Public(), [][]byte{crypto.Input(testCourier, "SW123456789012", "")})
	if err != nil {
		t.Fatal(err)
	}
	evaluated, proof, err := rs.Evaluate(ctx, f.key.Public().KeyID(), b.Elements)
	if err != nil {
		return err
	}
	if _, err := b.Finalize(evaluated, proof); err != nil {
		t.Fatalf("an evaluation through the replicas does not verify: %v", err)
	}
	return nil
}

func TestReplicasPickTheLeastLoaded(t *testing.T) {
	f := newRemoteFixture(t, nil)
	a, b, c := newReplicaServer(t, f, nil), newReplicaServer(t, f, nil), newReplicaServer(t, f, nil)
	tests := []struct {
		name     string
		load     [3]int64
		unusable int // index of a replica refused for its keys; -1 none
		open     int // index of a replica whose breaker is open; -1 none
		except   int // index passed over (the replica just tried); -1 none
		want     []int
	}{
		{"fewest in flight", [3]int64{3, 1, 2}, -1, -1, -1, []int{1}},
		{"the next fewest for a retry", [3]int64{3, 1, 2}, -1, -1, 1, []int{2}},
		{"ties at random", [3]int64{2, 0, 0}, -1, -1, -1, []int{1, 2}},
		{"an open breaker passed over", [3]int64{3, 0, 2}, -1, 1, -1, []int{2}},
		{"an open breaker only when all others are", [3]int64{0, 0, 0}, -1, 1, 0, []int{2}},
		{"a refused replica never", [3]int64{5, 0, 5}, 1, -1, -1, []int{0, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := replicasOf(t, nil, a, b, c)
			for i, r := range rs.replicas {
				r.inFlight.Store(tt.load[i])
			}
			if tt.unusable >= 0 {
				rs.replicas[tt.unusable].usable.Store(false)
			}
			if tt.open >= 0 {
				openBreaker(t, rs.replicas[tt.open].client)
			}
			var except *replica
			if tt.except >= 0 {
				except = rs.replicas[tt.except]
			}
			picked := map[int]int{}
			for range 200 {
				p := rs.pick(except)
				for i, r := range rs.replicas {
					if r == p {
						picked[i]++
					}
				}
			}
			if len(picked) != len(tt.want) {
				t.Fatalf("picked %v (index: times), want each of %v", picked, tt.want)
			}
			for _, i := range tt.want {
				if picked[i] == 0 {
					t.Errorf("picked %v (index: times), want each of %v", picked, tt.want)
				}
			}
		})
	}
	t.Run("only an open breaker left", func(t *testing.T) {
		rs := replicasOf(t, nil, a, b)
		openBreaker(t, rs.replicas[1].client)
		if p := rs.pick(rs.replicas[0]); p != rs.replicas[1] {
			t.Errorf("picked %v, want the open one rather than none", p)
		}
	})
}

// openBreaker opens c's breaker as breakerTrip faults in a row would.
func openBreaker(t *testing.T, c *Client) {
	t.Helper()
	c.breaker = newBreaker(c.base, time.Hour)
	for range breakerTrip {
		_, _ = c.breaker.Execute(func() (*http.Response, error) { return nil, errors.New("fault") })
	}
	if c.breaker.State() != gobreaker.StateOpen {
		t.Fatal("the breaker did not open")
	}
}

// TestReplicasSpreadEvaluationsAndBuckets: with nothing in flight every
// call is a tie, so both replicas serve.
func TestReplicasSpreadEvaluationsAndBuckets(t *testing.T) {
	f := newRemoteFixture(t, nil)
	a, b := newReplicaServer(t, f, nil), newReplicaServer(t, f, nil)
	rs := replicasOf(t, nil, a, b)
	for range 40 {
		if err := evaluateOnce(t.Context(), t, f, rs); err != nil {
			t.Fatal(err)
		}
		if _, err := rs.Bucket(t.Context(), 3); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range []string{"/tg1/evaluate", "/tg1/buckets"} {
		if a.count(path) == 0 || b.count(path) == 0 || a.count(path)+b.count(path) != 40 {
			t.Errorf("%s: replicas asked %d and %d times, want 40 spread over both", path, a.count(path), b.count(path))
		}
	}
}

// TestReplicasRetryOnAnotherAndBreakPerReplica: one replica answers 502
// to every evaluation. Each evaluation it gets is made again on the other,
// so none fails; after breakerTrip faults its own breaker opens and it is
// no longer asked, while the other's stays closed.
func TestReplicasRetryOnAnotherAndBreakPerReplica(t *testing.T) {
	f := newRemoteFixture(t, nil)
	sick, well := newReplicaServer(t, f, answer502), newReplicaServer(t, f, nil)
	rs := replicasOf(t, nil, sick, well)
	for i := 0; sick.count("/tg1/evaluate") < breakerTrip; i++ {
		if i == 500 {
			t.Fatalf("the sick replica was asked %d times in 500 evaluations", sick.count("/tg1/evaluate"))
		}
		if err := evaluateOnce(t.Context(), t, f, rs); err != nil {
			t.Fatalf("evaluation %d failed although a replica is well: %v", i, err)
		}
	}
	if got := rs.replicas[0].client.breaker.State(); got != gobreaker.StateOpen {
		t.Fatalf("the sick replica's breaker is %s, want open", got)
	}
	for range 20 {
		if err := evaluateOnce(t.Context(), t, f, rs); err != nil {
			t.Fatal(err)
		}
	}
	if n := sick.count("/tg1/evaluate"); n != breakerTrip {
		t.Errorf("the sick replica was asked %d times, want %d: its open breaker must keep it out", n, breakerTrip)
	}
	if got := rs.replicas[1].client.breaker.State(); got != gobreaker.StateClosed {
		t.Errorf("the well replica's breaker is %s, want closed", got)
	}
	// The metrics see one breaker per replica, in the listed order.
	if got := rs.BreakerStates(); len(got) != 2 || got[0] != telemetry.BreakerOpen || got[1] != telemetry.BreakerClosed {
		t.Errorf("BreakerStates = %v, want open then closed", got)
	}
}

// TestReplicasSurviveAReplicaGone: a replica's server is closed; every
// call is retried on the one left. With both gone the courier is
// unavailable, after one try on each.
func TestReplicasSurviveAReplicaGone(t *testing.T) {
	f := newRemoteFixture(t, nil)
	gone, left := newReplicaServer(t, f, nil), newReplicaServer(t, f, nil)
	rs := replicasOf(t, nil, gone, left)
	gone.srv.Close()
	for i := range 20 {
		if err := evaluateOnce(t.Context(), t, f, rs); err != nil {
			t.Fatalf("evaluation %d: %v", i, err)
		}
		if _, err := rs.Bucket(t.Context(), 3); err != nil {
			t.Fatalf("bucket %d: %v", i, err)
		}
	}
	left.srv.Close()
	before := rs.replicas[1].client.breaker.Counts().Requests
	err := evaluateOnce(t.Context(), t, f, rs)
	if !errors.Is(err, api.ErrUnavailable) {
		t.Fatalf("with every replica gone: %v, want ErrUnavailable", err)
	}
	if n := rs.replicas[1].client.breaker.Counts().Requests - before; n != 1 {
		t.Errorf("the last replica was tried %d times for one evaluation, want 1", n)
	}
}

// TestReplicasRetryAfterAHungReplica: a replica that never answers holds
// a call only half the caller's time, then the other answers; each call
// it held counts against its breaker, which soon opens and keeps it out.
func TestReplicasRetryAfterAHungReplica(t *testing.T) {
	f := newRemoteFixture(t, nil)
	hung := newReplicaServer(t, f, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // then the server notices the client hang up
		<-r.Context().Done()
	})
	well := newReplicaServer(t, f, nil)
	rs := replicasOf(t, nil, hung, well)
	for i := 0; rs.replicas[0].client.breaker.State() != gobreaker.StateOpen; i++ {
		if i == 200 {
			t.Fatalf("the hung replica's breaker is still %s after 200 evaluations (asked %d times)",
				rs.replicas[0].client.breaker.State(), hung.count("/tg1/evaluate"))
		}
		ctx, cancel := context.WithTimeout(t.Context(), 400*time.Millisecond)
		err := evaluateOnce(ctx, t, f, rs)
		cancel()
		if err != nil {
			t.Fatalf("evaluation %d failed although a replica is well: %v", i, err)
		}
	}
	asked := hung.count("/tg1/evaluate")
	for range 10 {
		ctx, cancel := context.WithTimeout(t.Context(), 400*time.Millisecond)
		err := evaluateOnce(ctx, t, f, rs)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := hung.count("/tg1/evaluate"); n != asked || asked != breakerTrip {
		t.Errorf("the hung replica was asked %d times, then %d more with its breaker open; want %d, then none", asked, n-asked, breakerTrip)
	}
	if got := rs.replicas[1].client.breaker.State(); got != gobreaker.StateClosed {
		t.Errorf("the well replica's breaker is %s: a call cancelled because the other answered first is no fault", got)
	}
}

// TestReplicasSlowReplicaIsRaced: a replica that has not answered in
// half the caller's time is raced by another, and whichever answers first
// wins. Only the replica outrun counts a fault: the one asked second and
// cancelled because the first answered after all is not to blame.
func TestReplicasSlowReplicaIsRaced(t *testing.T) {
	f := newRemoteFixture(t, nil)
	host := f.host.Handler(gatewayVerifier(nil), testAnswerKey)
	after := func(delay time.Duration) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			host.ServeHTTP(w, r)
		}
	}
	// The caller gives 1 s: the second replica is asked at 500 ms.
	tests := []struct {
		name                      string
		firstIn, secondIn         time.Duration
		firstFaults, secondFaults uint32
	}{
		{"the second wins, the first is at fault", 3 * time.Second, 50 * time.Millisecond, 1, 0},
		{"the first wins after all, no fault", 650 * time.Millisecond, 3 * time.Second, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, second := newReplicaServer(t, f, after(tt.firstIn)), newReplicaServer(t, f, after(tt.secondIn))
			rs := replicasOf(t, nil, first, second)
			rs.replicas[1].inFlight.Store(1) // the first pick is the first replica
			ctx, cancel := context.WithTimeout(t.Context(), time.Second)
			defer cancel()
			err := evaluateOnce(ctx, t, f, rs)
			rs.replicas[1].inFlight.Store(0)
			if err != nil {
				t.Fatalf("evaluation: %v", err)
			}
			if first.count("/tg1/evaluate") != 1 || second.count("/tg1/evaluate") != 1 {
				t.Errorf("asked the replicas %d and %d times, want once each: a race", first.count("/tg1/evaluate"), second.count("/tg1/evaluate"))
			}
			if got := rs.replicas[0].client.breaker.Counts().TotalFailures; got != tt.firstFaults {
				t.Errorf("the first replica counts %d faults, want %d", got, tt.firstFaults)
			}
			if got := rs.replicas[1].client.breaker.Counts().TotalFailures; got != tt.secondFaults {
				t.Errorf("the second replica counts %d faults, want %d", got, tt.secondFaults)
			}
		})
	}
}

// TestReplicasDoNotRetryWhatEveryReplicaAnswersAlike: an unknown kid is
// the same at every replica, so one is asked.
func TestReplicasDoNotRetryWhatEveryReplicaAnswersAlike(t *testing.T) {
	f := newRemoteFixture(t, nil)
	a, b := newReplicaServer(t, f, nil), newReplicaServer(t, f, nil)
	rs := replicasOf(t, nil, a, b)
	_, _, err := rs.Evaluate(t.Context(), "AAAAAAAAAAA", blindedFor(t, f))
	if !errors.Is(err, api.ErrUnknownKey) {
		t.Fatalf("error %v, want ErrUnknownKey", err)
	}
	if n := a.count("/tg1/evaluate") + b.count("/tg1/evaluate"); n != 1 {
		t.Errorf("the replicas were asked %d times, want 1", n)
	}
	if _, err := rs.Record(t.Context(), bytes.Repeat([]byte{1}, crypto.LocatorSize)); !errors.Is(err, api.ErrNotFound) {
		t.Errorf("record: %v, want ErrNotFound", err)
	}
	if n := a.count("/tg1/records/"+crypto.EncodeB64(bytes.Repeat([]byte{1}, crypto.LocatorSize))) +
		b.count("/tg1/records/"+crypto.EncodeB64(bytes.Repeat([]byte{1}, crypto.LocatorSize))); n != 1 {
		t.Errorf("a record not found was asked of %d replicas, want 1", n)
	}
}

// TestReplicasRefuseAReplicaWithOtherKeys: a replica serving another key
// list (another OPRF key: a host started with the wrong key files) is
// logged and never asked to evaluate; the courier's list is the one most
// replicas serve, the first listed on a tie.
func TestReplicasRefuseAReplicaWithOtherKeys(t *testing.T) {
	f := newRemoteFixture(t, nil)
	other := newRemoteFixture(t, nil) // same courier, another OPRF key
	a, a2, odd := newReplicaServer(t, f, nil), newReplicaServer(t, f, nil), newReplicaServer(t, other, nil)

	for _, tt := range []struct {
		name    string
		servers []*replicaServer
	}{
		{"the majority wins over the first", []*replicaServer{odd, a, a2}},
		{"the first wins a tie", []*replicaServer{a, odd}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			rs := replicasOf(t, &logs, tt.servers...)
			answer, err := rs.KeysAnswer(t.Context())
			keys := answer.Keys
			if err != nil || len(keys) != 1 || keys[0].KeyID != f.key.Public().KeyID() {
				t.Fatalf("the courier's keys: %v, %v; want f's key alone", keys, err)
			}
			// The statements served are those of the replicas agreed on.
			if len(answer.Statements) != 1 || len(answer.SigningKeys) != 1 {
				t.Fatalf("%d statements and %d signing-key statements, want f's one and one", len(answer.Statements), len(answer.SigningKeys))
			}
			if k, err := keystatement.OpenKey([]byte(answer.Statements[0])); err != nil || k.KeyID() != f.key.Public().KeyID() {
				t.Errorf("the statement served: %v, %v; want f's key's", k.KeyID(), err)
			}
			oddBefore := odd.count("/tg1/evaluate")
			for range 20 {
				if err := evaluateOnce(t.Context(), t, f, rs); err != nil {
					t.Fatal(err)
				}
			}
			if n := odd.count("/tg1/evaluate") - oddBefore; n != 0 {
				t.Errorf("the replica with other keys was asked %d evaluations, want none", n)
			}
			line := logs.String()
			if !strings.Contains(line, "keys differ") || !strings.Contains(line, odd.srv.URL) ||
				!strings.Contains(line, other.key.Public().KeyID()) {
				t.Errorf("the log does not say which replica was refused and why:\n%s", line)
			}
		})
	}

	t.Run("no replica agrees yet", func(t *testing.T) {
		rs := NewReplicas([]*Client{a.client(), odd.client()}, nil)
		_, _, err := rs.Evaluate(t.Context(), f.key.Public().KeyID(), blindedFor(t, f))
		if !errors.Is(err, api.ErrUnavailable) || !errors.Is(err, ErrNoReplica) {
			t.Errorf("before Keys: %v, want ErrUnavailable wrapping ErrNoReplica", err)
		}
	})
}

// TestReplicasKeepAgreeingReplicaWhileItIsUnreachable: a replica that
// misses one refresh keeps its verdict; the courier's keys come from the
// others, and fail only when none answers.
func TestReplicasKeepAgreeingReplicaWhileItIsUnreachable(t *testing.T) {
	f := newRemoteFixture(t, nil)
	a, b := newReplicaServer(t, f, nil), newReplicaServer(t, f, nil)
	rs := replicasOf(t, nil, a, b)
	b.srv.Close()
	if _, err := rs.Keys(t.Context()); err != nil {
		t.Fatalf("Keys with one replica down: %v", err)
	}
	if !rs.replicas[1].usable.Load() {
		t.Error("a replica that agreed and missed one refresh was refused")
	}
	a.srv.Close()
	if _, err := rs.Keys(t.Context()); !errors.Is(err, api.ErrUnavailable) {
		t.Errorf("Keys with every replica down: %v, want ErrUnavailable", err)
	}
}
