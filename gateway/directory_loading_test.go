package gateway

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/memory"
)

// loadingHost is a courier host that says, with its keys, whether it is
// still loading (api.KeysAnswerer), as the test sets.
type loadingHost struct {
	*scriptedHost
	loading   atomic.Bool
	keysCalls atomic.Int32
}

func (h *loadingHost) KeysAnswer(ctx context.Context) (api.KeysResponse, error) {
	h.keysCalls.Add(1)
	keys, err := h.Keys(ctx)
	return api.KeysResponse{Keys: keys, Loading: h.loading.Load()}, err
}

func TestDirectorySaysWhichCourierIsStillLoading(t *testing.T) {
	var alpha *loadingHost
	h := newHarness(t, func(c *Config) {
		alpha = &loadingHost{scriptedHost: c.Couriers[0].Host.(*scriptedHost)}
		alpha.loading.Store(true)
		c.Couriers[0].Host = alpha
	})
	entries := func() (map[string]map[string]json.RawMessage, string) {
		status, header, body := h.do(http.MethodGet, "/v1/couriers", nil, nil)
		if status != http.StatusOK {
			t.Fatalf("GET /v1/couriers: %d", status)
		}
		var dir struct {
			Couriers []map[string]json.RawMessage `json:"couriers"`
		}
		if err := json.Unmarshal(body, &dir); err != nil {
			t.Fatal(err)
		}
		out := map[string]map[string]json.RawMessage{}
		for _, c := range dir.Couriers {
			var id string
			json.Unmarshal(c["id"], &id)
			out[id] = c
		}
		return out, header.Get("ETag")
	}

	couriers, loadingETag := entries()
	if got := string(couriers["alpha"]["loading"]); got != "true" {
		t.Errorf(`alpha, still loading, has "loading": %q; want true`, got)
	}
	for _, id := range []string{"beta", "gamma"} {
		if _, ok := couriers[id]["loading"]; ok {
			t.Errorf("%s, whose host says nothing of loading, carries a loading member", id)
		}
	}

	alpha.loading.Store(false)
	if err := h.gw.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	couriers, etag := entries()
	if _, ok := couriers["alpha"]["loading"]; ok || etag == loadingETag {
		t.Errorf("alpha done loading: loading member %s, ETag changed %v; want none, and a new ETag", couriers["alpha"]["loading"], etag != loadingETag)
	}
	if logs := h.logText(); !strings.Contains(logs, "courier host loading changed") || !strings.Contains(logs, "courier=alpha loading=false") {
		t.Errorf("the change is not logged:\n%s", logs)
	}
}

func TestDirectoryIsRefreshedSoonWhileACourierLoads(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		host := &loadingHost{scriptedHost: newScriptedHost(t)}
		host.loading.Store(true)
		gw, err := New(Config{
			BucketBits:       testBucketBits,
			Store:            memory.New(store.Limits{BucketBits: testBucketBits}),
			DirectoryRefresh: time.Hour,
			Couriers: []Courier{{
				ID: "alpha", Name: "Courier alpha", Factor: crypto.FactorNone, Mode: api.ModePull,
				Patterns: []api.Pattern{{Regex: `^[A-Z0-9]{6,40}$`}}, Host: host,
			}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := gw.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		go gw.dir.run(ctx, false)

		time.Sleep(loadingRefresh + time.Second)
		synctest.Wait()
		if n := host.keysCalls.Load(); n != 2 {
			t.Fatalf("%d key fetches %s after the first; want one more, an hour's period notwithstanding", n-1, loadingRefresh+time.Second)
		}
		host.loading.Store(false)
		time.Sleep(loadingRefresh)
		synctest.Wait()
		if gw.dir.get().loading {
			t.Fatal("the directory still says loading after the host is done")
		}
		calls := host.keysCalls.Load()
		time.Sleep(30 * time.Minute)
		synctest.Wait()
		if n := host.keysCalls.Load(); n != calls {
			t.Errorf("%d more key fetches within half an hour once no courier loads; want none before the period", n-calls)
		}
	})
}
