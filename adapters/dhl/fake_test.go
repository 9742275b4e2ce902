package dhl

import (
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/carrierfake"
	"github.com/trackgate/trackgate/adapters/dhl/dhlfake"
)

// The fake DHL, its parcel and what a reader must make of it are
// dhlfake's, which the declarative DHL's tests share.

// connect returns a Source for fake, with a revoked key for BadCredentials.
func connect(t *testing.T, fake *carrierfake.Fake, s adaptertest.Scenario) *Source {
	t.Helper()
	key := dhlfake.Key
	if s == adaptertest.BadCredentials {
		key = "revoked-key"
	}
	src, err := New(Config{APIKey: key, BaseURL: fake.URL(), Client: fake.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func startFake(t *testing.T, s adaptertest.Scenario, body string) (*carrierfake.Fake, *Source) {
	t.Helper()
	fake := carrierfake.Start(t, dhlfake.API, s, dhlfake.Number, []byte(body))
	return fake, connect(t, fake, s)
}

// serveAnswer is the adaptertest.Serve of the real answers.
func serveAnswer(t *testing.T, status int, body []byte) adapters.Source {
	return connect(t, carrierfake.Answer(t, dhlfake.API, status, body), adaptertest.Found)
}
