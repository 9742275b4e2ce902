package declarative

import (
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
	"github.com/trackgate/trackgate/adapters/carrierfake"
	"github.com/trackgate/trackgate/adapters/dhl/dhlfake"
)

// dhlRealAnswers are the directories of real DHL answers the DHL
// description reads as a careful reader does: its own, and the Go DHL
// adapter's.
var dhlRealAnswers = []string{
	"testdata/real-dhl",
	"../dhl/testdata/real",
}

func TestDHLReadsRealAnswers(t *testing.T) {
	for _, dir := range dhlRealAnswers {
		t.Run(dir, func(t *testing.T) {
			adaptertest.RealAnswers(t, dir, "dhl", serveDHL)
		})
	}
}

// serveDHL opens the DHL description against a DHL that answers every
// request with status and body.
func serveDHL(t *testing.T, status int, body []byte) adapters.Source {
	return openDHL(t, carrierfake.Answer(t, dhlfake.API, status, body), map[string]string{"api_key": dhlfake.Key})
}
