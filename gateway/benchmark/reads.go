package benchmark

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"

	"github.com/redis/go-redis/v9"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/redisstore"
)

// The read figures load the gateway's public GETs and, as their
// baseline, a bare net/http server that makes the same Redis read the
// gateway's store makes (HGETALL of the bucket's hash, HGET of the
// locator's field) and answers, unchanged, the bytes the gateway answered
// for the same bucket or locator before the rounds. What separates the
// two is then the gateway's own work: routing, validation, the per-client
// limit, decoding the stored entries, padding and encoding.

// bareRead is what the bare server reads and answers for one target.
type bareRead struct {
	key, field string // field "" reads the whole hash
	body       []byte
}

func (b *bench) bucketRead(ctx context.Context) ([]Figure, error) {
	g, err := b.dep.readsGateway(ctx)
	if err != nil {
		return nil, err
	}
	keys := b.recordsStore()
	var paths []string
	var reads []bareRead
	for _, bucket := range b.pickBuckets() {
		path := "/v1/buckets/" + crypto.FormatBucket(bucket)
		body, err := getOK(ctx, g.URL+path)
		if err != nil {
			return nil, err
		}
		paths = append(paths, path)
		reads = append(reads, bareRead{key: keys.RecordsKey(bucket), body: body})
	}
	r, err := b.compareReads(ctx, "bucket-read", g.URL, paths, reads)
	if err != nil {
		return nil, err
	}
	f := throughputFigure("bucket-read", "bucket read, GET /v1/buckets/{bucket}", "requests/s",
		fmt.Sprintf("the reads gateway answering %d random buckets in turn (most padded to 8 records of %d bytes), %d requests in flight",
			len(paths), crypto.DefaultRecordSize, b.profile.Workers),
		"a bare net/http server making the same HGETALL on the same Redis and answering the same bytes", r)
	return []Figure{f.withGoals(f.ratioAtLeast(0.8))}, nil
}

func (b *bench) recordRead(ctx context.Context) ([]Figure, error) {
	g, err := b.dep.readsGateway(ctx)
	if err != nil {
		return nil, err
	}
	keys := b.recordsStore()
	var paths []string
	var reads []bareRead
	// Buckets in the order pickBuckets draws them, past its count when
	// those hold fewer records than targets (the tiny profile's few).
	for _, bucket := range b.bucketOrder() {
		if len(paths) == b.profile.ReadTargets {
			break
		}
		locators, err := b.dep.rdb.HKeys(ctx, keys.RecordsKey(bucket)).Result()
		if err != nil {
			return nil, fmt.Errorf("list the locators of a bucket: %w", err)
		}
		for _, locator := range locators {
			if len(paths) == b.profile.ReadTargets {
				break
			}
			path := "/v1/records/" + crypto.EncodeB64([]byte(locator))
			body, err := getOK(ctx, g.URL+path)
			if err != nil {
				return nil, err
			}
			var answer api.PublicRecords
			if err := json.Unmarshal(body, &answer); err != nil || len(answer.Records) == 0 {
				return nil, fmt.Errorf("GET %s answered no record for a stored locator", path)
			}
			paths = append(paths, path)
			reads = append(reads, bareRead{key: keys.RecordsKey(bucket), field: locator, body: body})
		}
	}
	if len(paths) == 0 {
		return nil, errors.New("no stored record to read: the simulated couriers published nothing")
	}
	r, err := b.compareReads(ctx, "record-read", g.URL, paths, reads)
	if err != nil {
		return nil, err
	}
	f := throughputFigure("record-read", "record read, GET /v1/records/{locator}", "requests/s",
		fmt.Sprintf("the reads gateway answering %d stored locators in turn, %d requests in flight", len(paths), b.profile.Workers),
		"a bare net/http server making the same HGET on the same Redis and answering the same bytes", r)
	return []Figure{f.withGoals(f.ratioAtLeast(0.8))}, nil
}

// compareReads interleaves GETs of paths on the gateway with the bare
// server's reads, at the profile's concurrency.
func (b *bench) compareReads(ctx context.Context, id, gatewayURL string, paths []string, reads []bareRead) (rounds, error) {
	bare, err := serveLoopback(bareReads(b.dep.rdb, reads))
	if err != nil {
		return rounds{}, err
	}
	defer bare.close()
	gwTargets := make([]vegeta.Target, len(paths))
	bareTargets := make([]vegeta.Target, len(paths))
	for i, p := range paths {
		gwTargets[i] = vegeta.Target{Method: http.MethodGet, URL: gatewayURL + p}
		bareTargets[i] = vegeta.Target{Method: http.MethodGet, URL: bare.URL + "/read/" + strconv.Itoa(i)}
	}
	w := b.profile.Workers
	measured := attack{name: id + " gateway", client: newLoadClient(w), workers: w, targets: cycle(gwTargets), perRequest: 1}
	baseline := attack{name: id + " bare", client: newLoadClient(w), workers: w, targets: cycle(bareTargets), perRequest: 1}
	return b.interleave(ctx, id, b.profile.Throughput, measured.phase(), baseline.phase(), showRate("requests/s"))
}

// bareReads is the bare server: GET /read/{i} makes reads[i]'s Redis
// read and answers its body, with the gateway's content type.
func bareReads(rdb *redis.Client, reads []bareRead) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /read/{i}", func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(r.PathValue("i"))
		if err != nil || i < 0 || i >= len(reads) {
			http.NotFound(w, r)
			return
		}
		read := &reads[i]
		if read.field == "" {
			err = rdb.HGetAll(r.Context(), read.key).Err()
		} else {
			err = rdb.HGet(r.Context(), read.key, read.field).Err()
		}
		if err != nil {
			http.Error(w, "redis: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(read.body)
	})
	return mux
}

// recordsStore names the keys of the records the reads gateway stored.
func (b *bench) recordsStore() *redisstore.Store {
	return redisstore.New(b.dep.rdb, store.Limits{BucketBits: b.profile.BucketBits}, redisstore.WithKeyPrefix(recordsPrefix))
}

// pickBuckets draws the profile's ReadTargets buckets, the same ones on
// every run: buckets at random, as a client's fetches (its dummies'
// included) fall.
func (b *bench) pickBuckets() []uint32 {
	order := b.bucketOrder()
	return order[:min(b.profile.ReadTargets, len(order))]
}

// bucketOrder is every bucket, in the order pickBuckets draws them.
func (b *bench) bucketOrder() []uint32 {
	perm := rand.New(rand.NewPCG(1, 2)).Perm(1 << b.profile.BucketBits)
	out := make([]uint32, len(perm))
	for i, p := range perm {
		out[i] = uint32(p)
	}
	return out
}

// getOK fetches url and returns its body, which must come with 200.
func getOK(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s answered %d: %s", url, resp.StatusCode, body)
	}
	return body, nil
}
