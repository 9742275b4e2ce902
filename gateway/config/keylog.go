package config

import (
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/keylog"
)

// KeyLog is the gateway file's key_log section (docs/protocol.md §7.8):
// the log of the statements courier hosts make about their keys, which
// the gateway appends to, lists keys from, and serves with proofs under
// /v1/log/. It is kept in the gateway's Redis, shared by every gateway of
// the deployment, or in memory without a redis section. Required: clients
// check every key they use against it.
type KeyLog struct {
	// Origin names the log: the first line of its checkpoints and the
	// note name of their signature, such as "trackgate.example/log". The
	// same on every gateway of a deployment; clients and witnesses know
	// the log by it.
	Origin string `yaml:"origin"`
	// Key is the path of the Ed25519 key that signs checkpoints, a
	// signing key file of its own ('trackgate keys gen --kind signing'),
	// the same on every gateway of the deployment.
	Key string `yaml:"key"`
	// Witnesses are the witnesses whose cosignatures the gateway takes
	// (POST /v1/log/cosignatures).
	Witnesses []Witness `yaml:"witnesses"`
	// Quorum is how many witnesses must have cosigned the checkpoint the
	// directory names (default 0: the latest checkpoint); with one, a new
	// key is listed once the witnesses have seen its statement.
	Quorum int `yaml:"quorum"`

	key       ed25519.PrivateKey
	witnesses map[string]ed25519.PublicKey
}

// Witness is one witness of the key log.
type Witness struct {
	// Name is the witness's note name, as its cosignatures carry it.
	Name string `yaml:"name"`
	// Key is its note verifier key, "<name>+<hash>+<base64>", as
	// 'trackgate witness' prints it.
	Key string `yaml:"key"`
}

func (g *Gateway) checkKeyLog(dir string) error {
	l := g.KeyLog
	if l == nil {
		return fieldErr("key_log", "missing; the gateway keeps a key log of its couriers' key statements, which every client checks: give its origin (a name such as trackgate.example/log) and key, the path of a signing key file of its own (make one with 'trackgate keys gen --out DIR --kind signing')")
	}
	if l.Origin == "" || strings.ContainsAny(l.Origin, " \t\n+") {
		return fieldErr("key_log.origin", "%q must name the log without spaces or '+', such as trackgate.example/log: the first line of its checkpoints, the same on every gateway of the deployment", l.Origin)
	}
	if l.Key == "" {
		return fieldErr("key_log.key", "missing; give the path of the key that signs the log's checkpoints, a signing key file of its own (make one with 'trackgate keys gen --out DIR --kind signing')")
	}
	l.Key = resolve(dir, l.Key)
	sk, err := loadSigningKey("key_log.key", l.Key)
	if err != nil {
		return err
	}
	if sk.Equal(g.signingKey) {
		return fieldErr("key_log.key", "is the gateway's signing_key; the log signs checkpoints with a key of its own (make one with 'trackgate keys gen --out DIR --kind signing')")
	}
	if _, err := keystatement.VerifierKey(l.Origin, sk.Public().(ed25519.PublicKey)); err != nil {
		return fieldErr("key_log.origin", "%q cannot name a log: %v", l.Origin, err)
	}
	l.key = sk
	l.witnesses = map[string]ed25519.PublicKey{}
	for i, w := range l.Witnesses {
		at := fmt.Sprintf("key_log.witnesses[%d]", i)
		name, pk, err := keystatement.ParseVerifierKey(w.Key)
		switch {
		case err != nil:
			return fieldErr(at+".key", "is not a note verifier key <name>+<hash>+<base64> of an Ed25519 key: %v", err)
		case w.Name == "":
			return fieldErr(at+".name", "missing; give the witness's name, the one its key carries (%s)", name)
		case name != w.Name:
			return fieldErr(at+".key", "is the key of %q, not of the witness %q", name, w.Name)
		case name == l.Origin:
			return fieldErr(at+".name", "%q is the log's own origin; a witness has a name of its own", name)
		case l.witnesses[name] != nil:
			return fieldErr(at+".name", "%q is listed twice; list each witness once", name)
		}
		l.witnesses[name] = pk
	}
	if l.Quorum < 0 || l.Quorum > len(l.Witnesses) {
		return fieldErr("key_log.quorum", "%d must be from 0 to the %d witnesses listed", l.Quorum, len(l.Witnesses))
	}
	return nil
}

// keyLog is the gateway's key log as the section configures it: kept in
// client under the store's key prefix when the gateway has Redis, in
// memory otherwise.
func (g *Gateway) keyLog(client redis.UniversalClient, logger *slog.Logger) *gateway.KeyLog {
	l := g.KeyLog
	out := &gateway.KeyLog{Origin: l.Origin, Key: l.key, Witnesses: l.witnesses, Quorum: l.Quorum}
	where := "memory"
	if client != nil {
		prefix := keylog.DefaultKeyPrefix
		if g.Redis.KeyPrefix != "" {
			prefix = g.Redis.KeyPrefix
		}
		out.Storage = keylog.NewRedis(client, keylog.WithKeyPrefix(prefix))
		where = "redis"
	}
	vkey, _ := keystatement.VerifierKey(l.Origin, l.key.Public().(ed25519.PublicKey)) // checked by checkKeyLog
	logger.Info("key log", "origin", l.Origin, "key", vkey, "storage", where, "witnesses", len(l.witnesses), "quorum", l.Quorum)
	return out
}
