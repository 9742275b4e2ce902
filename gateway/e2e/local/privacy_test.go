package local

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/privacyscan"
)

// secrets are the tracking numbers and phone factors a test used or was
// shown: none may be kept by the deployment.
type secrets struct {
	numbers map[string]bool
	factors map[string]bool
}

func newSecrets() *secrets {
	return &secrets{numbers: map[string]bool{}, factors: map[string]bool{}}
}

func (s *secrets) add(number, factor string) {
	if number != "" {
		s.numbers[number] = true
	}
	if factor != "" {
		s.factors[factor] = true
	}
}

// checkPrivacy stops the courier hosts (so the records stop changing),
// reads every record through a gateway, then every key, field, member and
// value in every Redis node and every log of the run: no tracking number
// or factor may be there. Call it last: it leaves the hosts stopped.
func (top *topology) checkPrivacy(t *testing.T) {
	t.Helper()
	var hosts []string
	for _, p := range top.topologyFile(t).Processes {
		if p.Role == "courier" {
			hosts = append(hosts, p.Name)
		}
	}
	top.stop(t, hosts...)
	// The push couriers' records are what Redis holds (a pull courier's
	// may still come from the gateway's short cache).
	stored := top.stored(t)
	if len(top.seen.numbers) == 0 || len(top.seen.factors) == 0 {
		t.Fatalf("the test saw %d numbers and %d factors; the privacy check would prove nothing", len(top.seen.numbers), len(top.seen.factors))
	}

	dump := top.dumpRedis(t)
	// Sealed fields are random bytes in which four given digits turn up
	// by chance; blank every sealed field the gateway served, raw and in
	// its base64 wire form, before looking. That every stored record was
	// met proves the dump read them.
	if met := blankSealed(dump, stored); met != len(stored) {
		t.Fatalf("the dump of Redis holds %d of the %d records the gateway serves; it did not read them all", met, len(stored))
	}
	for n := range top.seen.numbers {
		if bytes.Contains(dump, []byte(n)) {
			t.Errorf("Redis holds the tracking number %s", n)
		}
	}
	for f := range top.seen.factors {
		if privacyscan.ContainsToken(dump, f) {
			t.Errorf("Redis holds the factor %s", f)
		}
	}
	top.checkLogs(t)
}

// dumpRedis concatenates, NUL-separated, every key of every node and
// everything stored under it; sorted-set scores and stream entry ids are
// left out, being times.
func (top *topology) dumpRedis(t *testing.T) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var dump bytes.Buffer
	add := func(s string) { dump.WriteString(s); dump.WriteByte(0) }
	for _, addr := range top.redis {
		node := redis.NewClient(&redis.Options{Addr: addr})
		iter := node.Scan(ctx, 0, "*", 1000).Iterator()
		for iter.Next(ctx) {
			key := iter.Val()
			add(key)
			switch typ := node.Type(ctx, key).Val(); typ {
			case "hash":
				for field, value := range node.HGetAll(ctx, key).Val() {
					add(field)
					add(value)
				}
			case "zset":
				for _, m := range node.ZRange(ctx, key, 0, -1).Val() {
					add(m)
				}
			case "set":
				for _, m := range node.SMembers(ctx, key).Val() {
					add(m)
				}
			case "list":
				for _, m := range node.LRange(ctx, key, 0, -1).Val() {
					add(m)
				}
			case "string":
				add(node.Get(ctx, key).Val())
			case "stream": // the webhook queue: entries' fields (their ids are times)
				for _, m := range node.XRange(ctx, key, "-", "+").Val() {
					for field, value := range m.Values {
						add(field)
						add(fmt.Sprint(value))
					}
				}
			case "none": // expired between SCAN and TYPE
			default:
				t.Fatalf("Redis %s: key %q is a %s, which this scan cannot read", addr, key, typ)
			}
		}
		if err := iter.Err(); err != nil {
			t.Fatalf("scan Redis %s: %v", addr, err)
		}
		node.Close()
	}
	return dump.Bytes()
}

// blankSealed overwrites with zeros, wherever they occur in dump, the
// locator, nonce and ciphertext of every record, raw and in base64 (the
// store keeps records in their public wire form too), and returns how
// many of the records' ciphertexts it met. Candidates are found by their
// first 8 bytes, so the dump is read once, however many records there are.
func blankSealed(dump []byte, recs records) int {
	const prefix = 8
	type blob struct {
		b          []byte
		ciphertext bool
		locator    string
	}
	byPrefix := map[uint64][]blob{}
	for loc, r := range recs {
		for _, b := range []blob{
			{b: r.Locator}, {b: r.Nonce}, {b: r.Ciphertext, ciphertext: true, locator: loc},
			{b: []byte(crypto.EncodeB64(r.Locator))}, {b: []byte(crypto.EncodeB64(r.Nonce))},
			{b: []byte(crypto.EncodeB64(r.Ciphertext)), ciphertext: true, locator: loc},
		} {
			if len(b.b) >= prefix {
				k := binary.LittleEndian.Uint64(b.b)
				byPrefix[k] = append(byPrefix[k], b)
			}
		}
	}
	met := map[string]bool{}
	for i := 0; i+prefix <= len(dump); i++ {
		for _, b := range byPrefix[binary.LittleEndian.Uint64(dump[i:])] {
			if bytes.HasPrefix(dump[i:], b.b) {
				if b.ciphertext {
					met[b.locator] = true
				}
				clear(dump[i : i+len(b.b)])
				break
			}
		}
	}
	return len(met)
}

// checkLogs looks for every tracking number in every log of the run, and
// for every factor in the logs of trackgate's processes. Redis's own log
// is left out of the factor search: nothing sends it a factor, and it is
// made of process ids, counts and times, where four given digits turn up
// by chance.
func (top *topology) checkLogs(t *testing.T) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(top.dir, "logs", "*.log"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no logs under %s/logs (%v)", top.dir, err)
	}
	trackgateLogs := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		for n := range top.seen.numbers {
			if bytes.Contains(b, []byte(n)) {
				t.Errorf("the log %s holds the tracking number %s", name, n)
			}
		}
		if strings.HasPrefix(name, "redis") {
			continue
		}
		trackgateLogs++
		for f := range top.seen.factors {
			if privacyscan.LogsHoldFactor(string(b), f) {
				t.Errorf("the log %s holds the factor %s", name, f)
			}
		}
	}
	if want := 5; trackgateLogs < want {
		t.Errorf("%d logs of trackgate processes, want at least %d (2 gateways, 3 courier hosts): %v", trackgateLogs, want, files)
	}
}
