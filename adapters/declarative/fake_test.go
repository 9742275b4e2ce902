package declarative

import (
	"testing"

	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/carrierfake"
	"github.com/trackgate/trackgate/adapters/dhl/dhlfake"
)

// The fake DHL of adapters/dhl's tests, its parcel and what a reader must
// make of it (dhlfake), which the declarative DHL must pass as the Go
// adapter does.
const (
	fakeKey     = dhlfake.Key
	foundNumber = dhlfake.Number
	retryAfter  = dhlfake.RetryAfter
)

var (
	foundShipment   = dhlfake.Found
	foundRef        = dhlfake.Ref
	foundPII        = dhlfake.Cases.Found.PII
	foundEventTimes = dhlfake.Cases.Found.EventTimes
)

func startFake(t *testing.T, s adaptertest.Scenario, body string) (*carrierfake.Fake, *Source) {
	t.Helper()
	fake := carrierfake.Start(t, dhlfake.API, s, foundNumber, []byte(body))
	key := fakeKey
	if s == adaptertest.BadCredentials {
		key = "revoked-key"
	}
	return fake, openDHL(t, fake, map[string]string{"api_key": key})
}

// openDHL opens the built-in DHL description against fake.
func openDHL(t *testing.T, fake *carrierfake.Fake, options map[string]string) *Source {
	t.Helper()
	d, err := Carrier("dhl")
	if err != nil {
		t.Fatal(err)
	}
	src, err := New(d, Config{Options: options, BaseURL: fake.URL(), Client: fake.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return src
}
