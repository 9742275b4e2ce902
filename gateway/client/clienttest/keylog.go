package clienttest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/keylog"
	"github.com/trackgate/trackgate/gateway/keylog/keylogtest"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
	"github.com/trackgate/trackgate/gateway/problem"
)

// Routes of the key log the fake serves.
const (
	RouteLogConsistency = "GET /v1/log/consistency"
	RouteLogCheckpoint  = "GET /v1/log/checkpoint"
)

// LogKey signs the checkpoints of every fake's key log, under the origin
// keylogtest.Origin.
var LogKey = keylogtest.SigningKey("clienttest log")

// gatewayKey is the fake gateway's own signing key, which its forged
// statements claim is a courier's.
var gatewayKey = keylogtest.SigningKey("clienttest dishonest gateway")

// fakeKeyLog is the fake's key log: the entries in order, the log built
// from them, and what the directory shows of each courier. A test turns
// it dishonest through the Gateway's methods below. Guarded by the
// Gateway's mu.
type fakeKeyLog struct {
	t         testing.TB
	g         *Gateway
	entries   [][]byte
	log       *keylog.Log
	witnesses map[string]ed25519.PrivateKey
	couriers  map[string]*loggedCourier
	phantoms  int // statements of couriers outside the directory, which make the log grow
	phantom   map[string]bool
	hidden    bool // the directory shows no key log
}

// loggedCourier is what the directory shows of one courier's statements.
type loggedCourier struct {
	c       *keylogtest.Courier
	signing [][]byte
	keys    []shown // one per directory key, in order
}

// shown is a statement as the directory shows it: entry, at the index
// and with the inclusion proof of at (the same, unless the gateway shows
// a statement the log does not hold).
type shown struct{ entry, at []byte }

func newFakeKeyLog(t testing.TB, g *Gateway, witnesses map[string]ed25519.PrivateKey) *fakeKeyLog {
	t.Helper()
	l := &fakeKeyLog{t: t, g: g, witnesses: witnesses, couriers: map[string]*loggedCourier{}, phantom: map[string]bool{}}
	for _, e := range g.doc.Couriers {
		lc := &loggedCourier{c: keylogtest.NewCourier(t, e.ID)}
		lc.signing = [][]byte{lc.c.First()}
		l.entries = append(l.entries, lc.signing[0])
		for _, k := range e.Keys {
			st := l.state(lc, e, k)
			l.entries = append(l.entries, st)
			lc.keys = append(lc.keys, shown{st, st})
		}
		l.couriers[e.ID] = lc
	}
	l.rebuild()
	return l
}

// state is the statement courier lc makes of directory key k.
func (l *fakeKeyLog) state(lc *loggedCourier, e api.CourierEntry, k api.Key) []byte {
	l.t.Helper()
	return keylogtest.SignKey(l.t, l.statement(e, k, lc.c.Signing), lc.c.Signing)
}

// statement is a key statement of k, signed (or to be signed) by sk.
func (l *fakeKeyLog) statement(e api.CourierEntry, k api.Key, sk ed25519.PrivateKey) keystatement.Key {
	return keystatement.Key{
		Courier: e.ID, PublicKey: k.PublicKey, NotBefore: k.NotBefore, NotAfter: k.NotAfter,
		Mode: e.Mode, Factor: e.Factor, BucketBits: l.g.doc.BucketBits, SigningKey: keylogtest.Public(sk),
	}
}

// rebuild makes the log of the entries, cosigned by the witnesses.
func (l *fakeKeyLog) rebuild() {
	l.t.Helper()
	ctx := context.Background()
	public := map[string]ed25519.PublicKey{}
	for name, sk := range l.witnesses {
		public[name] = keylogtest.Public(sk)
	}
	s := keylog.NewMemory()
	log, err := keylog.New(s, keylog.Config{Origin: keylogtest.Origin, Key: LogKey, Witnesses: public})
	if err != nil {
		l.t.Fatalf("clienttest: key log: %v", err)
	}
	for _, e := range l.entries {
		// Straight into the storage: a dishonest gateway appends what it
		// likes.
		if _, _, err := s.Append(ctx, e); err != nil {
			l.t.Fatalf("clienttest: key log: %v", err)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(l.witnesses)) {
		cp, err := log.Checkpoint(ctx)
		if err != nil {
			l.t.Fatalf("clienttest: key log: %v", err)
		}
		w, err := verify.NewWitness(verify.Config{Origin: keylogtest.Origin, LogKey: keylogtest.Public(LogKey)}, name, l.witnesses[name], verify.State{})
		if err != nil {
			l.t.Fatalf("clienttest: witness: %v", err)
		}
		cosigned, err := w.Cosign(cp, nil)
		if err == nil {
			err = log.AddCosignature(ctx, cosigned)
		}
		if err != nil {
			l.t.Fatalf("clienttest: witness %s: %v", name, err)
		}
	}
	l.log = log
}

// show adds the key log to doc: the checkpoint, and each courier's
// statements proven against it.
func (l *fakeKeyLog) show(doc *api.Directory) {
	l.t.Helper()
	if l.hidden {
		return
	}
	ctx := context.Background()
	cp, err := l.log.Checkpoint(ctx)
	if err != nil {
		l.t.Fatalf("clienttest: checkpoint: %v", err)
	}
	size := l.size()
	vkey, err := keystatement.VerifierKey(keylogtest.Origin, keylogtest.Public(LogKey))
	if err != nil {
		l.t.Fatal(err)
	}
	doc.KeyLog = &api.KeyLog{Origin: keylogtest.Origin, Key: vkey, Checkpoint: string(cp)}
	for i := range doc.Couriers {
		e := &doc.Couriers[i]
		lc := l.couriers[e.ID]
		cl := &api.CourierLog{SigningKeys: []api.ProvenStatement{}, Keys: []api.ProvenStatement{}}
		for _, st := range lc.signing {
			cl.SigningKeys = append(cl.SigningKeys, l.prove(shown{st, st}, size))
		}
		for _, st := range lc.keys {
			cl.Keys = append(cl.Keys, l.prove(st, size))
		}
		e.Log = cl
	}
}

func (l *fakeKeyLog) size() int64 {
	n, err := l.log.Size(context.Background())
	if err != nil {
		l.t.Fatal(err)
	}
	return n
}

// prove shows s in the log of size entries.
func (l *fakeKeyLog) prove(s shown, size int64) api.ProvenStatement {
	l.t.Helper()
	ctx := context.Background()
	i, err := l.log.IndexOf(ctx, s.at)
	if err != nil {
		l.t.Fatalf("clienttest: a statement shown is not in the log: %v", err)
	}
	p, err := l.log.InclusionProof(ctx, i, size)
	if err != nil {
		l.t.Fatalf("clienttest: inclusion proof: %v", err)
	}
	return api.ProvenStatement{Index: i, Statement: string(s.entry), Proof: b64Hashes(p)}
}

func b64Hashes(hs []tlog.Hash) []crypto.B64 {
	out := make([]crypto.B64, len(hs))
	for i, h := range hs {
		out[i] = crypto.B64(h[:])
	}
	return out
}

// serveConsistency answers GET /v1/log/consistency?old=m&new=n.
func (g *Gateway) serveConsistency(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.keyLog == nil {
		problem.Write(w, http.StatusNotFound, "This gateway keeps no key log.")
		return
	}
	old, err1 := strconv.ParseInt(r.URL.Query().Get("old"), 10, 64)
	size, err2 := strconv.ParseInt(r.URL.Query().Get("new"), 10, 64)
	if err1 != nil || err2 != nil {
		problem.Write(w, http.StatusBadRequest, "old and new must be tree sizes.")
		return
	}
	p, err := g.keyLog.log.ConsistencyProof(r.Context(), old, size)
	if err != nil {
		problem.Write(w, http.StatusBadRequest, "No such tree sizes in the log.")
		return
	}
	writeJSON(w, api.LogProof{Proof: b64Hashes(p)})
}

// serveCheckpoint answers GET /v1/log/checkpoint.
func (g *Gateway) serveCheckpoint(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.keyLog == nil {
		problem.Write(w, http.StatusNotFound, "This gateway keeps no key log.")
		return
	}
	cp, err := g.keyLog.log.Checkpoint(r.Context())
	if err != nil {
		problem.Write(w, http.StatusInternalServerError, "No checkpoint.")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(cp)
}

// What a test does to the key log. Each changes the directory at once.

// change runs f on the key log and publishes the directory again.
func (g *Gateway) change(t testing.TB, f func(l *fakeKeyLog)) {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.keyLog == nil {
		t.Fatal("clienttest: this fake keeps no key log (Config.NoKeyLog)")
	}
	f(g.keyLog)
	g.keyLog.rebuild()
	g.publish()
}

// courier returns the log's view of courier id and its directory entry.
func (l *fakeKeyLog) courier(id string) (*loggedCourier, *api.CourierEntry) {
	l.t.Helper()
	for i := range l.g.doc.Couriers {
		if l.g.doc.Couriers[i].ID == id {
			return l.couriers[id], &l.g.doc.Couriers[i]
		}
	}
	l.t.Fatalf("clienttest: no courier %q", id)
	return nil, nil
}

// LogVerifierKey is the note verifier key of LogKey, as a client
// configures it.
func LogVerifierKey() string {
	vkey, err := keystatement.VerifierKey(keylogtest.Origin, keylogtest.Public(LogKey))
	if err != nil {
		panic(err)
	}
	return vkey
}

// KeyLogSize is the number of entries of the fake's key log.
func (g *Gateway) KeyLogSize() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.keyLog.size()
}

// CourierSigningKey is courier's signing key now, as a client pins it.
func (g *Gateway) CourierSigningKey(t testing.TB, courier string) ed25519.PublicKey {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	lc, _ := g.keyLog.courier(courier)
	return keylogtest.Public(lc.c.Signing)
}

// newPhantom is the first signing-key statement of a courier outside
// the directory, which no directory shows.
func (l *fakeKeyLog) newPhantom(kind string) []byte {
	l.phantoms++
	st := keylogtest.NewCourier(l.t, fmt.Sprintf("%s-%d", kind, l.phantoms)).First()
	l.phantom[string(st)] = true
	return st
}

// dropPhantom removes the log's last entry, which must be a phantom.
func (l *fakeKeyLog) dropPhantom() {
	if last := l.entries[len(l.entries)-1]; !l.phantom[string(last)] {
		l.t.Fatal("clienttest: the key log's last entry is shown in the directory; GrowKeyLog before rolling back or forking at the same size")
	}
	l.entries = l.entries[:len(l.entries)-1]
}

// GrowKeyLog appends a statement of a courier outside the directory: the
// log grows, honestly.
func (g *Gateway) GrowKeyLog(t testing.TB) {
	g.change(t, func(l *fakeKeyLog) { l.entries = append(l.entries, l.newPhantom("phantom")) })
}

// RollBackKeyLog drops the log's last entry, which must be GrowKeyLog's:
// the gateway serves the checkpoint of a smaller log than before.
func (g *Gateway) RollBackKeyLog(t testing.TB) {
	g.change(t, func(l *fakeKeyLog) { l.dropPhantom() })
}

// ForkKeyLog replaces the log with another history, signed by the same
// log key: the same statements after one more at its start. It is what a
// gateway shows one client while it shows others the log they saw.
func (g *Gateway) ForkKeyLog(t testing.TB) {
	g.change(t, func(l *fakeKeyLog) { l.entries = append([][]byte{l.newPhantom("fork")}, l.entries...) })
}

// ForkKeyLogSameSize is ForkKeyLog without the log's last entry, which
// must be GrowKeyLog's: another history of the same size.
func (g *Gateway) ForkKeyLogSameSize(t testing.TB) {
	g.change(t, func(l *fakeKeyLog) {
		l.dropPhantom()
		l.entries = append([][]byte{l.newPhantom("fork")}, l.entries...)
	})
}

// HideKeyLog serves the directory without its key log.
func (g *Gateway) HideKeyLog(t testing.TB) {
	g.change(t, func(l *fakeKeyLog) { l.hidden = true })
}

// SubstituteKey lists the gateway's own OPRF key as courier's, with a
// statement the gateway signed itself under the courier's name, shown at
// the index and with the proof of the courier's real statement: the log
// does not hold it.
func (g *Gateway) SubstituteKey(t testing.TB, courier string) {
	g.change(t, func(l *fakeKeyLog) {
		lc, e := l.courier(courier)
		forged := l.substitute(e)
		lc.keys[0] = shown{forged, lc.keys[0].at}
	})
}

// AppendSubstitutedKey is SubstituteKey with the forged statement
// appended to the log: it is in the log, but not signed by the courier.
func (g *Gateway) AppendSubstitutedKey(t testing.TB, courier string) {
	g.change(t, func(l *fakeKeyLog) {
		lc, e := l.courier(courier)
		forged := l.substitute(e)
		l.entries = append(l.entries, forged)
		lc.keys[0] = shown{forged, forged}
	})
}

// substitute lists the impostor key as e's first key and returns its
// statement, signed by the gateway.
func (l *fakeKeyLog) substitute(e *api.CourierEntry) []byte {
	l.t.Helper()
	k := e.Keys[0]
	k.PublicKey = l.g.impostor.Public().Bytes()
	k.KeyID = l.g.impostor.Public().KeyID()
	e.Keys = slices.Clone(e.Keys)
	e.Keys[0] = k
	return keylogtest.SignKey(l.t, l.statement(*e, k, gatewayKey), gatewayKey)
}

// StateThreeLiveKeys has courier state two more keys live now, each
// signed by the courier and in the log, and lists all three.
func (g *Gateway) StateThreeLiveKeys(t testing.TB, courier string) {
	g.change(t, func(l *fakeKeyLog) {
		lc, e := l.courier(courier)
		e.Keys = slices.Clone(e.Keys)
		for i := range 2 {
			pk := keylogtest.OPRFKey(t, fmt.Sprintf("%s extra %d", courier, i))
			k := api.Key{KeyID: crypto.KeyID(pk), PublicKey: pk, NotBefore: e.Keys[0].NotBefore.Add(time.Duration(i+1) * time.Second), NotAfter: e.Keys[0].NotAfter}
			e.Keys = append(e.Keys, k)
			st := l.state(lc, *e, k)
			l.entries = append(l.entries, st)
			lc.keys = append(lc.keys, shown{st, st})
		}
	})
}

// StateKeyBadlySigned has the log hold, and the directory show, a
// statement of courier's first key again whose signature does not verify:
// a log that appends without checking.
func (g *Gateway) StateKeyBadlySigned(t testing.TB, courier string) {
	g.change(t, func(l *fakeKeyLog) {
		lc, e := l.courier(courier)
		st := l.state(lc, *e, e.Keys[0])
		// Flip a bit of the Ed25519 signature, after its key hash.
		split := bytes.LastIndex(st, []byte("\n\n")) + 2
		line := string(st[split : len(st)-1])
		i := strings.LastIndexByte(line, ' ')
		sig, err := base64.StdEncoding.DecodeString(line[i+1:])
		if err != nil {
			t.Fatal(err)
		}
		sig[len(sig)-1] ^= 1
		bad := append(append([]byte(nil), st[:split]...), line[:i+1]+base64.StdEncoding.EncodeToString(sig)+"\n"...)
		l.entries = append(l.entries, bad)
		lc.keys[0] = shown{bad, bad}
	})
}

// ChangeSigningKey shows courier's signing key changed to the gateway's
// own, by a statement only the new key signed (forced into the log,
// which would refuse it), and courier's key stated again by that key.
func (g *Gateway) ChangeSigningKey(t testing.TB, courier string) {
	g.change(t, func(l *fakeKeyLog) {
		lc, e := l.courier(courier)
		forced := signedByNewKeyAlone(t, courier, gatewayKey, keylogtest.Public(lc.c.Signing))
		l.entries = append(l.entries, forced)
		lc.signing = append(lc.signing, forced)
		st := keylogtest.SignKey(t, l.statement(*e, e.Keys[0], gatewayKey), gatewayKey)
		l.entries = append(l.entries, st)
		lc.keys[0] = shown{st, st}
	})
}

// signedByNewKeyAlone is the statement of sk's key replacing previous,
// signed by sk alone: keystatement would not make it.
func signedByNewKeyAlone(t testing.TB, courier string, sk ed25519.PrivateKey, previous ed25519.PublicKey) []byte {
	t.Helper()
	text, err := keystatement.SigningKey{Courier: courier, Key: keylogtest.Public(sk), Previous: previous}.Text()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := keystatement.NewSigner(keystatement.SignerName(courier), sk)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := note.Sign(&note.Note{Text: text}, signer)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// RotateSigningKey rotates courier's signing key honestly (the change
// signed by the old key and the new) and has the new key state its keys
// again.
func (g *Gateway) RotateSigningKey(t testing.TB, courier string) {
	g.change(t, func(l *fakeKeyLog) {
		lc, e := l.courier(courier)
		change := lc.c.Rotate()
		l.entries = append(l.entries, change)
		lc.signing = append(lc.signing, change)
		for i, k := range e.Keys {
			st := l.state(lc, *e, k)
			l.entries = append(l.entries, st)
			lc.keys[i] = shown{st, st}
		}
	})
}

// ReplaceHistory shows courier with another history: a "first" signing
// key of the gateway's, appended to the log, which states the courier's
// keys again; the courier's real history is left out of the directory.
// A client that never saw the courier cannot tell; one that pinned its
// signing key can.
func (g *Gateway) ReplaceHistory(t testing.TB, courier string) {
	g.change(t, func(l *fakeKeyLog) {
		lc, e := l.courier(courier)
		first, err := keystatement.SignSigningKey(keystatement.SigningKey{Courier: courier, Key: keylogtest.Public(gatewayKey)}, gatewayKey, nil)
		if err != nil {
			t.Fatal(err)
		}
		l.entries = append(l.entries, first)
		lc.signing = [][]byte{first}
		for i, k := range e.Keys {
			st := keylogtest.SignKey(t, l.statement(*e, k, gatewayKey), gatewayKey)
			l.entries = append(l.entries, st)
			lc.keys[i] = shown{st, st}
		}
	})
}
