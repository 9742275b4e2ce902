package gateway

import (
	"net/http"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
)

// Attack: a pull courier derived every locator it serves from a tracking
// number, so a locator it receives names a parcel. Revision 1 forwarded a
// client's GET /v1/records/{locator} (the SDK's fast mode) to the pull
// courier as GET /tg1/records/{locator}: the courier learned which parcel
// was being tracked, and a client could make the gateway send one signed
// request per random locator. Revision 2 reads the courier's bucket of the
// locator through the short bucket cache and never sends a locator.
func TestAttackFastModeSendsLocatorToPullCourier(t *testing.T) {
	var counter *countingHost
	h := newHarness(t, func(c *Config) {
		counter = &countingHost{scriptedHost: c.Couriers[2].Host.(*scriptedHost)}
		c.Couriers[2].Host = counter
		c.PullCacheTTL = time.Minute
	})
	h.hosts["gamma"].bucket = []crypto.SealedRecord{h.sealParcel("gamma", victimNumber, 1, time.Now().Add(time.Hour))}

	res, err := h.track("gamma", victimNumber, false) // fast mode: by locator
	if err != nil || len(res.Legs) != 1 {
		t.Fatalf("fast-mode lookup of the pull courier's parcel: %v, %+v", err, res)
	}
	// A burst of random locators: the courier is asked per bucket at most,
	// never per locator.
	buckets := map[uint32]bool{}
	for range 50 {
		loc := h.sealedFor("gamma", 1).Locator // a fresh random locator
		buckets[crypto.Bucket(loc, testBucketBits)] = true
		if status, _, _ := h.do(http.MethodGet, "/v1/records/"+crypto.EncodeB64(loc), nil, nil); status != http.StatusOK {
			t.Fatalf("record fetch: %d", status)
		}
	}
	if n := h.hosts["gamma"].locators; n != 0 {
		t.Errorf("the pull courier was sent %d locators; it must never see one", n)
	}
	// One read per distinct bucket at most (the lookup's own buckets
	// included), never one per request.
	if got, limit := int(counter.buckets.Load()), len(buckets)+len(res.Couriers)*3; got > limit {
		t.Errorf("the pull courier was asked %d times for 50 random locators over %d buckets; want at most %d", got, len(buckets), limit)
	}
}
