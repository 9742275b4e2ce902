package redisstore

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	mathrand "math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/privacyscan"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
	"github.com/trackgate/trackgate/gateway/store/storetest"
)

// TestRedisHoldsNoTrackingNumberOrFactor publishes real sealed records —
// each parcel twice, as a courier updates it — extends some, withdraws
// others (leaving tombstones), reads them back the ways the gateway does,
// then reads every key, field, member and value in Redis: none may
// contain a tracking number, a phone factor or an OPRF input, while every
// locator and ciphertext must be found (the scan saw the data).
func TestRedisHoldsNoTrackingNumberOrFactor(t *testing.T) {
	r := redistest.Single(t)
	s := New(r.Client, testLimits, WithKeyPrefix(r.Prefix(t)))
	parcels := sealParcels(t, 45)

	for version := uint64(1); version <= 2; version++ {
		batches := map[string]*store.Batch{}
		for _, p := range parcels {
			b := batches[p.courier]
			if b == nil {
				b = &store.Batch{Courier: p.courier}
				batches[p.courier] = b
			}
			b.Records = append(b.Records, p.records[version-1])
		}
		for _, b := range batches {
			if stored, err := storedOf(s.Apply(t.Context(), *b, testNow)); err != nil || stored != len(b.Records) {
				t.Fatalf("publish version %d: stored %d of %d, err %v", version, stored, len(b.Records), err)
			}
		}
	}
	// Every third parcel is withdrawn, every third but one extended.
	for i, p := range parcels {
		rec := p.records[1]
		b := store.Batch{Courier: p.courier}
		switch i % 3 {
		case 0:
			b.Withdraw = []store.Withdrawal{{Locator: rec.Locator, Version: rec.Version}}
		case 1:
			b.Extend = []store.Extension{{Locator: rec.Locator, Version: rec.Version, ExpiresAt: rec.ExpiresAt.Add(time.Hour)}}
		default:
			continue
		}
		if stored, err := storedOf(s.Apply(t.Context(), b, testNow)); err != nil || stored != 1 {
			t.Fatalf("withdraw or extend parcel %d: stored %d, err %v", i, stored, err)
		}
	}
	for i, p := range parcels {
		got, err := s.Locator(t.Context(), p.records[1].Locator, testNow)
		if err != nil || len(got) != min(i%3, 1) {
			t.Fatalf("parcel %d: %d records, err %v", i, len(got), err)
		}
		if _, err := s.Bucket(t.Context(), crypto.Bucket(p.records[1].Locator, storetest.BucketBits), testNow); err != nil {
			t.Fatal(err)
		}
	}

	dump := dumpRedis(t, r)
	// A factor is four digits: random base64 text (records are kept in
	// their public wire form too) holds any four digits somewhere. So the
	// records' own base64 is taken out, and a factor counts as held when it
	// stands as a token of its own in what is left: a value, not a chance
	// substring of a longer run (privacyscan.ContainsToken).
	rest := dump
	for _, p := range parcels {
		for _, rec := range p.records {
			for _, field := range [][]byte{rec.Locator, rec.Nonce, rec.Ciphertext} {
				rest = bytes.ReplaceAll(rest, []byte(crypto.EncodeB64(field)), nil)
			}
		}
	}
	for i, p := range parcels {
		secrets := map[string][]byte{
			"tracking number": []byte(p.trackingNumber),
			"OPRF input":      crypto.Input(p.courier, p.trackingNumber, p.factor),
		}
		for what, secret := range secrets {
			if bytes.Contains(dump, secret) {
				t.Errorf("Redis holds the %s %q of a %s parcel", what, secret, p.courier)
			}
		}
		if privacyscan.ContainsToken(rest, p.factor) {
			t.Errorf("Redis holds the factor %q of a %s parcel", p.factor, p.courier)
		}
		rec := p.records[1]
		if !bytes.Contains(dump, rec.Locator) {
			t.Fatalf("the scan of Redis missed a locator; it proves nothing")
		}
		if withdrawn := i%3 == 0; withdrawn == bytes.Contains(dump, rec.Ciphertext) {
			t.Fatalf("parcel %d (withdrawn %v): the scan found its ciphertext %v", i, withdrawn, !withdrawn)
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
			if err := crypto.Seal(d.RecordKey, &rec, plain, crypto.DefaultRecordSize, rand.Reader); err != nil {
				t.Fatal(err)
			}
			p.records = append(p.records, rec)
		}
		parcels[i] = p
	}
	return parcels
}

// dumpRedis concatenates, NUL-separated, every key of the server and
// everything stored under it; sorted-set scores and the numbers of usage
// hashes (counts, byte sizes, hours) are left out, being numbers of
// expiry times and sizes the records carry in clear, in which a 4-digit
// factor could be found by chance.
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
				if usage := strings.HasSuffix(key, ":use"); !usage {
					add(field)
					add(value)
				} else if _, err := strconv.ParseInt(value, 10, 64); err != nil {
					t.Fatalf("usage hash %q holds %q, not a number", key, value)
				} else if strings.Contains(key, "{b") {
					add(field) // a courier id
				}
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
