package client

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
)

func TestDirectoryIsRevalidatedWithItsETag(t *testing.T) {
	g := newGateway(t, 8, east, west)
	c := newClient(t, g)
	if c.DirectoryETag() != "" {
		t.Fatalf("ETag before any fetch = %q, want empty", c.DirectoryETag())
	}
	first, err := c.Directory(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.Directory(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if g.Hits(clienttest.RouteCouriers) != 2 || g.NotModified() != 1 {
		t.Errorf("%d directory requests, %d answered 304; want 2 and 1", g.Hits(clienttest.RouteCouriers), g.NotModified())
	}
	if !reflect.DeepEqual(first, second) || len(second.Couriers) != 2 {
		t.Errorf("the cached directory differs from the first: %+v vs %+v", first, second)
	}
	if got := c.DirectoryETag(); got != g.DirectoryETag() {
		t.Errorf("DirectoryETag() = %q, want the served %q", got, g.DirectoryETag())
	}
	first.Couriers[0].ID = "changed-by-caller" // the caller's copy, not the cache
	third, err := c.Directory(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if third.Couriers[0].ID != "sim-east" {
		t.Errorf("a caller's change leaked into the cache: %q", third.Couriers[0].ID)
	}
}

func TestDirectoryRefused(t *testing.T) {
	tests := []struct {
		name string
		cfg  clienttest.Config
		want string
	}{
		{"kid does not match its key", clienttest.Config{BucketBits: 8, Couriers: []clienttest.Courier{east, {ID: "sim-bad", Name: "Sim Bad", WrongKeyID: true}}}, "does not match its public key"},
		{"ETag is not the body's hash", clienttest.Config{BucketBits: 8, Couriers: []clienttest.Courier{east}, BadETag: true}, "ETag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := clienttest.New(t, tt.cfg)
			c := newClient(t, g)
			_, err := c.Directory(ctxT(t))
			if !errors.Is(err, ErrInvalidDirectory) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrInvalidDirectory mentioning %q", err, tt.want)
			}
			if _, err := c.Track(ctxT(t), "SE1234567890", TrackOptions{}); !errors.Is(err, ErrInvalidDirectory) {
				t.Errorf("Track: err = %v, want ErrInvalidDirectory", err)
			}
			if n := g.Hits(clienttest.RouteEvaluate); n != 0 {
				t.Errorf("%d evaluations under a refused directory, want none", n)
			}
		})
	}
}

// validDirectory returns a directory document that parseDirectory accepts.
func validDirectory(t testing.TB) api.Directory {
	k, err := crypto.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	nb := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return api.Directory{Protocol: "tg1", Revision: api.Revision, Suite: crypto.Suite, BucketBits: 12, RecordSize: crypto.DefaultRecordSize, Couriers: []api.CourierEntry{{
		ID: "sim-east", Name: "Sim East", Factor: "none", Mode: "push",
		Keys:     []api.Key{{KeyID: k.Public().KeyID(), PublicKey: k.Public().Bytes(), NotBefore: nb, NotAfter: nb.AddDate(1, 0, 0)}},
		Patterns: []api.Pattern{{Regex: `^SE[0-9]{10}$`}},
	}}}
}

func TestParseDirectoryChecksEveryField(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(d *api.Directory)
	}{
		{"protocol", func(d *api.Directory) { d.Protocol = "tg2" }},
		{"revision 1", func(d *api.Directory) { d.Revision = 1 }},
		{"no revision", func(d *api.Directory) { d.Revision = 0 }},
		{"suite", func(d *api.Directory) { d.Suite = "P256-SHA256" }},
		{"bucket bits above 24", func(d *api.Directory) { d.BucketBits = 25 }},
		{"negative bucket bits", func(d *api.Directory) { d.BucketBits = -1 }},
		{"no record size", func(d *api.Directory) { d.RecordSize = 0 }},
		{"record size not whole blocks", func(d *api.Directory) { d.RecordSize = 6000 }},
		{"courier id", func(d *api.Directory) { d.Couriers[0].ID = "Sim East" }},
		{"factor", func(d *api.Directory) { d.Couriers[0].Factor = "birthday" }},
		{"mode", func(d *api.Directory) { d.Couriers[0].Mode = "carrier-pigeon" }},
		{"duplicate courier", func(d *api.Directory) { d.Couriers = append(d.Couriers, d.Couriers[0]) }},
		{"public key not a point", func(d *api.Directory) { d.Couriers[0].Keys[0].PublicKey = make([]byte, 32) }},
		{"kid of another key", func(d *api.Directory) { d.Couriers[0].Keys[0].KeyID = "AAAAAAAAAAA" }},
		{"duplicate kid", func(d *api.Directory) { d.Couriers[0].Keys = append(d.Couriers[0].Keys, d.Couriers[0].Keys[0]) }},
		{"empty window", func(d *api.Directory) { d.Couriers[0].Keys[0].NotAfter = d.Couriers[0].Keys[0].NotBefore }},
	}
	good := validDirectory(t)
	body, _ := json.Marshal(good)
	if _, err := parseDirectory(body, directoryETag(body)); err != nil {
		t.Fatalf("valid directory refused: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := validDirectory(t)
			tt.break_(&d)
			body, _ := json.Marshal(d)
			if _, err := parseDirectory(body, ""); !errors.Is(err, ErrInvalidDirectory) {
				t.Errorf("err = %v, want ErrInvalidDirectory", err)
			}
		})
	}
}

func TestParseDirectoryAcceptsWeakETagOfSameBody(t *testing.T) {
	body, _ := json.Marshal(validDirectory(t))
	if _, err := parseDirectory(body, "W/"+directoryETag(body)); err != nil {
		t.Errorf("weak ETag of the same body refused: %v", err)
	}
}

func TestCurrentKeyPrefersNewestValidKey(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	ci := &courierInfo{keys: []courierKey{
		{Key: api.Key{KeyID: "old", NotBefore: day(1), NotAfter: day(20)}},
		{Key: api.Key{KeyID: "new", NotBefore: day(10), NotAfter: day(30)}},
		{Key: api.Key{KeyID: "future", NotBefore: day(25), NotAfter: day(31)}},
	}}
	tests := []struct {
		now  time.Time
		want string // "" for none
	}{
		{day(1), "old"},
		{day(9), "old"},
		{day(10), "new"}, // both valid: the newer wins
		{day(20), "new"}, // not_after is exclusive
		{day(26), "future"},
		{day(31), ""},
	}
	for _, tt := range tests {
		k, ok := ci.currentKey(tt.now)
		if got := map[bool]string{true: k.KeyID}[ok]; got != tt.want {
			t.Errorf("at %s: key %q, want %q", tt.now.Format(time.DateOnly), got, tt.want)
		}
	}
}

func FuzzParseDirectory(f *testing.F) {
	body, _ := json.Marshal(validDirectory(f))
	f.Add(body)
	f.Add([]byte(`{"protocol":"tg1","revision":2,"suite":"ristretto255-SHA512","bucket_bits":0,"record_size":6144,"couriers":[]}`))
	f.Add([]byte(`{"couriers":[{"id":"ab","keys":[{"kid":"x","public_key":"AA"}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := parseDirectory(body, "")
		if err != nil {
			return
		}
		// Whatever is accepted must hold what the client relies on.
		if crypto.CheckBucketBits(d.doc.BucketBits) != nil || crypto.CheckRecordSize(d.doc.RecordSize) != nil || d.etag != directoryETag(body) {
			t.Fatalf("accepted a directory with bucket_bits %d, etag %q", d.doc.BucketBits, d.etag)
		}
		for id, ci := range d.couriers {
			if ci.entry.ID != id || crypto.CheckCourierID(id) != nil {
				t.Fatalf("accepted courier %q", id)
			}
			for _, k := range ci.keys {
				if k.pk.KeyID() != k.KeyID {
					t.Fatalf("accepted kid %q for key %q", k.KeyID, k.pk.KeyID())
				}
			}
		}
	})
}
