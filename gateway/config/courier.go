package config

import (
	"crypto/ed25519"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/courierhost"
	"github.com/trackgate/trackgate/gateway/keyfile"
)

// Courier is a courier host's configuration file, loaded and checked by
// LoadCourier. Zero values hold their defaults after loading.
type Courier struct {
	// Courier is the courier id, as the gateway registers it.
	Courier string `yaml:"courier"`
	// Listen is the address the host serves its /tg1 API on, host:port.
	Listen string `yaml:"listen"`
	// AdminListen is the address of the admin listener — /metrics,
	// /debug/pprof/ and /healthz — apart from the public API; none by
	// default. It must be on loopback unless AdminPublic is set.
	AdminListen string `yaml:"admin_listen"`
	AdminPublic bool   `yaml:"admin_public"`
	Mode        string `yaml:"mode"`   // push or pull
	Factor      string `yaml:"factor"` // none or phone_last4
	// BucketBits is the deployment's bucket_bits, as the gateway's. Required.
	BucketBits int `yaml:"bucket_bits"`
	// RecordSize is the deployment's record_size, as the gateway's
	// records.record_size (default 6144): every view is sealed to exactly
	// this many bytes.
	RecordSize int     `yaml:"record_size"`
	Adapter    Adapter `yaml:"adapter"`
	// OPRFKeys are OPRF key files, or directories whose OPRF key files
	// are all used (as 'trackgate keys rotate' keeps them).
	OPRFKeys Paths `yaml:"oprf_keys"`
	// SigningKey is the host's Ed25519 signing key file: it signs every
	// answer (docs/protocol.md §8) and, in push mode, the publishes.
	SigningKey string      `yaml:"signing_key"`
	Gateway    GatewayPeer `yaml:"gateway"`
	// TLS makes the host serve HTTPS itself (optionally requiring the
	// gateway's client certificate); without it the host serves plain
	// HTTP, for loopback or a TLS-terminating proxy in front.
	TLS *ServerTLS `yaml:"tls"`
	// Outbox is the path of the durable outbox file; push mode only.
	Outbox string `yaml:"outbox"`
	// Partition makes this host replica Index of Count replicas of a
	// push-mode courier (the gateway's hosts list): it publishes only
	// the parcels of its partition, and evaluates for all. Push mode only.
	Partition *Partition `yaml:"partition"`
	// EvaluateRate (elements per second, default 200) and EvaluateBurst
	// (default 400) are the host's own evaluation limit.
	EvaluateRate  float64 `yaml:"evaluate_rate"`
	EvaluateBurst int     `yaml:"evaluate_burst"`
	// RecordTTL is how long a record lives after its parcel last changed
	// (default 7d); ListInterval how often an adapter that cannot watch
	// is listed again (default 5m).
	RecordTTL    Duration     `yaml:"record_ttl"`
	ListInterval Duration     `yaml:"list_interval"`
	Timeouts     HTTPTimeouts `yaml:"timeouts"`

	keys       []loadedKey
	inProcess  bool // loaded with InProcess
	signingKey ed25519.PrivateKey
	// signingStatements are the courier's signing-key statements kept
	// beside the signing key file (keyfile.StatementsPath); none until
	// its first change of signing key.
	signingStatements [][]byte
	gatewayKey        ed25519.PublicKey
	gatewayTLS        *tls.Config
	serverTLS         *tls.Config
}

// Partition is one replica's share of a push courier's publishing.
type Partition struct {
	Index int `yaml:"index"`
	Count int `yaml:"count"`
}

// Adapter names the courier's adapter and its options.
type Adapter struct {
	Name    string            `yaml:"name"`
	Options map[string]string `yaml:"options"`
}

// GatewayPeer is what a courier host knows of the gateway.
type GatewayPeer struct {
	// URL is the gateway's base URL (https, unless on loopback); push
	// mode only.
	URL string `yaml:"url"`
	// ID is the gateway's id, its gateway_id (default "gateway"): the
	// audience of the host's publishes.
	ID string `yaml:"id"`
	// TLS is how the host dials the gateway over https; push mode only.
	TLS *ClientTLS `yaml:"tls"`
	// PublicKey is the gateway's Ed25519 signing public key, b64: only
	// requests signed with it under the id "gateway" are served.
	PublicKey string `yaml:"public_key"`
}

type loadedKey struct {
	path string
	key  keyfile.OPRFKey
}

// Defaults of a courier host's file.
const (
	DefaultHostEvaluateRate  = 200
	DefaultHostEvaluateBurst = 400
	DefaultRecordTTL         = 7 * 24 * time.Hour
	DefaultListInterval      = 5 * time.Minute
)

// LoadCourier reads, decodes and checks a courier host's configuration
// file, and loads the key files it names. Errors about its content wrap
// ErrInvalid and are *FieldError.
func LoadCourier(path string, opts ...LoadOption) (*Courier, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	c, err := parseCourier(data, dirOf(path), newLoadOptions(opts))
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	return c, nil
}

func parseCourier(data []byte, dir string, o loadOptions) (*Courier, error) {
	c := &Courier{BucketBits: notSet}
	if err := decodeStrict(data, c); err != nil {
		return nil, err
	}
	c.withDefaults()
	c.inProcess = o.inProcess
	if err := c.check(dir, o); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Courier) withDefaults() {
	if c.EvaluateRate == 0 {
		c.EvaluateRate = DefaultHostEvaluateRate
	}
	if c.EvaluateBurst == 0 {
		c.EvaluateBurst = DefaultHostEvaluateBurst
	}
	if c.RecordSize == 0 {
		c.RecordSize = crypto.DefaultRecordSize
	}
	setDefault(&c.RecordTTL, DefaultRecordTTL)
	setDefault(&c.ListInterval, DefaultListInterval)
	c.Timeouts.withDefaults()
}

func (c *Courier) check(dir string, o loadOptions) error {
	if err := crypto.CheckCourierID(c.Courier); err != nil {
		return fieldErr("courier", "%q must be the courier id the gateway registers: 2 to 32 lower-case letters, digits or '-'", c.Courier)
	}
	if err := checkListen("listen", c.Listen); err != nil {
		return err
	}
	if err := checkAdmin(c.AdminListen, c.AdminPublic); err != nil {
		return err
	}
	if err := checkMode("mode", c.Mode); err != nil {
		return err
	}
	if err := checkFactor("factor", c.Factor); err != nil {
		return err
	}
	if err := checkBucketBits(c.BucketBits); err != nil {
		return err
	}
	if err := checkRecordSize("record_size", c.RecordSize, "the gateway's records.record_size"); err != nil {
		return err
	}
	if err := c.checkAdapter(); err != nil {
		return err
	}
	if err := c.loadOPRFKeys(dir, o.now()); err != nil {
		return err
	}
	// A host in the gateway's own process is called and publishes without
	// signatures; it knows no gateway key.
	if !o.inProcess {
		pk, err := parsePublicKey("gateway.public_key", c.Gateway.PublicKey, "the gateway's signing key")
		if err != nil {
			return err
		}
		c.gatewayKey = pk
	}
	if err := c.loadSigningKey(dir); err != nil {
		return err
	}
	if c.Gateway.ID == "" {
		c.Gateway.ID = DefaultGatewayID
	}
	if crypto.CheckCourierID(c.Gateway.ID) != nil {
		return fieldErr("gateway.id", "%q must be the gateway's gateway_id: 2 to 32 lower-case letters, digits or '-' (default gateway)", c.Gateway.ID)
	}
	var err error
	if c.serverTLS, err = c.TLS.load("tls", dir); err != nil {
		return err
	}
	switch {
	case o.inProcess: // gateway.url, gateway.tls and outbox are not used
	case c.Mode == api.ModePush:
		err = c.checkPush(dir)
	default:
		err = c.checkPull()
	}
	if err != nil {
		return err
	}
	if err := c.checkPartition(); err != nil {
		return err
	}
	switch {
	case !(c.EvaluateRate > 0) || math.IsInf(c.EvaluateRate, 1):
		return fieldErr("evaluate_rate", "must be a positive number of evaluations a second: the host limits evaluations itself")
	case c.EvaluateBurst < crypto.MaxBatch:
		return fieldErr("evaluate_burst", "%d must be at least %d, one full batch", c.EvaluateBurst, crypto.MaxBatch)
	case time.Duration(c.RecordTTL) < time.Minute:
		return fieldErr("record_ttl", "%s is too short; records live at least a minute (default 7d)", time.Duration(c.RecordTTL))
	case time.Duration(c.ListInterval) < time.Second:
		return fieldErr("list_interval", "%s is too short; list at most once a second (default 5m)", time.Duration(c.ListInterval))
	}
	return nil
}

func (c *Courier) checkAdapter() error {
	if c.Adapter.Name == "" {
		return fieldErr("adapter.name", "missing; name the courier's adapter (this binary has: %s)", strings.Join(adapters.Names(), ", "))
	}
	if !slices.Contains(adapters.Names(), c.Adapter.Name) {
		return fieldErr("adapter.name", "unknown adapter %q; this binary has: %s", c.Adapter.Name, strings.Join(adapters.Names(), ", "))
	}
	return nil
}

// loadOPRFKeys loads every OPRF key named by oprf_keys. Keys expired at
// now are kept (Build drops them, with a warning), but at least one must
// still be valid or become valid.
func (c *Courier) loadOPRFKeys(dir string, now time.Time) error {
	if len(c.OPRFKeys) == 0 {
		return fieldErr("oprf_keys", "missing; give the OPRF key file, or the directory that holds the courier's OPRF key files (make one with 'trackgate keys gen --out DIR --kind oprf')")
	}
	for i, p := range c.OPRFKeys {
		if p == "" {
			return fieldErr(fmt.Sprintf("oprf_keys[%d]", i), "empty path")
		}
		c.OPRFKeys[i] = resolve(dir, p)
	}
	keys, err := readOPRFKeys(c.OPRFKeys, now)
	if err != nil {
		return err
	}
	c.keys = keys
	return nil
}

// readOPRFKeys loads every OPRF key of paths (resolved: files, or
// directories of key files), as loadOPRFKeys at start and a host
// reloading its keys read them.
func readOPRFKeys(paths Paths, now time.Time) ([]loadedKey, error) {
	var keys []loadedKey
	seen := map[string]string{} // kid -> path
	for i, p := range paths {
		field := fmt.Sprintf("oprf_keys[%d]", i)
		files, err := oprfFiles(field, p)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			kid := f.OPRF.Key.Public().KeyID()
			if other, dup := seen[kid]; dup {
				return nil, fieldErr(field, "%s holds key %s, which %s holds too; list each key once", f.Path, kid, other)
			}
			seen[kid] = f.Path
			keys = append(keys, loadedKey{path: f.Path, key: f.OPRF})
		}
	}
	for _, k := range keys {
		if now.Before(k.key.NotAfter) {
			return keys, nil
		}
	}
	return nil, fieldErr("oprf_keys", "every key has expired; make a new one with 'trackgate keys rotate --dir DIR'")
}

// oprfFiles loads the OPRF key file at path, or every OPRF key file in
// the directory at path (signing keys beside them are not OPRF keys and
// are passed over).
func oprfFiles(field, path string) ([]keyfile.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &FieldError{Field: field, Problem: fmt.Sprintf("%s does not exist; make a key with 'trackgate keys gen --out DIR --kind oprf', or correct the path", path), Err: err}
		}
		return nil, &FieldError{Field: field, Problem: err.Error(), Err: err}
	}
	if !st.IsDir() {
		f, err := keyfile.Load(path)
		if err != nil {
			return nil, keyFileError(field, path, err, "oprf")
		}
		if f.Kind != keyfile.KindOPRF {
			return nil, fieldErr(field, "%s is a signing key; give an OPRF key file (oprf.key) or its directory", path)
		}
		return []keyfile.File{f}, nil
	}
	all, err := keyfile.LoadDir(path)
	if err != nil {
		return nil, keyFileError(field, path, err, "oprf")
	}
	var out []keyfile.File
	for _, f := range all {
		if f.Kind == keyfile.KindOPRF {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, fieldErr(field, "the directory %s holds no OPRF key file (*%s); make one with 'trackgate keys gen --out %s --kind oprf'", path, keyfile.Ext, path)
	}
	return out, nil
}

// loadSigningKey loads the host's signing key, which every mode needs:
// the host signs its answers.
func (c *Courier) loadSigningKey(dir string) error {
	if c.SigningKey == "" {
		return fieldErr("signing_key", "missing; the host signs every answer (and, in push mode, its publishes): give the path of its signing key file (make one with 'trackgate keys gen --out DIR --kind signing') and register its public key as public_key of this courier in the gateway's file")
	}
	c.SigningKey = resolve(dir, c.SigningKey)
	sk, err := c.readSigningKey()
	if err != nil {
		return err
	}
	statements, err := c.readSigningStatements(sk)
	if err != nil {
		return err
	}
	c.signingKey, c.signingStatements = sk, statements
	return nil
}

// readSigningStatements loads the signing-key statements kept beside the
// signing key file, if there are any, and checks that they lead to sk
// (docs/protocol.md §8.1), as loading at start and a host reloading its
// keys read them.
func (c *Courier) readSigningStatements(sk ed25519.PrivateKey) ([][]byte, error) {
	path := keyfile.StatementsPath(c.SigningKey)
	statements, err := keyfile.LoadStatements(path)
	if err != nil {
		return nil, &FieldError{Field: "signing_key", Problem: err.Error() + "; it is written by 'trackgate keys rotate --kind signing'", Err: err}
	}
	if err := courierhost.CheckSigningKeyStatements(c.Courier, sk, statements); err != nil {
		return nil, &FieldError{Field: "signing_key", Problem: fmt.Sprintf("the signing-key statements in %s do not lead to this signing key: %v; restore the key file and the statements 'trackgate keys rotate --kind signing' wrote together", path, err), Err: err}
	}
	return statements, nil
}

// readSigningKey loads the host's signing key file, as loadSigningKey at
// start and a host reloading its keys read it.
func (c *Courier) readSigningKey() (ed25519.PrivateKey, error) {
	sk, err := loadSigningKey("signing_key", c.SigningKey)
	if err != nil {
		return nil, err
	}
	if sk.Public().(ed25519.PublicKey).Equal(c.gatewayKey) {
		return nil, fieldErr("gateway.public_key", "this is the courier host's own public key; paste the gateway's, printed by 'trackgate keys show' on the gateway's signing key")
	}
	return sk, nil
}

func (c *Courier) checkPush(dir string) error {
	if err := checkPeerURL("gateway.url", c.Gateway.URL); err != nil {
		return err
	}
	var err error
	if c.gatewayTLS, err = c.Gateway.TLS.load("gateway.tls", dir); err != nil {
		return err
	}
	if c.Outbox == "" {
		return fieldErr("outbox", "missing; a push-mode host keeps records it has not yet delivered in a file: give its path, e.g. /var/lib/trackgate/outbox.db")
	}
	c.Outbox = resolve(dir, c.Outbox)
	return checkOutboxDir("outbox", c.Outbox)
}

func (c *Courier) checkPull() error {
	switch {
	case c.Gateway.URL != "":
		return fieldErr("gateway.url", "a pull-mode host never calls the gateway; remove gateway.url, or set mode: push")
	case c.Gateway.TLS != nil:
		return fieldErr("gateway.tls", "a pull-mode host never calls the gateway; remove gateway.tls, or set mode: push")
	case c.Outbox != "":
		return fieldErr("outbox", "a pull-mode host publishes nothing; remove outbox, or set mode: push")
	}
	return nil
}

// checkPartition checks a push replica's share of the publishing.
func (c *Courier) checkPartition() error {
	p := c.Partition
	switch {
	case p == nil:
		return nil
	case c.Mode != api.ModePush:
		return fieldErr("partition", "a pull-mode host publishes nothing, and each replica serves every bucket; remove partition, or set mode: push")
	case p.Count < 1 || p.Count > courierhost.MaxPartitions:
		return fieldErr("partition.count", "%d must be the number of replicas of this push courier, from 1 to %d, the same in every replica's file", p.Count, courierhost.MaxPartitions)
	case p.Index < 0 || p.Index >= p.Count:
		return fieldErr("partition.index", "%d must be this replica's own number, from 0 to %d (count − 1), another in every replica's file", p.Index, p.Count-1)
	}
	return nil
}
