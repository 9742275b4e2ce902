package verify_test

import (
	"crypto/ed25519"
	"errors"
	"testing"

	"github.com/trackgate/trackgate/gateway/keylog/keylogtest"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

type testWitness struct {
	name string
	key  ed25519.PrivateKey
	w    *verify.Witness
}

func newTestWitness(t *testing.T, name string) *testWitness {
	t.Helper()
	sk := keylogtest.SigningKey("witness " + name)
	w, err := verify.NewWitness(verify.Config{Origin: keylogtest.Origin, LogKey: keylogtest.Public(logKey)}, name, sk, verify.State{})
	if err != nil {
		t.Fatal(err)
	}
	return &testWitness{name: name, key: sk, w: w}
}

// cosign has the witness cosign g's checkpoint now, and g keep the
// cosignature.
func (w *testWitness) cosign(t *testing.T, g *gateway) error {
	t.Helper()
	ctx := t.Context()
	cp, err := g.log.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	last, _ := w.w.Latest()
	proof, err := g.log.ConsistencyProof(ctx, min(last.Size, g.size()), g.size())
	if err != nil {
		t.Fatal(err)
	}
	cosigned, err := w.w.Cosign(cp, proof)
	if err != nil {
		return err
	}
	if err := g.log.AddCosignature(ctx, cosigned); err != nil {
		t.Fatalf("AddCosignature: %v", err)
	}
	return nil
}

func TestClientsRequiringWitnessesTrustOnlyCosignedCheckpoints(t *testing.T) {
	w1, w2 := newTestWitness(t, "witness.example/one"), newTestWitness(t, "witness.example/two")
	keys := map[string]ed25519.PublicKey{w1.name: keylogtest.Public(w1.key), w2.name: keylogtest.Public(w2.key)}
	g := newGateway(t, keys)
	swift := keylogtest.NewCourier(t, "sim-swift")
	g.add(swift.First(), swift.Key("a", -10*day, 20*day))

	client := newClient(t, verify.Config{Witnesses: keys, Quorum: 2})
	if _, err := g.update(client); !errors.Is(err, verify.ErrNotWitnessed) {
		t.Fatalf("an uncosigned checkpoint: %v, want ErrNotWitnessed", err)
	}
	if err := w1.cosign(t, g); err != nil {
		t.Fatal(err)
	}
	if _, err := g.update(client); !errors.Is(err, verify.ErrNotWitnessed) {
		t.Fatalf("a checkpoint cosigned by one of two: %v, want ErrNotWitnessed", err)
	}
	if err := w2.cosign(t, g); err != nil {
		t.Fatal(err)
	}
	c := g.mustUpdate(client)
	if c.Size != 2 {
		t.Errorf("trusted size %d, want 2", c.Size)
	}
	if _, err := client.VerifyCourier(g.show("sim-swift", []int64{0}, []int64{1}), keylogtest.Now); err != nil {
		t.Errorf("VerifyCourier: %v", err)
	}

	// A cosignature by a key that is not the configured witness's does
	// not count, under the witness's name or any other.
	impostor, err := verify.NewWitness(verify.Config{Origin: keylogtest.Origin, LogKey: keylogtest.Public(logKey)}, w2.name, keylogtest.SigningKey("impostor"), verify.State{})
	if err != nil {
		t.Fatal(err)
	}
	g.add(swift.Key("b", 10*day, 60*day))
	if err := w1.cosign(t, g); err != nil {
		t.Fatal(err)
	}
	cp, _ := g.log.Checkpoint(t.Context())
	byImpostor, err := impostor.Cosign(cp, nil)
	if err != nil {
		t.Fatal(err)
	}
	withW1 := append(cp[:len(cp):len(cp)], byImpostor[len(byImpostor)-len(lastLine(byImpostor)):]...)
	proof, _ := g.log.ConsistencyProof(t.Context(), 2, 3)
	if _, err := client.Update(withW1, proof); !errors.Is(err, verify.ErrNotWitnessed) {
		t.Errorf("cosigned by w1 and an impostor of w2: %v, want ErrNotWitnessed", err)
	}
}

func lastLine(msg []byte) []byte {
	body := msg[:len(msg)-1]
	for i := len(body) - 1; i >= 0; i-- {
		if body[i] == '\n' {
			return msg[i+1:]
		}
	}
	return msg
}

func TestWitnessesRefuseToCosignForksAndRollbacks(t *testing.T) {
	w := newTestWitness(t, "witness.example/one")
	s := newScene(t, map[string]ed25519.PublicKey{w.name: keylogtest.Public(w.key)})
	if err := w.cosign(t, s.g); err != nil {
		t.Fatal(err)
	}
	older, _ := s.g.log.Checkpoint(t.Context())
	s.g.add(s.swift.Rotate())
	if err := w.cosign(t, s.g); err != nil {
		t.Fatal(err)
	}

	// Restarted from its saved state, the witness still knows.
	restarted, err := verify.NewWitness(verify.Config{Origin: keylogtest.Origin, LogKey: keylogtest.Public(logKey)}, w.name, w.key, w.w.State())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := restarted.Cosign(older, nil); !errors.Is(err, verify.ErrRollback) {
		t.Errorf("cosigning an older checkpoint: %v, want ErrRollback", err)
	}
	fork := newGateway(t, nil)
	fork.add(s.swift.First(), forgedKey(t, s), s.swift.Key("b", 10*day, 60*day), s.other.First(), s.other.Key("a", -10*day, 20*day), s.other.Rotate())
	forked, _ := fork.log.Checkpoint(t.Context())
	if _, err := restarted.Cosign(forked, nil); !errors.Is(err, verify.ErrFork) {
		t.Errorf("cosigning a fork of the same size: %v, want ErrFork", err)
	}
	fork.add(s.other.Key("b", 10*day, 60*day))
	forked, _ = fork.log.Checkpoint(t.Context())
	proof, _ := fork.log.ConsistencyProof(t.Context(), 6, 7)
	if _, err := restarted.Cosign(forked, proof); !errors.Is(err, verify.ErrFork) {
		t.Errorf("cosigning a larger fork: %v, want ErrFork", err)
	}
	if last, _ := restarted.Latest(); last.Size != 6 {
		t.Errorf("after refusing, the witness is at %d, want 6", last.Size)
	}
}
