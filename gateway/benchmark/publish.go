package benchmark

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/config"
	"github.com/trackgate/trackgate/gateway/signing"
)

// publish loads the signed publish route with the batches a courier
// host's outbox sends (as many records as fit in 3 MiB), every one a
// new version of the records it replaces, so that every record is
// stored; its baseline pipelines Redis SETs of the same number of values
// of the same size — the size of a stored record — from as many clients.
func (b *bench) publish(ctx context.Context) ([]Figure, error) {
	g, err := b.dep.ingestGateway(ctx)
	if err != nil {
		return nil, err
	}
	loader := b.dep.loader
	batch, err := recordsPerBatch(loader, b.profile.PublishBatchBytes)
	if err != nil {
		return nil, err
	}
	w := b.profile.PublishWorkers
	// Request i goes to slot i mod slots with version i: with four times
	// as many slots as requests in flight, a version never overtakes a
	// later one of its slot, and every record is stored.
	slots := make([]bodyTemplate, 4*w)
	for i := range slots {
		if slots[i], err = newBodyTemplate(newRecords(loader, batch)); err != nil {
			return nil, err
		}
	}
	url := g.URL + "/v1/couriers/" + loaderID + "/records"
	signer := &signing.Signer{KeyID: loaderID, Key: loader.signKey, Audience: config.DefaultGatewayID}
	var seq atomic.Uint64
	next := func() (vegeta.Target, error) {
		i := seq.Add(1)
		body := slots[i%uint64(len(slots))].body(i)
		req, err := http.NewRequest(http.MethodPut, url, nil)
		if err != nil {
			return vegeta.Target{}, err
		}
		if err := signer.Sign(req, body); err != nil {
			return vegeta.Target{}, err
		}
		req.Header.Set("Content-Type", "application/json")
		return vegeta.Target{Method: http.MethodPut, URL: url, Body: body, Header: req.Header}, nil
	}
	if err := publishOnce(ctx, next, batch); err != nil {
		return nil, err
	}
	measured := attack{name: "publish gateway", client: newLoadClient(w), workers: w, perRequest: float64(batch),
		targets: func(t *vegeta.Target) (err error) { *t, err = next(); return err }, check: allStored}

	value := make([]byte, storedSize(loaderID))
	_, _ = rand.Read(value)
	keys := make([][]string, w)
	for i := range keys {
		keys[i] = make([]string, batch)
		for j := range keys[i] {
			keys[i][j] = fmt.Sprintf("bench-pipeline:%d:%d", i, j)
		}
	}
	pipelined := concurrent(w, float64(batch), func(ctx context.Context, worker, _ int) error {
		pipe := b.dep.rdb.Pipeline()
		for _, k := range keys[worker] {
			pipe.Set(ctx, k, value, 0)
		}
		_, err := pipe.Exec(ctx)
		return err
	})
	r, err := b.interleave(ctx, "publish", b.profile.Throughput, measured.phase(), pipelined, showRate("records/s"))
	if err != nil {
		return nil, err
	}
	f := throughputFigure("publish", "publish ingest, PUT /v1/couriers/{courier}/records", "records/s",
		fmt.Sprintf("signed publishes of %d records of %d bytes (one outbox batch of at most %d KiB), new versions, %d in flight, through the ingest gateway into Redis",
			batch, crypto.DefaultRecordSize, b.profile.PublishBatchBytes>>10, w),
		fmt.Sprintf("pipelines of %d Redis SETs of %d-byte values (a record as the store keeps it), %s at once", batch, len(value), plural(w, "client")), r)
	return []Figure{f.withGoals(f.valueAtLeast(20000), f.ratioAtLeast(0.3))}, nil
}

// publishOnce sends one batch and checks that the gateway stored it
// whole, before any load.
func publishOnce(ctx context.Context, next func() (vegeta.Target, error), batch int) error {
	t, err := next()
	if err != nil {
		return err
	}
	req, err := t.Request()
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	defer resp.Body.Close()
	var res api.PublishResponse
	if err := checkStatus("publish", resp.StatusCode, http.StatusOK); err != nil {
		return err
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return fmt.Errorf("publish answer: %w", err)
	}
	if res.Stored != batch {
		return fmt.Errorf("publish stored %d of %d records (%d stale, %d refused)", res.Stored, batch, res.Stale, res.Refused)
	}
	return nil
}

// allStored checks a publish answer: nothing stale or refused.
func allStored(body []byte) error {
	if !bytes.Contains(body, []byte(`"stale":0,"refused":0`)) {
		return errors.New("the gateway did not store every record")
	}
	return nil
}

// recordsPerBatch is how many of loader's records a courier host's
// outbox sends at once: as many as fit in maxBytes of JSON.
func recordsPerBatch(loader *courierHost, maxBytes int) (int, error) {
	one, err := json.Marshal(newRecords(loader, 1)[0])
	if err != nil {
		return 0, err
	}
	n := (maxBytes - len(`{"records":[]}`)) / (len(one) + 1)
	return max(1, min(n, crypto.MaxPublishSize)), nil
}

// newRecords makes n records of loader, sealed to the deployment's size
// under its key (random bytes: the gateway never opens a record), with
// random locators, valid for a day.
func newRecords(loader *courierHost, n int) []crypto.SealedRecord {
	kid := crypto.KeyIDBytes(loader.oprf.Public().Bytes())
	expires := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
	out := make([]crypto.SealedRecord, n)
	for i := range out {
		r := crypto.SealedRecord{
			Courier: loaderID, KeyID: kid, Version: 1, ExpiresAt: expires,
			Locator: make([]byte, crypto.LocatorSize), Nonce: make([]byte, crypto.NonceSize),
			Ciphertext: make([]byte, crypto.DefaultRecordSize),
		}
		_, _ = rand.Read(r.Locator)
		_, _ = rand.Read(r.Nonce)
		_, _ = rand.Read(r.Ciphertext)
		out[i] = r
	}
	return out
}

// storedSize is the length of a record as the Redis store keeps it: its
// entry header (kind, version, expiry, courier), kid, nonce and
// ciphertext, with the entry's length prefix.
func storedSize(courier string) int {
	return 4 + 1 + 8 + 12 + 1 + len(courier) + crypto.KeyIDSize + crypto.NonceSize + crypto.DefaultRecordSize
}

// bodyTemplate is a publish body cut at its versions, so that a new
// version of the same records costs a copy, not an encoding.
type bodyTemplate struct {
	parts [][]byte
	size  int
}

// versionSentinel marks the versions in a template: no real version is
// this large.
var versionSentinel = []byte(`"version":` + strconv.FormatUint(crypto.MaxVersion, 10))

func newBodyTemplate(records []crypto.SealedRecord) (bodyTemplate, error) {
	for i := range records {
		records[i].Version = crypto.MaxVersion
	}
	body, err := json.Marshal(api.Records{Records: records})
	if err != nil {
		return bodyTemplate{}, err
	}
	parts := bytes.Split(body, versionSentinel)
	if len(parts) != len(records)+1 {
		return bodyTemplate{}, fmt.Errorf("publish template: %d versions in a batch of %d", len(parts)-1, len(records))
	}
	return bodyTemplate{parts: parts, size: len(body)}, nil
}

// body is the template with every record at version.
func (t bodyTemplate) body(version uint64) []byte {
	v := []byte(`"version":` + strconv.FormatUint(version, 10))
	out := make([]byte, 0, t.size)
	for i, p := range t.parts {
		if i > 0 {
			out = append(out, v...)
		}
		out = append(out, p...)
	}
	return out
}
