package web_test

import (
	"context"
	"crypto/rand"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/browsertest"
	"github.com/trackgate/trackgate/gateway/courierhost"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/memory"
)

// lateSource is an adapter whose parcels are still arriving (a watchlist
// not yet filled) until the test says otherwise: it knows none.
type lateSource struct{ loading atomic.Bool }

func (s *lateSource) Lookup(context.Context, adapters.ParcelRef) (adapters.Parcel, error) {
	return adapters.Parcel{}, adapters.ErrNotFound
}

func (s *lateSource) Parcels(context.Context, func(adapters.Parcel) bool) error { return nil }

func (s *lateSource) Loading() bool { return s.loading.Load() }

// TestBrowserStillLoading: a shopper whose courier's host is still
// publishing its first records sees "Still loading", in English and in
// Chinese, with a retry; once the host is done, the same lookup says the
// parcel was not found.
func TestBrowserStillLoading(t *testing.T) {
	src := &lateSource{}
	src.loading.Store(true)
	key, err := crypto.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	host, err := courierhost.New(courierhost.Config{
		Courier: "late-post", BucketBits: 4, Mode: api.ModePull, Factor: crypto.FactorNone,
		Keys:   []courierhost.KeyConfig{{Key: key, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour)}},
		Source: src, EvaluateRate: 1000, EvaluateBurst: 1000,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- host.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	gw, err := gateway.New(gateway.Config{
		BucketBits: 4, Store: memory.New(store.Limits{BucketBits: 4}),
		Couriers: []gateway.Courier{{
			ID: "late-post", Name: "Late Post", Factor: crypto.FactorNone, Mode: api.ModePull,
			Patterns: []api.Pattern{{Regex: `^LP[0-9]{10}$`}}, Host: host,
		}},
		Demo: func() []api.DemoParcel {
			return []api.DemoParcel{{Courier: "late-post", TrackingNumber: "LP0000000001", Factor: ""}}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for !host.Ready() {
		time.Sleep(time.Millisecond)
	}
	if err := gw.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: gw.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })

	p := openPage(t, browsertest.Options{})
	p.navigate("http://" + l.Addr().String() + "/")
	tracker := widget(0)
	p.waitState(tracker, "idle")
	p.typeInto(tracker, "#tg-number", "LP0000000001\r")
	if got := p.waitState(tracker, "result", "not-found", "still-loading", "unavailable", "error", "invalid"); got != "still-loading" {
		t.Fatalf("state %q, want still-loading", got)
	}
	notice := func() string { return p.text(in(tracker, ".notice") + `?.textContent.trim() ?? ""`) }
	if got := notice(); !strings.Contains(got, "Still loading") || !strings.Contains(got, "try again in a few minutes") || strings.Contains(got, "No parcel found") {
		t.Errorf("notice %q, want still loading, not not found", got)
	}
	if n := p.count(tracker, "button.retry"); n != 1 {
		t.Errorf("%d retry buttons, want 1", n)
	}
	p.screenshot("still-loading")
	p.do(chromedp.Click(`#lang-toggle`))
	p.poll(`(() => /数据同步中/.test(` + in(tracker, ".notice") + `?.textContent ?? ""))()`)
	p.screenshot("still-loading-chinese")
	p.do(chromedp.Click(`#lang-toggle`))

	// The host is done: the gateway's next directory refresh says so, and
	// the same lookup, retried, is "not found".
	src.loading.Store(false)
	for host.Loading() {
		time.Sleep(time.Millisecond)
	}
	if err := gw.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	p.poll(`(() => { const b = ` + in(tracker, "button.retry") + `; if (!b) return false; b.click(); return true })()`)
	if got := p.waitState(tracker, "result", "not-found", "unavailable", "error", "invalid"); got != "not-found" {
		t.Errorf("state %q once the host is done, want not-found", got)
	}
	p.neverSent("LP0000000001")
	p.noConsoleErrors()
}
