package verify_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/keylog/keylogtest"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

func TestNewChecksConfigAndState(t *testing.T) {
	logPub := keylogtest.Public(logKey)
	w := keylogtest.Public(keylogtest.SigningKey("w"))
	valid := verify.Config{Origin: keylogtest.Origin, LogKey: logPub}
	g := newGateway(t, nil)
	g.add(keylogtest.NewCourier(t, "sim-swift").First())
	cp, err := g.log.Checkpoint(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  verify.Config
		st   verify.State
	}{
		{"no origin", verify.Config{LogKey: logPub}, verify.State{}},
		{"no log key", verify.Config{Origin: keylogtest.Origin}, verify.State{}},
		{"an origin that cannot be a note name", verify.Config{Origin: "trackgate example", LogKey: logPub}, verify.State{}},
		{"a quorum larger than the witnesses", verify.Config{Origin: keylogtest.Origin, LogKey: logPub, Witnesses: map[string]ed25519.PublicKey{"w": w}, Quorum: 2}, verify.State{}},
		{"a negative quorum", verify.Config{Origin: keylogtest.Origin, LogKey: logPub, Quorum: -1}, verify.State{}},
		{"a witness under the log's name", verify.Config{Origin: keylogtest.Origin, LogKey: logPub, Witnesses: map[string]ed25519.PublicKey{keylogtest.Origin: w}}, verify.State{}},
		{"a configured pin of an invalid courier", verify.Config{Origin: keylogtest.Origin, LogKey: logPub, Pins: map[string]ed25519.PublicKey{"Sim": w}}, verify.State{}},
		{"a configured pin of a short key", verify.Config{Origin: keylogtest.Origin, LogKey: logPub, Pins: map[string]ed25519.PublicKey{"sim-swift": w[:8]}}, verify.State{}},
		{"a stored pin of a short key", valid, verify.State{Pins: map[string]crypto.B64{"sim-swift": crypto.B64(w[:8])}}},
		{"a stored checkpoint of another log key", verify.Config{Origin: keylogtest.Origin, LogKey: w}, verify.State{Checkpoint: cp}},
		{"a stored checkpoint altered", valid, verify.State{Checkpoint: []byte(strings.Replace(string(cp), "\n1\n", "\n2\n", 1))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := verify.New(tt.cfg, tt.st); err == nil {
				t.Error("New accepted it")
			}
		})
	}
	v, err := verify.New(valid, verify.State{Checkpoint: cp})
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := v.Latest(); !ok || c.Size != 1 {
		t.Errorf("resumed at %+v, %v; want size 1", c, ok)
	}
}

func TestOpenCheckpointChecksItsSignatures(t *testing.T) {
	w1 := keylogtest.SigningKey("witness one")
	witnesses := map[string]ed25519.PublicKey{"witness.example/one": keylogtest.Public(w1)}
	client := newClient(t, verify.Config{Witnesses: witnesses})
	strict := newClient(t, verify.Config{Witnesses: witnesses, Quorum: 1})
	g := newGateway(t, witnesses)
	g.add(keylogtest.NewCourier(t, "sim-swift").First())
	size := g.size()
	text := verify.Checkpoint{Origin: keylogtest.Origin, Size: size, Hash: g.mustUpdate(newClient(t, verify.Config{})).Hash}.Text()

	sign := func(text string, keys ...struct {
		name string
		key  ed25519.PrivateKey
	}) []byte {
		var signers []note.Signer
		for _, k := range keys {
			s, err := keystatement.NewSigner(k.name, k.key)
			if err != nil {
				t.Fatal(err)
			}
			signers = append(signers, s)
		}
		msg, err := note.Sign(&note.Note{Text: text}, signers...)
		if err != nil {
			t.Fatal(err)
		}
		return msg
	}
	type key = struct {
		name string
		key  ed25519.PrivateKey
	}
	byLog := key{keylogtest.Origin, logKey}
	byW1 := key{"witness.example/one", w1}
	tests := []struct {
		name   string
		msg    []byte
		client *verify.Verifier
		want   error
	}{
		{"signed by the log", sign(text, byLog), client, nil},
		{"signed by the log and an unknown witness", sign(text, byLog, key{"witness.example/x", keylogtest.SigningKey("x")}), client, nil},
		{"signed by another key under the log's name", sign(text, key{keylogtest.Origin, keylogtest.SigningKey("gateway")}), client, verify.ErrBadSignature},
		{"signed by the log's key under another name", sign(text, key{"other.example/log", logKey}), client, verify.ErrBadSignature},
		{"cosigned but not signed by the log", sign(text, byW1), client, verify.ErrBadSignature},
		{"the log's signature corrupted", corrupt(t, sign(text, byLog)), client, verify.ErrBadSignature},
		{"a witness's cosignature corrupted", corrupt(t, sign(text, byLog, byW1)), client, verify.ErrBadSignature},
		{"another origin in the text", sign("other.example/log\n1\n"+strings.Split(text, "\n")[2]+"\n", byLog), client, verify.ErrMalformed},
		{"a malformed text", sign(keylogtest.Origin+"\n01\n"+strings.Split(text, "\n")[2]+"\n", byLog), client, verify.ErrMalformed},
		{"not a note", []byte(text), client, verify.ErrMalformed},
		{"too large", append(sign(text, byLog), make([]byte, verify.MaxCheckpointSize)...), client, verify.ErrMalformed},
		{"no cosignature for a client that needs one", sign(text, byLog), strict, verify.ErrNotWitnessed},
		{"an unknown witness's for a client that needs one", sign(text, byLog, key{"witness.example/x", keylogtest.SigningKey("x")}), strict, verify.ErrNotWitnessed},
		{"cosigned for a client that needs it", sign(text, byLog, byW1), strict, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.client.OpenCheckpoint(tt.msg)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("OpenCheckpoint = %v, want %v", err, tt.want)
			}
			if err == nil && c.Size != size {
				t.Errorf("size %d, want %d", c.Size, size)
			}
		})
	}
}

// corrupt flips a bit in the signature of a note's last signature line.
func corrupt(t *testing.T, msg []byte) []byte {
	t.Helper()
	line := string(lastLine(msg))
	i := strings.LastIndexByte(line, ' ')
	raw, err := base64.StdEncoding.DecodeString(line[i+1 : len(line)-1])
	if err != nil {
		t.Fatal(err)
	}
	raw[8] ^= 1
	return append(msg[:len(msg)-len(line):len(msg)-len(line)], []byte(line[:i+1]+base64.StdEncoding.EncodeToString(raw)+"\n")...)
}

func TestHashesAreThirtyTwoBytesEach(t *testing.T) {
	good := make(crypto.B64, tlog.HashSize)
	good[0] = 7
	got, err := verify.Hashes([]crypto.B64{good})
	if err != nil || len(got) != 1 || got[0][0] != 7 {
		t.Fatalf("Hashes(one good hash) = %v, %v", got, err)
	}
	if _, err := verify.Hashes([]crypto.B64{good, good[:31]}); !errors.Is(err, verify.ErrMalformed) {
		t.Errorf("a 31-byte hash: %v, want ErrMalformed", err)
	}
}
