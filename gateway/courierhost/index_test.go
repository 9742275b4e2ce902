package courierhost

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

func TestLookupRoundTripFindsTheView(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		now := time.Now()
		src := newFakeSource(testParcel("SW123456789012", 3, now), testParcel("SW999999999999", 1, now))
		cfg := testConfig(t, now, src)
		h := mustNew(t, cfg)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- h.Run(ctx) }()
		synctest.Wait()
		if !h.Ready() {
			t.Fatal("host not ready after its listing")
		}

		d := clientLookup(t, h, cfg.Keys[0].Key, "SW123456789012", "")
		rec, err := h.Record(ctx, d.Locator)
		if err != nil {
			t.Fatalf("Record: %v", err)
		}
		if err := rec.Check(); err != nil {
			t.Fatalf("record shape: %v", err)
		}
		if rec.Version != 3 || rec.Courier != testCourier || !bytes.Equal(rec.KeyID, crypto.KeyIDBytes(cfg.Keys[0].Key.Public().Bytes())) {
			t.Errorf("record header = %s v%d kid %x", rec.Courier, rec.Version, rec.KeyID)
		}
		if v := openView(t, d, rec); v.TrackingNumber != "SW123456789012" || v.Courier != testCourier || v.Status != adapters.StatusInTransit {
			t.Errorf("view = %+v", v)
		}

		recs, err := h.Bucket(ctx, crypto.Bucket(d.Locator, cfg.BucketBits))
		if err != nil {
			t.Fatalf("Bucket: %v", err)
		}
		found := 0
		for _, r := range recs {
			if crypto.Bucket(r.Locator, cfg.BucketBits) != crypto.Bucket(d.Locator, cfg.BucketBits) {
				t.Errorf("bucket answer holds a record of another bucket")
			}
			if bytes.Equal(r.Locator, d.Locator) {
				found++
				openView(t, d, r)
			}
		}
		if found != 1 {
			t.Errorf("bucket holds the record %d times, want once", found)
		}

		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
		if h.Ready() {
			t.Error("host still ready after Run returned")
		}
	})
}

func TestLookupNeedsTheRightFactor(t *testing.T) {
	clk := newClock()
	cfg := testConfig(t, clk.Now(), newFakeSource())
	cfg.Factor = crypto.FactorPhoneLast4
	cfg.Now = clk.Now
	h := mustNew(t, cfg)
	indexAll(t, h, clk.Now(), testParcel("PD1234567890123", 1, clk.Now(), "4321", "8765", "4321"))
	key := cfg.Keys[0].Key

	tests := []struct {
		factor string
		found  bool
	}{
		{"4321", true},
		{"8765", true},
		{"1234", false},
		{"", false},
	}
	for _, tt := range tests {
		d := clientLookup(t, h, key, "PD1234567890123", tt.factor)
		_, err := h.Record(t.Context(), d.Locator)
		if tt.found && err != nil {
			t.Errorf("factor %q: Record: %v", tt.factor, err)
		}
		if !tt.found && !errors.Is(err, api.ErrNotFound) {
			t.Errorf("factor %q: Record error = %v, want ErrNotFound", tt.factor, err)
		}
	}
	if _, records := h.index.size(); records != 2 {
		t.Errorf("index holds %d records, want one per distinct factor (2)", records)
	}
}

func TestNewVersionReplacesRecordAndOlderIsIgnored(t *testing.T) {
	clk := newClock()
	cfg := testConfig(t, clk.Now(), newFakeSource())
	cfg.Now = clk.Now
	h := mustNew(t, cfg)
	indexAll(t, h, clk.Now(), testParcel("SW123456789012", 1, clk.Now()))
	d := clientLookup(t, h, cfg.Keys[0].Key, "SW123456789012", "")

	p2 := testParcel("SW123456789012", 2, clk.Now())
	p2.View.Status = adapters.StatusDelivered
	if recs := indexAll(t, h, clk.Now(), p2); len(recs) != 1 {
		t.Fatalf("version 2 sealed %d records, want 1", len(recs))
	}
	if recs := indexAll(t, h, clk.Now(), p2); len(recs) != 0 {
		t.Errorf("indexing version 2 again sealed %d records, want none", len(recs))
	}
	if _, err := h.indexParcel(testParcel("SW123456789012", 1, clk.Now()), clk.Now()); !errors.Is(err, errOlderVersion) {
		t.Errorf("older version: error %v, want errOlderVersion", err)
	}
	rec, err := h.Record(t.Context(), d.Locator)
	if err != nil {
		t.Fatal(err)
	}
	if v := openView(t, d, rec); rec.Version != 2 || v.Status != adapters.StatusDelivered {
		t.Errorf("served version %d status %s, want 2 delivered", rec.Version, v.Status)
	}
}

func TestRecordExpiresAfterTTLOrWithItsKey(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		ttl      time.Duration
		notAfter time.Time
		want     time.Time
	}{
		{"ttl first", 48 * time.Hour, start.Add(30 * 24 * time.Hour), start.Add(48 * time.Hour)},
		{"key ends first", 7 * 24 * time.Hour, start.Add(time.Hour), start.Add(time.Hour)},
		{"default ttl", 0, start.Add(30 * 24 * time.Hour), start.Add(DefaultRecordTTL)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t, start, newFakeSource())
			cfg.RecordTTL = tt.ttl
			cfg.Keys[0].NotAfter = tt.notAfter
			cfg.Now = func() time.Time { return start }
			h := mustNew(t, cfg)
			recs := indexAll(t, h, start, testParcel("SW123456789012", 1, start))
			if len(recs) != 1 || !recs[0].ExpiresAt.Equal(tt.want) {
				t.Fatalf("expires_at = %v, want %v", recs[0].ExpiresAt, tt.want)
			}
		})
	}
}

func TestExpiredRecordsAreNotServed(t *testing.T) {
	clk := newClock()
	cfg := testConfig(t, clk.Now(), newFakeSource())
	cfg.RecordTTL = time.Hour
	cfg.Now = clk.Now
	h := mustNew(t, cfg)
	indexAll(t, h, clk.Now(), testParcel("SW123456789012", 1, clk.Now()))
	d := clientLookup(t, h, cfg.Keys[0].Key, "SW123456789012", "")
	bucket := crypto.Bucket(d.Locator, cfg.BucketBits)

	clk.Advance(59 * time.Minute)
	if _, err := h.Record(t.Context(), d.Locator); err != nil {
		t.Fatalf("record gone before its expiry: %v", err)
	}
	clk.Advance(time.Minute) // exactly expires_at: no longer served
	if _, err := h.Record(t.Context(), d.Locator); !errors.Is(err, api.ErrNotFound) {
		t.Errorf("Record at expiry: %v, want ErrNotFound", err)
	}
	if recs, _ := h.Bucket(t.Context(), bucket); len(recs) != 0 {
		t.Errorf("Bucket serves %d expired records", len(recs))
	}
	if _, err := h.sweep(clk.Now()); err != nil {
		t.Fatal(err)
	}
	if parcels, records := h.index.size(); parcels != 0 || records != 0 {
		t.Errorf("after sweep the index holds %d parcels, %d records; want none", parcels, records)
	}
}

func TestSweepSealsUnderKeysThatBecomeValid(t *testing.T) {
	clk := newClock()
	cfg := testConfig(t, clk.Now(), newFakeSource())
	next := KeyConfig{Key: newTestKey(t), NotBefore: clk.Now().Add(time.Hour), NotAfter: clk.Now().Add(60 * 24 * time.Hour)}
	cfg.Keys = append(cfg.Keys, next)
	cfg.Now = clk.Now
	h := mustNew(t, cfg)
	indexAll(t, h, clk.Now(), testParcel("SW123456789012", 1, clk.Now()))

	if _, _, err := h.Evaluate(t.Context(), next.Key.Public().KeyID(), [][]byte{next.Key.Public().Bytes()}); !errors.Is(err, api.ErrUnknownKey) {
		t.Fatalf("key not yet valid: Evaluate error %v, want ErrUnknownKey", err)
	}
	clk.Advance(time.Hour)
	sealed, err := h.sweep(clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(sealed) != 1 {
		t.Fatalf("sweep sealed %d records, want 1 under the new key", len(sealed))
	}
	d := clientLookup(t, h, next.Key, "SW123456789012", "")
	rec, err := h.Record(t.Context(), d.Locator)
	if err != nil {
		t.Fatalf("record under the new key: %v", err)
	}
	openView(t, d, rec)
	if again, _ := h.sweep(clk.Now()); len(again) != 0 {
		t.Errorf("a second sweep sealed %d records, want none", len(again))
	}
}

func TestParcelsFailingChecksAreNotIndexed(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		factor string
		edit   func(*adapters.Parcel)
		want   error
	}{
		{"version 0", crypto.FactorNone, func(p *adapters.Parcel) { p.Version = 0 }, errNoVersion},
		{"unknown status", crypto.FactorNone, func(p *adapters.Parcel) { p.View.Status = "lost" }, errInvalidView},
		{"another courier", crypto.FactorNone, func(p *adapters.Parcel) { p.View.Courier = "other-courier" }, errOtherCourier},
		{"number too short", crypto.FactorNone, func(p *adapters.Parcel) { p.View.TrackingNumber = "AB1" }, errInvalidNumber},
		{"factor of 3 digits", crypto.FactorPhoneLast4, func(p *adapters.Parcel) { p.Factors = []string{"123"} }, errInvalidFactor},
		{"factor with letters", crypto.FactorPhoneLast4, func(p *adapters.Parcel) { p.Factors = []string{"12a4"} }, errInvalidFactor},
		{"no factor", crypto.FactorPhoneLast4, func(p *adapters.Parcel) { p.Factors = nil }, errNoFactor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t, now, newFakeSource())
			cfg.Factor = tt.factor
			h := mustNew(t, cfg)
			p := testParcel("SW123456789012", 1, now, "1234")
			tt.edit(&p)
			if _, err := h.indexParcel(p, now); !errors.Is(err, tt.want) {
				t.Errorf("indexParcel error = %v, want %v", err, tt.want)
			}
			if _, records := h.index.size(); records != 0 {
				t.Errorf("refused parcel left %d records", records)
			}
		})
	}
}

func TestViewCarriesTheNormalizedNumber(t *testing.T) {
	clk := newClock()
	cfg := testConfig(t, clk.Now(), newFakeSource())
	cfg.Now = clk.Now
	h := mustNew(t, cfg)
	indexAll(t, h, clk.Now(), testParcel("sw 1234-5678.9012", 1, clk.Now()))
	d := clientLookup(t, h, cfg.Keys[0].Key, "SW123456789012", "")
	rec, err := h.Record(t.Context(), d.Locator)
	if err != nil {
		t.Fatal(err)
	}
	if v := openView(t, d, rec); v.TrackingNumber != "SW123456789012" {
		t.Errorf("view number %q, want the normalized one", v.TrackingNumber)
	}
}

func TestChangedFactorsMoveTheRecord(t *testing.T) {
	clk := newClock()
	cfg := testConfig(t, clk.Now(), newFakeSource())
	cfg.Factor = crypto.FactorPhoneLast4
	cfg.Now = clk.Now
	h := mustNew(t, cfg)
	indexAll(t, h, clk.Now(), testParcel("PD1234567890123", 1, clk.Now(), "1111"))
	old := clientLookup(t, h, cfg.Keys[0].Key, "PD1234567890123", "1111")
	indexAll(t, h, clk.Now(), testParcel("PD1234567890123", 1, clk.Now(), "2222"))
	if _, err := h.Record(t.Context(), old.Locator); !errors.Is(err, api.ErrNotFound) {
		t.Errorf("record under the dropped factor: %v, want ErrNotFound", err)
	}
	d := clientLookup(t, h, cfg.Keys[0].Key, "PD1234567890123", "2222")
	if _, err := h.Record(t.Context(), d.Locator); err != nil {
		t.Errorf("record under the new factor: %v", err)
	}
}

func TestPushHostServesNoBucketsOrRecords(t *testing.T) {
	now := time.Now()
	cfg := testConfig(t, now, newFakeSource())
	cfg.Mode = api.ModePush
	cfg.Publisher = &fakePublisher{}
	h := mustNew(t, cfg)
	if _, err := h.Bucket(t.Context(), 0); !errors.Is(err, api.ErrNotPullMode) {
		t.Errorf("Bucket: %v, want ErrNotPullMode", err)
	}
	if _, err := h.Record(t.Context(), make([]byte, crypto.LocatorSize)); !errors.Is(err, api.ErrNotPullMode) {
		t.Errorf("Record: %v, want ErrNotPullMode", err)
	}
}

func TestRunRetriesAFailedListing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := newFakeSource(testParcel("SW123456789012", 1, time.Now()))
		src.listFailures = 2
		h := mustNew(t, testConfig(t, time.Now(), src))
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- h.Run(ctx) }()
		synctest.Wait()
		if h.Ready() {
			t.Fatal("ready although the listing failed")
		}
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		if !h.Ready() || src.listCount() != 3 {
			t.Errorf("ready=%v after %d listings, want ready after 3", h.Ready(), src.listCount())
		}
		cancel()
		<-done
	})
}

func TestRunListsAgainWhenTheSourceCannotWatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := newFakeSource(testParcel("SW123456789012", 1, time.Now()))
		cfg := testConfig(t, time.Now(), listerOnly{lookupOnly{src}})
		cfg.ListInterval = time.Minute
		h := mustNew(t, cfg)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- h.Run(ctx) }()
		synctest.Wait()
		src.mu.Lock()
		src.parcels = append(src.parcels, testParcel("SW222222222222", 1, time.Now()))
		src.mu.Unlock()
		time.Sleep(90 * time.Second)
		synctest.Wait()
		d := clientLookup(t, h, cfg.Keys[0].Key, "SW222222222222", "")
		if _, err := h.Record(ctx, d.Locator); err != nil {
			t.Errorf("parcel added after start not indexed by the next listing: %v", err)
		}
		cancel()
		<-done
	})
}

func TestRunRestartsAWatchThatEndsEarly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := newFakeSource()
		cfg := testConfig(t, time.Now(), src)
		h := mustNew(t, cfg)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- h.Run(ctx) }()
		synctest.Wait()
		src.endWatch <- adapters.ErrUnavailable
		time.Sleep(time.Minute)
		synctest.Wait()
		src.changes <- testParcel("SW123456789012", 1, time.Now())
		synctest.Wait()
		d := clientLookup(t, h, cfg.Keys[0].Key, "SW123456789012", "")
		if _, err := h.Record(ctx, d.Locator); err != nil {
			t.Errorf("change after the watch restarted not indexed: %v", err)
		}
		if src.listCount() != 2 {
			t.Errorf("listed %d times, want 2 (again after the restart)", src.listCount())
		}
		cancel()
		<-done
	})
}

func TestRunRefusesASecondRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := mustNew(t, testConfig(t, time.Now(), newFakeSource()))
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- h.Run(ctx) }()
		synctest.Wait()
		if err := h.Run(ctx); !errors.Is(err, ErrAlreadyRunning) {
			t.Errorf("second Run: %v, want ErrAlreadyRunning", err)
		}
		cancel()
		<-done
	})
}
