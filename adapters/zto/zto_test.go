package zto

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/adaptertest"
)

func TestConformance(t *testing.T) {
	for _, service := range []string{ServiceTrack, ServiceNewTraces} {
		t.Run(service, func(t *testing.T) {
			adaptertest.Run(t, adaptertest.Harness{
				Courier: DefaultCourier,
				Ref:     foundRef,
				Open: func(t *testing.T, s adaptertest.Scenario) adapters.Source {
					_, src := startFake(t, s, service)
					return src
				},
				PII:        foundPII,
				RetryAfter: retryAfter,
				EventTimes: foundEventTimes,
				Status:     adapters.StatusDelivered,
			})
		})
	}
}

// The real answers others published, read as a careful reader reads
// them (testdata/real/README.md cites each).
func TestRealAnswers(t *testing.T) {
	adaptertest.RealAnswers(t, "testdata/real", DefaultCourier, func(t *testing.T, status int, body []byte) adapters.Source {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("x-datadigest") == "" || r.Header.Get("x-companyid") != fakeKey {
				http.Error(w, "unsigned", http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", "application/json;charset=UTF-8")
			w.WriteHeader(status)
			w.Write(body)
		}))
		t.Cleanup(srv.Close)
		return newSource(t, srv, fakeSecret, ServiceTrack)
	})
}
