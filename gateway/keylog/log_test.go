package keylog

import (
	"crypto/ed25519"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/keylog/keylogtest"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
)

const day = 24 * time.Hour

// logKey signs the checkpoints of test logs.
var logKey = keylogtest.SigningKey("log")

func newLog(t testing.TB, s Storage, witnesses map[string]ed25519.PublicKey) *Log {
	t.Helper()
	l, err := New(s, Config{Origin: keylogtest.Origin, Key: logKey, Witnesses: witnesses})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func newVerifier(t testing.TB, witnesses map[string]ed25519.PublicKey, quorum int) *verify.Verifier {
	t.Helper()
	v, err := verify.New(verify.Config{Origin: keylogtest.Origin, LogKey: keylogtest.Public(logKey), Witnesses: witnesses, Quorum: quorum}, verify.State{})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// statements are nine statements of two couriers, in a valid order.
func statements(t testing.TB) [][]byte {
	swift, other := keylogtest.NewCourier(t, "sim-swift"), keylogtest.NewCourier(t, "sim-other")
	return [][]byte{
		swift.First(),
		swift.Key("a", -10*day, 20*day),
		other.First(),
		other.Key("a", -10*day, 20*day),
		swift.Key("b", 10*day, 60*day),
		swift.Rotate(),
		swift.Key("c", 50*day, 100*day),
		other.Rotate(),
		other.Key("b", 10*day, 60*day),
	}
}

func TestLogAppendsOnlyStatementsAndEachOnce(t *testing.T) {
	ctx := t.Context()
	l := newLog(t, NewMemory(), nil)
	stmts := statements(t)
	for i, s := range stmts {
		if index, err := l.Append(ctx, s); err != nil || index != int64(i) {
			t.Fatalf("Append(statement %d) = %d, %v", i, index, err)
		}
	}
	for i, s := range stmts {
		if index, err := l.Append(ctx, s); err != nil || index != int64(i) {
			t.Errorf("Append(statement %d) again = %d, %v; want %d", i, index, err, i)
		}
	}

	swift := keylogtest.NewCourier(t, "sim-swift")
	old := swift.Signing
	swift.Rotate()
	unsignedChange, err := keystatement.SignSigningKey(keystatement.SigningKey{Courier: "sim-swift", Key: keylogtest.Public(swift.Signing), Previous: keylogtest.Public(old)}, swift.Signing, old)
	if err != nil {
		t.Fatal(err)
	}
	// Drop the previous key's signature: the second signature line.
	unsignedChange = unsignedChange[:strings.LastIndex(strings.TrimSuffix(string(unsignedChange), "\n"), "\n")+1]
	tampered := slices.Clone(stmts[1])
	tampered[len("tg1 key statement\ncourier sim-")] = 'x'

	for _, tt := range []struct {
		name  string
		entry []byte
		also  error
	}{
		{"empty", nil, keystatement.ErrMalformed},
		{"not a note", []byte("hello\n"), keystatement.ErrMalformed},
		{"a note of another kind", []byte("hello\n\n— x AAAAAAA=\n"), keystatement.ErrMalformed},
		{"a tampered key statement", tampered, keystatement.ErrBadSignature},
		{"a change of signing key without the previous key's signature", unsignedChange, keystatement.ErrSigningKeyChanged},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := l.Append(ctx, tt.entry)
			if !errors.Is(err, ErrInvalidStatement) || !errors.Is(err, tt.also) {
				t.Errorf("Append = %v, want ErrInvalidStatement and %v", err, tt.also)
			}
		})
	}
	if n, err := l.Size(ctx); n != int64(len(stmts)) || err != nil {
		t.Errorf("Size = %d, %v after refusals; want %d", n, err, len(stmts))
	}
}

// testProofs grows a log statement by statement and checks, as a client
// would, each checkpoint's consistency with the one before and the
// inclusion of every entry in it.
func testProofs(t *testing.T, s Storage) {
	ctx := t.Context()
	l := newLog(t, s, nil)
	v := newVerifier(t, nil, 0)
	stmts := statements(t)
	old := int64(0)
	for i, stmt := range stmts {
		if _, err := l.Append(ctx, stmt); err != nil {
			t.Fatal(err)
		}
		cp, err := l.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		size := int64(i + 1)
		proof, err := l.ConsistencyProof(ctx, old, size)
		if err != nil {
			t.Fatalf("ConsistencyProof(%d, %d): %v", old, size, err)
		}
		c, err := v.Update(cp, proof)
		if err != nil || c.Size != size || c.Hash != rfc6962Root(stmts[:size]) {
			t.Fatalf("Update to %d entries = %+v, %v", size, c, err)
		}
		for index := range size {
			p, err := l.InclusionProof(ctx, index, size)
			if err != nil {
				t.Fatalf("InclusionProof(%d, %d): %v", index, size, err)
			}
			if err := verify.CheckInclusion(c, verify.Proven{Index: index, Entry: stmts[index], Proof: p}); err != nil {
				t.Errorf("entry %d of %d: %v", index, size, err)
			}
			// The proof of one entry proves no other.
			if other := (index + 1) % size; other != index {
				err := verify.CheckInclusion(c, verify.Proven{Index: index, Entry: stmts[other], Proof: p})
				if !errors.Is(err, verify.ErrNotIncluded) {
					t.Errorf("entry %d's proof for entry %d: %v, want ErrNotIncluded", index, other, err)
				}
			}
		}
		old = size
	}
	// A consistency proof between any two sizes.
	for a := int64(1); a <= old; a++ {
		for b := a; b <= old; b++ {
			w := newVerifier(t, nil, 0)
			first, _ := l.checkpointAt(ctx, a, nil)
			second, _ := l.checkpointAt(ctx, b, nil)
			proof, err := l.ConsistencyProof(ctx, a, b)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Update(first, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := w.Update(second, proof); err != nil {
				t.Errorf("%d to %d entries: %v", a, b, err)
			}
		}
	}
}

func TestLogProofsVerifyInMemory(t *testing.T) { testProofs(t, NewMemory()) }

func TestLogProofsVerifyInRedis(t *testing.T) {
	r := redistest.Single(t)
	testProofs(t, NewRedis(r.Client, WithKeyPrefix(r.Prefix(t))))
}

func TestLogRefusesWhatIsOutsideIt(t *testing.T) {
	ctx := t.Context()
	l := newLog(t, NewMemory(), nil)
	for _, s := range statements(t)[:4] {
		if _, err := l.Append(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"inclusion in a larger log", func() error { _, err := l.InclusionProof(ctx, 0, 5); return err }, ErrRange},
		{"inclusion of an entry past the size", func() error { _, err := l.InclusionProof(ctx, 2, 2); return err }, ErrRange},
		{"inclusion of a negative index", func() error { _, err := l.InclusionProof(ctx, -1, 2); return err }, ErrRange},
		{"consistency with a larger log", func() error { _, err := l.ConsistencyProof(ctx, 2, 5); return err }, ErrRange},
		{"consistency backwards", func() error { _, err := l.ConsistencyProof(ctx, 3, 2); return err }, ErrRange},
		{"consistency from a negative size", func() error { _, err := l.ConsistencyProof(ctx, -1, 2); return err }, ErrRange},
		{"an entry past the end", func() error { _, err := l.Entry(ctx, 4); return err }, ErrNotFound},
		{"a negative entry", func() error { _, err := l.Entry(ctx, -1); return err }, ErrNotFound},
		{"entries past the end", func() error { _, err := l.Entries(ctx, 2, 5); return err }, ErrRange},
		{"entries backwards", func() error { _, err := l.Entries(ctx, 3, 2); return err }, ErrRange},
		{"a statement never appended", func() error { _, err := l.IndexOf(ctx, statements(t)[5]); return err }, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestLogServesEntries(t *testing.T) {
	ctx := t.Context()
	l := newLog(t, NewMemory(), nil)
	stmts := statements(t)
	for _, s := range stmts {
		if _, err := l.Append(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if e, err := l.Entry(ctx, 3); err != nil || string(e) != string(stmts[3]) {
		t.Errorf("Entry(3) = %q, %v", e, err)
	}
	if es, err := l.Entries(ctx, 2, 6); err != nil || !slices.EqualFunc(es, stmts[2:6], slices.Equal) {
		t.Errorf("Entries(2, 6) = %q, %v", es, err)
	}
	if i, err := l.IndexOf(ctx, stmts[7]); err != nil || i != 7 {
		t.Errorf("IndexOf(statement 7) = %d, %v", i, err)
	}
	if _, err := l.Entries(ctx, 0, MaxEntries+1); !errors.Is(err, ErrRange) {
		t.Errorf("Entries of more than MaxEntries = %v, want ErrRange", err)
	}
}

func TestEveryGatewaySignsTheSameCheckpoint(t *testing.T) {
	ctx := t.Context()
	s := NewMemory()
	a, b := newLog(t, s, nil), newLog(t, s, nil)
	for _, stmt := range statements(t)[:3] {
		if _, err := a.Append(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	ca, err := a.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := b.Checkpoint(ctx)
	if err != nil || string(ca) != string(cb) {
		t.Errorf("two gateways' checkpoints:\n%s\n%s", ca, cb)
	}
	text := strings.SplitN(string(ca), "\n\n", 2)[0]
	if want := keylogtest.Origin + "\n3\n" + rfc6962Root(statements(t)[:3]).String(); text != want {
		t.Errorf("checkpoint text %q, want %q", text, want)
	}
}

func TestNewChecksTheConfig(t *testing.T) {
	w := keylogtest.Public(keylogtest.SigningKey("w"))
	for _, tt := range []struct {
		name string
		cfg  Config
	}{
		{"no origin", Config{Key: logKey}},
		{"an origin with a space", Config{Origin: "trackgate example", Key: logKey}},
		{"no key", Config{Origin: keylogtest.Origin}},
		{"a witness under the log's name", Config{Origin: keylogtest.Origin, Key: logKey, Witnesses: map[string]ed25519.PublicKey{keylogtest.Origin: w}}},
		{"a witness without a key", Config{Origin: keylogtest.Origin, Key: logKey, Witnesses: map[string]ed25519.PublicKey{"w": nil}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(NewMemory(), tt.cfg); err == nil {
				t.Error("New accepted it")
			}
		})
	}
}

func TestAnEmptyLogHasTheEmptyRootAndGrowsFromIt(t *testing.T) {
	ctx := t.Context()
	l := newLog(t, NewMemory(), nil)
	v := newVerifier(t, nil, 0)
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := v.Update(cp, nil)
	if err != nil || c.Size != 0 || c.Hash != rfc6962Root(nil) {
		t.Fatalf("empty log: %+v, %v; want size 0 and SHA-256 of nothing", c, err)
	}
	if _, err := l.Append(ctx, statements(t)[0]); err != nil {
		t.Fatal(err)
	}
	proof, err := l.ConsistencyProof(ctx, 0, 1)
	if err != nil || len(proof) != 0 {
		t.Fatalf("ConsistencyProof(0, 1) = %v, %v; want an empty proof", proof, err)
	}
	cp, _ = l.Checkpoint(ctx)
	if c, err := v.Update(cp, proof); err != nil || c.Size != 1 {
		t.Errorf("from the empty log to 1 entry: %+v, %v", c, err)
	}
}
