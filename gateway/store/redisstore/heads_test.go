package redisstore

import (
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
	"github.com/trackgate/trackgate/gateway/store/storetest"
)

// A bucket written before the heads hash existed (records, expiries and
// usage only) is read and changed by the rule as if written today: its
// heads are made from its entries, and written with the next change.
func TestBucketsWrittenBeforeTheHeadsHashFollowTheRule(t *testing.T) {
	r := redistest.Single(t)
	s := New(r.Client, testLimits, WithKeyPrefix(r.Prefix(t)))
	ctx := t.Context()
	const bucket = 9
	alone := storetest.Record(t, "sim-swift", bucket, 3, testNow.Add(time.Hour))
	shared := storetest.Record(t, "sim-swift", bucket, 4, testNow.Add(time.Hour))
	neighbour := shared
	neighbour.Courier, neighbour.Version = "sim-panda", 7
	dying := storetest.Record(t, "sim-swift", bucket, 1, testNow.Add(time.Minute))
	// As the script wrote them before: one field per locator with every
	// courier's entry, a score per entry, the bytes per courier.
	used := map[string]int{}
	for _, at := range [][]crypto.SealedRecord{{alone}, {shared, neighbour}, {dying}} {
		var entries [][]byte
		for _, rec := range at {
			entries = append(entries, encodeRecord(&rec, rec.ExpiresAt))
			r.Client.ZAdd(ctx, s.expiryKey(bucket), redis.Z{Score: float64(expiryScore(rec.ExpiresAt)), Member: string(rec.Locator) + rec.Courier})
			used[rec.Courier] += len(rec.Ciphertext)
		}
		r.Client.HSet(ctx, s.recordsKey(bucket), string(at[0].Locator), encodeValue(entries...))
	}
	for c, n := range used {
		r.Client.HSet(ctx, s.usageKey(bucket), c, strconv.Itoa(n))
	}
	// Set to expire as the script left them: within the window the
	// changes below would keep, so only the heads hash needs an expiry.
	for _, k := range []string{s.recordsKey(bucket), s.expiryKey(bucket), s.usageKey(bucket)} {
		r.Client.PExpire(ctx, k, 140*time.Minute)
	}

	later := testNow.Add(10 * time.Minute) // dying has expired
	newer := alone
	newer.Version = 4
	b := store.Batch{Courier: "sim-swift", Records: []crypto.SealedRecord{newer, withVersionOf(shared, 4)},
		Extend:   []store.Extension{{Locator: shared.Locator, Version: 4, ExpiresAt: testNow.Add(2 * time.Hour)}},
		Withdraw: []store.Withdrawal{{Locator: alone.Locator, Version: 2}}}
	results, err := s.Apply(ctx, b, later)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Outcome{store.Stored, store.Stale, store.Stored, store.Stale}
	for i, res := range results {
		if res.Outcome != want[i] {
			t.Fatalf("item %d: %v, want %v (results %v)", i, res.Outcome, want[i], results)
		}
	}
	extended := shared
	extended.ExpiresAt = testNow.Add(2 * time.Hour)
	got, err := s.Bucket(ctx, bucket, later)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d records in the bucket, want the newer, the extended and the neighbour's", len(got))
	}
	for _, w := range []crypto.SealedRecord{newer, extended, neighbour} {
		if !holds(got, w) {
			t.Errorf("the bucket lacks %s v%d at %x expiring %s", w.Courier, w.Version, w.Locator[:2], w.ExpiresAt)
		}
	}
	// The heads written are those the gateway makes of the entries, with
	// the scores of the entries changed (the neighbour's is not known).
	for _, l := range []struct {
		r       crypto.SealedRecord
		entries []crypto.SealedRecord
		scores  []string
	}{
		{alone, []crypto.SealedRecord{newer}, []string{strconv.FormatInt(expiryScore(newer.ExpiresAt), 10)}},
		{shared, []crypto.SealedRecord{extended, neighbour}, []string{strconv.FormatInt(expiryScore(extended.ExpiresAt), 10), ""}},
	} {
		var want []byte
		for i, e := range l.entries {
			want = append(want, headOf(encodeRecord(&e, e.ExpiresAt), l.scores[i])...)
		}
		if head := r.Client.HGet(ctx, s.headsKey(bucket), string(l.r.Locator)).Val(); head != string(want) {
			t.Errorf("heads at %x: %x, want %x", l.r.Locator[:2], head, want)
		}
	}
	if n := r.Client.HLen(ctx, s.recordsKey(bucket)).Val(); n != 2 {
		t.Errorf("%d locators in the records hash, want 2 (the expired one swept)", n)
	}
	if ttl := r.Client.PTTL(ctx, s.headsKey(bucket)).Val(); ttl <= 0 {
		t.Errorf("the heads hash started beside an older bucket does not expire (PTTL %v)", ttl)
	}
	checkUsage(t, s, bucket, "sim-swift", len(newer.Ciphertext)+len(shared.Ciphertext))
	checkUsage(t, s, bucket, "sim-panda", len(neighbour.Ciphertext))
}

func withVersionOf(r crypto.SealedRecord, v uint64) crypto.SealedRecord {
	r.Version = v
	return r
}

func holds(recs []crypto.SealedRecord, w crypto.SealedRecord) bool {
	for _, r := range recs {
		if r.Courier == w.Courier && r.Version == w.Version && string(r.Locator) == string(w.Locator) &&
			r.ExpiresAt.Equal(w.ExpiresAt) && string(r.Ciphertext) == string(w.Ciphertext) {
			return true
		}
	}
	return false
}

// A put at a new locator of a bucket written before the heads hash
// existed starts that hash, which expires with the bucket's other keys.
func TestAHeadsHashStartedBesideOlderKeysExpires(t *testing.T) {
	r := redistest.Single(t)
	s := New(r.Client, testLimits, WithKeyPrefix(r.Prefix(t)))
	ctx := t.Context()
	const bucket = 10
	old := storetest.Record(t, "sim-swift", bucket, 1, testNow.Add(2*time.Hour))
	r.Client.HSet(ctx, s.recordsKey(bucket), string(old.Locator), encodeValue(encodeRecord(&old, old.ExpiresAt)))
	r.Client.ZAdd(ctx, s.expiryKey(bucket), redis.Z{Score: float64(expiryScore(old.ExpiresAt)), Member: string(old.Locator) + old.Courier})
	r.Client.HSet(ctx, s.usageKey(bucket), old.Courier, strconv.Itoa(len(old.Ciphertext)))
	for _, k := range []string{s.recordsKey(bucket), s.expiryKey(bucket), s.usageKey(bucket)} {
		r.Client.PExpire(ctx, k, 2*time.Hour+keyGrace+keySlack/2)
	}
	fresh := storetest.Record(t, "sim-swift", bucket, 1, testNow.Add(time.Hour))
	if stored, err := storedOf(s.Apply(ctx, puts(fresh), testNow)); err != nil || stored != 1 {
		t.Fatalf("stored %d, err %v", stored, err)
	}
	if ttl := r.Client.PTTL(ctx, s.headsKey(bucket)).Val(); ttl <= 0 {
		t.Fatalf("the heads hash does not expire (PTTL %v)", ttl)
	}
}
