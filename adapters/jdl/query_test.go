package jdl

import (
	"context"
	"slices"
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
)

// The query names the parcel, the order origin and the merchant, in the
// list JDL's API takes; the factors the courier holds are the parcel's.
func TestLookupAsksForOneWaybill(t *testing.T) {
	fake, src := startFake(t, adaptertest.Found)
	p, err := src.Lookup(context.Background(), foundRef)
	if err != nil {
		t.Fatal(err)
	}
	want := []traceQuery{{WaybillCode: foundNumber, OrderOrigin: 1, CustomerCode: fakeCustomer}}
	if !slices.Equal(fake.queries, want) {
		t.Errorf("queries %+v; want %+v", fake.queries, want)
	}
	if !slices.Equal(p.Factors, foundRef.Factors) || p.Version != uint64(len(foundDetails)) {
		t.Errorf("factors %q, version %d", p.Factors, p.Version)
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	ok := Config{AppKey: "k", AppSecret: "s", AccessToken: "t", CustomerCode: "c", OrderOrigin: 1}
	if _, err := New(ok); err != nil {
		t.Fatal(err)
	}
	for _, change := range []func(*Config){
		func(c *Config) { c.AppKey = "" },
		func(c *Config) { c.AppSecret = "" },
		func(c *Config) { c.AccessToken = "" },
		func(c *Config) { c.CustomerCode = "" },
		func(c *Config) { c.OrderOrigin = 3 },
		func(c *Config) { c.BaseURL = "api.jdl.com" },
		func(c *Config) { c.Courier = "JD Logistics" },
	} {
		cfg := ok
		change(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
	// C2C orders need no customer code.
	if _, err := New(Config{AppKey: "k", AppSecret: "s", AccessToken: "t", OrderOrigin: 0}); err != nil {
		t.Error(err)
	}
}

func TestOpenByName(t *testing.T) {
	opts := map[string]string{"app_key": "k", "app_secret": "s", "access_token": "t", "customer_code": "c", "timeout": "5s"}
	src, err := adapters.Open(AdapterName, opts)
	if err != nil {
		t.Fatal(err)
	}
	if s := src.(*Source); s.cfg.OrderOrigin != DefaultOrderOrigin {
		t.Errorf("order origin %d; want the default %d", s.cfg.OrderOrigin, DefaultOrderOrigin)
	}
	opts["order_origin"] = "b2c"
	if _, err := adapters.Open(AdapterName, opts); err == nil {
		t.Error("a non-numeric order origin was accepted")
	}
}
