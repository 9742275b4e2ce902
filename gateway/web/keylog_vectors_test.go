package web_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
	"github.com/trackgate/trackgate/gateway/keylog/keylogtest"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

// The key log vectors: what a client of a gateway is shown, directory
// after directory, by an honest key log and by every attack of issue 12,
// and what the client must make of it. The Go SDK (below) and the
// JavaScript client (test/keylog-vectors.test.js) are both held to them,
// so the two check the same things the same way. They are made with the
// fake gateway of gateway/client/clienttest, whose key log is
// gateway/keylog's; `go test ./gateway/web -run KeyLogVectors -update`
// writes them again.

const keyLogVectorsFile = "testdata/keylog-vectors.json"

var update = flag.Bool("update", false, "write "+keyLogVectorsFile+" again")

// Error codes of the vectors: the JavaScript client's ErrorCode values,
// one per sentinel of the Go SDK.
var keyLogCodes = []struct {
	code string
	err  error
}{
	{"key_log_fork", verify.ErrFork},
	{"key_log_rollback", verify.ErrRollback},
	{"key_log_not_witnessed", verify.ErrNotWitnessed},
	{"key_log_missing", client.ErrNoKeyLog},
	{"too_many_live_keys", verify.ErrTooManyLiveKeys},
	{"signing_key_changed", verify.ErrSigningKeyChanged},
	{"key_log_wrong_courier", verify.ErrWrongCourier},
	{"key_not_in_log", verify.ErrNotIncluded},
	{"key_log_bad_signature", verify.ErrBadSignature},
	{"key_log_malformed", verify.ErrMalformed},
}

func codeOf(err error) string {
	if err == nil {
		return ""
	}
	for _, c := range keyLogCodes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return "other: " + err.Error()
}

type keyLogVectors struct {
	Comment string       `json:"comment"`
	Origin  string       `json:"origin"`
	LogKey  string       `json:"log_key"`
	Now     time.Time    `json:"now"`
	Cases   []vectorCase `json:"cases"`
}

type vectorCase struct {
	Name   string       `json:"name"`
	Config vectorConfig `json:"config"`
	Steps  []vectorStep `json:"steps"`
}

// vectorConfig is the client's KeyLog: keys as note verifier keys (Key)
// and b64 Ed25519 public keys (Witnesses, Pins).
type vectorConfig struct {
	Key       string            `json:"key,omitempty"`
	Witnesses map[string]string `json:"witnesses,omitempty"`
	Quorum    int               `json:"quorum,omitempty"`
	Pins      map[string]string `json:"pins,omitempty"`
}

// vectorStep is one directory fetch: the directory, the consistency
// proof the client is to be given when the log grew since the step
// before, and what the client must make of it: an error for the whole
// directory, or the couriers it refuses, each with a code.
type vectorStep struct {
	Directory   json.RawMessage   `json:"directory"`
	Consistency *vectorProof      `json:"consistency,omitempty"`
	Error       string            `json:"error,omitempty"`
	Refused     map[string]string `json:"refused,omitempty"`
}

type vectorProof struct {
	Old   int64        `json:"old"`
	New   int64        `json:"new"`
	Proof []crypto.B64 `json:"proof"`
}

var (
	vectorWitness1 = keylogtest.SigningKey("vector witness 1")
	vectorWitness2 = keylogtest.SigningKey("vector witness 2")
)

// recorder makes one case: a fake gateway, and the steps a client sees.
type recorder struct {
	t     *testing.T
	g     *clienttest.Gateway
	c     vectorCase
	size  int64
	steps []vectorStep
}

func newRecorder(t *testing.T, name string, witnesses map[string]ed25519.PrivateKey) *recorder {
	t.Helper()
	courier := func(id, prefix string) clienttest.Courier {
		return clienttest.Courier{ID: id, Name: strings.ToUpper(id), Key: clienttest.DeriveKey(t, "vector "+id),
			Patterns: []api.Pattern{{Regex: "^" + prefix + "[0-9]{10}$"}}}
	}
	g := clienttest.New(t, clienttest.Config{BucketBits: 8, Now: keylogtest.Now, Witnesses: witnesses,
		Couriers: []clienttest.Courier{courier("sim-swift", "SW"), courier("sim-other", "OT")}})
	return &recorder{t: t, g: g, c: vectorCase{Name: name}}
}

// fetch records the directory as the fake serves it now (changed by
// mutate, when given), with the consistency proof from the last step's
// size when the log grew, and what the client must make of it.
func (r *recorder) fetch(wantErr string, refused map[string]string, mutate ...func(*api.Directory)) *recorder {
	r.t.Helper()
	body := r.get("/v1/couriers")
	if len(mutate) > 0 {
		var doc api.Directory
		if err := json.Unmarshal(body, &doc); err != nil {
			r.t.Fatal(err)
		}
		for _, m := range mutate {
			m(&doc)
		}
		var err error
		if body, err = json.Marshal(doc); err != nil {
			r.t.Fatal(err)
		}
	}
	step := vectorStep{Directory: body, Error: wantErr, Refused: refused}
	var doc api.Directory
	if err := json.Unmarshal(body, &doc); err != nil {
		r.t.Fatal(err)
	}
	if doc.KeyLog != nil {
		size := checkpointSize(r.t, doc.KeyLog.Checkpoint)
		if r.size > 0 && size > r.size {
			var p api.LogProof
			if err := json.Unmarshal(r.get(fmt.Sprintf("/v1/log/consistency?old=%d&new=%d", r.size, size)), &p); err != nil {
				r.t.Fatal(err)
			}
			step.Consistency = &vectorProof{Old: r.size, New: size, Proof: p.Proof}
		}
		if wantErr == "" {
			r.size = size
		}
	}
	r.c.Steps = append(r.c.Steps, step)
	return r
}

func (r *recorder) do(f func(*testing.T, *clienttest.Gateway)) *recorder {
	f(r.t, r.g)
	return r
}

func (r *recorder) config(c vectorConfig) *recorder {
	r.c.Config = c
	return r
}

func (r *recorder) get(path string) []byte {
	r.t.Helper()
	resp, err := http.Get(r.g.URL + path)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		r.t.Fatalf("GET %s: %d %s %v", path, resp.StatusCode, b, err)
	}
	return b
}

func checkpointSize(t *testing.T, signed string) int64 {
	t.Helper()
	lines := strings.SplitN(signed, "\n", 3)
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		t.Fatalf("checkpoint %q: %v", signed, err)
	}
	return n
}

func b64Key(pk ed25519.PublicKey) string { return crypto.EncodeB64(pk) }

// makeKeyLogVectors makes every case.
func makeKeyLogVectors(t *testing.T) keyLogVectors {
	other, err := keystatement.VerifierKey(keylogtest.Origin, keylogtest.Public(keylogtest.SigningKey("vector other log")))
	if err != nil {
		t.Fatal(err)
	}
	ok := ""
	none := map[string]string(nil)
	swift := func(code string) map[string]string { return map[string]string{"sim-swift": code} }
	var cases []vectorCase
	add := func(r *recorder) { cases = append(cases, r.c) }

	// Honest logs.
	add(newRecorder(t, "an honest log", nil).fetch(ok, none))
	add(newRecorder(t, "an honest log, with its key configured", nil).config(vectorConfig{Key: clienttest.LogVerifierKey()}).fetch(ok, none))
	add(newRecorder(t, "an honest log that grows", nil).fetch(ok, none).
		do(func(t *testing.T, g *clienttest.Gateway) { g.GrowKeyLog(t) }).fetch(ok, none).
		do(func(t *testing.T, g *clienttest.Gateway) { g.GrowKeyLog(t); g.GrowKeyLog(t) }).fetch(ok, none))
	add(newRecorder(t, "an honest rotation of a signing key, after a pin on first sight", nil).fetch(ok, none).
		do(func(t *testing.T, g *clienttest.Gateway) { g.RotateSigningKey(t, "sim-swift") }).fetch(ok, none))
	rw := newRecorder(t, "a checkpoint cosigned by two witnesses", map[string]ed25519.PrivateKey{"w1.example": vectorWitness1, "w2.example": vectorWitness2})
	add(rw.config(vectorConfig{Key: clienttest.LogVerifierKey(), Quorum: 2,
		Witnesses: map[string]string{"w1.example": b64Key(keylogtest.Public(vectorWitness1)), "w2.example": b64Key(keylogtest.Public(vectorWitness2))}}).fetch(ok, none))
	add(newRecorder(t, "another history of a courier never seen: a first sight is trusted", nil).
		do(func(t *testing.T, g *clienttest.Gateway) { g.ReplaceHistory(t, "sim-swift") }).fetch(ok, none))
	add(newRecorder(t, "a fork shown to a client that never saw the log: a first sight is trusted", nil).
		do(func(t *testing.T, g *clienttest.Gateway) { g.ForkKeyLog(t) }).fetch(ok, none))

	// A substituted key.
	add(newRecorder(t, "a substituted key, shown with a statement the log does not hold", nil).
		do(func(t *testing.T, g *clienttest.Gateway) { g.SubstituteKey(t, "sim-swift") }).fetch(ok, swift("key_not_in_log")))
	add(newRecorder(t, "a substituted key the gateway appended to the log", nil).
		do(func(t *testing.T, g *clienttest.Gateway) { g.AppendSubstitutedKey(t, "sim-swift") }).fetch(ok, swift("signing_key_changed")))
	add(newRecorder(t, "a directory key that differs from its statement", nil).fetch(ok, swift("key_not_in_log"), func(d *api.Directory) {
		d.Couriers[0].Keys[0].NotAfter = d.Couriers[0].Keys[0].NotAfter.Add(time.Hour)
	}))
	add(newRecorder(t, "a directory key without its statement", nil).fetch(ok, swift("key_not_in_log"), func(d *api.Directory) {
		d.Couriers[0].Log.Keys = d.Couriers[0].Log.Keys[:0]
	}))
	add(newRecorder(t, "a courier shown without its log", nil).fetch(ok, swift("key_not_in_log"), func(d *api.Directory) {
		d.Couriers[0].Log = nil
	}))
	add(newRecorder(t, "another courier's statements shown as this one's", nil).fetch(ok, swift("key_log_wrong_courier"), func(d *api.Directory) {
		d.Couriers[0].Log = d.Couriers[1].Log
		d.Couriers[0].Keys = d.Couriers[1].Keys
	}))
	add(newRecorder(t, "a proof hash of the wrong length", nil).fetch(ok, swift("key_log_malformed"), func(d *api.Directory) {
		d.Couriers[0].Log.Keys[0].Proof[0] = d.Couriers[0].Log.Keys[0].Proof[0][:31]
	}))

	add(newRecorder(t, "a statement in the log whose signature does not verify", nil).
		do(func(t *testing.T, g *clienttest.Gateway) { g.StateKeyBadlySigned(t, "sim-swift") }).fetch(ok, swift("key_log_bad_signature")))

	// Three live keys.
	add(newRecorder(t, "three live keys", nil).
		do(func(t *testing.T, g *clienttest.Gateway) { g.StateThreeLiveKeys(t, "sim-swift") }).fetch(ok, swift("too_many_live_keys")))

	// A changed signing key.
	add(newRecorder(t, "a signing key changed without the previous key's signature", nil).
		do(func(t *testing.T, g *clienttest.Gateway) { g.ChangeSigningKey(t, "sim-swift") }).fetch(ok, swift("signing_key_changed")))
	add(newRecorder(t, "another history of a courier, after its signing key was pinned on first sight", nil).fetch(ok, none).
		do(func(t *testing.T, g *clienttest.Gateway) { g.ReplaceHistory(t, "sim-swift") }).fetch(ok, swift("signing_key_changed")))
	rp := newRecorder(t, "another history of a courier, against a configured pin", nil)
	add(rp.config(vectorConfig{Pins: map[string]string{"sim-swift": b64Key(rp.g.CourierSigningKey(t, "sim-swift"))}}).
		do(func(t *testing.T, g *clienttest.Gateway) { g.ReplaceHistory(t, "sim-swift") }).fetch(ok, swift("signing_key_changed")))

	// A forked log, a rolled-back one.
	add(newRecorder(t, "a fork: a larger log that does not extend the one seen", nil).fetch(ok, none).
		do(func(t *testing.T, g *clienttest.Gateway) { g.ForkKeyLog(t) }).fetch("key_log_fork", none))
	add(newRecorder(t, "a fork: another log of the size seen", nil).do(func(t *testing.T, g *clienttest.Gateway) { g.GrowKeyLog(t) }).fetch(ok, none).
		do(func(t *testing.T, g *clienttest.Gateway) { g.ForkKeyLogSameSize(t) }).fetch("key_log_fork", none))
	add(newRecorder(t, "a rolled-back checkpoint", nil).do(func(t *testing.T, g *clienttest.Gateway) { g.GrowKeyLog(t) }).fetch(ok, none).
		do(func(t *testing.T, g *clienttest.Gateway) { g.RollBackKeyLog(t) }).fetch("key_log_rollback", none))

	// The checkpoint itself.
	add(newRecorder(t, "a checkpoint signed by another key than the one configured", nil).config(vectorConfig{Key: other}).fetch("key_log_bad_signature", none))
	add(newRecorder(t, "a checkpoint whose text was changed after it was signed", nil).fetch("key_log_bad_signature", none, func(d *api.Directory) {
		lines := strings.SplitN(d.KeyLog.Checkpoint, "\n", 3)
		d.KeyLog.Checkpoint = lines[0] + "\n" + lines[1] + "0\n" + lines[2]
	}))
	add(newRecorder(t, "a checkpoint without the cosignatures required", nil).
		config(vectorConfig{Witnesses: map[string]string{"w1.example": b64Key(keylogtest.Public(vectorWitness1))}, Quorum: 1}).
		fetch("key_log_not_witnessed", none))
	add(newRecorder(t, "the key log hidden after it was seen", nil).fetch(ok, none).
		do(func(t *testing.T, g *clienttest.Gateway) { g.HideKeyLog(t) }).fetch("key_log_missing", none))
	add(newRecorder(t, "a key_log whose key is not a verifier key", nil).fetch("key_log_malformed", none, func(d *api.Directory) {
		d.KeyLog.Key = "not a key"
	}))

	return keyLogVectors{
		Comment: "Made by gateway/web/keylog_vectors_test.go (go test ./gateway/web -run KeyLogVectors -update); checked by it against the Go SDK and by test/keylog-vectors.test.js against the JavaScript client. Each case is one client: it fetches each step's directory in turn, at now, with the case's config, and is given the step's consistency proof when it asks for one.",
		Origin:  keylogtest.Origin, LogKey: clienttest.LogVerifierKey(), Now: keylogtest.Now, Cases: cases,
	}
}

func encodeVectors(t *testing.T, v keyLogVectors) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestKeyLogVectorsAreUpToDate(t *testing.T) {
	made := encodeVectors(t, makeKeyLogVectors(t))
	if *update {
		if err := os.WriteFile(keyLogVectorsFile, made, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	committed, err := os.ReadFile(keyLogVectorsFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(made, committed) {
		t.Fatalf("%s differs from what its generator makes: run go test ./gateway/web -run KeyLogVectors -update, and commit it", keyLogVectorsFile)
	}
}

// TestTheGoClientAgreesWithTheKeyLogVectors runs each case's client: the
// Go SDK, against a server that answers with the case's steps.
func TestTheGoClientAgreesWithTheKeyLogVectors(t *testing.T) {
	b, err := os.ReadFile(keyLogVectorsFile)
	if err != nil {
		t.Fatal(err)
	}
	var v keyLogVectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Cases) < 20 {
		t.Fatalf("only %d cases", len(v.Cases))
	}
	for _, c := range v.Cases {
		t.Run(c.Name, func(t *testing.T) {
			var step *vectorStep
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.URL.Path == "/v1/couriers":
					w.Header().Set("Content-Type", "application/json")
					_, _ = w.Write(step.Directory)
				case r.URL.Path == "/v1/log/consistency" && step.Consistency != nil &&
					r.URL.Query().Get("old") == strconv.FormatInt(step.Consistency.Old, 10) &&
					r.URL.Query().Get("new") == strconv.FormatInt(step.Consistency.New, 10):
					_ = json.NewEncoder(w).Encode(api.LogProof{Proof: step.Consistency.Proof})
				default:
					t.Errorf("the client asked for %s, which the step does not answer", r.URL)
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			sdk, err := client.New(srv.URL, client.WithNow(func() time.Time { return v.Now }), client.WithKeyLog(keyLogConfig(t, c.Config)))
			if err != nil {
				t.Fatal(err)
			}
			for i := range c.Steps {
				step = &c.Steps[i]
				_, err := sdk.Directory(context.Background())
				if got := codeOf(err); got != step.Error {
					t.Fatalf("step %d: error %q (%v), want %q", i, got, err, step.Error)
				}
				if err != nil {
					continue
				}
				got := map[string]string{}
				for id, err := range sdk.RefusedCouriers() {
					got[id] = codeOf(err)
				}
				if !maps.Equal(got, step.Refused) && !(len(got) == 0 && step.Refused == nil) {
					t.Errorf("step %d: refused %v, want %v", i, got, step.Refused)
				}
			}
		})
	}
}

func keyLogConfig(t *testing.T, c vectorConfig) client.KeyLog {
	t.Helper()
	kl := client.KeyLog{Key: c.Key, Quorum: c.Quorum}
	decode := func(m map[string]string) map[string]ed25519.PublicKey {
		if m == nil {
			return nil
		}
		out := map[string]ed25519.PublicKey{}
		for _, name := range slices.Sorted(maps.Keys(m)) {
			pk, err := crypto.DecodeB64(m[name])
			if err != nil {
				t.Fatal(err)
			}
			out[name] = pk
		}
		return out
	}
	kl.Witnesses, kl.Pins = decode(c.Witnesses), decode(c.Pins)
	return kl
}
