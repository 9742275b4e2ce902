package config

import (
	"cmp"
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/ratelimit"
	"github.com/trackgate/trackgate/gateway/store/redisstore"
)

// Gateway is a gateway's configuration file, loaded and checked by
// LoadGateway. Zero durations and limits hold their defaults after
// loading.
type Gateway struct {
	// Listen is the address the gateway serves on, host:port.
	Listen string `yaml:"listen"`
	// AdminListen is the address of the admin listener — /metrics,
	// /debug/pprof/ and /healthz — apart from the public API; none by
	// default. It must be on loopback unless AdminPublic is set.
	AdminListen string `yaml:"admin_listen"`
	AdminPublic bool   `yaml:"admin_public"`
	// BucketBits is the deployment's bucket_bits (0..24): the same on
	// every gateway and courier host. Required.
	BucketBits int `yaml:"bucket_bits"`
	// SigningKey is the path of the gateway's Ed25519 signing key file
	// (trackgate keys gen --kind signing). Every gateway of a deployment
	// holds the same one: courier hosts know one key under the id
	// "gateway".
	SigningKey string `yaml:"signing_key"`
	// GatewayID is the id couriers sign their publishes for (the audience
	// of docs/protocol.md §9; default "gateway"): the same on every
	// gateway of a deployment and in each courier host's gateway.id.
	GatewayID string `yaml:"gateway_id"`
	// CourierTLS is how the gateway dials courier hosts over https (CA
	// file, client certificate for mutual TLS); default: system roots.
	CourierTLS *ClientTLS `yaml:"courier_tls"`
	// Redis is where records are kept; without it they are kept in
	// memory, lost when the process stops.
	Redis *Redis `yaml:"redis"`
	// TrustedProxies are the addresses or CIDRs of proxies whose
	// X-Forwarded-For is believed; none by default.
	TrustedProxies []string        `yaml:"trusted_proxies"`
	Timeouts       GatewayTimeouts `yaml:"timeouts"`
	Limits         Limits          `yaml:"limits"`
	Records        Records         `yaml:"records"`
	Couriers       []CourierEntry  `yaml:"couriers"`
	// Tenants are the marketplaces whose pages call the gateway, with
	// their API keys (as hashes), origins and quotas (docs/protocol.md
	// §7.6); none leaves CORS off.
	Tenants []TenantEntry `yaml:"tenants"`
	// Transparency says who may read the transparency report
	// (docs/transparency.md).
	Transparency Transparency `yaml:"transparency"`
	// Webhooks is how subscriptions' deliveries are made (docs/protocol.md §10).
	Webhooks Webhooks `yaml:"webhooks"`
	// KeyLog is the key log of the couriers' key statements
	// (docs/protocol.md §7.8). Required.
	KeyLog *KeyLog `yaml:"key_log"`

	signingKey    ed25519.PrivateKey
	courierKeys   []ed25519.PublicKey // by index of Couriers
	courierTLS    *tls.Config
	redisPassword string
	redisTLS      *tls.Config
	paddingSecret []byte // nil: random per process
}

// Redis is the store section: one address is a single server, several
// are seed nodes of a Redis Cluster.
type Redis struct {
	Addrs []string `yaml:"addrs"`
	// Cluster makes a single address a cluster's seed node.
	Cluster  bool   `yaml:"cluster"`
	Username string `yaml:"username"`
	// PasswordEnv names the environment variable that holds the password.
	PasswordEnv string `yaml:"password_env"`
	// Password is refused: secrets stay out of configuration files. The
	// field exists to say so.
	Password string `yaml:"password"`
	// DB is the database number of a single server (always 0 in a cluster).
	DB int `yaml:"db"`
	// KeyPrefix begins every key (default "tg1"), so deployments can
	// share a Redis.
	KeyPrefix string `yaml:"key_prefix"`
	// Timeout bounds dialling, reading and writing (default: go-redis's).
	Timeout Duration  `yaml:"timeout"`
	TLS     *RedisTLS `yaml:"tls"`
}

// RedisTLS turns TLS on for Redis connections.
type RedisTLS struct {
	// CAFile is a PEM file of the CAs to trust (default: the system's).
	CAFile string `yaml:"ca_file"`
	// ServerName overrides the name checked in the server's certificate.
	ServerName string `yaml:"server_name"`
}

// HTTPTimeouts are the timeouts of an HTTP server.
type HTTPTimeouts struct {
	Read  Duration `yaml:"http_read"`  // whole request, default 15s
	Write Duration `yaml:"http_write"` // until the answer is written, default 30s
	Idle  Duration `yaml:"http_idle"`  // keep-alive, default 60s
}

// GatewayTimeouts are the gateway's timeouts; see gateway.Config.
type GatewayTimeouts struct {
	Evaluate         Duration `yaml:"evaluate"`          // default 3s
	Fetch            Duration `yaml:"fetch"`             // default 3s
	PullCacheTTL     Duration `yaml:"pull_cache_ttl"`    // default 2s
	DirectoryRefresh Duration `yaml:"directory_refresh"` // default 1m
	HTTPTimeouts     `yaml:",inline"`
}

// Limits are the gateway's limits; see gateway.Config.
type Limits struct {
	// EvaluateRate and EvaluateBurst are evaluations (elements) per
	// second per client, default 20 and 128; the burst may not be below
	// 128, the largest valid request (16 couriers × 8 elements). FetchRate
	// and FetchBurst are bucket and record GETs per second per client,
	// default 60 and 240. A client is an IPv4 address or an IPv6 /64. With
	// Redis each budget is shared by every gateway on it
	// (docs/protocol.md §12).
	EvaluateRate    int   `yaml:"evaluate_rate"`
	EvaluateBurst   int   `yaml:"evaluate_burst"`
	FetchRate       int   `yaml:"fetch_rate"`
	FetchBurst      int   `yaml:"fetch_burst"`
	MaxBodyBytes    int64 `yaml:"max_body_bytes"`    // default 64 KiB
	MaxPublishBytes int64 `yaml:"max_publish_bytes"` // default 4 MiB
}

// CourierEntry registers one courier with the gateway.
type CourierEntry struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Host is the base URL of the courier's host (its /tg1 API): https,
	// unless on loopback.
	Host string `yaml:"host"`
	// Hosts are the base URLs of several hosts serving the courier, its
	// replicas, in place of Host: the same keys and answers from each
	// (docs/protocol.md §8). Evaluations and pull fetches go to the
	// least-loaded replica that serves the courier's keys, each behind
	// its own breaker, and a failed one is retried once on another.
	// After loading, Hosts holds Host alone when the file gave host.
	Hosts []string `yaml:"hosts"`
	// PublicKey is the courier host's Ed25519 signing public key, b64,
	// as 'trackgate keys show' prints it: it verifies the host's signed
	// answers (every mode) and its publishes (push mode).
	PublicKey string    `yaml:"public_key"`
	Mode      string    `yaml:"mode"`
	Factor    string    `yaml:"factor"`
	Patterns  []Pattern `yaml:"patterns"`
	// WatchInterval is how often, in pull mode, the gateway reads the
	// courier's bucket of every locator a webhook subscription names, to
	// deliver new versions (default 60s). MinWatchInterval is the least
	// the courier agreed to be asked at, if it set one: watch_interval
	// may not be below it.
	WatchInterval    Duration `yaml:"watch_interval"`
	MinWatchInterval Duration `yaml:"min_watch_interval"`
}

// Pattern is one tracking-number shape of a courier.
type Pattern struct {
	Regex    string `yaml:"regex"`
	Checksum string `yaml:"checksum"`
}

// Defaults of the gateway's file.
const (
	DefaultEvaluateTimeout  = 3 * time.Second
	DefaultFetchTimeout     = 3 * time.Second
	DefaultPullCacheTTL     = 2 * time.Second
	DefaultDirectoryRefresh = time.Minute
	DefaultHTTPRead         = 15 * time.Second
	DefaultHTTPWrite        = 30 * time.Second
	DefaultHTTPIdle         = 60 * time.Second
	DefaultEvaluateRate     = ratelimit.DefaultEvaluateRate
	DefaultEvaluateBurst    = ratelimit.DefaultEvaluateBurst
	DefaultFetchRate        = ratelimit.DefaultFetchRate
	DefaultFetchBurst       = ratelimit.DefaultFetchBurst
	DefaultMaxBodyBytes     = 64 << 10
	DefaultMaxPublishBytes  = 4 << 20
	DefaultGatewayID        = "gateway"
)

// LoadGateway reads, decodes and checks a gateway's configuration file,
// and loads the key files it names. Errors about its content wrap
// ErrInvalid and are *FieldError.
func LoadGateway(path string, opts ...LoadOption) (*Gateway, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	g, err := parseGateway(data, dirOf(path), newLoadOptions(opts))
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	return g, nil
}

func parseGateway(data []byte, dir string, o loadOptions) (*Gateway, error) {
	g := &Gateway{BucketBits: notSet}
	if err := decodeStrict(data, g); err != nil {
		return nil, err
	}
	g.withDefaults()
	if err := g.check(dir, o); err != nil {
		return nil, err
	}
	return g, nil
}

func (g *Gateway) withDefaults() {
	t := &g.Timeouts
	setDefault(&t.Evaluate, DefaultEvaluateTimeout)
	setDefault(&t.Fetch, DefaultFetchTimeout)
	setDefault(&t.PullCacheTTL, DefaultPullCacheTTL)
	setDefault(&t.DirectoryRefresh, DefaultDirectoryRefresh)
	t.HTTPTimeouts.withDefaults()
	g.Records.withDefaults()
	l := &g.Limits
	l.EvaluateRate = cmp.Or(l.EvaluateRate, DefaultEvaluateRate)
	l.EvaluateBurst = cmp.Or(l.EvaluateBurst, DefaultEvaluateBurst)
	l.FetchRate = cmp.Or(l.FetchRate, DefaultFetchRate)
	l.FetchBurst = cmp.Or(l.FetchBurst, DefaultFetchBurst)
	l.MaxBodyBytes = cmp.Or(l.MaxBodyBytes, DefaultMaxBodyBytes)
	l.MaxPublishBytes = cmp.Or(l.MaxPublishBytes, DefaultMaxPublishBytes)
	g.Webhooks.withDefaults()
	for i := range g.Couriers {
		if c := &g.Couriers[i]; c.Mode == api.ModePull {
			setDefault(&c.WatchInterval, max(DefaultWatchInterval, time.Duration(c.MinWatchInterval)))
		}
	}
}

func (t *HTTPTimeouts) withDefaults() {
	setDefault(&t.Read, DefaultHTTPRead)
	setDefault(&t.Write, DefaultHTTPWrite)
	setDefault(&t.Idle, DefaultHTTPIdle)
}

func setDefault(d *Duration, def time.Duration) {
	if *d == 0 {
		*d = Duration(def)
	}
}

func (g *Gateway) check(dir string, o loadOptions) error {
	if err := checkListen("listen", g.Listen); err != nil {
		return err
	}
	if err := checkAdmin(g.AdminListen, g.AdminPublic); err != nil {
		return err
	}
	if err := checkBucketBits(g.BucketBits); err != nil {
		return err
	}
	if g.SigningKey == "" {
		return fieldErr("signing_key", "missing; give the path of the gateway's signing key file (make one with 'trackgate keys gen --out DIR --kind signing')")
	}
	g.SigningKey = resolve(dir, g.SigningKey)
	sk, err := loadSigningKey("signing_key", g.SigningKey)
	if err != nil {
		return err
	}
	g.signingKey = sk
	if g.GatewayID == "" {
		g.GatewayID = DefaultGatewayID
	}
	if crypto.CheckCourierID(g.GatewayID) != nil {
		return fieldErr("gateway_id", "%q must be 2 to 32 lower-case letters, digits or '-' (default gateway), the same as gateway.id in every courier host's file", g.GatewayID)
	}
	if g.courierTLS, err = g.CourierTLS.load("courier_tls", dir); err != nil {
		return err
	}
	if g.Redis != nil {
		if err := g.checkRedis(dir, o); err != nil {
			return err
		}
	}
	for i, p := range g.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err == nil {
			continue
		}
		if _, err := netip.ParseAddr(p); err != nil {
			return fieldErr(fmt.Sprintf("trusted_proxies[%d]", i), "%q is neither an IP address nor a CIDR such as 10.0.0.0/8", p)
		}
	}
	if err := g.checkTimeoutsAndLimits(); err != nil {
		return err
	}
	if g.paddingSecret, err = g.Records.check(o); err != nil {
		return err
	}
	if err := g.checkCouriers(); err != nil {
		return err
	}
	if err := g.Webhooks.check(); err != nil {
		return err
	}
	if err := g.checkTenants(); err != nil {
		return err
	}
	if err := g.checkTransparency(); err != nil {
		return err
	}
	return g.checkKeyLog(dir)
}

func (g *Gateway) checkRedis(dir string, o loadOptions) error {
	r := g.Redis
	switch {
	case len(r.Addrs) == 0:
		return fieldErr("redis.addrs", "missing; list the Redis address (host:port), or several seed nodes of a Redis Cluster; remove the redis section to keep records in memory")
	case r.Password != "":
		return fieldErr("redis.password", "secrets do not go in the configuration file; put the password in an environment variable and name it in redis.password_env")
	case r.DB < 0 || r.DB > 15:
		return fieldErr("redis.db", "%d is not a database number from 0 to 15", r.DB)
	case r.DB != 0 && (len(r.Addrs) > 1 || r.Cluster):
		return fieldErr("redis.db", "a Redis Cluster has only database 0; remove db")
	}
	for i, a := range r.Addrs {
		if err := checkHostPort(fmt.Sprintf("redis.addrs[%d]", i), a, false); err != nil {
			return err
		}
	}
	if r.KeyPrefix != "" {
		if err := redisstore.CheckKeyPrefix(r.KeyPrefix); err != nil {
			return fieldErr("redis.key_prefix", "%q must not be empty nor hold '{' or '}', which would move the hash tag that keeps a bucket on one cluster slot", r.KeyPrefix)
		}
	}
	if r.PasswordEnv != "" {
		g.redisPassword = o.getenv(r.PasswordEnv)
		if g.redisPassword == "" {
			return fieldErr("redis.password_env", "the environment variable %s is empty or not set; export the Redis password in it before starting, or remove password_env", r.PasswordEnv)
		}
	}
	if r.TLS != nil {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: r.TLS.ServerName}
		if r.TLS.CAFile != "" {
			r.TLS.CAFile = resolve(dir, r.TLS.CAFile)
			pem, err := os.ReadFile(r.TLS.CAFile)
			if err != nil {
				return &FieldError{Field: "redis.tls.ca_file", Problem: fmt.Sprintf("cannot read %s: %v", r.TLS.CAFile, err), Err: err}
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return fieldErr("redis.tls.ca_file", "%s holds no PEM certificate", r.TLS.CAFile)
			}
			cfg.RootCAs = pool
		}
		g.redisTLS = cfg
	}
	return nil
}

func (g *Gateway) checkTimeoutsAndLimits() error {
	t, l := g.Timeouts, g.Limits
	switch {
	case t.Evaluate >= t.Write:
		return fieldErr("timeouts.evaluate", "%s must be shorter than timeouts.http_write (%s), or answers are cut off before the couriers' results are in", time.Duration(t.Evaluate), time.Duration(t.Write))
	case t.Fetch >= t.Write:
		return fieldErr("timeouts.fetch", "%s must be shorter than timeouts.http_write (%s), or answers are cut off before a pull courier's records are in", time.Duration(t.Fetch), time.Duration(t.Write))
	case l.EvaluateRate < 0:
		return fieldErr("limits.evaluate_rate", "%d must be a positive number of evaluations a second per client", l.EvaluateRate)
	case l.EvaluateBurst < ratelimit.MinEvaluateBurst:
		return fieldErr("limits.evaluate_burst", "%d must be at least %d, the largest valid request (%d couriers × %d elements), or that request is refused forever (default %d)",
			l.EvaluateBurst, ratelimit.MinEvaluateBurst, crypto.MaxCouriers, crypto.MaxBatch, DefaultEvaluateBurst)
	case l.FetchRate < 0:
		return fieldErr("limits.fetch_rate", "%d must be a positive number of bucket and record fetches a second per client (default %d)", l.FetchRate, DefaultFetchRate)
	case l.FetchBurst < minFetchBurst:
		return fieldErr("limits.fetch_burst", "%d must be at least %d, one lookup round over a full directory (one fetch per courier) (default %d)", l.FetchBurst, minFetchBurst, DefaultFetchBurst)
	case l.MaxBodyBytes < 4<<10:
		return fieldErr("limits.max_body_bytes", "%d is too small for an evaluation request; use at least 4096 (default 65536)", l.MaxBodyBytes)
	case l.MaxPublishBytes < 1<<20:
		return fieldErr("limits.max_publish_bytes", "%d is too small for a courier's publish; use at least 1048576 (default 4194304)", l.MaxPublishBytes)
	}
	return nil
}

// minFetchBurst is one lookup round over a full directory: a client
// fetches one bucket per courier at once (docs/protocol.md §11).
const minFetchBurst = crypto.MaxCouriers

var checksumName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

func (g *Gateway) checkCouriers() error {
	if len(g.Couriers) == 0 {
		return fieldErr("couriers", "missing; register at least one courier (id, name, host, mode, factor, public_key, patterns)")
	}
	ids, hosts := map[string]int{}, map[string]int{}
	ownKey := g.signingKey.Public().(ed25519.PublicKey)
	g.courierKeys = make([]ed25519.PublicKey, len(g.Couriers))
	for i := range g.Couriers {
		c := &g.Couriers[i]
		at := func(field string) string { return fmt.Sprintf("couriers[%d].%s", i, field) }
		if err := crypto.CheckCourierID(c.ID); err != nil {
			return fieldErr(at("id"), "%q must be 2 to 32 lower-case letters, digits or '-', starting with a letter or digit", c.ID)
		}
		if j, dup := ids[c.ID]; dup {
			return fieldErr(at("id"), "%q is already registered as couriers[%d]; each courier once", c.ID, j)
		}
		ids[c.ID] = i
		if c.Name == "" {
			return fieldErr(at("name"), "missing; give the name clients show, e.g. \"Swift Express\"")
		}
		if err := checkCourierHosts(c, at, hosts, i); err != nil {
			return err
		}
		if err := checkMode(at("mode"), c.Mode); err != nil {
			return err
		}
		if err := checkFactor(at("factor"), c.Factor); err != nil {
			return err
		}
		switch {
		case c.Mode != api.ModePull:
			if c.WatchInterval != 0 || c.MinWatchInterval != 0 {
				return fieldErr(at("watch_interval"), "only a pull-mode courier is watched; a push-mode courier's records are delivered as it publishes them")
			}
		case c.WatchInterval < c.MinWatchInterval:
			return fieldErr(at("watch_interval"), "%s is below the courier's min_watch_interval (%s); ask it no more often than it agreed to", time.Duration(c.WatchInterval), time.Duration(c.MinWatchInterval))
		case time.Duration(c.WatchInterval) < time.Second:
			return fieldErr(at("watch_interval"), "%s is too often for a courier's host; use at least 1s (default 60s)", time.Duration(c.WatchInterval))
		}
		// Every courier host signs its answers, so every courier needs its key.
		pk, err := parsePublicKey(at("public_key"), c.PublicKey, "the courier host's signing key (every courier host signs its answers, pull mode too)")
		if err != nil {
			return err
		}
		if pk.Equal(ownKey) {
			return fieldErr(at("public_key"), "this is the gateway's own public key; paste the one of the courier host's signing key")
		}
		g.courierKeys[i] = pk
		for j, p := range c.Patterns {
			if _, err := regexp.Compile(p.Regex); err != nil || p.Regex == "" {
				return fieldErr(at(fmt.Sprintf("patterns[%d].regex", j)), "%q is not a regular expression over a normalized tracking number, such as ^SW[0-9]{12}$", p.Regex)
			}
			if p.Checksum != "" && !checksumName.MatchString(p.Checksum) {
				return fieldErr(at(fmt.Sprintf("patterns[%d].checksum", j)), "%q is not a check-digit algorithm name (lower-case letters, digits, '-' or '_'); leave it empty for none", p.Checksum)
			}
		}
	}
	return nil
}

// checkCourierHosts checks host or hosts of couriers[i] (one of the two)
// and leaves every URL in c.Hosts; hosts maps the URLs of the couriers
// before it to their index.
func checkCourierHosts(c *CourierEntry, at func(string) string, hosts map[string]int, i int) error {
	switch {
	case c.Host != "" && len(c.Hosts) > 0:
		return fieldErr(at("hosts"), "give host (one courier host) or hosts (several replicas of it), not both")
	case c.Host == "" && len(c.Hosts) == 0:
		return fieldErr(at("host"), "missing; give the base URL of the courier's host, or hosts: a list of the URLs of its replicas")
	case c.Host != "":
		c.Hosts = []string{c.Host}
	}
	for k, h := range c.Hosts {
		field := at(fmt.Sprintf("hosts[%d]", k))
		if len(c.Hosts) == 1 && c.Host != "" {
			field = at("host")
		}
		if err := checkPeerURL(field, h); err != nil {
			return err
		}
		key := strings.TrimRight(h, "/")
		if j, dup := hosts[key]; dup && j == i {
			return fieldErr(field, "%s is listed twice; list each replica once", h)
		} else if dup {
			return fieldErr(field, "%s is already a host of couriers[%d]; a courier host serves one courier", h, j)
		}
		hosts[key] = i
	}
	return nil
}
