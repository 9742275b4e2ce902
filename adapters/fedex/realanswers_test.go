package fedex

import (
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
)

// TestRealAnswers reads answers FedEx served to others, kept verbatim in
// testdata/real with what a careful reader expects of each (see its
// README.md for the sources).
func TestRealAnswers(t *testing.T) {
	adaptertest.RealAnswers(t, "testdata/real", DefaultCourier, func(t *testing.T, status int, body []byte) adapters.Source {
		_, src, _ := startFake(t, adaptertest.Found, status, string(body))
		return src
	})
}
