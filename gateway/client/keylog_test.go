package client

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
	"github.com/trackgate/trackgate/gateway/keylog/keylogtest"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

// north is a courier whose numbers sim-east's catch-all shape matches too.
var north = clienttest.Courier{ID: "sim-north", Name: "Sim North", Patterns: []api.Pattern{{Regex: `^SE[0-9]{10}$`}}}

func TestAnHonestKeyLogIsCheckedAndRemembered(t *testing.T) {
	g := newGateway(t, 8, east, west)
	store := KeyLogFile(filepath.Join(t.TempDir(), "keylog", "state.json"))
	c := newClient(t, g, WithKeyLog(KeyLog{Store: store}))
	if _, err := c.Directory(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if refused := c.RefusedCouriers(); len(refused) != 0 {
		t.Fatalf("an honest log refused %v", refused)
	}
	st, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if st.Origin != keylogtest.Origin || st.Key != clienttest.LogVerifierKey() {
		t.Errorf("state pins the log %q %q, want %q %q", st.Origin, st.Key, keylogtest.Origin, clienttest.LogVerifierKey())
	}
	if len(st.Checkpoint) == 0 || !strings.HasPrefix(string(st.Checkpoint), keylogtest.Origin+"\n4\n") {
		t.Errorf("state keeps the checkpoint %q, want the log's of 4 entries", st.Checkpoint)
	}
	for _, id := range []string{"sim-east", "sim-west"} {
		if pin := ed25519.PublicKey(st.Pins[id]); !pin.Equal(g.CourierSigningKey(t, id)) {
			t.Errorf("state pins %s to %x, want its signing key", id, pin)
		}
	}
}

func TestTheKeyLogStateFileIsTheOwnersAlone(t *testing.T) {
	g := newGateway(t, 8, east)
	path := filepath.Join(t.TempDir(), "keylog", "state.json")
	c := newClient(t, g, WithKeyLog(KeyLog{Store: KeyLogFile(path)}))
	if _, err := c.Directory(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700 | os.ModeDir} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s has mode %v, want %v", p, fi.Mode(), want)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("the state's directory holds %d files, want the state alone", len(entries))
	}
}

func TestAGrownLogIsProvenConsistentOnce(t *testing.T) {
	g := newGateway(t, 8, east)
	c := newClient(t, g)
	for range 2 {
		if _, err := c.Directory(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	}
	if n := g.Hits(clienttest.RouteLogConsistency); n != 0 {
		t.Fatalf("%d consistency proofs fetched for a log that did not grow", n)
	}
	g.GrowKeyLog(t)
	for range 2 {
		if _, err := c.Directory(ctxT(t)); err != nil {
			t.Fatalf("a log that grew honestly: %v", err)
		}
	}
	if n := g.Hits(clienttest.RouteLogConsistency); n != 1 {
		t.Errorf("%d consistency proofs fetched, want 1 (the log grew once)", n)
	}
}

func TestAProofThatCannotBeFetchedFailsTheDirectory(t *testing.T) {
	g := newGateway(t, 8, east)
	c := newClient(t, g)
	if _, err := c.Directory(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	g.GrowKeyLog(t)
	g.Fail(clienttest.RouteLogConsistency, 503, "Down for a moment.")
	if _, err := c.Directory(ctxT(t)); !errors.Is(err, ErrGateway) {
		t.Fatalf("Directory = %v, want a gateway error", err)
	}
	g.Recover(clienttest.RouteLogConsistency)
	if _, err := c.Directory(ctxT(t)); err != nil {
		t.Fatalf("after the gateway recovered: %v", err)
	}
}

// Issue 12's attacks, as a client of a dishonest gateway meets them:
// each is caught with its own sentinel. A checkpoint attack fails the
// whole directory; a courier attack refuses that courier alone.
func TestEveryAttackOnTheKeysIsCaught(t *testing.T) {
	otherLog := keylogtest.SigningKey("another log")
	otherVKey := mustVKey(t, keylogtest.Origin, keylogtest.Public(otherLog))
	witness := keylogtest.SigningKey("witness")
	tests := []struct {
		name string
		// seen: the client fetched the honest directory before the attack,
		// after before.
		seen    bool
		before  func(t *testing.T, g *clienttest.Gateway)
		keyLog  func(g *clienttest.Gateway) KeyLog
		attack  func(t *testing.T, g *clienttest.Gateway)
		courier bool // the attack is on sim-east alone
		want    error
		says    string
	}{
		{name: "a substituted key, shown with a statement the log does not hold",
			attack: func(t *testing.T, g *clienttest.Gateway) { g.SubstituteKey(t, "sim-east") }, courier: true,
			want: verify.ErrNotIncluded, says: "the gateway shows a key of sim-east that is not in its key log: "},
		{name: "a substituted key the gateway appended to the log",
			attack: func(t *testing.T, g *clienttest.Gateway) { g.AppendSubstitutedKey(t, "sim-east") }, courier: true,
			want: verify.ErrSigningKeyChanged, says: "the key log shows sim-east's signing key changed without its previous key's signature: "},
		{name: "a statement in the log whose signature does not verify",
			attack: func(t *testing.T, g *clienttest.Gateway) { g.StateKeyBadlySigned(t, "sim-east") }, courier: true,
			want: verify.ErrBadSignature, says: "a key statement of sim-east is not signed by the key it names: "},
		{name: "three live keys",
			attack: func(t *testing.T, g *clienttest.Gateway) { g.StateThreeLiveKeys(t, "sim-east") }, courier: true,
			want: verify.ErrTooManyLiveKeys, says: "the gateway shows more than two live keys of sim-east: "},
		{name: "a signing key changed without the previous key's signature",
			attack: func(t *testing.T, g *clienttest.Gateway) { g.ChangeSigningKey(t, "sim-east") }, courier: true,
			want: verify.ErrSigningKeyChanged, says: "signing key changed"},
		{name: "another history of the courier, after its signing key was pinned on first sight", seen: true,
			attack: func(t *testing.T, g *clienttest.Gateway) { g.ReplaceHistory(t, "sim-east") }, courier: true,
			want: verify.ErrSigningKeyChanged, says: "(seen before)"},
		{name: "another history of the courier, against a configured pin",
			keyLog: func(g *clienttest.Gateway) KeyLog {
				return KeyLog{Pins: map[string]ed25519.PublicKey{"sim-east": g.CourierSigningKey(t, "sim-east")}}
			},
			attack: func(t *testing.T, g *clienttest.Gateway) { g.ReplaceHistory(t, "sim-east") }, courier: true,
			want: verify.ErrSigningKeyChanged, says: "(configured)"},
		{name: "a log forked: another history of a larger size", seen: true,
			attack: func(t *testing.T, g *clienttest.Gateway) { g.ForkKeyLog(t) },
			want:   verify.ErrFork, says: "the gateway's key log forked: "},
		{name: "a log forked: another history of the same size", seen: true,
			before: func(t *testing.T, g *clienttest.Gateway) { g.GrowKeyLog(t) },
			attack: func(t *testing.T, g *clienttest.Gateway) { g.ForkKeyLogSameSize(t) },
			want:   verify.ErrFork, says: "the gateway's key log forked: two checkpoints of 5 entries"},
		{name: "a rolled-back checkpoint", seen: true,
			before: func(t *testing.T, g *clienttest.Gateway) { g.GrowKeyLog(t) },
			attack: func(t *testing.T, g *clienttest.Gateway) { g.RollBackKeyLog(t) },
			want:   verify.ErrRollback, says: "the gateway's key log rolled back: a checkpoint of 4 entries after one of 5"},
		{name: "the key log hidden after it was seen", seen: true,
			attack: func(t *testing.T, g *clienttest.Gateway) { g.HideKeyLog(t) },
			want:   ErrNoKeyLog, says: "the gateway's directory no longer shows its key log"},
		{name: "a checkpoint signed by another key than the one configured",
			keyLog: func(*clienttest.Gateway) KeyLog { return KeyLog{Key: otherVKey} },
			attack: func(*testing.T, *clienttest.Gateway) {},
			want:   verify.ErrBadSignature, says: "the gateway's key log checkpoint is not signed by the log's key: "},
		{name: "a checkpoint without the witnesses' cosignatures",
			keyLog: func(*clienttest.Gateway) KeyLog {
				return KeyLog{Witnesses: map[string]ed25519.PublicKey{"witness.example": keylogtest.Public(witness)}, Quorum: 1}
			},
			attack: func(*testing.T, *clienttest.Gateway) {},
			want:   verify.ErrNotWitnessed, says: "the gateway's key log checkpoint lacks the witness cosignatures required: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGateway(t, 8, east, north)
			g.AddParcel(t, "sim-north", "SE1234567890", "", inTransit("sim-north", "SE1234567890"))
			var kl KeyLog
			if tt.keyLog != nil {
				kl = tt.keyLog(g)
			}
			c := newClient(t, g, WithKeyLog(kl))
			if tt.before != nil {
				tt.before(t, g)
			}
			if tt.seen {
				if _, err := c.Directory(ctxT(t)); err != nil {
					t.Fatalf("the honest directory: %v", err)
				}
			}
			tt.attack(t, g)

			_, dirErr := c.Directory(ctxT(t))
			res, trackErr := c.Track(ctxT(t), "SE1234567890", TrackOptions{Courier: "sim-east"})
			var err error
			if tt.courier {
				if dirErr != nil {
					t.Fatalf("an attack on one courier failed the whole directory: %v", dirErr)
				}
				err = c.RefusedCouriers()["sim-east"]
				if _, refused := c.RefusedCouriers()["sim-north"]; refused {
					t.Errorf("sim-north refused too")
				}
				if !errors.Is(trackErr, tt.want) || res == nil || statuses(res)["sim-east SE1234567890"] != OutcomeKeyLogRefused {
					t.Errorf("Track at sim-east = %v, %+v; want refused with %v", trackErr, res, tt.want)
				}
				// The others are still asked, and the refused courier never is.
				res, err := c.Track(ctxT(t), "SE1234567890", TrackOptions{})
				if err != nil || len(res.Legs) != 1 || res.Legs[0].Courier != "sim-north" {
					t.Fatalf("Track = %v, %+v; want found at sim-north", err, res)
				}
				if got := statuses(res)["sim-east SE1234567890"]; got != OutcomeKeyLogRefused {
					t.Errorf("sim-east's outcome = %q, want %q", got, OutcomeKeyLogRefused)
				}
				if !errors.Is(res.KeyLogError(), tt.want) {
					t.Errorf("Result.KeyLogError() = %v, want %v", res.KeyLogError(), tt.want)
				}
				wantShape(t, g, 1+DefaultMaxHandoffs, "sim-north")
			} else {
				err = dirErr
				if !errors.Is(trackErr, tt.want) || res != nil {
					t.Errorf("Track = %v, %+v; want no result and %v", trackErr, res, tt.want)
				}
				if n := len(g.Evaluations()); n != 0 {
					t.Errorf("%d evaluations sent with a directory that failed its key log check", n)
				}
			}
			if !errors.Is(err, tt.want) || !errors.Is(err, ErrKeyLog) {
				t.Fatalf("error %v, want %v and ErrKeyLog", err, tt.want)
			}
			var kle *KeyLogError
			if !errors.As(err, &kle) || (kle.Courier != "") != tt.courier {
				t.Errorf("error %#v, want a *KeyLogError of the right scope", err)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error says %q, want it to say %q", err, tt.says)
			}
		})
	}
}

// What a client that never saw the courier or the log cannot catch: a
// first sight is trusted. The state, kept, and witnesses are what make
// the next look count.
func TestAFirstSightIsTrusted(t *testing.T) {
	for name, attack := range map[string]func(*testing.T, *clienttest.Gateway){
		"a fork":              func(t *testing.T, g *clienttest.Gateway) { g.ForkKeyLog(t) },
		"a replaced history":  func(t *testing.T, g *clienttest.Gateway) { g.ReplaceHistory(t, "sim-east") },
		"an honest key grown": func(t *testing.T, g *clienttest.Gateway) { g.GrowKeyLog(t) },
	} {
		t.Run(name, func(t *testing.T) {
			g := newGateway(t, 8, east)
			attack(t, g)
			c := newClient(t, g)
			if _, err := c.Directory(ctxT(t)); err != nil || len(c.RefusedCouriers()) != 0 {
				t.Errorf("Directory = %v, refused %v; a first sight is trusted", err, c.RefusedCouriers())
			}
		})
	}
}

func TestAnHonestRotationOfASigningKeyIsFollowed(t *testing.T) {
	g := newGateway(t, 8, east)
	g.AddParcel(t, "sim-east", "SE1234567890", "", inTransit("sim-east", "SE1234567890"))
	store := &memoryKeyLogStore{}
	c := newClient(t, g, WithKeyLog(KeyLog{Store: store}))
	if _, err := c.Directory(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	before := g.CourierSigningKey(t, "sim-east")
	g.RotateSigningKey(t, "sim-east")
	if _, err := c.Track(ctxT(t), "SE1234567890", TrackOptions{}); err != nil {
		t.Fatalf("Track after an honest rotation: %v", err)
	}
	st, _ := store.Load()
	if pin := ed25519.PublicKey(st.Pins["sim-east"]); pin.Equal(before) || !pin.Equal(g.CourierSigningKey(t, "sim-east")) {
		t.Errorf("the pin on first sight did not follow the rotation")
	}
}

func TestTheStateKeptCatchesAForkInTheNextRun(t *testing.T) {
	g := newGateway(t, 8, east)
	path := filepath.Join(t.TempDir(), "state.json")
	first := newClient(t, g, WithKeyLog(KeyLog{Store: KeyLogFile(path)}))
	if _, err := first.Directory(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	g.ForkKeyLog(t)
	next := newClient(t, g, WithKeyLog(KeyLog{Store: KeyLogFile(path)}))
	if _, err := next.Directory(ctxT(t)); !errors.Is(err, verify.ErrFork) {
		t.Fatalf("the next run's Directory = %v, want the fork caught", err)
	}
	// Nothing learned from a failed check is kept.
	st, err := KeyLogFile(path).Load()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(st.Checkpoint), keylogtest.Origin+"\n2\n") {
		t.Errorf("the state now keeps %q, want the honest checkpoint of 2 entries", st.Checkpoint)
	}
}

func TestWitnessedCheckpointsAreTrusted(t *testing.T) {
	w1, w2 := keylogtest.SigningKey("witness one"), keylogtest.SigningKey("witness two")
	g := clienttest.New(t, clienttest.Config{BucketBits: 8, Couriers: []clienttest.Courier{east},
		Witnesses: map[string]ed25519.PrivateKey{"w1.example": w1, "w2.example": w2}})
	c := newClient(t, g, WithKeyLog(KeyLog{
		Key:       clienttest.LogVerifierKey(),
		Witnesses: map[string]ed25519.PublicKey{"w1.example": keylogtest.Public(w1), "w2.example": keylogtest.Public(w2)},
		Quorum:    2,
	}))
	if _, err := c.Directory(ctxT(t)); err != nil {
		t.Fatal(err)
	}
}

func TestADirectoryWithoutKeyLog(t *testing.T) {
	plain := func(t *testing.T) *clienttest.Gateway {
		return clienttest.New(t, clienttest.Config{BucketBits: 8, Couriers: []clienttest.Courier{east}, NoKeyLog: true})
	}
	t.Run("is used by a client that never saw one", func(t *testing.T) {
		c := newClient(t, plain(t))
		if _, err := c.Directory(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("is refused by a client configured with the log's key", func(t *testing.T) {
		c := newClient(t, plain(t), WithKeyLog(KeyLog{Key: clienttest.LogVerifierKey()}))
		if _, err := c.Directory(ctxT(t)); !errors.Is(err, ErrNoKeyLog) || !errors.Is(err, ErrKeyLog) {
			t.Fatalf("Directory = %v, want ErrNoKeyLog", err)
		}
	})
	t.Run("is refused by a client that pinned the log", func(t *testing.T) {
		store := &memoryKeyLogStore{}
		if _, err := newClient(t, newGateway(t, 8, east), WithKeyLog(KeyLog{Store: store})).Directory(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, plain(t), WithKeyLog(KeyLog{Store: store}))
		if _, err := c.Directory(ctxT(t)); !errors.Is(err, ErrNoKeyLog) {
			t.Fatalf("Directory = %v, want ErrNoKeyLog", err)
		}
	})
}

func TestAStateOfAnotherLogKeyIsRefused(t *testing.T) {
	store := &memoryKeyLogStore{}
	if _, err := newClient(t, newGateway(t, 8, east), WithKeyLog(KeyLog{Store: store})).Directory(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	other := mustVKey(t, keylogtest.Origin, keylogtest.Public(keylogtest.SigningKey("another log")))
	c := newClient(t, newGateway(t, 8, east), WithKeyLog(KeyLog{Key: other, Store: store}))
	_, err := c.Directory(ctxT(t))
	if !errors.Is(err, verify.ErrBadSignature) || !strings.Contains(err.Error(), "remove it") {
		t.Fatalf("Directory = %v, want the state's key named and how to start over", err)
	}
}

func TestKeyLogConfigurationIsCheckedByNew(t *testing.T) {
	vkey := clienttest.LogVerifierKey()
	tests := map[string]KeyLog{
		"a key that is no verifier key":      {Key: "trackgate.example/log+00000000+AAAA"},
		"an origin other than the key's":     {Key: vkey, Origin: "other.example/log"},
		"an origin without a key":            {Origin: keylogtest.Origin},
		"a quorum larger than the witnesses": {Key: vkey, Quorum: 1},
		"a witness key of the wrong size":    {Witnesses: map[string]ed25519.PublicKey{"w.example": make([]byte, 31)}},
		"a pin of the wrong size":            {Pins: map[string]ed25519.PublicKey{"sim-east": make([]byte, 16)}},
		"a pin of a bad courier id":          {Pins: map[string]ed25519.PublicKey{"Sim East": make([]byte, 32)}},
	}
	for name, kl := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := New("http://127.0.0.1:1", WithKeyLog(kl)); err == nil {
				t.Errorf("New accepted %+v", kl)
			}
		})
	}
}

func TestKeyLogErrorsReadAsSentences(t *testing.T) {
	tests := []struct {
		err  *KeyLogError
		want string
	}{
		{&KeyLogError{Err: fmt.Errorf("%w: two checkpoints of 5 entries", verify.ErrFork)},
			"the gateway's key log forked: two checkpoints of 5 entries"},
		{&KeyLogError{Courier: "sim-east", Err: fmt.Errorf("sim-east: %w: entry 1 of a log of 5", verify.ErrNotIncluded)},
			"the gateway shows a key of sim-east that is not in its key log: entry 1 of a log of 5"},
		{&KeyLogError{Courier: "sim-east", Err: fmt.Errorf("%w: 3 keys of sim-east are live", verify.ErrTooManyLiveKeys)},
			"the gateway shows more than two live keys of sim-east: 3 keys of sim-east are live"},
		{&KeyLogError{Err: fmt.Errorf("%w: no checkpoint trusted yet", verify.ErrNotIncluded)},
			"the key log check failed: statement not in the key log: no checkpoint trusted yet"},
		{&KeyLogError{Courier: "sim-east", Err: errors.New("something else")},
			"the key log check of sim-east failed: something else"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func mustVKey(t *testing.T, origin string, pk ed25519.PublicKey) string {
	t.Helper()
	vkey, err := keystatement.VerifierKey(origin, pk)
	if err != nil {
		t.Fatal(err)
	}
	return vkey
}
