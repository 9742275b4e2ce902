package local

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/redisstore"
)

// records is a set of sealed records by courier and locator, as the
// store keeps them (docs/protocol.md §7).
type records map[string]crypto.SealedRecord

func recordKey(r *crypto.SealedRecord) string { return r.Courier + "/" + crypto.EncodeB64(r.Locator) }

func (r records) count(courier string) int {
	n := 0
	for _, rec := range r {
		if rec.Courier == courier {
			n++
		}
	}
	return n
}

func sameRecord(a, b crypto.SealedRecord) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// keptOrNewer checks that every record of before is in after, the same
// record or a newer version of it: nothing was lost.
func keptOrNewer(t *testing.T, what string, before, after records) {
	t.Helper()
	lost, older := 0, 0
	for key, rec := range before {
		now, ok := after[key]
		switch {
		case !ok:
			lost++
		case now.Version < rec.Version || (now.Version == rec.Version && !bytes.Equal(now.Ciphertext, rec.Ciphertext)):
			older++
		}
	}
	if lost > 0 || older > 0 {
		t.Errorf("%s: of %d records, %d are gone and %d went back to an older version or changed in place", what, len(before), lost, older)
	}
}

// publicSet is a gateway's public answer, real records and dummies alike,
// by locator and nonce.
type publicSet map[string]crypto.PublicRecord

func publicKey(r *crypto.PublicRecord) string {
	return crypto.EncodeB64(r.Locator) + "/" + crypto.EncodeB64(r.Nonce)
}

func (p publicSet) holds(r *crypto.SealedRecord) bool {
	got, ok := p[crypto.EncodeB64(r.Locator)+"/"+crypto.EncodeB64(r.Nonce)]
	return ok && bytes.Equal(got.Ciphertext, r.Ciphertext)
}

// only returns the records of p that are also in keep, byte for byte.
func (p publicSet) only(keep publicSet) publicSet {
	out := publicSet{}
	for k, r := range p {
		if other, ok := keep[k]; ok && bytes.Equal(other.Ciphertext, r.Ciphertext) {
			out[k] = r
		}
	}
	return out
}

func samePublic(a, b publicSet) bool {
	if len(a) != len(b) {
		return false
	}
	for k, r := range a {
		if other, ok := b[k]; !ok || !bytes.Equal(r.Ciphertext, other.Ciphertext) {
			return false
		}
	}
	return true
}

// directory returns GET /v1/couriers of a gateway: body, ETag, document.
func (top *topology) directory(t *testing.T, gw string) ([]byte, string, api.Directory) {
	t.Helper()
	resp, body := top.get(t, gw+"/v1/couriers")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s/v1/couriers: %s", gw, resp.Status)
	}
	var dir api.Directory
	if err := json.Unmarshal(body, &dir); err != nil {
		t.Fatalf("directory of %s: %v", gw, err)
	}
	return body, resp.Header.Get("ETag"), dir
}

// bucket returns the public records GET /v1/buckets/{b} answers, and the
// couriers it lists as missing.
func (top *topology) bucket(t *testing.T, gw string, b uint32) (publicSet, []string) {
	t.Helper()
	url := gw + "/v1/buckets/" + crypto.FormatBucket(b)
	resp, body := top.get(t, url)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s", url, resp.Status, body)
	}
	var doc api.PublicRecords
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	out := publicSet{}
	for _, r := range doc.Records {
		out[publicKey(&r)] = r
	}
	return out, doc.Missing
}

// snapshot reads every bucket of a gateway.
func (top *topology) snapshot(t *testing.T, gw string) publicSet {
	t.Helper()
	_, _, dir := top.directory(t, gw)
	all := publicSet{}
	for b := uint32(0); b < 1<<dir.BucketBits; b++ {
		recs, _ := top.bucket(t, gw, b)
		maps.Copy(all, recs)
	}
	return all
}

// stored reads every record the store (Redis) holds, with its courier and
// version, which public answers no longer tell.
func (top *topology) stored(t *testing.T) records {
	t.Helper()
	_, _, dir := top.directory(t, top.gateways[0])
	client := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: top.redis, IsClusterMode: len(top.redis) > 1})
	defer client.Close()
	s := redisstore.New(client, store.Limits{BucketBits: dir.BucketBits})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out := records{}
	now := time.Now()
	for b := uint32(0); b < 1<<dir.BucketBits; b++ {
		recs, err := s.Bucket(ctx, b, now)
		if err != nil {
			t.Fatalf("read bucket %d from Redis: %v", b, err)
		}
		for _, r := range recs {
			out[recordKey(&r)] = r
		}
	}
	if out.count(simulator.SwiftID) == 0 || out.count(simulator.PandaID) == 0 {
		t.Fatalf("the store holds %d records of sim-swift and %d of sim-panda; want some of each", out.count(simulator.SwiftID), out.count(simulator.PandaID))
	}
	return out
}

// serves checks that a gateway's buckets hold every one of recs, read
// from the store before, or a newer version the store holds after.
func (top *topology) serves(t *testing.T, what, gw string, recs records) {
	t.Helper()
	all := top.snapshot(t, gw)
	later := top.stored(t)
	missing := 0
	for key, r := range recs {
		if !all.holds(&r) && later[key].Version <= r.Version {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%s: %s does not serve %d of the %d stored records", what, gw, missing, len(recs))
	}
}

// record returns GET /v1/records/{locator} of a gateway: the public
// records there, possibly none.
func (top *topology) record(t *testing.T, gw, locator string) publicSet {
	t.Helper()
	resp, body := top.get(t, gw+"/v1/records/"+locator)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s/v1/records/%s: %s", gw, locator, resp.Status)
	}
	var doc api.PublicRecords
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	out := publicSet{}
	for _, r := range doc.Records {
		out[publicKey(&r)] = r
	}
	return out
}

// trackOutput is what `trackgate track --json` prints.
type trackOutput struct {
	Legs []adapters.View `json:"legs"`
}

// errNotTracked is a track run that found nothing (exit status 1), or
// nothing yet because a courier was unavailable for the moment (3).
var errNotTracked = errors.New("not tracked")

// track runs `trackgate track --json` against a gateway. Every number it
// is shown is remembered for the privacy check.
func (top *topology) track(t *testing.T, gw, number, factor string) (trackOutput, error) {
	t.Helper()
	top.seen.add(number, factor)
	args := []string{"track", number, "--gateway", gw, "--json", "--timeout", "10s", "--keylog-state", top.clientState()}
	if factor != "" {
		args = append(args, "--factor", factor)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, top.bin(), args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && (exit.ExitCode() == 1 || exit.ExitCode() == 3):
		return trackOutput{}, fmt.Errorf("%w: %s", errNotTracked, strings.TrimSpace(stderr.String()))
	case err != nil:
		t.Fatalf("trackgate %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	var out trackOutput
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("trackgate track --json printed no JSON: %v\n%s", err, stdout.String())
	}
	for _, leg := range out.Legs {
		top.seen.add(leg.TrackingNumber, "")
		for _, h := range leg.Handoffs {
			top.seen.add(h.TrackingNumber, "")
		}
	}
	return out, nil
}

// trackUntil tracks a parcel until its own leg satisfies ok, failing the
// test after arriveTimeout. Records may still be on their way through an
// outbox.
func (top *topology) trackUntil(t *testing.T, gw string, p api.DemoParcel, what string, ok func(adapters.View) bool) adapters.View {
	t.Helper()
	deadline := time.Now().Add(arriveTimeout)
	for {
		out, err := top.track(t, gw, p.TrackingNumber, p.Factor)
		var last string
		if err == nil {
			if len(out.Legs) == 0 || out.Legs[0].TrackingNumber != p.TrackingNumber || out.Legs[0].Courier != p.Courier {
				t.Fatalf("tracking %s (%s) gave the legs %+v", p.TrackingNumber, p.Courier, out.Legs)
			}
			view := out.Legs[0]
			if ok(view) {
				return view
			}
			last = fmt.Sprintf("found with %d events, status %s", len(view.Events), view.Status)
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s parcel %s not %s through %s within %s; last answer: %s", p.Courier, p.TrackingNumber, what, gw, arriveTimeout, last)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// found is the condition of a parcel that was tracked at all.
func found(adapters.View) bool { return true }
