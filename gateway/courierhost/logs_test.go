package courierhost

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

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
