package deliverytest

import (
	"bytes"
	"slices"
	"time"

	"github.com/trackgate/trackgate/gateway/delivery"
)

var watchCases = []testCase{
	{"TheWatchlistIsTheLocatorsOfActiveSubscriptions", func(f *fixture) {
		l1, l2, l3 := locator(), locator(), locator()
		s1 := f.subscribe("shop-a", l1, l2)
		s2 := f.subscribe("shop-b", l2)
		watched, err := f.b.Watched(f.ctx)
		if err != nil {
			f.t.Fatal(err)
		}
		slices.SortFunc(watched, bytes.Compare)
		want := [][]byte{l1, l2}
		slices.SortFunc(want, bytes.Compare)
		if !slices.EqualFunc(watched, want, bytes.Equal) {
			f.t.Fatalf("watched %d locators, want 2", len(watched))
		}
		if w, err := f.b.Watching(f.ctx, [][]byte{l1, l3, l2}); err != nil || !slices.Equal(w, []bool{true, false, true}) {
			f.t.Fatalf("Watching = %v, %v", w, err)
		}
		ids, err := f.b.Subscribers(f.ctx, l2)
		slices.Sort(ids)
		wantIDs := []string{s1.ID, s2.ID}
		slices.Sort(wantIDs)
		if err != nil || !slices.Equal(ids, wantIDs) {
			f.t.Fatalf("subscribers %v, %v", ids, err)
		}
		f.b.End(f.ctx, "shop-a", s1.ID, delivery.EndedDeleted, f.now, keep)
		if watched, _ := f.b.Watched(f.ctx); len(watched) != 1 || !bytes.Equal(watched[0], l2) {
			f.t.Fatalf("after End watched %d locators, want l2 alone", len(watched))
		}
	}},
	{"WatchStatesRoundTripAndLeaveWithTheLastSubscriber", func(f *fixture) {
		l1, l2 := locator(), locator()
		s := f.subscribe("shop-a", l1)
		gone := f.now.Add(-time.Hour).Round(0)
		in := map[string]delivery.WatchState{
			string(l1): {Seen: map[string]uint64{"global": 3, "other": 0}, Live: true, GoneSince: gone},
			string(l2): {Live: true}, // not watched: dropped
		}
		if err := f.b.SetWatchStates(f.ctx, in); err != nil {
			f.t.Fatal(err)
		}
		got, err := f.b.WatchStates(f.ctx, [][]byte{l1, l2})
		if err != nil {
			f.t.Fatal(err)
		}
		st, ok := got[string(l1)]
		if !ok || len(got) != 1 || st.Seen["global"] != 3 || st.Seen["other"] != 0 || len(st.Seen) != 2 ||
			!st.Live || !st.GoneSince.Equal(gone) {
			f.t.Fatalf("states %+v", got)
		}
		f.b.End(f.ctx, "shop-a", s.ID, delivery.EndedDeleted, f.now, keep)
		f.subscribe("shop-a", l1)
		if got, _ := f.b.WatchStates(f.ctx, [][]byte{l1}); len(got) != 0 {
			f.t.Fatalf("a state outlived its last subscriber: %+v", got)
		}
	}},
	{"DueToEndListsActiveSubscriptionsPastTheirTime", func(f *fixture) {
		s := f.subscribe("shop-a", locator())
		later := f.subscribe("shop-a", locator())
		f.b.End(f.ctx, "shop-a", later.ID, delivery.EndedDeleted, f.now, keep)
		if due, err := f.b.DueToEnd(f.ctx, s.ExpiresAt.Add(-time.Second), 10); err != nil || len(due) != 0 {
			f.t.Fatalf("due before the time: %v, %v", due, err)
		}
		due, err := f.b.DueToEnd(f.ctx, s.ExpiresAt, 10)
		if err != nil || !slices.Equal(due, []string{s.ID}) {
			f.t.Fatalf("due at the time: %v, %v; want only the active one", due, err)
		}
		f.b.End(f.ctx, "", s.ID, delivery.EndedExpired, s.ExpiresAt, keep)
		if due, _ := f.b.DueToEnd(f.ctx, s.ExpiresAt.Add(time.Hour), 10); len(due) != 0 {
			f.t.Fatalf("an ended subscription is still due: %v", due)
		}
	}},
	{"ALockIsOneHoldersUntilItsTime", func(f *fixture) {
		take := func(holder string) bool {
			ok, err := f.b.Lock(f.ctx, "round", holder, 250*time.Millisecond)
			if err != nil {
				f.t.Fatal(err)
			}
			return ok
		}
		if !take("a") || take("b") || !take("a") {
			f.t.Fatal("the lock is not a's alone")
		}
		time.Sleep(350 * time.Millisecond)
		if !take("b") {
			f.t.Fatal("the lock outlived its time")
		}
	}},
	{"PingAnswers", func(f *fixture) {
		if err := f.b.Ping(f.ctx); err != nil {
			f.t.Fatal(err)
		}
	}},
}
