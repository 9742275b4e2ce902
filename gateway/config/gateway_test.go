package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/crypto"
)

func TestGatewayFileErrorsNameTheirField(t *testing.T) {
	f := newFixture(t)
	oprfKey := filepath.Join(f.oprfDir, "oprf.key")
	insecure := filepath.Join(f.dir, "insecure.key")
	saveSigning(t, insecure)
	if err := os.Chmod(insecure, 0o644); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(f.dir, "garbage.key")
	if err := os.WriteFile(garbage, []byte("-----BEGIN OPENSSH PRIVATE KEY-----"), 0o600); err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(f.dir, "ca.txt")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		path      string // dotted path to edit
		value     any    // nil deletes
		wantField string
		wantText  string
	}{
		{"listen missing", "listen", nil, "listen", "host:port"},
		{"listen without port", "listen", "localhost", "listen", "not host:port"},
		{"listen on a port out of range", "listen", "127.0.0.1:99999", "listen", "no valid port"},
		{"bucket_bits missing", "bucket_bits", nil, "bucket_bits", "same on every gateway and courier host"},
		{"bucket_bits too many", "bucket_bits", 25, "bucket_bits", "0 to 24"},
		{"bucket_bits not a number", "bucket_bits", "eight", "bucket_bits", `"eight" is not a whole number`},
		{"signing_key missing", "signing_key", nil, "signing_key", "keys gen"},
		{"signing_key absent", "signing_key", "nowhere.key", "signing_key", "does not exist"},
		{"signing_key is an OPRF key", "signing_key", oprfKey, "signing_key", "is an OPRF key"},
		{"signing_key readable by others", "signing_key", insecure, "signing_key", "chmod 600"},
		{"signing_key not a key file", "signing_key", garbage, "signing_key", "written by 'trackgate keys gen'"},
		{"unknown field", "listn", "x", "listn", `did you mean "listen"?`},
		{"unknown nested field", "couriers.0.patterns.0.regexp", "x", "couriers[0].patterns[0].regexp", "Known fields here: checksum, regex"},
		{"redis without addresses", "redis.addrs", []any{}, "redis.addrs", "remove the redis section"},
		{"redis address without port", "redis.addrs", []any{"127.0.0.1:6379", "redis-b"}, "redis.addrs[1]", "not host:port"},
		{"redis password inline", "redis.password", "hunter2", "redis.password", "password_env"},
		{"redis password variable unset", "redis.password_env", "NOT_SET_ANYWHERE", "redis.password_env", "NOT_SET_ANYWHERE"},
		{"redis db in a cluster", "redis", map[string]any{"addrs": []any{"a:1", "b:2"}, "db": 3}, "redis.db", "only database 0"},
		{"redis key prefix with a brace", "redis.key_prefix", "tg{1", "redis.key_prefix", "hash tag"},
		{"redis db out of range", "redis.db", 16, "redis.db", "0 to 15"},
		{"redis CA file absent", "redis.tls.ca_file", "ca.pem", "redis.tls.ca_file", "cannot read"},
		{"redis CA file without a certificate", "redis.tls.ca_file", notPEM, "redis.tls.ca_file", "no PEM certificate"},
		{"redis timeout unreadable", "redis.timeout", "soon", "redis.timeout", "not a duration"},
		{"trusted proxy by name", "trusted_proxies", []any{"proxy.internal"}, "trusted_proxies[0]", "CIDR"},
		{"evaluate timeout outlasts writes", "timeouts.evaluate", "40s", "timeouts.evaluate", "shorter than timeouts.http_write"},
		{"negative fetch timeout", "timeouts.fetch", "-1s", "timeouts.fetch", "negative"},
		{"fetch timeout outlasts writes", "timeouts.fetch", "1m", "timeouts.fetch", "shorter than timeouts.http_write"},
		{"days without a number", "timeouts.directory_refresh", "d", "timeouts.directory_refresh", "not a duration"},
		{"negative rate", "limits.evaluate_rate", -1, "limits.evaluate_rate", "positive"},
		{"burst below a batch", "limits.evaluate_burst", 4, "limits.evaluate_burst", "at least 128"},
		{"burst below the largest request", "limits.evaluate_burst", 64, "limits.evaluate_burst", "the largest valid request (16 couriers × 8 elements)"},
		{"negative fetch rate", "limits.fetch_rate", -1, "limits.fetch_rate", "positive"},
		{"fetch burst below a lookup round", "limits.fetch_burst", 15, "limits.fetch_burst", "at least 16"},
		{"tiny body limit", "limits.max_body_bytes", 100, "limits.max_body_bytes", "at least 4096"},
		{"tiny publish limit", "limits.max_publish_bytes", 1000, "limits.max_publish_bytes", "at least 1048576"},
		{"no couriers", "couriers", nil, "couriers", "at least one courier"},
		{"courier id malformed", "couriers.1.id", "Sim_Global", "couriers[1].id", "lower-case"},
		{"courier id twice", "couriers.1.id", "sim-panda", "couriers[1].id", "already registered as couriers[0]"},
		{"courier without name", "couriers.0.name", nil, "couriers[0].name", "missing"},
		{"courier host not http", "couriers.0.host", "ftp://courier.example", "couriers[0].host", "base URL"},
		{"courier host with a query", "couriers.0.host", "https://courier.example/?a=1", "couriers[0].host", "base URL"},
		{"courier host twice", "couriers.1.host", "http://127.0.0.1:19002", "couriers[1].host", "already a host of couriers[0]"},
		{"courier without a host", "couriers.0.host", nil, "couriers[0].host", "hosts: a list of the URLs of its replicas"},
		{"courier with host and hosts", "couriers.0.hosts", []any{"http://127.0.0.1:19012"}, "couriers[0].hosts", "not both"},
		{"courier mode unknown", "couriers.0.mode", "both", "couriers[0].mode", "push"},
		{"courier factor unknown", "couriers.0.factor", "phone", "couriers[0].factor", "phone_last4"},
		{"courier key not base64url", "couriers.0.public_key", "not/a+key", "couriers[0].public_key", `not 32 bytes of base64url; paste the "public_key"`},
		{"courier key short", "couriers.0.public_key", crypto.EncodeB64(make([]byte, 31)), "couriers[0].public_key", "not 32 bytes"},
		{"push courier without key", "couriers.0.public_key", nil, "couriers[0].public_key", "trackgate keys show"},
		{"courier key is the gateway's", "couriers.0.public_key", crypto.EncodeB64(f.gatewayPub), "couriers[0].public_key", "gateway's own public key"},
		{"pull courier without key", "couriers.1.public_key", nil, "couriers[1].public_key", "pull mode too"},
		{"courier host over plain HTTP off loopback", "couriers.0.host", "http://tg1.courier.example", "couriers[0].host", "use https://tg1.courier.example"},
		{"gateway id malformed", "gateway_id", "GW 1", "gateway_id", "lower-case"},
		{"courier TLS CA absent", "courier_tls.ca_file", "ca.pem", "courier_tls.ca_file", "cannot read"},
		{"courier TLS CA without a certificate", "courier_tls.ca_file", notPEM, "courier_tls.ca_file", "no PEM certificate"},
		{"courier TLS key without its certificate", "courier_tls.key_file", "client-key.pem", "courier_tls", "give both"},
		{"pattern not a regex", "couriers.0.patterns.0.regex", "^SW[0-9", "couriers[0].patterns[0].regex", "regular expression"},
		{"pattern empty", "couriers.0.patterns.0.regex", "", "couriers[0].patterns[0].regex", "regular expression"},
		{"checksum name malformed", "couriers.1.patterns.0.checksum", "Mod 11", "couriers[1].patterns[0].checksum", "check-digit"},
		{"patterns not a list", "couriers.0.patterns", "^SW", "couriers[0].patterns", "is not a list"},
		{"couriers not a list", "couriers", map[string]any{"id": "x"}, "couriers", "a mapping is not a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := f.gatewayDoc()
			edit(t, doc, tt.path, tt.value)
			_, err := parseGateway(marshal(t, doc), f.dir, f.opts())
			if err == nil {
				t.Fatal("accepted")
			}
			fe := fieldOf(t, err)
			if fe.Field != tt.wantField || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q: want field %s and %q", err, tt.wantField, tt.wantText)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestGatewayFileShapeErrors(t *testing.T) {
	tests := []struct {
		name, data, wantText string
	}{
		{"empty", "", "empty"},
		{"only a comment", "# nothing\n", "empty"},
		{"a list", "- listen: x\n", "mapping of fields"},
		{"two documents", "listen: a\n---\nlisten: b\n", "more than one YAML document"},
		{"not YAML", "listen: [\n", "not valid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseGateway([]byte(tt.data), t.TempDir(), loadOptions{getenv: os.Getenv, now: time.Now})
			if fe := fieldOf(t, err); fe.Field != "" || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q (field %q): want %q about the whole file", err, fe.Field, tt.wantText)
			}
		})
	}
}

func TestLoadGatewayResolvesPathsAndFillsDefaults(t *testing.T) {
	f := newFixture(t)
	doc := f.gatewayDoc()
	delete(doc, "timeouts")
	delete(doc, "limits")
	path := filepath.Join(f.dir, "gateway.yaml")
	if err := os.WriteFile(path, marshal(t, doc), 0o600); err != nil {
		t.Fatal(err)
	}
	g, err := LoadGateway(path, WithGetenv(f.getenv))
	if err != nil {
		t.Fatal(err)
	}
	if g.SigningKey != filepath.Join(f.dir, "gateway-signing.key") || !g.signingKey.Equal(f.gatewayKey) {
		t.Errorf("signing_key resolved to %s", g.SigningKey)
	}
	if g.redisPassword != "s3cret" {
		t.Error("the Redis password was not taken from password_env")
	}
	want := GatewayTimeouts{
		Evaluate: Duration(DefaultEvaluateTimeout), Fetch: Duration(DefaultFetchTimeout),
		PullCacheTTL: Duration(DefaultPullCacheTTL), DirectoryRefresh: Duration(DefaultDirectoryRefresh),
		HTTPTimeouts: HTTPTimeouts{Read: Duration(DefaultHTTPRead), Write: Duration(DefaultHTTPWrite), Idle: Duration(DefaultHTTPIdle)},
	}
	if g.Timeouts != want {
		t.Errorf("timeouts %+v, want the defaults %+v", g.Timeouts, want)
	}
	if g.Limits != (Limits{
		EvaluateRate: DefaultEvaluateRate, EvaluateBurst: DefaultEvaluateBurst,
		FetchRate: DefaultFetchRate, FetchBurst: DefaultFetchBurst,
		MaxBodyBytes: DefaultMaxBodyBytes, MaxPublishBytes: DefaultMaxPublishBytes,
	}) {
		t.Errorf("limits %+v, want the defaults", g.Limits)
	}
	if !g.courierKeys[0].Equal(f.courierPub) || !g.courierKeys[1].Equal(f.pullPub) {
		t.Error("courier keys: want the push and the pull courier's")
	}
	if g.GatewayID != "gateway" {
		t.Errorf("gateway_id %q, want the default gateway", g.GatewayID)
	}

	// The error names the file it is about.
	edit(t, doc, "listen", "nowhere")
	if err := os.WriteFile(path, marshal(t, doc), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadGateway(path, WithGetenv(f.getenv)); err == nil || !strings.HasPrefix(err.Error(), "config file "+path+": listen: ") {
		t.Errorf("error %v: want it to begin with the file and the field", err)
	}
	if _, err := LoadGateway(filepath.Join(f.dir, "missing.yaml")); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("a missing file: %v", err)
	}
}

func TestRedisAddressesChooseSingleOrCluster(t *testing.T) {
	tests := []struct {
		name        string
		redis       *Redis
		wantCluster bool
	}{
		{"one address", &Redis{Addrs: []string{"127.0.0.1:6379"}}, false},
		{"one seed node of a cluster", &Redis{Addrs: []string{"127.0.0.1:7000"}, Cluster: true}, true},
		{"several seed nodes", &Redis{Addrs: []string{"127.0.0.1:7000", "127.0.0.1:7001", "127.0.0.1:7002"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &Gateway{Redis: tt.redis}
			client := redis.NewUniversalClient(g.redisOptions())
			defer client.Close()
			_, isCluster := client.(*redis.ClusterClient)
			if isCluster != tt.wantCluster {
				t.Errorf("client %T, want cluster %v", client, tt.wantCluster)
			}
		})
	}
}
