package keylog

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/keylog/keylogtest"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

// witness is a test witness of the test log.
type witness struct {
	name string
	key  ed25519.PrivateKey
	w    *verify.Witness
}

func newWitness(t testing.TB, name string) *witness {
	t.Helper()
	sk := keylogtest.SigningKey("witness " + name)
	w, err := verify.NewWitness(verify.Config{Origin: keylogtest.Origin, LogKey: keylogtest.Public(logKey)}, name, sk, verify.State{})
	if err != nil {
		t.Fatal(err)
	}
	return &witness{name: name, key: sk, w: w}
}

// cosign has w cosign l's checkpoint now, from the size it last cosigned.
func (w *witness) cosign(t testing.TB, l *Log) []byte {
	t.Helper()
	ctx := t.Context()
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	size, _ := l.Size(ctx)
	last, _ := w.w.Latest()
	proof, err := l.ConsistencyProof(ctx, last.Size, size)
	if err != nil {
		t.Fatal(err)
	}
	cosigned, err := w.w.Cosign(cp, proof)
	if err != nil {
		t.Fatalf("witness %s: %v", w.name, err)
	}
	return cosigned
}

func witnessKeys(ws ...*witness) map[string]ed25519.PublicKey {
	m := map[string]ed25519.PublicKey{}
	for _, w := range ws {
		m[w.name] = keylogtest.Public(w.key)
	}
	return m
}

func TestCheckpointsCarryTheCosignaturesOfTheirSize(t *testing.T) {
	ctx := t.Context()
	w1, w2 := newWitness(t, "witness.example/one"), newWitness(t, "witness.example/two")
	keys := witnessKeys(w1, w2)
	l := newLog(t, NewMemory(), keys)
	stmts := statements(t)
	appendAll := func(ss [][]byte) {
		for _, s := range ss {
			if _, err := l.Append(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
	}
	add := func(cosigned []byte) {
		t.Helper()
		if err := l.AddCosignature(ctx, cosigned); err != nil {
			t.Fatalf("AddCosignature: %v", err)
		}
	}
	// sizeOf opens a checkpoint for a client that needs quorum witnesses.
	sizeOf := func(cp []byte, quorum int) (int64, error) {
		c, err := newVerifier(t, keys, quorum).OpenCheckpoint(cp)
		return c.Size, err
	}

	appendAll(stmts[:3])
	add(w1.cosign(t, l))
	add(w2.cosign(t, l))
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if size, err := sizeOf(cp, 2); err != nil || size != 3 {
		t.Fatalf("checkpoint cosigned by both: size %d, %v", size, err)
	}
	// The log's signature comes first, then the witnesses' by name.
	lines := strings.Split(strings.TrimSuffix(strings.SplitN(string(cp), "\n\n", 2)[1], "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "— "+keylogtest.Origin+" ") ||
		!strings.HasPrefix(lines[1], "— "+w1.name+" ") || !strings.HasPrefix(lines[2], "— "+w2.name+" ") {
		t.Errorf("signature lines %q", lines)
	}

	// The log grows; only w1 has cosigned the new size yet.
	appendAll(stmts[3:6])
	add(w1.cosign(t, l))
	cp, _ = l.Checkpoint(ctx)
	if size, err := sizeOf(cp, 1); err != nil || size != 6 {
		t.Errorf("latest checkpoint for a quorum of 1: size %d, %v; want 6", size, err)
	}
	if _, err := sizeOf(cp, 2); !errors.Is(err, verify.ErrNotWitnessed) {
		t.Errorf("latest checkpoint for a quorum of 2: %v, want ErrNotWitnessed", err)
	}
	if wcp, err := l.WitnessedCheckpoint(ctx, 1); err != nil {
		t.Error(err)
	} else if size, err := sizeOf(wcp, 1); err != nil || size != 6 {
		t.Errorf("WitnessedCheckpoint(1): size %d, %v; want 6", size, err)
	}
	// The witnesses are at different sizes, w1 at 6 and w2 at 3: no size
	// has two cosignatures.
	if _, err := l.WitnessedCheckpoint(ctx, 2); !errors.Is(err, ErrNotWitnessed) {
		t.Errorf("WitnessedCheckpoint(2) with the witnesses at different sizes: %v, want ErrNotWitnessed", err)
	}
	add(w2.cosign(t, l))
	if wcp, err := l.WitnessedCheckpoint(ctx, 2); err != nil {
		t.Error(err)
	} else if size, err := sizeOf(wcp, 2); err != nil || size != 6 {
		t.Errorf("WitnessedCheckpoint(2): size %d, %v; want 6", size, err)
	}

	// An older cosignature, sent late, does not replace a newer one.
	oldCosig := func() []byte {
		old := newWitness(t, w1.name)
		return old.cosign(t, &Log{storage: &truncated{Storage: l.storage, size: 3}, origin: l.origin, signer: l.signer, verifier: l.verifier, witnesses: l.witnesses})
	}()
	add(oldCosig)
	if wcp, err := l.WitnessedCheckpoint(ctx, 2); err != nil {
		t.Errorf("after a late old cosignature: %v", err)
	} else if size, _ := sizeOf(wcp, 2); size != 6 {
		t.Errorf("after a late old cosignature: size %d, want 6", size)
	}
}

// truncated shows a storage as it was at size.
type truncated struct {
	Storage
	size int64
}

func (s *truncated) Size(context.Context) (int64, error) { return s.size, nil }

func TestAddCosignatureRefusesWhatIsNotAWitnessCosignature(t *testing.T) {
	ctx := t.Context()
	w1, stranger := newWitness(t, "witness.example/one"), newWitness(t, "witness.example/stranger")
	l := newLog(t, NewMemory(), witnessKeys(w1))
	for _, s := range statements(t)[:4] {
		if _, err := l.Append(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	size, _ := l.Size(ctx)
	root, _ := tlog.TreeHash(size, l.hashReader(ctx))

	// signText signs a checkpoint text with the log's key and then w1's.
	signText := func(text string, byLog bool) []byte {
		w1Signer, _ := keystatement.NewSigner(w1.name, w1.key)
		signers := []note.Signer{w1Signer}
		if byLog {
			signers = append([]note.Signer{l.signer}, signers...)
		}
		msg, err := note.Sign(&note.Note{Text: text}, signers...)
		if err != nil {
			t.Fatal(err)
		}
		return msg
	}
	// A log with the same key and another history: the log's key signed
	// a root this log does not have.
	forked := newLog(t, NewMemory(), witnessKeys(w1))
	for _, s := range statements(t)[4:8] {
		if _, err := forked.Append(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	forkedCP, _ := forked.Checkpoint(ctx)
	forkedCosigned, err := newWitness(t, w1.name).w.Cosign(forkedCP, nil)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := l.Checkpoint(ctx)

	tests := []struct {
		name string
		msg  []byte
		want error
	}{
		{"a stranger's cosignature", stranger.cosign(t, l), ErrBadCosignature},
		{"no cosignature", plain, ErrBadCosignature},
		{"a cosignature of a checkpoint the log did not sign",
			signText(verify.Checkpoint{Origin: keylogtest.Origin, Size: size, Hash: root}.Text(), false), ErrBadCosignature},
		{"a checkpoint beyond the log",
			signText(verify.Checkpoint{Origin: keylogtest.Origin, Size: size + 1, Hash: root}.Text(), true), ErrBadCosignature},
		{"a checkpoint of another origin",
			signText("other.example/log\n4\n"+root.String()+"\n", true), ErrBadCosignature},
		{"a checkpoint with an extension line",
			signText(verify.Checkpoint{Origin: keylogtest.Origin, Size: size, Hash: root}.Text()+"extra\n", true), ErrBadCosignature},
		{"a cosignature that does not verify", corruptLastSig(t, w1.cosign(t, l)), ErrBadCosignature},
		{"garbage", []byte("not a note"), ErrBadCosignature},
		{"the log's key on another history", forkedCosigned, verify.ErrFork},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := l.AddCosignature(ctx, tt.msg); !errors.Is(err, tt.want) {
				t.Errorf("AddCosignature = %v, want %v", err, tt.want)
			}
		})
	}
	if cosigs, _ := l.storage.Cosignatures(ctx); len(cosigs) != 0 {
		t.Errorf("refused cosignatures kept: %v", cosigs)
	}
}

// corruptLastSig flips a bit in the signature of a note's last signature
// line, keeping the note well-formed.
func corruptLastSig(t testing.TB, msg []byte) []byte {
	t.Helper()
	body := strings.TrimSuffix(string(msg), "\n")
	i := strings.LastIndexByte(body, ' ')
	raw, err := base64.StdEncoding.DecodeString(body[i+1:])
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)-1] ^= 1
	return []byte(body[:i+1] + base64.StdEncoding.EncodeToString(raw) + "\n")
}
