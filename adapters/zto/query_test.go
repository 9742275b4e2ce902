package zto

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
)

// The track query tries each factor as mobilePhone and reports the one
// ZTO accepted; a factor that is not four digits is never sent.
func TestTrackQueryTriesEachFactor(t *testing.T) {
	fake, src := startFake(t, adaptertest.Found, ServiceTrack)
	ref := adapters.ParcelRef{TrackingNumber: foundNumber, Factors: []string{"12345", senderLast4, receiverLast4}}
	p, err := src.Lookup(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Factors, []string{receiverLast4}) {
		t.Errorf("factors %q; want only the one ZTO accepted", p.Factors)
	}
	if !slices.Equal(fake.phones, []string{senderLast4, receiverLast4}) {
		t.Errorf("mobilePhone sent %q; want %q then %q", fake.phones, senderLast4, receiverLast4)
	}
}

func TestTrackQueryWithoutFactorsSendsNoPhone(t *testing.T) {
	fake, src := startFake(t, adaptertest.Found, ServiceTrack)
	_, err := src.Lookup(context.Background(), adapters.ParcelRef{TrackingNumber: foundNumber})
	if !errors.Is(err, adapters.ErrNotFound) {
		t.Errorf("err = %v; want not found (the fake wants the recipient's phone)", err)
	}
	if !slices.Equal(fake.phones, []string{""}) {
		t.Errorf("mobilePhone sent %q; want one query without", fake.phones)
	}
}

// traceInterfaceNewTraces takes no phone: the factors the courier's
// systems hold are the parcel's.
func TestNewTracesKeepsTheCouriersFactors(t *testing.T) {
	fake, src := startFake(t, adaptertest.Found, ServiceNewTraces)
	p, err := src.Lookup(context.Background(), foundRef)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Factors, foundRef.Factors) || p.View.Status != adapters.StatusDelivered {
		t.Errorf("factors %q, status %s", p.Factors, p.View.Status)
	}
	if !slices.Equal(fake.paths, []string{"/" + newTracesPath}) {
		t.Errorf("paths %q", fake.paths)
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	for _, cfg := range []Config{
		{AppSecret: "s"},
		{AppKey: "k"},
		{AppKey: "k", AppSecret: "s", Service: "traces"},
		{AppKey: "k", AppSecret: "s", BaseURL: "ftp://japi.zto.com"},
		{AppKey: "k", AppSecret: "s", Courier: "ZTO Express"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
}

func TestOpenByName(t *testing.T) {
	if _, err := adapters.Open(AdapterName, map[string]string{"app_key": "k", "app_secret": "s", "service": "new_traces", "timeout": "5s"}); err != nil {
		t.Fatal(err)
	}
	if _, err := adapters.Open(AdapterName, map[string]string{"app_key": "k", "app_secret": "s", "company_id": "k"}); err == nil {
		t.Error("an unknown option was accepted")
	}
}
