package courierhost

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/gateway/api"
)

func TestPartitionOfIsStableInRangeAndEven(t *testing.T) {
	for _, count := range []int{2, 3, 7} {
		seen := make([]int, count)
		const numbers = 6000
		for i := range numbers {
			tn := fmt.Sprintf("SW%012d", i)
			p := PartitionOf(tn, count)
			if p < 0 || p >= count {
				t.Fatalf("PartitionOf(%s, %d) = %d, out of range", tn, count, p)
			}
			if again := PartitionOf(tn, count); again != p {
				t.Fatalf("PartitionOf(%s, %d) is %d, then %d", tn, count, p, again)
			}
			seen[p]++
		}
		for i, n := range seen {
			if share := float64(n) / numbers; share < 0.8/float64(count) || share > 1.2/float64(count) {
				t.Errorf("count %d: partition %d holds %.1f%% of the numbers, want about %.1f%%", count, i, 100*share, 100/float64(count))
			}
		}
	}
	if PartitionOf("SW000000000001", 1) != 0 || PartitionOf("SW000000000001", 0) != 0 {
		t.Error("one partition (or none) is not partition 0")
	}
}

func TestPartitionConfigIsChecked(t *testing.T) {
	tests := []struct {
		name string
		mode string
		p    Partition
		ok   bool
	}{
		{"none", api.ModePush, Partition{}, true},
		{"one of one", api.ModePull, Partition{Index: 0, Count: 1}, true},
		{"second of two", api.ModePush, Partition{Index: 1, Count: 2}, true},
		{"index past the count", api.ModePush, Partition{Index: 2, Count: 2}, false},
		{"negative index", api.ModePush, Partition{Index: -1, Count: 2}, false},
		{"an index without a count", api.ModePush, Partition{Index: 1}, false},
		{"too many", api.ModePush, Partition{Count: MaxPartitions + 1}, false},
		{"pull replicas", api.ModePull, Partition{Index: 0, Count: 2}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t, time.Now(), newFakeSource())
			cfg.Mode, cfg.Partition = tt.mode, tt.p
			if tt.mode == api.ModePush {
				cfg.Publisher = &fakePublisher{}
			}
			_, err := New(cfg)
			if tt.ok && err != nil {
				t.Errorf("refused: %v", err)
			}
			if !tt.ok && !errors.Is(err, ErrConfig) {
				t.Errorf("error %v, want ErrConfig", err)
			}
		})
	}
}

// TestPartitionedReplicasPublishEveryParcelOnceInOrder runs two push
// replicas of one courier (the same keys, each its own copy of the
// courier's feed, as each replica's adapter reads the courier's systems)
// with partitions 0 and 1 of 2. The feed lists 40 parcels, then sends new
// versions of some, and an old version of one after its newer ones. Each
// parcel must be published by one replica alone, never a version after a
// newer one, and every (locator, version) exactly once; each replica
// evaluates for every parcel.
func TestPartitionedReplicasPublishEveryParcelOnceInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		now := time.Now()
		var parcels []adapters.Parcel
		for i := range 40 {
			parcels = append(parcels, testParcel(fmt.Sprintf("SW%012d", i), 1, now))
		}
		keys := testConfig(t, now, nil).Keys
		var hosts [2]*Host
		var pubs [2]*fakePublisher
		var feeds [2]*fakeSource
		stops := make([]func(), 2)
		for i := range hosts {
			feeds[i] = newFakeSource(slices.Clone(parcels)...)
			pubs[i] = &fakePublisher{}
			cfg := testConfig(t, now, feeds[i])
			cfg.Mode, cfg.Publisher, cfg.Keys = api.ModePush, pubs[i], keys
			cfg.Partition = Partition{Index: i, Count: 2}
			hosts[i] = mustNew(t, cfg)
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan struct{})
			go func() { _ = hosts[i].Run(ctx); close(done) }()
			stops[i] = func() { cancel(); <-done }
		}
		time.Sleep(time.Second)
		synctest.Wait()

		// New versions of every third parcel, twice, a batch apart; then
		// version 1 of parcel 0 again, after its version 3.
		send := func(p adapters.Parcel) {
			for _, f := range feeds {
				f.changes <- p
			}
		}
		for version := uint64(2); version <= 3; version++ {
			for i := 0; i < len(parcels); i += 3 {
				send(testParcel(parcels[i].View.TrackingNumber, version, now.Add(time.Duration(version)*time.Minute)))
			}
			time.Sleep(time.Second)
			synctest.Wait()
		}
		send(parcels[0])
		time.Sleep(time.Second)
		synctest.Wait()

		// Which parcel each locator is, as a client finds it through
		// either replica.
		parcelAt := map[locatorKey]string{}
		for i, p := range parcels {
			d := clientLookup(t, hosts[i%2], keys[0].Key, p.View.TrackingNumber, "")
			parcelAt[locatorKey(d.Locator)] = p.View.TrackingNumber
		}
		publisherOf := map[string]int{}
		published := map[string]int{} // "locator/version" → times
		newest := map[locatorKey]uint64{}
		for i, pub := range pubs {
			calls, _ := pub.snapshot()
			last := map[locatorKey]uint64{}
			for _, call := range calls {
				for _, r := range call {
					loc := locatorKey(r.Locator)
					tn, ok := parcelAt[loc]
					if !ok {
						t.Fatalf("replica %d published a record at a locator of no parcel", i)
					}
					if j, seen := publisherOf[tn]; seen && j != i {
						t.Errorf("parcel %s published by replicas %d and %d", tn, j, i)
					}
					publisherOf[tn] = i
					if r.Version <= last[loc] {
						t.Errorf("replica %d published version %d of %s after version %d", i, r.Version, tn, last[loc])
					}
					last[loc] = r.Version
					published[fmt.Sprintf("%x/%d", loc, r.Version)]++
					newest[loc] = max(newest[loc], r.Version)
				}
			}
		}
		for key, n := range published {
			if n != 1 {
				t.Errorf("record %s published %d times, want once", key, n)
			}
		}
		shares := [2]int{}
		for i, p := range parcels {
			tn := p.View.TrackingNumber
			owner, ok := publisherOf[tn]
			if !ok {
				t.Errorf("parcel %s published by no replica", tn)
				continue
			}
			shares[owner]++
			if want := PartitionOf(tn, 2); owner != want {
				t.Errorf("parcel %s published by replica %d, want %d, its partition", tn, owner, want)
			}
			wantVersion := uint64(1)
			if i%3 == 0 {
				wantVersion = 3
			}
			d := clientLookup(t, hosts[owner], keys[0].Key, tn, "")
			if got := newest[locatorKey(d.Locator)]; got != wantVersion {
				t.Errorf("parcel %s: newest version published %d, want %d", tn, got, wantVersion)
			}
		}
		if shares[0] == 0 || shares[1] == 0 {
			t.Errorf("the replicas published %v parcels, want both a share", shares)
		}
		for i, h := range hosts {
			if n := h.Unpublished(); n != 0 {
				t.Errorf("replica %d still holds %d records", i, n)
			}
		}
		for _, stop := range stops {
			stop()
		}
	})
}

// TestPartitionedReplicaIndexesOnlyItsParcels: a replica seals nothing of
// another's parcels, so the work splits too.
func TestPartitionedReplicaIndexesOnlyItsParcels(t *testing.T) {
	now := time.Now()
	cfg := testConfig(t, now, newFakeSource())
	cfg.Mode, cfg.Publisher, cfg.Partition = api.ModePush, &fakePublisher{}, Partition{Index: 1, Count: 3}
	h := mustNew(t, cfg)
	mine, others := 0, 0
	for i := range 30 {
		tn := fmt.Sprintf("SW%012d", i)
		recs, err := h.indexParcel(testParcel(tn, 1, now), now)
		switch {
		case PartitionOf(tn, 3) == 1 && (err != nil || len(recs) != 1):
			t.Errorf("parcel %s of this replica: %d records, %v", tn, len(recs), err)
		case PartitionOf(tn, 3) == 1:
			mine++
		case !errors.Is(err, errOtherPartition) || len(recs) != 0:
			t.Errorf("parcel %s of another replica: %d records, %v; want none, errOtherPartition", tn, len(recs), err)
		default:
			others++
		}
	}
	if parcels, _ := h.index.size(); parcels != mine || mine == 0 || others == 0 {
		t.Errorf("index holds %d parcels; %d of 30 were this replica's", parcels, mine)
	}
}
