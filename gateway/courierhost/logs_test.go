package courierhost

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// syncBuffer is a log sink safe for the host's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestLogsNameNoParcel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs syncBuffer
		now := time.Now()
		const tn, factor = "PD1234567890123", "4321"
		src := newFakeSource(testParcel(tn, 1, now, factor))
		src.listFailures = 1
		pub := &fakePublisher{failures: 1, failWith: errGatewayDown}
		f := newHTTPFixture(t, func(c *Config) {
			c.Source = src
			c.Mode = api.ModePush
			c.Publisher = pub
			c.Factor = crypto.FactorPhoneLast4
			c.EvaluateRate, c.EvaluateBurst = 1, crypto.MaxBatch
			c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- f.host.Run(ctx) }()
		time.Sleep(time.Hour)
		synctest.Wait()
		bad := testParcel(tn, 2, now, "12a4") // refused: a reason is logged
		src.changes <- bad
		synctest.Wait()

		d := clientLookup(t, f.host, f.cfg.Keys[0].Key, tn, factor)
		b, _ := crypto.Blind(f.cfg.Keys[0].Key.Public(), [][]byte{crypto.Input(testCourier, tn, factor)})
		body := evaluateBody(t, f.cfg.Keys[0].Key.Public().KeyID(), b.Elements...)
		for range crypto.MaxBatch { // until rate limited
			f.do(t, http.MethodPost, "/tg1/evaluate", body, true)
		}
		f.do(t, http.MethodGet, "/tg1/records/"+crypto.EncodeB64(d.Locator), nil, true)
		cancel()
		<-done

		out := logs.String()
		for _, want := range []string{"locator index built", "records published", "publishing records failed", "parcel not indexed", "evaluation rate limited", "listing parcels failed", "request"} {
			if !strings.Contains(out, want) {
				t.Errorf("logs lack %q; the test no longer covers that path", want)
			}
		}
		for _, secret := range []string{tn, factor, "12a4", crypto.EncodeB64(d.Locator), crypto.EncodeB64(b.Elements[0]), "Departed", "Shenzhen"} {
			if strings.Contains(out, secret) {
				t.Errorf("logs contain %q:\n%s", secret, out)
			}
		}
	})
}

// loggingSource is a fakeSource that logs through the logger its host
// gives it, as adapters.LoggerSetter asks, one line per listing.
type loggingSource struct {
	*fakeSource
	logs *adapters.LogSwitch
}

func (s *loggingSource) SetLogger(l *slog.Logger) { s.logs.Set(l) }

func (s *loggingSource) Parcels(ctx context.Context, yield func(adapters.Parcel) bool) error {
	s.logs.Logger().Info("adapter listed its parcels", "source", "fake")
	return s.fakeSource.Parcels(ctx, yield)
}

func TestAdaptersLogThroughTheHostsLoggerInItsFormat(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			var logs syncBuffer
			var handler slog.Handler = slog.NewTextHandler(&logs, nil)
			if format == "json" {
				handler = slog.NewJSONHandler(&logs, nil)
			}
			src := &loggingSource{fakeSource: newFakeSource(), logs: adapters.NewLogSwitch(nil)}
			cfg := testConfig(t, time.Now(), src)
			cfg.Logger = slog.New(handler).With("courier_host", testCourier)
			h := mustNew(t, cfg)
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error)
			go func() { done <- h.Run(ctx) }()
			for !h.Ready() {
				time.Sleep(time.Millisecond)
			}
			cancel()
			<-done

			var line string
			for _, l := range strings.Split(logs.String(), "\n") {
				if strings.Contains(l, "adapter listed its parcels") {
					line = l
				}
			}
			switch {
			case line == "":
				t.Fatalf("the adapter's line is not among the host's:\n%s", logs.String())
			case format == "text" && !strings.Contains(line, `msg="adapter listed its parcels" courier_host=test-courier source=fake`):
				t.Errorf("the adapter's line is not in the host's text format: %s", line)
			case format == "json":
				var rec map[string]any
				if err := json.Unmarshal([]byte(line), &rec); err != nil || rec["courier_host"] != testCourier || rec["source"] != "fake" {
					t.Errorf("the adapter's line is not in the host's JSON format: %s (%v)", line, err)
				}
			}
		})
	}
}
