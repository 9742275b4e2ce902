package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
)

// fixture is one store under test and the suite's clock.
type fixture struct {
	t      *testing.T
	s      store.Store
	now    time.Time
	limits store.Limits // with defaults
}

// at is the suite's clock moved by d.
func (f *fixture) at(d time.Duration) time.Time { return f.now.Add(d) }

// apply applies b at now and fails the test on an error or a count of
// results other than the batch's items.
func (f *fixture) apply(now time.Time, b store.Batch) []store.Result {
	f.t.Helper()
	results, err := f.s.Apply(context.Background(), b, now)
	if err != nil {
		f.t.Fatalf("Apply: %v", err)
	}
	if len(results) != b.Len() {
		f.t.Fatalf("Apply answered %d results for %d items", len(results), b.Len())
	}
	return results
}

// expect applies b at now and checks its outcomes, written as words
// separated by spaces: "stored", "stale" or "refused:<limit>".
func (f *fixture) expect(now time.Time, b store.Batch, want string) []store.Result {
	f.t.Helper()
	results := f.apply(now, b)
	if got := outcomes(results); got != want {
		f.t.Fatalf("outcomes %q, want %q", got, want)
	}
	return results
}

func outcomes(results []store.Result) string {
	words := make([]string, len(results))
	for i, r := range results {
		words[i] = r.Outcome.String()
		if r.Outcome == store.Refused {
			words[i] += ":" + r.Limit
		}
	}
	return strings.Join(words, " ")
}

// served checks that Locator(loc) at now returns exactly want.
func (f *fixture) served(now time.Time, loc []byte, want ...crypto.SealedRecord) {
	f.t.Helper()
	got, err := f.s.Locator(context.Background(), loc, now)
	if err != nil {
		f.t.Fatalf("Locator: %v", err)
	}
	sameRecords(f.t, "Locator", got, want)
	pub, err := f.s.PublicLocator(context.Background(), loc, now)
	if err != nil {
		f.t.Fatalf("PublicLocator: %v", err)
	}
	samePublic(f.t, "PublicLocator", pub, want)
}

// inBucket checks that Bucket(bucket) at now returns exactly want.
func (f *fixture) inBucket(now time.Time, bucket uint32, want ...crypto.SealedRecord) {
	f.t.Helper()
	got, err := f.s.Bucket(context.Background(), bucket, now)
	if err != nil {
		f.t.Fatalf("Bucket: %v", err)
	}
	if got == nil {
		got = []crypto.SealedRecord{}
	}
	sameRecords(f.t, "Bucket", got, want)
	pub, err := f.s.PublicBucket(context.Background(), bucket, now)
	if err != nil {
		f.t.Fatalf("PublicBucket: %v", err)
	}
	samePublic(f.t, "PublicBucket", pub, want)
}

// puts is a batch of records of their first record's courier.
func puts(records ...crypto.SealedRecord) store.Batch {
	return store.Batch{Courier: records[0].Courier, Records: records}
}

func extend(courier string, loc []byte, version uint64, expires time.Time) store.Batch {
	return store.Batch{Courier: courier, Extend: []store.Extension{{Locator: loc, Version: version, ExpiresAt: expires}}}
}

func withdraw(courier string, loc []byte, version uint64) store.Batch {
	return store.Batch{Courier: courier, Withdraw: []store.Withdrawal{{Locator: loc, Version: version}}}
}

// sameRecords compares two sets of records, in any order.
func sameRecords(t *testing.T, what string, got, want []crypto.SealedRecord) {
	t.Helper()
	order := func(a, b crypto.SealedRecord) int {
		if c := bytes.Compare(a.Locator, b.Locator); c != 0 {
			return c
		}
		return strings.Compare(a.Courier, b.Courier)
	}
	got, want = slices.Clone(got), slices.Clone(want)
	slices.SortFunc(got, order)
	slices.SortFunc(want, order)
	if len(got) != len(want) {
		t.Fatalf("%s returned %d records, want %d", what, len(got), len(want))
	}
	for i := range got {
		sameRecord(t, got[i], want[i])
	}
}

func sameRecord(t *testing.T, got, want crypto.SealedRecord) {
	t.Helper()
	if got.Courier != want.Courier || got.Version != want.Version ||
		!bytes.Equal(got.Locator, want.Locator) || !bytes.Equal(got.KeyID, want.KeyID) ||
		!bytes.Equal(got.Nonce, want.Nonce) || !bytes.Equal(got.Ciphertext, want.Ciphertext) ||
		!got.ExpiresAt.Equal(want.ExpiresAt) {
		t.Fatalf("record differs:\n got  %s v%d exp %s\n want %s v%d exp %s",
			got.Courier, got.Version, got.ExpiresAt, want.Courier, want.Version, want.ExpiresAt)
	}
}

// samePublic checks that the public reads answered exactly the public
// forms of want, in any order: each one's JSON byte for byte what
// encoding/json writes for the record's public form, and its locator and
// nonce those of the record.
func samePublic(t *testing.T, what string, got []store.PublicRecord, want []crypto.SealedRecord) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s returned nil, want an empty answer", what)
	}
	if len(got) != len(want) {
		t.Fatalf("%s returned %d records, want %d", what, len(got), len(want))
	}
	wantJSON := make([]string, len(want))
	for i := range want {
		b, err := json.Marshal(want[i].Public())
		if err != nil {
			t.Fatal(err)
		}
		wantJSON[i] = string(b)
	}
	gotJSON := make([]string, len(got))
	for i, p := range got {
		var decoded crypto.PublicRecord
		if err := json.Unmarshal(p.JSON, &decoded); err != nil {
			t.Fatalf("%s: a record's JSON does not decode: %v", what, err)
		}
		if !bytes.Equal(decoded.Locator, p.Locator) || !bytes.Equal(decoded.Nonce, p.Nonce) {
			t.Fatalf("%s: a record's locator or nonce is not that of its JSON", what)
		}
		gotJSON[i] = string(p.JSON)
	}
	slices.Sort(gotJSON)
	slices.Sort(wantJSON)
	if !slices.Equal(gotJSON, wantJSON) {
		t.Fatalf("%s answered other public forms than those of the records served", what)
	}
}
