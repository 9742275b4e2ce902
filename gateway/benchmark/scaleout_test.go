package benchmark

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client"
)

// Shape of the scale-out run's load.
const (
	scaleSampleCount = 24
	scaleLoadFor     = 10 * time.Second // the gateway and the replica die halfway
	scaleWorkers     = 3                // requests in flight per attack
	scaleLookups     = 2                // SDK lookups in flight
)

// TestScaleOutSurvivesAGatewayAndAReplicaKilled is the scale-out run of
// CI: three gateways over a 3-master Redis Cluster and two partitioned
// replicas of one push courier's host (scaleTopology). The three
// gateways must answer identically: the same directory, the same bucket
// bytes, the same evaluations. Then the benchmark's vegeta attacks load
// evaluations and bucket reads spread over the three, while SDK clients
// make private lookups; halfway one gateway and one replica are killed
// (their listeners and connections closed at once). Clients know every
// gateway and go to another when theirs fails (failover); the gateways
// retry an evaluation the dead replica failed on the other. Every
// request of the run must succeed and every answer be right: each
// evaluation the one the courier's key gives (its proof verified), each
// bucket holding the sample records stored, each lookup the parcel's
// view. After the kills the two gateways left must still agree.
func TestScaleOutSurvivesAGatewayAndAReplicaKilled(t *testing.T) {
	began := time.Now()
	top := startScaleTopology(t)
	samples := top.samples(t)
	t.Logf("up in %s: %d gateways, %d replicas, %d sample parcels", time.Since(began).Round(time.Millisecond),
		len(top.gateways), len(top.replicas), len(samples.byNumber))

	records := checkGatewaysAgree(t, top.gateways, samples)
	if t.Failed() {
		return
	}

	var gatewayHosts []string
	for _, g := range top.gateways {
		gatewayHosts = append(gatewayHosts, strings.TrimPrefix(g.URL, "http://"))
	}
	load := newLoadClient(2 * scaleWorkers)
	routing := newFailover(load.Transport, gatewayHosts)
	load.Transport = routing

	var evalTargets, bucketTargets []vegeta.Target
	for _, g := range top.gateways {
		for _, s := range samples.list {
			evalTargets = append(evalTargets, vegeta.Target{Method: http.MethodPost, URL: g.URL + "/v1/evaluate",
				Body: s.evaluateBody, Header: http.Header{"Content-Type": {"application/json"}}})
			bucketTargets = append(bucketTargets, vegeta.Target{Method: http.MethodGet,
				URL: g.URL + "/v1/buckets/" + crypto.FormatBucket(s.bucket)})
		}
	}
	attacks := []attack{
		{name: "scale-evaluate", client: load, workers: scaleWorkers, targets: cycle(evalTargets), perRequest: 1,
			check: samples.checkEvaluation},
		{name: "scale-bucket", client: load, workers: scaleWorkers, targets: cycle(bucketTargets), perRequest: 1,
			check: func(body []byte) error { return samples.checkBucket(body, records) }},
	}

	ctx, cancel := context.WithTimeout(t.Context(), 3*scaleLoadFor)
	defer cancel()
	var (
		wg      sync.WaitGroup
		results = make([]sample, len(attacks))
		errs    = make([]error, len(attacks)+scaleLookups)
		killed  atomic.Bool
		found   [2]atomic.Int64 // lookups before and after the kills
	)
	for i, a := range attacks {
		wg.Go(func() { results[i], errs[i] = a.phase()(ctx, scaleLoadFor) })
	}
	sdks := make([]*client.Client, len(top.gateways))
	for i, g := range top.gateways {
		var err error
		sdks[i], err = client.New(g.URL, client.WithHTTPClient(&http.Client{Transport: routing, Timeout: 30 * time.Second}),
			client.WithMaxHandoffs(0))
		must(t, err)
	}
	deadline := time.Now().Add(scaleLoadFor)
	for w := range scaleLookups {
		wg.Go(func() {
			for i := w; time.Now().Before(deadline); i += scaleLookups {
				s := samples.list[i%len(samples.list)]
				if err := s.lookUp(ctx, sdks[i%len(sdks)]); err != nil {
					errs[len(attacks)+w] = fmt.Errorf("lookup %d (through gateway %d): %w", i, i%len(sdks), err)
					return
				}
				if killed.Load() {
					found[1].Add(1)
				} else {
					found[0].Add(1)
				}
			}
		})
	}

	time.Sleep(scaleLoadFor / 2)
	deadGateway, deadReplica, survivor := top.gateways[2], top.replicas[1], top.replicas[0]
	beforeDead, beforeSurvivor := deadReplica.evaluations.Load(), survivor.evaluations.Load()
	deadGateway.kill()
	deadReplica.kill()
	killed.Store(true)
	t.Logf("killed gateway %s and replica %s after %s of load", deadGateway.URL, deadReplica.URL, scaleLoadFor/2)
	wg.Wait()

	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	for i, a := range attacks {
		t.Logf("%s: %d requests, %.0f/s, p50 %s, p99 %s", a.name, results[i].n, results[i].rate,
			results[i].p50.Round(time.Microsecond), results[i].p99.Round(time.Microsecond))
	}
	t.Logf("SDK lookups: %d before the kills, %d after; clients sent %d requests again to another gateway, rerouted %d",
		found[0].Load(), found[1].Load(), routing.retried.Load(), routing.rerouted.Load())
	t.Logf("evaluations: replica 0 %d (%d after the kills), replica 1 %d (all before)",
		survivor.evaluations.Load(), survivor.evaluations.Load()-beforeSurvivor, beforeDead)

	switch {
	case beforeDead == 0 || beforeSurvivor == 0:
		t.Errorf("before the kills the replicas answered %d and %d evaluations: the gateways must spread over both", beforeSurvivor, beforeDead)
	case survivor.evaluations.Load() == beforeSurvivor:
		t.Error("the surviving replica answered no evaluation after the kills")
	}
	if found[1].Load() == 0 {
		t.Error("no SDK lookup completed after the kills")
	}
	if routing.retried.Load()+routing.rerouted.Load() == 0 {
		t.Error("no request went to the dead gateway: the kill tested nothing")
	}
	if !t.Failed() {
		checkGatewaysAgree(t, top.gateways[:2], samples)
	}
	logs := top.logs.String()
	if strings.Contains(logs, "replica refused") {
		t.Errorf("a replica was refused although both hold the same keys:\n%s", logs)
	}
	for tn := range samples.byNumber {
		if strings.Contains(logs, tn) {
			t.Errorf("a log line holds the tracking number %s", tn)
		}
	}
	t.Logf("the whole run took %s", time.Since(began).Round(time.Millisecond))
}

// scaleSample is one parcel the run looks up, with everything needed to
// tell a right answer from a wrong one.
type scaleSample struct {
	number       string
	view         []byte // the view's JSON, as the replica seals it
	derived      crypto.Derived
	bucket       uint32
	evaluateBody []byte
	blinding     *crypto.Blinding
	evaluated    []byte // what the courier's key gives for the blinded element
}

type scaleSamples struct {
	list        []*scaleSample
	byNumber    map[string]*scaleSample
	byEvaluated map[string]*scaleSample
}

// samples are the first parcels of the courier's listing, as its
// replicas index them.
func (top *scaleTopology) samples(t *testing.T) *scaleSamples {
	t.Helper()
	src, err := top.world.Source(simulator.SwiftID)
	must(t, err)
	out := &scaleSamples{byNumber: map[string]*scaleSample{}, byEvaluated: map[string]*scaleSample{}}
	kid := top.oprf.Public().KeyID()
	err = src.Parcels(t.Context(), func(p adapters.Parcel) bool {
		s, err := newScaleSample(top.oprf, kid, p.View)
		must(t, err)
		out.list = append(out.list, s)
		out.byNumber[s.number] = s
		out.byEvaluated[string(s.evaluated)] = s
		return len(out.list) < scaleSampleCount
	})
	must(t, err)
	if len(out.list) < scaleSampleCount {
		t.Fatalf("the courier lists %d parcels, want %d samples", len(out.list), scaleSampleCount)
	}
	return out
}

func newScaleSample(key *crypto.PrivateKey, kid string, view adapters.View) (*scaleSample, error) {
	tn, err := crypto.NormalizeTrackingNumber(view.TrackingNumber)
	if err != nil {
		return nil, err
	}
	view.TrackingNumber = tn
	s := &scaleSample{number: tn}
	if s.view, err = json.Marshal(view); err != nil {
		return nil, err
	}
	input := crypto.Input(simulator.SwiftID, tn, "")
	y, err := key.FullEvaluate(input)
	if err != nil {
		return nil, err
	}
	if s.derived, err = crypto.Derive(y); err != nil {
		return nil, err
	}
	s.bucket = crypto.Bucket(s.derived.Locator, scaleBits)
	if s.blinding, err = crypto.Blind(key.Public(), [][]byte{input}); err != nil {
		return nil, err
	}
	evaluated, _, err := key.Evaluate(s.blinding.Elements)
	if err != nil {
		return nil, err
	}
	s.evaluated = evaluated[0]
	s.evaluateBody, err = json.Marshal(api.EvaluateRequest{Requests: []api.CourierEvaluation{{
		Courier: simulator.SwiftID, KeyID: kid, Blinded: []crypto.B64{s.blinding.Elements[0]},
	}}})
	return s, err
}

// checkEvaluation checks a gateway's answer to one sample's evaluation:
// the element the courier's key gives, with a proof that verifies.
func (ss *scaleSamples) checkEvaluation(body []byte) error {
	var res api.EvaluateResponse
	if err := json.Unmarshal(body, &res); err != nil {
		return fmt.Errorf("evaluate answer: %w", err)
	}
	if len(res.Results) != 1 || res.Results[0].Status != api.StatusOK || len(res.Results[0].Evaluated) != 1 {
		return fmt.Errorf("evaluate answer %s: want one result, ok, with one element", body)
	}
	r := res.Results[0]
	s, ok := ss.byEvaluated[string(r.Evaluated[0])]
	if !ok {
		return errors.New("an evaluated element that the courier's key does not give for any sample")
	}
	if _, err := s.blinding.Finalize([][]byte{r.Evaluated[0]}, r.Proof); err != nil {
		return fmt.Errorf("the proof of an evaluation does not verify: %w", err)
	}
	return nil
}

// checkBucket checks a bucket answer: its records all fall in one
// bucket, and every sample of that bucket is there, the very record
// stored (records: locator → record).
func (ss *scaleSamples) checkBucket(body []byte, records map[string]crypto.PublicRecord) error {
	var res api.PublicRecords
	if err := json.Unmarshal(body, &res); err != nil {
		return fmt.Errorf("bucket answer: %w", err)
	}
	if len(res.Records) == 0 || len(res.Missing) != 0 {
		return fmt.Errorf("bucket answer with %d records, missing %v", len(res.Records), res.Missing)
	}
	bucket := crypto.Bucket(res.Records[0].Locator, scaleBits)
	got := map[string]crypto.PublicRecord{}
	for _, r := range res.Records {
		if crypto.Bucket(r.Locator, scaleBits) != bucket {
			return fmt.Errorf("a bucket answer mixes buckets %x and %x", bucket, crypto.Bucket(r.Locator, scaleBits))
		}
		got[string(r.Locator)] = r
	}
	for _, s := range ss.list {
		if s.bucket != bucket {
			continue
		}
		want := records[string(s.derived.Locator)]
		r, ok := got[string(s.derived.Locator)]
		if !ok || !bytes.Equal(r.Nonce, want.Nonce) || !bytes.Equal(r.Ciphertext, want.Ciphertext) {
			return fmt.Errorf("bucket %x: the record of a sample parcel is missing or not the one stored", bucket)
		}
	}
	return nil
}

// lookUp makes the private lookup of s through sdk and checks it finds
// s's view.
func (s *scaleSample) lookUp(ctx context.Context, sdk *client.Client) error {
	res, err := sdk.Track(ctx, s.number, client.TrackOptions{Courier: simulator.SwiftID})
	if err != nil {
		return err
	}
	if len(res.Legs) != 1 || res.Legs[0].Courier != simulator.SwiftID {
		return fmt.Errorf("found %d legs, want the one of %s", len(res.Legs), simulator.SwiftID)
	}
	got, err := json.Marshal(res.Legs[0].View)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, s.view) {
		return fmt.Errorf("found the view %s, want %s", got, s.view)
	}
	return nil
}

// checkGatewaysAgree fetches the directory, every sample's bucket and
// every sample's evaluation from each gateway: the directory and bucket
// bodies must be the same bytes everywhere, the evaluations the
// elements the courier's key gives. It returns the stored record of
// every sample (locator → record). A run that crosses the hour compares
// again once, since bucket dummies change on the hour.
func checkGatewaysAgree(t *testing.T, gateways []*scaleGateway, ss *scaleSamples) map[string]crypto.PublicRecord {
	t.Helper()
	var problems []string
	records := map[string]crypto.PublicRecord{}
	for attempt := 0; attempt < 2; attempt++ {
		problems = nil
		hour := time.Now().Truncate(time.Hour)
		paths := []string{"/v1/couriers"}
		seen := map[uint32]bool{}
		for _, s := range ss.list {
			if !seen[s.bucket] {
				seen[s.bucket] = true
				paths = append(paths, "/v1/buckets/"+crypto.FormatBucket(s.bucket))
			}
		}
		for _, path := range paths {
			var first []byte
			for i, g := range gateways {
				body, err := getOK(t.Context(), g.URL+path)
				if err != nil {
					t.Fatalf("gateway %d: %v", i, err)
				}
				if i == 0 {
					first = body
					if strings.HasPrefix(path, "/v1/buckets/") {
						var res api.PublicRecords
						must(t, json.Unmarshal(body, &res))
						for _, r := range res.Records {
							records[string(r.Locator)] = r
						}
					}
				} else if !bytes.Equal(body, first) {
					problems = append(problems, fmt.Sprintf("GET %s: gateway %d answered other bytes than gateway 0", path, i))
				}
			}
		}
		if len(problems) == 0 || !time.Now().Truncate(time.Hour).Equal(hour) {
			break
		}
	}
	for _, p := range problems {
		t.Error(p)
	}
	for _, s := range ss.list {
		if _, ok := records[string(s.derived.Locator)]; !ok {
			t.Errorf("the record of sample parcel %s is in no bucket answer: its replica did not publish it", s.number)
		}
		for i, g := range gateways {
			body, err := postJSON(t.Context(), g.URL+"/v1/evaluate", s.evaluateBody)
			if err == nil {
				err = ss.checkEvaluation(body)
			}
			if err != nil {
				t.Errorf("gateway %d, evaluation of a sample: %v", i, err)
			}
		}
	}
	return records
}

// postJSON posts body and returns the 200 answer's body.
func postJSON(ctx context.Context, url string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", url, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("POST %s answered %d: %s", url, resp.StatusCode, answer)
	}
	return answer, nil
}
