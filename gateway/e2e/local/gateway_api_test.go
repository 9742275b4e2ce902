package local

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// records is a set of sealed records by locator.
type records map[string]crypto.SealedRecord

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

func sameSet(a, b records) bool {
	if len(a) != len(b) {
		return false
	}
	for loc, rec := range a {
		if other, ok := b[loc]; !ok || !sameRecord(rec, other) {
			return false
		}
	}
	return true
}

// keptOrNewer checks that every record of before is in after, the same
// record or a newer version of it: nothing was lost.
func keptOrNewer(t *testing.T, what string, before, after records) {
	t.Helper()
	lost, older := 0, 0
	for loc, rec := range before {
		now, ok := after[loc]
		switch {
		case !ok:
			lost++
		case now.Version < rec.Version || (now.Version == rec.Version && !sameRecord(now, rec)):
			older++
		}
	}
	if lost > 0 || older > 0 {
		t.Errorf("%s: of %d records, %d are gone and %d went back to an older version or changed in place", what, len(before), lost, older)
	}
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

// bucket returns the records GET /v1/buckets/{b} answers.
func (top *topology) bucket(t *testing.T, gw string, b uint32) records {
	t.Helper()
	url := gw + "/v1/buckets/" + crypto.FormatBucket(b)
	resp, body := top.get(t, url)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s", url, resp.Status, body)
	}
	var doc api.Records
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	out := records{}
	for _, r := range doc.Records {
		out[crypto.EncodeB64(r.Locator)] = r
	}
	return out
}

// snapshot reads every bucket of a gateway.
func (top *topology) snapshot(t *testing.T, gw string) records {
	t.Helper()
	_, _, dir := top.directory(t, gw)
	all := records{}
	for b := uint32(0); b < 1<<dir.BucketBits; b++ {
		for loc, r := range top.bucket(t, gw, b) {
			all[loc] = r
		}
	}
	return all
}

// record returns GET /v1/records/{locator} of a gateway.
func (top *topology) record(t *testing.T, gw, locator string) (crypto.SealedRecord, bool) {
	t.Helper()
	resp, body := top.get(t, gw+"/v1/records/"+locator)
	if resp.StatusCode == http.StatusNotFound {
		return crypto.SealedRecord{}, false
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s/v1/records/%s: %s", gw, locator, resp.Status)
	}
	var r crypto.SealedRecord
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	return r, true
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
	args := []string{"track", number, "--gateway", gw, "--json", "--timeout", "10s"}
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
