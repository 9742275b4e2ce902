package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
)

// directory is the assembled GET /v1/couriers answer: the same bytes and
// ETag for every client, so clients can compare what they were served.
type directory struct {
	body []byte
	etag string
	// kids holds, per courier, the kids a client may ask for now;
	// allKids every kid listed, current or not (records may be sealed
	// under a key that is listed but not yet or no longer current).
	kids    map[string]map[string]bool
	allKids map[string]map[string]bool
	// complete is true once every courier's keys were fetched.
	complete bool
	// loading is true while some courier's host is still publishing its
	// first records (docs/protocol.md §7.1).
	loading bool
}

func (d *directory) hasKey(courier, kid string) bool { return d.kids[courier][kid] }

func (d *directory) knowsKey(courier, kid string) bool { return d.allKids[courier][kid] }

// directoryKeeper assembles the directory from the courier hosts' keys and
// keeps the last good keys of a host that cannot be reached. With a key
// log it lists only keys whose statements are in the log (keylog.go).
type directoryKeeper struct {
	g   *Gateway
	log *logKeeper // nil without a key log

	// build serializes refreshes and rebuilds, which read and write the
	// fields below it.
	build   sync.Mutex
	keys    map[string][]api.Key // last keys fetched per courier
	loading map[string]bool      // what each host said with them
	// stated holds, with a key log, the statements of each courier's
	// keys as its host last served them; refused the reason a host's
	// statements were refused (none of its keys is listed then).
	stated  map[string][]keystatement.Key
	refused map[string]error

	mu           sync.RWMutex
	current      *directory
	lastOnDemand time.Time
}

func (k *directoryKeeper) get() *directory {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.current
}

// refresh fetches every host's keys in parallel and rebuilds the
// directory; with a key log it first appends what each host states.
func (k *directoryKeeper) refresh(ctx context.Context) error {
	cfg := &k.g.cfg
	fetched := make([]api.KeysResponse, len(cfg.Couriers))
	failed := make([]error, len(cfg.Couriers))
	var wg sync.WaitGroup
	for i, co := range cfg.Couriers {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, cfg.FetchTimeout)
			defer cancel()
			answer, err := keysAnswer(ctx, co.Host)
			if err == nil {
				answer.Keys, err = validKeys(answer.Keys)
			}
			fetched[i], failed[i] = answer, err
		})
	}
	wg.Wait()

	k.build.Lock()
	defer k.build.Unlock()
	if k.keys == nil {
		k.keys, k.loading = map[string][]api.Key{}, map[string]bool{}
		k.stated, k.refused = map[string][]keystatement.Key{}, map[string]error{}
	}
	var firstErr error
	for i := range cfg.Couriers {
		co := &cfg.Couriers[i]
		if failed[i] == nil && k.log != nil {
			failed[i] = k.admit(ctx, co, fetched[i])
		}
		if failed[i] != nil {
			cfg.Logger.Warn("courier keys not refreshed", "courier", co.ID, "error", failed[i])
			if firstErr == nil {
				firstErr = fmt.Errorf("keys of %s: %w", co.ID, failed[i])
			}
			continue
		}
		k.keys[co.ID] = fetched[i].Keys
		if fetched[i].Loading != k.loading[co.ID] {
			cfg.Logger.Info("courier host loading changed", "courier", co.ID, "loading", fetched[i].Loading)
		}
		k.loading[co.ID] = fetched[i].Loading
	}
	if err := k.rebuild(ctx); err != nil {
		return err
	}
	return firstErr
}

// admit hands a host's answer to the key log. A host refused for its
// statements is listed with no key until it serves statements that pass;
// a key log that cannot be read or written keeps what was listed before,
// as an unreachable host does.
func (k *directoryKeeper) admit(ctx context.Context, co *Courier, answer api.KeysResponse) error {
	keys, err := k.log.admit(ctx, co, k.g.cfg.BucketBits, answer)
	if errors.Is(err, errHostRefused) {
		k.g.cfg.Logger.Error("courier host refused: its key statements do not continue its history in the key log; none of its keys is listed",
			"courier", co.ID, "error", err)
		k.refused[co.ID], k.stated[co.ID] = err, nil
		return nil
	}
	if err != nil {
		return err
	}
	delete(k.refused, co.ID)
	k.stated[co.ID] = keys
	return nil
}

// rebuild assembles the directory again from what was fetched last, and
// the key log as it is now; build is held.
func (k *directoryKeeper) rebuild(ctx context.Context) error {
	dir, err := k.assemble(ctx, k.g.cfg.Now())
	if err != nil {
		return err
	}
	k.mu.Lock()
	k.current = dir
	k.mu.Unlock()
	return nil
}

// rebuildNow assembles the directory again, without asking the hosts,
// once it has been assembled: after a witness's cosignature, which may
// make new keys listable.
func (k *directoryKeeper) rebuildNow(ctx context.Context) error {
	k.build.Lock()
	defer k.build.Unlock()
	if k.keys == nil {
		return nil
	}
	return k.rebuild(ctx)
}

// keysAnswer asks a host for its keys, and whether it is still loading
// when it can say (api.KeysAnswerer).
func keysAnswer(ctx context.Context, host api.CourierHost) (api.KeysResponse, error) {
	if ka, ok := host.(api.KeysAnswerer); ok {
		return ka.KeysAnswer(ctx)
	}
	keys, err := host.Keys(ctx)
	return api.KeysResponse{Keys: keys}, err
}

// validKeys keeps the keys whose public key parses and whose kid matches it.
func validKeys(keys []api.Key) ([]api.Key, error) {
	out := make([]api.Key, 0, len(keys))
	for _, key := range keys {
		pk, err := crypto.ParsePublicKey(key.PublicKey)
		if err != nil || pk.KeyID() != key.KeyID || !key.NotAfter.After(key.NotBefore) {
			continue
		}
		out = append(out, key)
	}
	if len(out) == 0 && len(keys) > 0 {
		return nil, fmt.Errorf("host served %d keys and none is valid", len(keys))
	}
	return out, nil
}

// assemble builds the directory; build is held. With a key log each
// courier lists the keys whose statements are in the checkpoint the
// directory names, in its host's order, with its statements and their
// proofs (docs/protocol.md §7.1).
func (k *directoryKeeper) assemble(ctx context.Context, now time.Time) (*directory, error) {
	cfg := &k.g.cfg
	doc := api.Directory{
		Protocol:   api.Protocol,
		Revision:   api.Revision,
		Suite:      crypto.Suite,
		BucketBits: cfg.BucketBits,
		RecordSize: cfg.RecordSize,
		Couriers:   []api.CourierEntry{},
	}
	var size int64
	if k.log != nil {
		if err := k.log.sync(ctx); err != nil {
			return nil, fmt.Errorf("read the key log: %w", err)
		}
		checkpoint, n, err := k.log.checkpoint(ctx)
		if err != nil {
			return nil, fmt.Errorf("key log checkpoint: %w", err)
		}
		size = n
		doc.KeyLog = &api.KeyLog{Origin: k.log.origin, Key: k.log.key, Checkpoint: string(checkpoint)}
	}
	dir := &directory{kids: map[string]map[string]bool{}, allKids: map[string]map[string]bool{}, complete: true}
	for _, co := range cfg.Couriers {
		keys, ok := k.keys[co.ID]
		if !ok {
			dir.complete = false
			continue // never reached: nothing a client could use yet
		}
		patterns := co.Patterns
		if patterns == nil {
			patterns = []api.Pattern{}
		}
		loading := k.loading[co.ID]
		dir.loading = dir.loading || loading
		entry := api.CourierEntry{
			ID: co.ID, Name: co.Name, Factor: co.Factor, Mode: co.Mode,
			Keys: keys, Patterns: patterns, Loading: loading,
		}
		if k.log != nil {
			shown, listed, err := k.log.show(ctx, co.ID, k.stated[co.ID], size)
			if err != nil {
				return nil, fmt.Errorf("key log statements of %s: %w", co.ID, err)
			}
			entry.Log, entry.Keys = shown, make([]api.Key, len(listed))
			for i, s := range listed {
				entry.Keys[i] = api.Key{KeyID: s.KeyID(), PublicKey: s.PublicKey, NotBefore: s.NotBefore, NotAfter: s.NotAfter}
			}
		}
		doc.Couriers = append(doc.Couriers, entry)
		dir.kids[co.ID] = map[string]bool{}
		dir.allKids[co.ID] = map[string]bool{}
		for _, key := range entry.Keys {
			dir.allKids[co.ID][key.KeyID] = true
			if !now.Before(key.NotBefore) && now.Before(key.NotAfter) {
				dir.kids[co.ID][key.KeyID] = true
			}
		}
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode directory: %w", err)
	}
	sum := sha256.Sum256(body)
	dir.body = body
	dir.etag = `"` + crypto.EncodeB64(sum[:]) + `"`
	return dir, nil
}

// minOnDemandRefresh spaces refreshes that a publish under an unknown kid
// triggers, so a misbehaving courier cannot make the gateway hammer every
// courier host.
const minOnDemandRefresh = 10 * time.Second

// refreshOnDemand refreshes the directory at once, unless that was done
// less than minOnDemandRefresh ago; concurrent callers share one refresh.
// A courier that rotated its key publishes under the new kid before the
// periodic refresh would list it; this lets those records in at once.
func (k *directoryKeeper) refreshOnDemand(ctx context.Context) bool {
	now := k.g.cfg.Now()
	k.mu.Lock()
	if now.Sub(k.lastOnDemand) < minOnDemandRefresh {
		k.mu.Unlock()
		return false
	}
	k.lastOnDemand = now
	k.mu.Unlock()
	_, _, _ = k.g.fetches.Do("directory refresh", func() (any, error) {
		return nil, k.refresh(context.WithoutCancel(ctx))
	})
	return true
}

// firstDirectoryRetry is the wait before refreshing again after a refresh
// that missed a courier host; it doubles up to DirectoryRefresh.
const firstDirectoryRetry = time.Second

// loadingRefresh is the period of refreshes while a courier host is still
// loading (unless DirectoryRefresh is shorter), so that clients stop
// hearing "still loading" soon after it is done.
const loadingRefresh = 5 * time.Second

// run refreshes the directory every DirectoryRefresh until ctx ends. After
// a refresh that missed a courier host (failed says whether the one before
// run did) it tries again sooner, from firstDirectoryRetry doubling up to
// DirectoryRefresh: a gateway started while a host was down must list it,
// and become ready, soon after the host is back, not a period later. While
// a host is loading it refreshes every loadingRefresh.
func (k *directoryKeeper) run(ctx context.Context, failed bool) {
	period := k.g.cfg.DirectoryRefresh
	retry := firstDirectoryRetry
	for {
		wait := period
		if failed {
			wait = min(retry, period)
			retry = min(2*retry, period)
		} else {
			retry = firstDirectoryRetry
		}
		if dir := k.get(); dir != nil && dir.loading {
			wait = min(wait, loadingRefresh)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		failed = k.refresh(ctx) != nil // failures are logged per courier
	}
}

func (g *Gateway) handleDirectory(c *gin.Context) {
	dir := g.dir.get()
	if dir == nil {
		g.unavailable(c, "The courier directory is being assembled; try again shortly.")
		return
	}
	c.Header("ETag", dir.etag)
	c.Header("Cache-Control", "public, max-age=60")
	if etagMatches(c.GetHeader("If-None-Match"), dir.etag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, "application/json", dir.body)
}

// etagMatches implements If-None-Match's weak comparison (RFC 9110 §13.1.2).
func etagMatches(header, etag string) bool {
	for _, candidate := range strings.Split(header, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == "*" || candidate == etag {
			return true
		}
	}
	return false
}
