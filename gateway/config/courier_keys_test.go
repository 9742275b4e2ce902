package config

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/keyfile"
	"github.com/trackgate/trackgate/gateway/remotehost"
	"github.com/trackgate/trackgate/gateway/signing"
)

// runningPull builds the fixture's pull host with opts, runs it until the
// test ends, and serves its /tg1 API on loopback.
func runningPull(t *testing.T, f *fixture, logs *syncBuffer, opts ...BuildOption) (*CourierHost, *httptest.Server) {
	t.Helper()
	c, err := parseCourier(marshal(t, f.pullDoc()), f.dir, f.opts())
	if err != nil {
		t.Fatal(err)
	}
	h, err := c.Build(context.Background(), slog.New(slog.NewTextHandler(logs, nil)), opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	srv := httptest.NewServer(h.Handler)
	t.Cleanup(func() {
		srv.Close()
		cancel()
		<-done
		h.Close()
	})
	return h, srv
}

// kidsServed are the kids the host at srv serves, asked as the gateway
// asks, its answers checked with answerKey.
func kidsServed(t *testing.T, f *fixture, srv *httptest.Server, answerKey ed25519.PublicKey) ([]api.Key, error) {
	t.Helper()
	asGateway := &signing.Signer{KeyID: GatewayKeyID, Key: f.gatewayKey, Audience: "sim-global"}
	return remotehost.New(srv.URL, asGateway, answerKey, nil).Keys(context.Background())
}

func kids(keys []api.Key) []string {
	var out []string
	for _, k := range keys {
		out = append(out, k.KeyID)
	}
	slices.Sort(out)
	return out
}

// rotate does what 'trackgate keys rotate' does to the fixture's key
// directory: a new key from now, the keys valid now shortened to end
// within overlap. It returns the new kid.
func rotate(t *testing.T, f *fixture, overlap time.Duration) string {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	files, err := keyfile.LoadDir(f.oprfDir)
	if err != nil {
		t.Fatal(err)
	}
	kid := saveOPRF(t, filepath.Join(f.oprfDir, "oprf-rotated.key"), now, now.Add(90*24*time.Hour))
	for _, kf := range files {
		if kf.Kind == keyfile.KindOPRF && kf.OPRF.NotAfter.After(now.Add(overlap)) {
			if err := keyfile.SaveOPRF(kf.Path, kf.OPRF.Key, kf.OPRF.NotBefore, now.Add(overlap), keyfile.Overwrite()); err != nil {
				t.Fatal(err)
			}
		}
	}
	return kid
}

func TestReloadKeysServesARotationWithoutARestart(t *testing.T) {
	f := newFixture(t)
	logs := &syncBuffer{}
	h, srv := runningPull(t, f, logs, WithKeyCheckInterval(-1)) // ReloadKeys alone
	before, err := kidsServed(t, f, srv, f.pullPub)
	if err != nil {
		t.Fatal(err)
	}

	newKid := rotate(t, f, time.Hour)
	if err := h.ReloadKeys(); err != nil {
		t.Fatal(err)
	}
	after, err := kidsServed(t, f, srv, f.pullPub)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := kids(after), kids(append(before, api.Key{KeyID: newKid})); !slices.Equal(got, want) {
		t.Fatalf("after the rotation the host serves %v, want %v: the previous keys beside the new one", got, want)
	}
	for _, k := range after {
		if k.KeyID != newKid && k.NotAfter.After(time.Now().Add(time.Hour)) {
			t.Errorf("key %s still ends %s, after the overlap", k.KeyID, k.NotAfter)
		}
	}
	// The new key evaluates, as a client holding the new directory asks.
	b, _ := crypto.Blind(mustPublic(t, after, newKid), [][]byte{crypto.Input("sim-global", "GP000000014CN", "")})
	if _, _, err := h.Host.Evaluate(context.Background(), newKid, b.Elements); err != nil {
		t.Errorf("evaluate under the new key: %v", err)
	}
	line := logs.String()
	if !strings.Contains(line, "OPRF keys changed") || !strings.Contains(line, newKid) {
		t.Errorf("the rotation is not logged by kid:\n%s", line)
	}
	assertNoPrivateKey(t, line, filepath.Join(f.oprfDir, "oprf-rotated.key"))
}

func TestAKeyFileThatDoesNotLoadChangesNothing(t *testing.T) {
	f := newFixture(t)
	logs := &syncBuffer{}
	h, srv := runningPull(t, f, logs, WithKeyCheckInterval(-1))
	before, _ := kidsServed(t, f, srv, f.pullPub)
	bad := filepath.Join(f.oprfDir, "half-written.key")
	if err := os.WriteFile(bad, []byte(`{"kind":"oprf"`), 0o600); err != nil {
		t.Fatal(err)
	}
	err := h.ReloadKeys()
	var fe *FieldError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "half-written.key") {
		t.Fatalf("reload with a broken key file: %v; want a field error naming the file", err)
	}
	if after, _ := kidsServed(t, f, srv, f.pullPub); !slices.Equal(kids(after), kids(before)) {
		t.Errorf("a failed reload changed the keys: %v, were %v", kids(after), kids(before))
	}
	if !strings.Contains(logs.String(), "keys not reloaded") {
		t.Errorf("the failed reload is not logged:\n%s", logs)
	}
}

func TestTheHostPicksUpChangedKeyFilesByItself(t *testing.T) {
	f := newFixture(t)
	_, srv := runningPull(t, f, &syncBuffer{}, WithKeyCheckInterval(20*time.Millisecond))
	newKid := rotate(t, f, time.Hour)
	deadline := time.Now().Add(10 * time.Second)
	for {
		keys, err := kidsServed(t, f, srv, f.pullPub)
		if err == nil && slices.Contains(kids(keys), newKid) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the host did not pick up the new key file within 10 s: %v, %v", kids(keys), err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestReloadKeysTakesANewSigningKey(t *testing.T) {
	f := newFixture(t)
	h, srv := runningPull(t, f, &syncBuffer{}, WithKeyCheckInterval(-1))
	newPub, _ := saveSigningOver(t, filepath.Join(f.dir, "pull-signing.key"))
	if err := h.ReloadKeys(); err != nil {
		t.Fatal(err)
	}
	if _, err := kidsServed(t, f, srv, newPub); err != nil {
		t.Errorf("answers are not signed with the new key: %v", err)
	}
	if _, err := kidsServed(t, f, srv, f.pullPub); !errors.Is(err, api.ErrUnavailable) {
		t.Errorf("answers still verify with the old key: %v", err)
	}
}

func saveSigningOver(t *testing.T, path string) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	return saveSigning(t, path)
}

func mustPublic(t *testing.T, keys []api.Key, kid string) *crypto.PublicKey {
	t.Helper()
	for _, k := range keys {
		if k.KeyID == kid {
			pk, err := crypto.ParsePublicKey(k.PublicKey)
			if err != nil {
				t.Fatal(err)
			}
			return pk
		}
	}
	t.Fatalf("no key %s", kid)
	return nil
}

// assertNoPrivateKey fails when logs hold the private key of the key
// file at path.
func assertNoPrivateKey(t *testing.T, logs, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]any
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	for name, v := range file {
		if s, ok := v.(string); ok && strings.Contains(name, "private") && strings.Contains(logs, s) {
			t.Errorf("the logs hold the key file's %s", name)
		}
	}
}

// signingStatementsServed are the signing-key statements the host at srv
// serves, its answers checked with answerKey.
func signingStatementsServed(t *testing.T, f *fixture, srv *httptest.Server, answerKey ed25519.PublicKey) []keystatement.SigningKey {
	t.Helper()
	asGateway := &signing.Signer{KeyID: GatewayKeyID, Key: f.gatewayKey, Audience: "sim-global"}
	answer, err := remotehost.New(srv.URL, asGateway, answerKey, nil).KeysAnswer(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	history := keystatement.NewHistory("sim-global")
	var out []keystatement.SigningKey
	for _, msg := range answer.SigningKeys {
		s, err := keystatement.OpenSigningKey([]byte(msg))
		if err == nil {
			err = history.Change(s)
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	for _, msg := range answer.Statements {
		k, err := keystatement.OpenKey([]byte(msg))
		if err == nil {
			err = history.Check(k)
		}
		if err != nil {
			t.Fatalf("a key statement: %v", err)
		}
	}
	return out
}

// TestSigningKeyStatementsBesideTheKeyFile: a change of signing key is
// proven by the statements kept beside its file, on a reload and after a
// restart; statements that do not lead to the key change nothing.
func TestSigningKeyStatementsBesideTheKeyFile(t *testing.T) {
	f := newFixture(t)
	keyPath := filepath.Join(f.dir, "pull-signing.key")
	oldKey, err := keyfile.LoadSigning(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	h, srv := runningPull(t, f, &syncBuffer{}, WithKeyCheckInterval(-1))
	if got := signingStatementsServed(t, f, srv, f.pullPub); len(got) != 1 || got[0].Previous != nil {
		t.Fatalf("before any change: %+v, want the first key's statement alone", got)
	}

	// What 'trackgate keys rotate --kind signing' leaves: the new key,
	// and beside it the chain, the change signed by both keys.
	newPub, newKey := saveSigningOver(t, keyPath)
	first, err := keystatement.SignSigningKey(keystatement.SigningKey{Courier: "sim-global", Key: f.pullPub}, oldKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	change, err := keystatement.SignSigningKey(keystatement.SigningKey{Courier: "sim-global", Key: newPub, Previous: f.pullPub}, newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := keyfile.SaveStatements(keyfile.StatementsPath(keyPath), [][]byte{first, change}); err != nil {
		t.Fatal(err)
	}
	if err := h.ReloadKeys(); err != nil {
		t.Fatal(err)
	}
	if got := signingStatementsServed(t, f, srv, newPub); len(got) != 2 || !got[1].Previous.Equal(f.pullPub) {
		t.Fatalf("after the change: %+v, want the first key's statement and the change from it", got)
	}

	// A restart reads the same chain.
	_, restarted := runningPull(t, f, &syncBuffer{}, WithKeyCheckInterval(-1))
	if got := signingStatementsServed(t, f, restarted, newPub); len(got) != 2 {
		t.Fatalf("after a restart: %d statements, want the same 2", len(got))
	}

	// Statements of another chain are refused, naming the field; the
	// host keeps what it had.
	if err := keyfile.SaveStatements(keyfile.StatementsPath(keyPath), [][]byte{first}); err != nil {
		t.Fatal(err)
	}
	err = h.ReloadKeys()
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "signing_key" {
		t.Fatalf("statements that do not lead to the key: %v, want a field error on signing_key", err)
	}
	if got := signingStatementsServed(t, f, srv, newPub); len(got) != 2 {
		t.Errorf("a refused reload changed the statements: %d", len(got))
	}
	if _, err := parseCourier(marshal(t, f.pullDoc()), f.dir, f.opts()); !errors.As(err, &fe) || fe.Field != "signing_key" {
		t.Errorf("loading the file: %v, want a field error on signing_key", err)
	}
}
