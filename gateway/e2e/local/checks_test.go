package local

import (
	"bytes"
	"net/http"
	"os/exec"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// The checks both topologies run, each a subtest of its test function.

// checkTrackThroughEitherGateway tracks every sample parcel with the
// trackgate binary through both gateways; sim-panda's need their factor.
func (top *topology) checkTrackThroughEitherGateway(t *testing.T) {
	for _, id := range []string{simulator.SwiftID, simulator.PandaID, simulator.GlobalID} {
		if len(top.samplesOf(id)) == 0 {
			t.Fatalf("samples.json lists no parcel of %s", id)
		}
	}
	for _, gw := range top.gateways {
		for _, p := range top.samples {
			top.trackUntil(t, gw, p, "found", found)
		}
	}
	// Without its factor a sim-panda parcel is not even asked for: a
	// usage mistake, exit status 2.
	p := top.samplesOf(simulator.PandaID)[0]
	if p.Factor == "" {
		t.Fatalf("sample %s of sim-panda has no factor", p.TrackingNumber)
	}
	cmd := exec.Command(top.bin(), "track", p.TrackingNumber, "--gateway", top.gateways[1], "--keylog-state", top.clientState())
	if err := cmd.Run(); cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 2 {
		t.Errorf("tracking a sim-panda parcel without --factor: %v, want exit status 2", err)
	}
}

// checkGatewaysAgree compares the two gateways: the same directory bytes
// and ETag, the same answer for every bucket (the same real records and,
// sharing the padding secret, the same dummies), the same records by
// locator. A bucket read while a record changed is read again; so is one
// whose pull-mode records the two gateways took from their caches at
// different moments (pull_cache_ttl, 2 s).
//
// With replicas of the pull courier (up.sh --replicas), each replica seals
// its records itself, with nonces of its own, so two gateways asking two
// replicas get the same views in different bytes: then only the records
// of the push couriers (those the store holds) are compared byte for
// byte, the rest by number.
func (top *topology) checkGatewaysAgree(t *testing.T) {
	gw1, gw2 := top.gateways[0], top.gateways[1]
	// Each gateway refreshes its directory on its own clock (every 5 s
	// while a host is still loading, §7.1), so a courier's "loading" may
	// clear on one a moment before the other: read both again until they
	// agree, for a little longer than one refresh.
	var body1, body2 []byte
	var etag1, etag2 string
	var dir api.Directory
	for deadline := time.Now().Add(12 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		body1, etag1, dir = top.directory(t, gw1)
		body2, etag2, _ = top.directory(t, gw2)
		if bytes.Equal(body1, body2) || time.Now().After(deadline) {
			break
		}
	}
	if !bytes.Equal(body1, body2) || etag1 != etag2 || etag1 == "" {
		t.Errorf("directories differ: ETag %s and %s\n%s\n%s", etag1, etag2, body1, body2)
	}
	const tries = 5
	seen, singles := 0, 0
	same := samePublic
	if top.replicas > 1 {
		stored := top.stored(t)
		pushed := publicSet{}
		for _, r := range stored {
			pushed[crypto.EncodeB64(r.Locator)+"/"+crypto.EncodeB64(r.Nonce)] = crypto.PublicRecord{Locator: r.Locator, Nonce: r.Nonce, Ciphertext: r.Ciphertext}
		}
		same = func(a, b publicSet) bool { return len(a) == len(b) && samePublic(a.only(pushed), b.only(pushed)) }
	}
	// A bucket whose answers differ (a record changed between the reads,
	// or the gateways' pull caches are of different moments) is read
	// again in the next pass, after the pull cache has expired: one wait
	// per pass, not per bucket.
	pending := make([]uint32, 0, 1<<dir.BucketBits)
	for b := uint32(0); b < 1<<dir.BucketBits; b++ {
		pending = append(pending, b)
	}
	passes := 0
	for try := 0; try < tries && len(pending) > 0; try++ {
		if try > 0 {
			time.Sleep(2100 * time.Millisecond) // past the pull cache
		}
		passes++
		var again []uint32
		for _, b := range pending {
			first, missing := top.bucket(t, gw1, b)
			other, _ := top.bucket(t, gw2, b)
			repeat, _ := top.bucket(t, gw1, b)
			if len(missing) > 0 || !same(first, repeat) || !same(first, other) {
				again = append(again, b)
				continue
			}
			seen += len(first)
			// Every eighth bucket: one real record by its locator, from
			// both (a dummy's locator has none).
			if b%8 != 0 {
				continue
			}
			for _, rec := range first {
				loc := crypto.EncodeB64(rec.Locator)
				r1, r2 := top.record(t, gw1, loc), top.record(t, gw2, loc)
				if len(r1) == 0 && len(r2) == 0 {
					continue
				}
				if top.replicas > 1 && !samePublic(r1, r2) && len(r1) == len(r2) && r1[publicKey(&rec)].Ciphertext != nil {
					continue // a pull record, sealed by each replica anew
				}
				if !samePublic(r1, r2) || r1[publicKey(&rec)].Ciphertext == nil {
					t.Errorf("records at %s: gateway 1 %d, gateway 2 %d, the bucket's among them: %v", loc, len(r1), len(r2), r1[publicKey(&rec)].Ciphertext != nil)
				}
				singles++
				break
			}
		}
		pending = again
	}
	for _, b := range pending {
		t.Errorf("bucket %s: the gateways answered differently %d times in a row", crypto.FormatBucket(b), tries)
	}
	if seen < 1000 || singles == 0 {
		t.Errorf("compared %d records in buckets and %d single records; too few to prove anything", seen, singles)
	}
	t.Logf("gateways agree on the directory, on %d records and dummies in %d buckets and on %d single records (%d passes)", seen, 1<<dir.BucketBits, singles, passes)
}

// wantUnavailable checks a 503 answer with Retry-After, as RFC 9457
// problem+json.
func (top *topology) wantUnavailable(t *testing.T, url string) {
	t.Helper()
	resp, body := top.get(t, url)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
		resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("GET %s: %s, Retry-After %q, Content-Type %q; want 503 with Retry-After as problem+json\n%s",
			url, resp.Status, resp.Header.Get("Retry-After"), resp.Header.Get("Content-Type"), body)
	}
}
