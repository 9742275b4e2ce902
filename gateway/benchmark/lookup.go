package benchmark

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/gateway/client"
)

// plainKeyPrefix begins the keys of the plain lookup's baseline: the
// views in the clear, as a tracking API that is not private keeps them.
// Only this baseline writes them, for simulated parcels, in the run's own
// Redis; the gateway never holds a view.
const plainKeyPrefix = "bench-plain:"

// lookup times a private lookup through the Go SDK with its defaults
// (client.Track: the directory revalidated, then 1 + 2 rounds of one
// evaluation and one bucket fetch per directory courier, dummies
// included, the views opened and checked) against the plain lookup a
// tracking API without privacy makes: one GET answering the same views'
// JSON, read from the same Redis. One lookup at a time.
func (b *bench) lookup(ctx context.Context) ([]Figure, error) {
	g, err := b.dep.lookupGateway(ctx)
	if err != nil {
		return nil, err
	}
	sdk, err := client.New(g.URL)
	if err != nil {
		return nil, err
	}
	type parcel struct{ number, factor string }
	var parcels []parcel
	var keys []string
	for _, s := range b.dep.world.Samples(2) {
		res, err := sdk.Track(ctx, s.TrackingNumber, client.TrackOptions{Factor: s.Factor})
		if errors.Is(err, client.ErrNotFound) {
			continue // expired since the samples were drawn
		}
		if err != nil {
			return nil, fmt.Errorf("track a sample parcel of %s: %w", s.Courier, err)
		}
		views := make([]adapters.View, len(res.Legs))
		for i, leg := range res.Legs {
			views[i] = leg.View
		}
		plain, err := json.Marshal(views)
		if err != nil {
			return nil, err
		}
		key := plainKeyPrefix + strconv.Itoa(len(keys))
		if err := b.dep.rdb.Set(ctx, key, plain, 0).Err(); err != nil {
			return nil, fmt.Errorf("store a plain view: %w", err)
		}
		parcels = append(parcels, parcel{s.TrackingNumber, s.Factor})
		keys = append(keys, key)
	}
	if len(parcels) == 0 {
		return nil, errors.New("no sample parcel of the simulated couriers was found through the gateway")
	}
	plain, err := serveLoopback(plainLookups(b.dep.rdb, keys))
	if err != nil {
		return nil, err
	}
	defer plain.close()

	measured := sequential(func(ctx context.Context, i int) error {
		p := parcels[i%len(parcels)]
		res, err := sdk.Track(ctx, p.number, client.TrackOptions{Factor: p.factor})
		if err != nil {
			return fmt.Errorf("private lookup: %w", err)
		}
		if len(res.Legs) == 0 {
			return errors.New("private lookup: found nothing")
		}
		return nil
	})
	baseline := sequential(func(ctx context.Context, i int) error {
		_, err := getOK(ctx, plain.URL+"/plain/"+strconv.Itoa(i%len(keys)))
		return err
	})
	r, err := b.interleave(ctx, "lookup", b.profile.Latency, measured, baseline, showLatency)
	if err != nil {
		return nil, err
	}
	f := latencyFigure("lookup", "private lookup through the Go SDK, client.Track",
		fmt.Sprintf("client.Track of %d sample parcels in turn (private fetch, handoff depth %d) through a gateway of the three simulated couriers (two push, one pull)",
			len(parcels), client.DefaultMaxHandoffs),
		"one GET of the same views' JSON from a bare net/http server reading it from the same Redis", r)
	return []Figure{f.withGoals(f.overheadAtMost(3 * time.Millisecond))}, nil
}

// plainLookups is the plain lookup's server: GET /plain/{i} answers the
// value of keys[i].
func plainLookups(rdb *redis.Client, keys []string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /plain/{i}", func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(r.PathValue("i"))
		if err != nil || i < 0 || i >= len(keys) {
			http.NotFound(w, r)
			return
		}
		view, err := rdb.Get(r.Context(), keys[i]).Bytes()
		if err != nil {
			http.Error(w, "redis: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(view)
	})
	return mux
}
