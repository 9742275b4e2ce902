package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

func TestCourierFileErrorsNameTheirField(t *testing.T) {
	f := newFixture(t)
	if err := os.WriteFile(filepath.Join(f.dir, "garbage.key"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	emptyDir := filepath.Join(f.dir, "empty")
	if err := os.Mkdir(emptyDir, 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		pull      bool // edit the pull-mode file instead of the push-mode one
		path      string
		value     any
		wantField string
		wantText  string
	}{
		{"courier id malformed", false, "courier", "Swift", "courier", "lower-case"},
		{"listen missing", false, "listen", nil, "listen", "host:port"},
		{"mode unknown", false, "mode", "poll", "mode", "push"},
		{"factor unknown", false, "factor", "pin", "factor", "phone_last4"},
		{"bucket_bits missing", false, "bucket_bits", nil, "bucket_bits", "same on every gateway"},
		{"record_size not whole blocks", false, "record_size", 5000, "record_size", "the gateway's records.record_size"},
		{"record_size above 64 blocks", false, "record_size", 49152, "record_size", "from 384 to 24576"},
		{"adapter missing", false, "adapter", nil, "adapter.name", "simulator"},
		{"adapter unknown", false, "adapter.name", "sf-express", "adapter.name", `unknown adapter "sf-express"`},
		{"adapter options misspelt", false, "adapter.option", map[string]any{"courier": "x"}, "adapter.option", `did you mean "options"?`},
		{"adapter options not a mapping", false, "adapter.options", []any{"courier"}, "adapter.options", "a list is not a mapping of names to values"},
		{"oprf_keys missing", false, "oprf_keys", nil, "oprf_keys", "keys gen"},
		{"oprf key absent", false, "oprf_keys", []any{"oprf", "gone.key"}, "oprf_keys[1]", "does not exist"},
		{"oprf key path empty", false, "oprf_keys", []any{"oprf", ""}, "oprf_keys[1]", "empty path"},
		{"oprf key not a key file", false, "oprf_keys", "garbage.key", "oprf_keys[0]", "written by 'trackgate keys gen'"},
		{"oprf key is a signing key", false, "oprf_keys", "courier-signing.key", "oprf_keys[0]", "is a signing key"},
		{"oprf directory without OPRF keys", false, "oprf_keys", emptyDir, "oprf_keys[0]", "holds no OPRF key file"},
		{"oprf key listed twice", false, "oprf_keys", []any{"oprf", "oprf/oprf.key"}, "oprf_keys[1]", "list each key once"},
		{"only expired keys", false, "oprf_keys", "expired-oprf.key", "oprf_keys", "keys rotate"},
		{"oprf_keys a mapping", false, "oprf_keys", map[string]any{"dir": "oprf"}, "oprf_keys", "a path, or a list of paths"},
		{"gateway key missing", false, "gateway.public_key", nil, "gateway.public_key", "trackgate keys show"},
		{"gateway key malformed", false, "gateway.public_key", "AAAA", "gateway.public_key", "not 32 bytes of base64url"},
		{"gateway key is the host's own", false, "gateway.public_key", crypto.EncodeB64(f.courierPub), "gateway.public_key", "host's own public key"},
		{"push without signing key", false, "signing_key", nil, "signing_key", "signs every answer"},
		{"signing key is an OPRF key", false, "signing_key", "single-oprf.key", "signing_key", "is an OPRF key"},
		{"push without gateway URL", false, "gateway.url", nil, "gateway.url", "base URL"},
		{"gateway URL malformed", false, "gateway.url", "gateway:8081", "gateway.url", "base URL"},
		{"push without outbox", false, "outbox", nil, "outbox", "records it has not yet delivered"},
		{"outbox directory absent", false, "outbox", "nowhere/outbox.db", "outbox", "create it"},
		{"pull without signing key", true, "signing_key", nil, "signing_key", "signs every answer"},
		{"gateway over plain HTTP off loopback", false, "gateway.url", "http://gateway.example:8081", "gateway.url", "use https://gateway.example:8081"},
		{"gateway id malformed", false, "gateway.id", "Gateway!", "gateway.id", "gateway_id"},
		{"gateway client certificate without its key", false, "gateway.tls.cert_file", "client.pem", "gateway.tls", "give both"},
		{"gateway CA file absent", false, "gateway.tls.ca_file", "ca.pem", "gateway.tls.ca_file", "cannot read"},
		{"pull with gateway TLS", true, "gateway.tls.ca_file", "ca.pem", "gateway.tls", "never calls the gateway"},
		{"listener TLS without a key", false, "tls.cert_file", "server.pem", "tls", "cert_file and key_file are required"},
		{"pull with a gateway URL", true, "gateway.url", "http://127.0.0.1:8081", "gateway.url", "never calls the gateway"},
		{"pull with an outbox", true, "outbox", "state/outbox.db", "outbox", "publishes nothing"},
		{"pull with a partition", true, "partition", map[string]any{"index": 0, "count": 2}, "partition", "each replica serves every bucket"},
		{"partition without a count", false, "partition", map[string]any{"index": 1}, "partition.count", "from 1 to 1024"},
		{"partition index past the count", false, "partition", map[string]any{"index": 2, "count": 2}, "partition.index", "from 0 to 1 (count − 1)"},
		{"partition index negative", false, "partition", map[string]any{"index": -1, "count": 3}, "partition.index", "from 0 to 2"},
		{"partition field misspelt", false, "partition", map[string]any{"idx": 1, "count": 2}, "partition.idx", `did you mean "index"?`},
		{"evaluate rate negative", false, "evaluate_rate", -5, "evaluate_rate", "limits evaluations itself"},
		{"evaluate burst below a batch", false, "evaluate_burst", 3, "evaluate_burst", "at least 8"},
		{"record TTL too short", false, "record_ttl", "10s", "record_ttl", "at least a minute"},
		{"record TTL unreadable", false, "record_ttl", "a week", "record_ttl", "not a duration"},
		{"list interval too short", false, "list_interval", "1ms", "list_interval", "at most once a second"},
		{"http timeout unknown", false, "timeouts.http_header", "5s", "timeouts.http_header", "Known fields here: http_idle, http_read, http_write"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := f.courierDoc()
			if tt.pull {
				doc = f.pullDoc()
			}
			edit(t, doc, tt.path, tt.value)
			_, err := parseCourier(marshal(t, doc), f.dir, f.opts())
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

func TestLoadCourierReadsEveryOPRFKeyOfItsDirectory(t *testing.T) {
	f := newFixture(t)
	path := filepath.Join(f.dir, "courier.yaml")
	if err := os.WriteFile(path, marshal(t, f.courierDoc()), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadCourier(path)
	if err != nil {
		t.Fatal(err)
	}
	var kids []string
	for _, k := range c.keys {
		kids = append(kids, k.key.Key.Public().KeyID())
	}
	if len(kids) != 2 || !contains(kids, f.kids[0]) || !contains(kids, f.kids[1]) {
		t.Errorf("keys %v, want both OPRF keys of the directory %v and not its signing key", kids, f.kids)
	}
	if c.Outbox != filepath.Join(f.dir, "state", "outbox.db") || c.OPRFKeys[0] != f.oprfDir {
		t.Errorf("paths not resolved against the file's directory: outbox %s, oprf_keys %v", c.Outbox, c.OPRFKeys)
	}
	if c.EvaluateRate != DefaultHostEvaluateRate || c.EvaluateBurst != DefaultHostEvaluateBurst ||
		time.Duration(c.ListInterval) != DefaultListInterval || time.Duration(c.RecordTTL) != 7*24*time.Hour {
		t.Errorf("defaults not applied: %+v", c)
	}
	if c.Adapter.Options["seed"] != "7" || c.Adapter.Options["parcels"] != "40" {
		t.Errorf("adapter options %v: numbers should arrive as their text", c.Adapter.Options)
	}

	// A file and a directory may be mixed; the clock decides expiry.
	doc := f.courierDoc()
	doc["oprf_keys"] = []any{"single-oprf.key", "expired-oprf.key"}
	if _, err := parseCourier(marshal(t, doc), f.dir, f.opts()); err != nil {
		t.Errorf("a valid key beside an expired one: %v", err)
	}
	later := func() time.Time { return time.Now().Add(365 * 24 * time.Hour) }
	if _, err := parseCourier(marshal(t, f.courierDoc()), f.dir, loadOptions{getenv: f.getenv, now: later}); err == nil || fieldOf(t, err).Field != "oprf_keys" {
		t.Errorf("a year later every key has expired: %v", err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestExampleFilesDecode(t *testing.T) {
	tests := []struct {
		file string
		into any
	}{
		{"gateway.example.yaml", &Gateway{}},
		{"courier.example.yaml", &Courier{}},
	}
	for _, tt := range tests {
		data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "local", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		if err := decodeStrict(data, tt.into); err != nil {
			t.Errorf("%s: %v", tt.file, err)
		}
	}
}

func TestCourierRecordSizeDefaultsToTheGateways(t *testing.T) {
	f := newFixture(t)
	doc := f.pullDoc()
	c, err := parseCourier(marshal(t, doc), f.dir, f.opts())
	if err != nil {
		t.Fatal(err)
	}
	if c.RecordSize != crypto.DefaultRecordSize {
		t.Errorf("record_size %d without the field, want the default %d", c.RecordSize, crypto.DefaultRecordSize)
	}
	edit(t, doc, "record_size", 1536)
	if c, err = parseCourier(marshal(t, doc), f.dir, f.opts()); err != nil {
		t.Fatal(err)
	}
	if c.RecordSize != 1536 {
		t.Errorf("record_size %d, want the file's 1536", c.RecordSize)
	}
}
