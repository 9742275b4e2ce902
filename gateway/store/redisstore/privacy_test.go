package redisstore

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	mathrand "math/rand/v2"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
	"github.com/trackgate/trackgate/gateway/store/storetest"
)

// TestRedisHoldsNoTrackingNumberOrFactor publishes real sealed records —
// each parcel twice, as a courier updates it — reads them back the ways
// the gateway does, then reads every key, field, member and value in
// Redis: none may contain a tracking number, a phone factor or an OPRF
// input, while every locator and ciphertext must be found (the scan saw
// the data).
func TestRedisHoldsNoTrackingNumberOrFactor(t *testing.T) {
	r := redistest.Single(t)
	s := New(r.Client, storetest.BucketBits, WithKeyPrefix(r.Prefix(t)))
	parcels := sealParcels(t, 45)

	for version := uint64(1); version <= 2; version++ {
		var batch []crypto.SealedRecord
		for _, p := range parcels {
			batch = append(batch, p.records[version-1])
		}
		if stored, _, err := s.Put(t.Context(), batch, testNow); err != nil || stored != len(batch) {
			t.Fatalf("publish version %d: stored %d of %d, err %v", version, stored, len(batch), err)
		}
	}
	for _, p := range parcels {
		if _, err := s.Get(t.Context(), p.records[1].Locator, testNow); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Bucket(t.Context(), crypto.Bucket(p.records[1].Locator, storetest.BucketBits), testNow); err != nil {
			t.Fatal(err)
		}
	}

	dump := dumpRedis(t, r)
	for _, p := range parcels {
		secrets := map[string][]byte{
			"tracking number": []byte(p.trackingNumber),
			"OPRF input":      crypto.Input(p.courier, p.trackingNumber, p.factor),
		}
		if p.factor != "" {
			secrets["factor"] = []byte(p.factor)
		}
		for what, secret := range secrets {
			if bytes.Contains(dump, secret) {
				t.Errorf("Redis holds the %s %q of a %s parcel", what, secret, p.courier)
			}
		}
		for _, rec := range p.records[1:] {
			if !bytes.Contains(dump, rec.Locator) || !bytes.Contains(dump, rec.Ciphertext) {
				t.Fatalf("the scan of Redis missed a stored record; it proves nothing")
			}
		}
	}
}

// sealedParcel is one parcel and its records, version 1 then 2.
type sealedParcel struct {
	courier, trackingNumber, factor string
	records                         []crypto.SealedRecord
}

// sealParcels seals n parcels of three couriers (one asking for the last
// four phone digits) the way courier hosts do: y = FullEvaluate(Input),
// then Derive and Seal of the tracking view, which names the number.
func sealParcels(t *testing.T, n int) []sealedParcel {
	t.Helper()
	key, err := crypto.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	kid := crypto.KeyIDBytes(key.Public().Bytes())
	couriers := []struct{ id, prefix, suffix string }{
		{"sim-swift", "SW", "CN"}, {"sim-panda", "PD", ""}, {"sim-global", "GL", "DE"},
	}
	parcels := make([]sealedParcel, n)
	for i := range parcels {
		c := couriers[i%len(couriers)]
		p := sealedParcel{
			courier:        c.id,
			trackingNumber: fmt.Sprintf("%s%010d%s", c.prefix, mathrand.Int64N(1e10), c.suffix),
		}
		if c.id == "sim-panda" {
			p.factor = fmt.Sprintf("%04d", mathrand.IntN(10000))
		}
		y, err := key.FullEvaluate(crypto.Input(p.courier, p.trackingNumber, p.factor))
		if err != nil {
			t.Fatal(err)
		}
		d, err := crypto.Derive(y)
		if err != nil {
			t.Fatal(err)
		}
		for version := uint64(1); version <= 2; version++ {
			view := adapters.View{
				Courier: p.courier, TrackingNumber: p.trackingNumber,
				Status: adapters.StatusInTransit, UpdatedAt: testNow,
				Events: []adapters.Event{{
					Time: testNow.Add(-time.Hour), Status: adapters.StatusInTransit,
					Description: fmt.Sprintf("Scan %d, recipient phone ending %s", version, p.factor),
					Location:    &adapters.Location{City: "Hangzhou", Country: "CN"},
				}},
			}
			plain, err := json.Marshal(view)
			if err != nil {
				t.Fatal(err)
			}
			rec := crypto.SealedRecord{
				Courier: p.courier, Locator: d.Locator, KeyID: kid,
				Version: version, ExpiresAt: testNow.Add(30 * 24 * time.Hour),
			}
			if err := crypto.Seal(d.RecordKey, &rec, plain, rand.Reader); err != nil {
				t.Fatal(err)
			}
			p.records = append(p.records, rec)
		}
		parcels[i] = p
	}
	return parcels
}

// dumpRedis concatenates, NUL-separated, every key of the server and
// everything stored under it; sorted-set scores are left out, being
// numbers (the expiry times the records carry in clear).
func dumpRedis(t *testing.T, r *redistest.SingleRedis) []byte {
	t.Helper()
	ctx := t.Context()
	var dump bytes.Buffer
	add := func(s string) { dump.WriteString(s); dump.WriteByte(0) }
	iter := r.Client.Scan(ctx, 0, "*", 1000).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		add(key)
		switch typ := r.Client.Type(ctx, key).Val(); typ {
		case "hash":
			for field, value := range r.Client.HGetAll(ctx, key).Val() {
				add(field)
				add(value)
			}
		case "zset":
			for _, member := range r.Client.ZRange(ctx, key, 0, -1).Val() {
				add(member)
			}
		case "string":
			add(r.Client.Get(ctx, key).Val())
		case "none": // expired between SCAN and TYPE
		default:
			t.Fatalf("key %q is a %s, which this scan cannot read", key, typ)
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return dump.Bytes()
}
