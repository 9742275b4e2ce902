package remotehost

import (
	"testing"

	"github.com/trackgate/trackgate/gateway/courierhost"
)

// loadingList is a listSource whose adapter never finishes loading, as a
// watchlist that has not asked its carrier about every parcel yet.
type loadingList struct{ listSource }

func (loadingList) Loading() bool { return true }

// loadingTwin is a host serving f's keys whose adapter is still loading.
func loadingTwin(t *testing.T, f *remoteFixture) *remoteFixture {
	t.Helper()
	keys, err := f.client.Keys(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return newRemoteFixture(t, func(c *courierhost.Config) {
		c.Keys = []courierhost.KeyConfig{{Key: f.key, NotBefore: keys[0].NotBefore, NotAfter: keys[0].NotAfter}}
		c.Source = loadingList{c.Source.(listSource)}
	})
}

func TestKeysAnswerSaysWhetherTheHostIsLoading(t *testing.T) {
	f := newRemoteFixture(t, nil)
	twin := loadingTwin(t, f)
	for _, tc := range []struct {
		name    string
		client  *Client
		loading bool
	}{
		{"a host done loading", f.client, false},
		{"a host still loading", twin.client, true},
	} {
		res, err := tc.client.KeysAnswer(t.Context())
		if err != nil || len(res.Keys) != 1 || res.Loading != tc.loading {
			t.Errorf("%s: %+v, %v; want its key and loading %v", tc.name, res, err, tc.loading)
		}
	}
}

func TestReplicasLoadWhileAReplicaTheyUseLoads(t *testing.T) {
	f := newRemoteFixture(t, nil)
	twin := loadingTwin(t, f)
	other := newRemoteFixture(t, func(c *courierhost.Config) { c.Source = loadingList{c.Source.(listSource)} }) // another key
	ready, ready2 := newReplicaServer(t, f, nil), newReplicaServer(t, f, nil)
	loading, otherLoading := newReplicaServer(t, twin, nil), newReplicaServer(t, other, nil)
	for _, tc := range []struct {
		name    string
		servers []*replicaServer
		want    bool
	}{
		{"every replica done", []*replicaServer{ready, ready2}, false},
		{"one replica still loading", []*replicaServer{ready, loading}, true},
		{"a refused replica loading does not count", []*replicaServer{ready, ready2, otherLoading}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := replicasOf(t, nil, tc.servers...)
			res, err := rs.KeysAnswer(t.Context())
			if err != nil || res.Loading != tc.want || len(res.Keys) != 1 || res.Keys[0].KeyID != f.key.Public().KeyID() {
				t.Fatalf("%+v, %v; want the courier's key and loading %v", res, err, tc.want)
			}
		})
	}
}
