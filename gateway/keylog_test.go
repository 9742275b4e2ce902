package gateway

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/keylog"
	"github.com/trackgate/trackgate/gateway/keylog/keylogtest"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
)

// TestKeyLogEndToEndOverHTTP: courier hosts on loopback state their keys,
// the gateway appends the statements and lists the keys with proofs, and
// a client checks all of it with gateway/keylog/verify, before and after
// a key rotation, the consistency proof between the two included.
func TestKeyLogEndToEndOverHTTP(t *testing.T) {
	alpha := newLoggedCourier(t, "alpha", crypto.FactorNone, api.ModePush)
	beta := newLoggedCourier(t, "beta", crypto.FactorPhoneLast4, api.ModePull)
	gw, srv := gatewayOf(t, nil, []*loggedCourier{alpha, beta}, true, nil)
	if err := gw.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	client := newLogClient(t, srv)
	d := client.directory()
	v := verifierFor(t, d, nil, 0)
	before := client.update(v, d)
	if before.Size != 4 {
		t.Fatalf("checkpoint of %d entries, want 4: a signing-key and a key statement per courier", before.Size)
	}
	for _, c := range []*loggedCourier{alpha, beta} {
		keys := verifyCourier(t, v, d, courierOf(t, d, c.id))
		if len(keys) != 1 || keys[0].KeyID() != c.oprf.Public().KeyID() || !keys[0].SigningKey.Equal(keylogtest.Public(c.signing)) {
			t.Fatalf("%s: verified keys %+v, want its one key signed by its host", c.id, keys)
		}
	}

	// A rotation: the new key is stated, and the old one again with its
	// shortened window.
	next := alpha.rotate(t)
	if err := gw.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	d = client.directory()
	after := client.update(v, d) // checks the consistency proof from 4
	if after.Size != 6 {
		t.Fatalf("checkpoint of %d entries after the rotation, want 6", after.Size)
	}
	keys := verifyCourier(t, v, d, courierOf(t, d, "alpha"))
	if len(keys) != 2 || keys[1].KeyID() != next.Public().KeyID() {
		t.Fatalf("alpha after the rotation: %+v, want the old key and %s", keys, next.Public().KeyID())
	}
	verifyCourier(t, v, d, courierOf(t, d, "beta"))

	// The routes agree with the directory: every entry, its inclusion
	// proof, and a consistency proof a fresh client checks itself.
	status, body := client.get("/v1/log/entries?start=0&end=6")
	var entries api.LogEntries
	if status != 200 || json.Unmarshal(body, &entries) != nil || len(entries.Entries) != 6 {
		t.Fatalf("entries: %d %s", status, body)
	}
	for i, e := range entries.Entries {
		proof := client.proof("/v1/log/inclusion?index=" + strconv.Itoa(i) + "&size=6")
		if err := verify.CheckInclusion(after, verify.Proven{Index: int64(i), Entry: e, Proof: proof}); err != nil {
			t.Errorf("entry %d: %v", i, err)
		}
	}
	consistency := client.proof("/v1/log/consistency?old=4&new=6")
	if err := tlog.CheckTree(consistency, after.Size, after.Hash, before.Size, before.Hash); err != nil {
		t.Errorf("consistency 4 → 6: %v", err)
	}
	status, body = client.get("/v1/log/checkpoint")
	if status != 200 || string(body) != d.KeyLog.Checkpoint {
		t.Errorf("GET /v1/log/checkpoint: %d %q, want the directory's checkpoint", status, body)
	}
}

// TestKeyLogAppendsEachStatementOnce: refreshes, concurrent ones
// included, append nothing new while the hosts state nothing new, and the
// directory stays byte for byte the same.
func TestKeyLogAppendsEachStatementOnce(t *testing.T) {
	alpha := newLoggedCourier(t, "alpha", crypto.FactorNone, api.ModePush)
	beta := newLoggedCourier(t, "beta", crypto.FactorNone, api.ModePull)
	gw, _ := gatewayOf(t, nil, []*loggedCourier{alpha, beta}, false, nil)
	if err := gw.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	first := gw.dir.get().body
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if err := gw.Refresh(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := logSize(t, gw); n != 4 {
		t.Fatalf("%d entries after five refreshes, want 4", n)
	}
	if !bytes.Equal(gw.dir.get().body, first) {
		t.Error("the directory changed though nothing did")
	}
}

// TestKeyLogSharedByGatewaysOnRedis: two gateways on one Redis append
// each statement once between them, and serve the same directory.
func TestKeyLogSharedByGatewaysOnRedis(t *testing.T) {
	r := redistest.Single(t)
	prefix := r.Prefix(t)
	alpha := newLoggedCourier(t, "alpha", crypto.FactorNone, api.ModePush)
	beta := newLoggedCourier(t, "beta", crypto.FactorPhoneLast4, api.ModePull)
	var gateways []*Gateway
	for range 2 {
		client := redis.NewClient(&redis.Options{Addr: r.Addr})
		t.Cleanup(func() { client.Close() })
		gw, _ := gatewayOf(t, nil, []*loggedCourier{alpha, beta}, false, func(c *Config) {
			c.KeyLog.Storage = keylog.NewRedis(client, keylog.WithKeyPrefix(prefix))
		})
		gateways = append(gateways, gw)
	}
	refreshAll := func() {
		var wg sync.WaitGroup
		for _, gw := range gateways {
			for range 3 {
				wg.Go(func() {
					if err := gw.Refresh(context.Background()); err != nil {
						t.Error(err)
					}
				})
			}
		}
		wg.Wait()
	}
	refreshAll()
	if n := logSize(t, gateways[0]); n != 4 {
		t.Fatalf("%d entries, want 4: each statement once", n)
	}
	alpha.rotate(t)
	refreshAll()
	if n := logSize(t, gateways[1]); n != 6 {
		t.Fatalf("%d entries after a rotation, want 6", n)
	}
	// Each gateway may have assembled its directory before the other's
	// last append: one more refresh each, and they serve the same bytes.
	for _, gw := range gateways {
		if err := gw.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	a, b := gateways[0].dir.get(), gateways[1].dir.get()
	if a.etag != b.etag {
		t.Fatalf("two gateways on one key log serve different directories:\n%s\n%s", a.body, b.body)
	}
	var d api.Directory
	if err := json.Unmarshal(a.body, &d); err != nil {
		t.Fatal(err)
	}
	v := verifierFor(t, d, nil, 0)
	if _, err := v.Update([]byte(d.KeyLog.Checkpoint), nil); err != nil {
		t.Fatal(err)
	}
	if keys := verifyCourier(t, v, d, courierOf(t, d, "alpha")); len(keys) != 2 {
		t.Errorf("alpha: %d keys, want 2 after its rotation", len(keys))
	}
}

// statedHost is a courier host whose answer a test writes: the attacks
// on the log come from a host (or whoever holds its link or its key)
// serving statements a real host would not.
type statedHost struct {
	mu     sync.Mutex
	answer api.KeysResponse
}

func (h *statedHost) set(signingKeys [][]byte, statements ...[]byte) {
	a := api.KeysResponse{Keys: []api.Key{}, Statements: []string{}, SigningKeys: []string{}}
	for _, s := range signingKeys {
		a.SigningKeys = append(a.SigningKeys, string(s))
	}
	for _, s := range statements {
		a.Statements = append(a.Statements, string(s))
		if k, err := keystatement.OpenKey(s); err == nil {
			a.Keys = append(a.Keys, api.Key{KeyID: k.KeyID(), PublicKey: k.PublicKey, NotBefore: k.NotBefore, NotAfter: k.NotAfter})
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.answer = a
}

func (h *statedHost) KeysAnswer(context.Context) (api.KeysResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.answer, nil
}

func (h *statedHost) Keys(ctx context.Context) ([]api.Key, error) {
	a, err := h.KeysAnswer(ctx)
	return a.Keys, err
}

func (h *statedHost) Evaluate(context.Context, string, [][]byte) ([][]byte, []byte, error) {
	return nil, nil, api.ErrUnavailable
}

func (h *statedHost) Bucket(context.Context, uint32) ([]crypto.SealedRecord, error) {
	return nil, api.ErrNotPullMode
}

func (h *statedHost) Record(context.Context, []byte) (crypto.SealedRecord, error) {
	return crypto.SealedRecord{}, api.ErrNotPullMode
}

// keyOf is a key statement of courier c live from now+from to now+to,
// for the test gateways' bucket bits, signed by sk (c's current key
// unless a test forges).
func keyOf(t *testing.T, c *keylogtest.Courier, label string, from, to time.Duration, sk ed25519.PrivateKey) []byte {
	t.Helper()
	k := c.Statement(label, from, to)
	k.NotBefore = time.Now().Add(from).UTC().Truncate(time.Second)
	k.NotAfter = time.Now().Add(to).UTC().Truncate(time.Second)
	k.BucketBits = testBucketBits
	k.SigningKey = keylogtest.Public(sk)
	return keylogtest.SignKey(t, k, sk)
}

// statedGateway is a gateway with one courier "alpha" behind a statedHost.
func statedGateway(t *testing.T, logs *syncedBuffer) (*Gateway, *statedHost, *logClient) {
	t.Helper()
	host := &statedHost{}
	c := &loggedCourier{id: "alpha", factor: crypto.FactorNone, mode: api.ModePush, signing: keylogtest.SigningKey("alpha 0")}
	gw, srv := gatewayOf(t, logs, []*loggedCourier{c}, false, func(cfg *Config) { cfg.Couriers[0].Host = host })
	return gw, host, newLogClient(t, srv)
}

type syncedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncedBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncedBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestKeyLogRefusesAHostThatBreaksItsHistory: a host serving statements
// that do not continue its courier's history in the log, or that make
// three keys live, is refused: nothing of what it serves is appended,
// none of its keys is listed, and the refusal is logged. Serving honest
// statements again lists its keys again.
func TestKeyLogRefusesAHostThatBreaksItsHistory(t *testing.T) {
	tests := []struct {
		name  string
		serve func(t *testing.T, c *keylogtest.Courier, h *statedHost, first []byte)
	}{
		{"a new signing key not signed by the previous one", func(t *testing.T, c *keylogtest.Courier, h *statedHost, _ []byte) {
			thief := keylogtest.SigningKey("thief")
			claim, err := keystatement.SignSigningKey(keystatement.SigningKey{Courier: c.ID, Key: keylogtest.Public(thief)}, thief, nil)
			if err != nil {
				t.Fatal(err)
			}
			h.set([][]byte{claim}, keyOf(t, c, "thief's", -time.Hour, 24*time.Hour, thief))
		}},
		{"a change claimed from another key", func(t *testing.T, c *keylogtest.Courier, h *statedHost, first []byte) {
			other, thief := keylogtest.SigningKey("other"), keylogtest.SigningKey("thief")
			claim, err := keystatement.SignSigningKey(keystatement.SigningKey{Courier: c.ID, Key: keylogtest.Public(thief), Previous: keylogtest.Public(other)}, thief, other)
			if err != nil {
				t.Fatal(err)
			}
			h.set([][]byte{first, claim}, keyOf(t, c, "thief's", -time.Hour, 24*time.Hour, thief))
		}},
		{"a key signed by a key that is not the courier's", func(t *testing.T, c *keylogtest.Courier, h *statedHost, first []byte) {
			h.set([][]byte{first}, keyOf(t, c, "forged", -time.Hour, 24*time.Hour, keylogtest.SigningKey("thief")))
		}},
		{"three keys live at once", func(t *testing.T, c *keylogtest.Courier, h *statedHost, first []byte) {
			h.set([][]byte{first}, keyOf(t, c, "a", -time.Hour, 24*time.Hour, c.Signing),
				keyOf(t, c, "b", -time.Minute, 48*time.Hour, c.Signing), keyOf(t, c, "c", 0, 72*time.Hour, c.Signing))
		}},
		{"a statement of another courier", func(t *testing.T, c *keylogtest.Courier, h *statedHost, first []byte) {
			other := keylogtest.NewCourier(t, "beta")
			h.set([][]byte{first}, keyOf(t, other, "beta's", -time.Hour, 24*time.Hour, other.Signing))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &syncedBuffer{}
			gw, host, client := statedGateway(t, logs)
			c := keylogtest.NewCourier(t, "alpha")
			first := c.First()
			honest := keyOf(t, c, "honest", -time.Hour, 24*time.Hour, c.Signing)
			host.set([][]byte{first}, honest)
			if err := gw.Refresh(t.Context()); err != nil {
				t.Fatal(err)
			}
			d := client.directory()
			v := verifierFor(t, d, nil, 0)
			client.update(v, d)
			if keys := verifyCourier(t, v, d, courierOf(t, d, "alpha")); len(keys) != 1 {
				t.Fatalf("before: %d keys listed, want 1", len(keys))
			}
			size := logSize(t, gw)

			tt.serve(t, c, host, first)
			if err := gw.Refresh(t.Context()); err != nil {
				t.Fatalf("a refused host is not an unreachable one: %v", err)
			}
			if n := logSize(t, gw); n != size {
				t.Errorf("%d entries appended from a refused host", n-size)
			}
			d = client.directory()
			if e := courierOf(t, d, "alpha"); len(e.Keys) != 0 || len(e.Log.Keys) != 0 {
				t.Errorf("a refused host's keys are listed: %+v", e.Keys)
			}
			if !strings.Contains(logs.String(), "courier host refused") {
				t.Errorf("the refusal is not logged:\n%s", logs)
			}
			client.update(v, d)
			verifyCourier(t, v, d, courierOf(t, d, "alpha")) // what is still shown holds

			host.set([][]byte{first}, honest)
			if err := gw.Refresh(t.Context()); err != nil {
				t.Fatal(err)
			}
			d = client.directory()
			if keys := verifyCourier(t, v, d, courierOf(t, d, "alpha")); len(keys) != 1 {
				t.Errorf("after honest statements again: %d keys, want 1", len(keys))
			}
		})
	}
}

// TestKeyLogFollowsASigningKeyChange: a change of signing key that the
// previous key signed is appended; the courier's keys, stated again by
// the new key, are listed, and a client that pinned the first key on
// first sight follows the change.
func TestKeyLogFollowsASigningKeyChange(t *testing.T) {
	alpha := newLoggedCourier(t, "alpha", crypto.FactorNone, api.ModePush)
	gw, srv := gatewayOf(t, nil, []*loggedCourier{alpha}, false, nil)
	if err := gw.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	client := newLogClient(t, srv)
	d := client.directory()
	v := verifierFor(t, d, nil, 0)
	client.update(v, d)
	verifyCourier(t, v, d, courierOf(t, d, "alpha"))
	if pin := v.State().Pins["alpha"]; !bytes.Equal(pin, keylogtest.Public(alpha.signing)) {
		t.Fatalf("pinned %x on first sight, want alpha's signing key", pin)
	}

	next := keylogtest.SigningKey("alpha next")
	if err := alpha.host.SetSigningKey(next); err != nil {
		t.Fatal(err)
	}
	if err := gw.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := logSize(t, gw); n != 4 {
		t.Fatalf("%d entries, want 4: the change and the key stated by the new signing key", n)
	}
	d = client.directory()
	client.update(v, d)
	e := courierOf(t, d, "alpha")
	if len(e.Log.SigningKeys) != 2 {
		t.Fatalf("%d signing-key statements shown, want the first and the change", len(e.Log.SigningKeys))
	}
	keys := verifyCourier(t, v, d, e)
	if len(keys) != 1 || !keys[0].SigningKey.Equal(keylogtest.Public(next)) {
		t.Fatalf("keys %+v, want alpha's key stated by its new signing key", keys)
	}
	if pin := v.State().Pins["alpha"]; !bytes.Equal(pin, keylogtest.Public(next)) {
		t.Errorf("the pin did not follow the change")
	}
}

// TestKeyLogListsOnlyKeysWithTheirStatement: a key listed without a
// statement, or with one for another mode, factor or bucket bits than
// the gateway's, is not listed; the host's other keys are.
func TestKeyLogListsOnlyKeysWithTheirStatement(t *testing.T) {
	logs := &syncedBuffer{}
	gw, host, client := statedGateway(t, logs)
	c := keylogtest.NewCourier(t, "alpha")
	good := keyOf(t, c, "good", -time.Hour, 24*time.Hour, c.Signing)
	pull := c.Statement("pull", -time.Hour, 24*time.Hour)
	pull.Mode, pull.BucketBits = keystatement.ModePull, testBucketBits
	host.set([][]byte{c.First()}, good, keylogtest.SignKey(t, pull, c.Signing))
	// And one key with no statement at all.
	bare := c.Statement("bare", 0, time.Hour)
	host.answer.Keys = append(host.answer.Keys, api.Key{KeyID: bare.KeyID(), PublicKey: bare.PublicKey, NotBefore: bare.NotBefore, NotAfter: bare.NotAfter})
	if err := gw.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	d := client.directory()
	v := verifierFor(t, d, nil, 0)
	client.update(v, d)
	keys := verifyCourier(t, v, d, courierOf(t, d, "alpha"))
	goodKey, _ := keystatement.OpenKey(good)
	if len(keys) != 1 || keys[0].KeyID() != goodKey.KeyID() {
		t.Fatalf("listed %+v, want the good key alone", keys)
	}
	for _, want := range []string{"without its statement", "another mode, factor or bucket bits"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log does not say %q:\n%s", want, logs)
		}
	}
	if n := logSize(t, gw); n != 2 {
		t.Errorf("%d entries, want the signing key and the good key's statement", n)
	}
}

// TestKeyLogWithAQuorumListsKeysOnceWitnessed: with a quorum, the
// directory names the latest checkpoint the witnesses cosigned, and a key
// is listed only once a checkpoint holding its statement is cosigned; a
// cosignature of a witness the gateway does not know is refused 422.
func TestKeyLogWithAQuorumListsKeysOnceWitnessed(t *testing.T) {
	witnessKey := keylogtest.SigningKey("witness")
	witnesses := map[string]ed25519.PublicKey{"witness.example": keylogtest.Public(witnessKey)}
	alpha := newLoggedCourier(t, "alpha", crypto.FactorNone, api.ModePush)
	gw, srv := gatewayOf(t, nil, []*loggedCourier{alpha}, false, func(c *Config) {
		c.KeyLog.Witnesses, c.KeyLog.Quorum = witnesses, 1
	})
	if err := gw.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	client := newLogClient(t, srv)
	d := client.directory()
	if e := courierOf(t, d, "alpha"); len(e.Keys) != 0 {
		t.Fatalf("a key listed before any witness cosigned: %+v", e.Keys)
	}
	if status, _ := client.get("/v1/log/checkpoint?witnessed=1"); status != 404 {
		t.Errorf("the witnessed checkpoint before any cosignature: %d, want 404", status)
	}

	logCfg := verify.Config{Origin: keylogtest.Origin, LogKey: keylogtest.Public(testLogKey)}
	witness, err := verify.NewWitness(logCfg, "witness.example", witnessKey, verify.State{})
	if err != nil {
		t.Fatal(err)
	}
	cosign := func() {
		t.Helper()
		_, latest := client.get("/v1/log/checkpoint")
		var proof []tlog.Hash
		if last, ok := witness.Latest(); ok && last.Size > 0 {
			c, _ := parseCheckpoint(latest)
			proof = client.proof("/v1/log/consistency?old=" + strconv.Itoa(int(last.Size)) + "&new=" + strconv.Itoa(int(c.Size)))
		}
		cosigned, err := witness.Cosign(latest, proof)
		if err != nil {
			t.Fatal(err)
		}
		if status, body := client.send("POST", "/v1/log/cosignatures", "text/plain", cosigned); status != 204 {
			t.Fatalf("the witness's cosignature: %d %s", status, body)
		}
	}

	// A stranger's cosignature is refused, and changes nothing.
	_, latest := client.get("/v1/log/checkpoint")
	stranger, err := verify.NewWitness(logCfg, "stranger.example", keylogtest.SigningKey("stranger"), verify.State{})
	if err != nil {
		t.Fatal(err)
	}
	forged, err := stranger.Cosign(latest, nil)
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := client.send("POST", "/v1/log/cosignatures", "text/plain", forged); status != 422 {
		t.Errorf("a cosignature of an unknown witness: %d, want 422", status)
	}
	if e := courierOf(t, client.directory(), "alpha"); len(e.Keys) != 0 {
		t.Fatalf("a key listed after a stranger's cosignature: %+v", e.Keys)
	}

	cosign()
	d = client.directory() // rebuilt at the cosignature, without a refresh
	v := verifierFor(t, d, witnesses, 1)
	client.update(v, d)
	if keys := verifyCourier(t, v, d, courierOf(t, d, "alpha")); len(keys) != 1 {
		t.Fatalf("after the cosignature: %d keys, want alpha's", len(keys))
	}

	// A rotation: the new key waits for the witness; the old one stays
	// listed, with its window as the witnessed checkpoint states it.
	next := alpha.rotate(t)
	if err := gw.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	d = client.directory()
	client.update(v, d)
	keys := verifyCourier(t, v, d, courierOf(t, d, "alpha"))
	if len(keys) != 1 || keys[0].KeyID() != alpha.oprf.Public().KeyID() {
		t.Fatalf("before the witness saw the rotation: %+v, want the old key alone", keys)
	}
	cosign()
	d = client.directory()
	client.update(v, d)
	keys = verifyCourier(t, v, d, courierOf(t, d, "alpha"))
	if len(keys) != 2 || keys[1].KeyID() != next.Public().KeyID() {
		t.Fatalf("once witnessed: %+v, want the old key and the new one", keys)
	}
	if !keys[0].NotAfter.Before(time.Now().Add(2 * time.Hour)) {
		t.Errorf("the old key is listed until %s, want its shortened window", keys[0].NotAfter)
	}
}

// TestKeyLogRoutesAnswerProblems: numbers out of order, too long a range
// or beyond the log are refused as problems, each checked against the
// document; a gateway without a key log answers 404 on every route.
func TestKeyLogRoutesAnswerProblems(t *testing.T) {
	alpha := newLoggedCourier(t, "alpha", crypto.FactorNone, api.ModePush)
	gw, srv := gatewayOf(t, nil, []*loggedCourier{alpha}, false, nil)
	if err := gw.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	client := newLogClient(t, srv) // a log of 2 entries
	_, checkpoint := client.get("/v1/log/checkpoint")
	tests := []struct {
		method, path string
		body         []byte
		status       int
	}{
		{"GET", "/v1/log/consistency?old=2&new=1", nil, 400},
		{"GET", "/v1/log/consistency?old=1&new=3", nil, 404},
		{"GET", "/v1/log/consistency?old=01&new=2", nil, 400},
		{"GET", "/v1/log/consistency?old=-1&new=2", nil, 400},
		{"GET", "/v1/log/consistency?new=2", nil, 400},
		{"GET", "/v1/log/consistency?old=0&new=2", nil, 200},
		{"GET", "/v1/log/inclusion?index=2&size=2", nil, 400},
		{"GET", "/v1/log/inclusion?index=0&size=3", nil, 404},
		{"GET", "/v1/log/inclusion?index=1&size=2", nil, 200},
		{"GET", "/v1/log/entries?start=1&end=0", nil, 400},
		{"GET", "/v1/log/entries?start=0&end=1001", nil, 400},
		{"GET", "/v1/log/entries?start=0&end=3", nil, 404},
		{"GET", "/v1/log/entries?start=2&end=2", nil, 200},
		{"GET", "/v1/log/checkpoint?witnessed=1", nil, 200}, // a quorum of 0: the latest
		{"GET", "/v1/log/checkpoint?witnessed=yes", nil, 400},
		{"POST", "/v1/log/cosignatures", []byte("not a note"), 422},
		{"POST", "/v1/log/cosignatures", checkpoint, 422}, // signed by the log, cosigned by nobody
		{"POST", "/v1/log/cosignatures", bytes.Repeat([]byte("x"), 17<<10), 413},
	}
	for _, tt := range tests {
		status, body := client.send(tt.method, tt.path, "text/plain", tt.body)
		if status != tt.status {
			t.Errorf("%s %s: %d %s, want %d", tt.method, tt.path, status, body, tt.status)
		}
	}
	if status, body := client.get("/v1/log/entries?start=2&end=2"); status != 200 || string(body) != `{"entries":[]}` {
		t.Errorf("an empty range: %s, want no entries", body)
	}

	h := newHarness(t) // no key log
	noLog := newLogClient(t, h.srv)
	for _, path := range []string{"/v1/log/checkpoint", "/v1/log/consistency?old=0&new=0", "/v1/log/inclusion?index=0&size=1", "/v1/log/entries?start=0&end=0"} {
		if status, _ := noLog.get(path); status != 404 {
			t.Errorf("GET %s without a key log: %d, want 404", path, status)
		}
	}
	if status, _ := noLog.send("POST", "/v1/log/cosignatures", "text/plain", checkpoint); status != 404 {
		t.Errorf("a cosignature without a key log: %d, want 404", status)
	}
	var d api.Directory
	if status, _, body := h.do("GET", "/v1/couriers", nil, nil); status != 200 || json.Unmarshal(body, &d) != nil || d.KeyLog != nil || d.Couriers[0].Log != nil {
		t.Errorf("a directory without a key log has key_log or log members: %s", body)
	}
}

// TestKeyLogReadsShareTheFetchBudget: the log's routes cost a client's
// fetch budget, as bucket fetches do.
func TestKeyLogReadsShareTheFetchBudget(t *testing.T) {
	alpha := newLoggedCourier(t, "alpha", crypto.FactorNone, api.ModePush)
	gw, srv := gatewayOf(t, nil, []*loggedCourier{alpha}, false, func(c *Config) { c.FetchRate, c.FetchBurst = 0.001, 3 })
	if err := gw.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	client := newLogClient(t, srv)
	for i, want := range []int{200, 200, 200, 429} {
		if status, _ := client.get("/v1/log/checkpoint"); status != want {
			t.Errorf("read %d: %d, want %d", i+1, status, want)
		}
	}
}
