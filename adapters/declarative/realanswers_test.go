package declarative

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
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
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("DHL-API-Key") != fakeKey {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return openDHL(t, srv, map[string]string{"api_key": fakeKey})
}
