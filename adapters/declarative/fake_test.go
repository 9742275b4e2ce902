package declarative

import (
	"testing"

	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/carrierfake"
	"github.com/trackgate/trackgate/adapters/dhl/dhlfake"
)

// startFake runs the fake DHL of adapters/dhl's tests (dhlfake), whose
// cases the declarative DHL must pass as the Go adapter does, and opens
// the DHL description against it, with a revoked key for BadCredentials.
func startFake(t *testing.T, s adaptertest.Scenario, body string) (*carrierfake.Fake, *Source) {
	t.Helper()
	fake := carrierfake.Start(t, dhlfake.API, s, dhlfake.Number, []byte(body))
	key := dhlfake.Key
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
