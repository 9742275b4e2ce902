package verify_test

import (
	"crypto/ed25519"
	"testing"

	"github.com/trackgate/trackgate/gateway/keylog"
	"github.com/trackgate/trackgate/gateway/keylog/keylogtest"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

// logKey signs the checkpoints of the test logs.
var logKey = keylogtest.SigningKey("log")

// gateway is a log as a gateway keeps it: storage, so that a test can
// play a dishonest operator who appends without the Log's checks, and
// the Log that serves checkpoints and proofs.
type gateway struct {
	t       testing.TB
	storage *keylog.Memory
	log     *keylog.Log
}

func newGateway(t testing.TB, witnesses map[string]ed25519.PublicKey) *gateway {
	t.Helper()
	s := keylog.NewMemory()
	l, err := keylog.New(s, keylog.Config{Origin: keylogtest.Origin, Key: logKey, Witnesses: witnesses})
	if err != nil {
		t.Fatal(err)
	}
	return &gateway{t: t, storage: s, log: l}
}

// add appends statements through the Log, returning their indexes.
func (g *gateway) add(statements ...[]byte) []int64 {
	g.t.Helper()
	var out []int64
	for _, s := range statements {
		i, err := g.log.Append(g.t.Context(), s)
		if err != nil {
			g.t.Fatalf("Append: %v", err)
		}
		out = append(out, i)
	}
	return out
}

// force appends an entry without the Log's checks, as a dishonest
// operator's own code would.
func (g *gateway) force(entry []byte) int64 {
	g.t.Helper()
	i, _, err := g.storage.Append(g.t.Context(), entry)
	if err != nil {
		g.t.Fatal(err)
	}
	return i
}

func (g *gateway) size() int64 {
	g.t.Helper()
	n, err := g.log.Size(g.t.Context())
	if err != nil {
		g.t.Fatal(err)
	}
	return n
}

// update brings v to the gateway's checkpoint now, with the consistency
// proof from v's last one.
func (g *gateway) update(v *verify.Verifier) (verify.Checkpoint, error) {
	g.t.Helper()
	ctx := g.t.Context()
	cp, err := g.log.Checkpoint(ctx)
	if err != nil {
		g.t.Fatal(err)
	}
	last, _ := v.Latest()
	proof, err := g.log.ConsistencyProof(ctx, min(last.Size, g.size()), g.size())
	if err != nil {
		g.t.Fatal(err)
	}
	return v.Update(cp, proof)
}

// mustUpdate is update that must succeed.
func (g *gateway) mustUpdate(v *verify.Verifier) verify.Checkpoint {
	g.t.Helper()
	c, err := g.update(v)
	if err != nil {
		g.t.Fatalf("Update: %v", err)
	}
	return c
}

// proven is entry index with its proof in the log of size entries.
func (g *gateway) proven(index, size int64) verify.Proven {
	g.t.Helper()
	ctx := g.t.Context()
	e, err := g.log.Entry(ctx, index)
	if err != nil {
		g.t.Fatal(err)
	}
	p, err := g.log.InclusionProof(ctx, index, size)
	if err != nil {
		g.t.Fatal(err)
	}
	return verify.Proven{Index: index, Entry: e, Proof: p}
}

// show is what the gateway shows of courier at the log's size now: the
// signing-key statements and key statements at the given indexes.
func (g *gateway) show(courier string, signing, keys []int64) verify.Courier {
	g.t.Helper()
	size := g.size()
	c := verify.Courier{ID: courier}
	for _, i := range signing {
		c.SigningKeys = append(c.SigningKeys, g.proven(i, size))
	}
	for _, i := range keys {
		c.Keys = append(c.Keys, g.proven(i, size))
	}
	return c
}

func newClient(t testing.TB, cfg verify.Config) *verify.Verifier {
	t.Helper()
	cfg.Origin = keylogtest.Origin
	cfg.LogKey = keylogtest.Public(logKey)
	v, err := verify.New(cfg, verify.State{})
	if err != nil {
		t.Fatal(err)
	}
	return v
}
