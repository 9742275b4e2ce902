package local

import (
	"bytes"
	"net/http"
	"os/exec"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/crypto"
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
	cmd := exec.Command(top.bin(), "track", p.TrackingNumber, "--gateway", top.gateways[1])
	if err := cmd.Run(); cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 2 {
		t.Errorf("tracking a sim-panda parcel without --factor: %v, want exit status 2", err)
	}
}

// checkGatewaysAgree compares the two gateways: the same directory bytes
// and ETag, the same records in every bucket, the same single records.
// A bucket read while a record changed is read again; so is one whose
// pull-mode records the two gateways took from their caches at different
// moments (pull_cache_ttl, 2 s).
func (top *topology) checkGatewaysAgree(t *testing.T) {
	gw1, gw2 := top.gateways[0], top.gateways[1]
	body1, etag1, dir := top.directory(t, gw1)
	body2, etag2, _ := top.directory(t, gw2)
	if !bytes.Equal(body1, body2) || etag1 != etag2 || etag1 == "" {
		t.Errorf("directories differ: ETag %s and %s\n%s\n%s", etag1, etag2, body1, body2)
	}
	const tries = 5
	seen, singles := 0, 0
	for b := uint32(0); b < 1<<dir.BucketBits; b++ {
		agreed := false
		for try := 0; try < tries && !agreed; try++ {
			if try > 0 {
				time.Sleep(2100 * time.Millisecond) // past the pull cache
			}
			first, other, again := top.bucket(t, gw1, b), top.bucket(t, gw2, b), top.bucket(t, gw1, b)
			if !sameSet(first, again) || !sameSet(first, other) {
				continue
			}
			agreed = true
			seen += len(first)
			// Every eighth bucket: its records one by one, from both.
			if b%8 != 0 {
				continue
			}
			for loc, rec := range first {
				r1, ok1 := top.record(t, gw1, loc)
				r2, ok2 := top.record(t, gw2, loc)
				if !ok1 || !ok2 || !sameRecord(r1, r2) || r1.Version < rec.Version {
					t.Errorf("record %s of %s: gateway 1 %v (found %v), gateway 2 %v (found %v), bucket %v", loc, rec.Courier, r1.Version, ok1, r2.Version, ok2, rec.Version)
				}
				singles++
				break
			}
		}
		if !agreed {
			t.Errorf("bucket %s: the gateways answered differently %d times in a row", crypto.FormatBucket(b), tries)
		}
	}
	if seen < 1000 || singles == 0 {
		t.Errorf("compared %d records in buckets and %d single records; too few to prove anything", seen, singles)
	}
	t.Logf("gateways agree on the directory, on %d records in %d buckets and on %d single records", seen, 1<<dir.BucketBits, singles)
}

// pushRecords keeps the records of push-mode couriers: those the store
// holds (a pull courier's come live from its host).
func (top *topology) pushRecords(t *testing.T, all records) records {
	t.Helper()
	_, _, dir := top.directory(t, top.gateways[0])
	push := map[string]bool{}
	for _, c := range dir.Couriers {
		push[c.ID] = c.Mode == "push"
	}
	out := records{}
	for loc, r := range all {
		if push[r.Courier] {
			out[loc] = r
		}
	}
	if out.count(simulator.SwiftID) == 0 || out.count(simulator.PandaID) == 0 {
		t.Fatalf("the store holds %d records of sim-swift and %d of sim-panda; want some of each", out.count(simulator.SwiftID), out.count(simulator.PandaID))
	}
	return out
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
