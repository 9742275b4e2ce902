package deliverytest

import (
	"slices"
	"time"

	"github.com/trackgate/trackgate/gateway/delivery"
)

var retryCases = []testCase{
	{"ARetryWaitsForItsTimeWithTheSameID", func(f *fixture) {
		loc := locator()
		f.subscribe("shop-a", loc)
		f.enqueue(1, update("swift", loc, 1))
		a := f.claim(1)[0]
		f.finish(a, delivery.OutcomeRetry, f.now.Add(time.Minute))
		if err := f.b.Promote(f.ctx, f.now.Add(59*time.Second)); err != nil {
			f.t.Fatal(err)
		}
		if got := f.claim(10); len(got) != 0 {
			f.t.Fatal("a retry was handed out before its time")
		}
		f.enqueue(1, update("swift", loc, 2))
		if got := f.claim(10); len(got) != 0 {
			f.t.Fatal("a later version went while the earlier one waited to be retried")
		}
		if err := f.b.Promote(f.ctx, f.now.Add(time.Minute)); err != nil {
			f.t.Fatal(err)
		}
		got := f.claim(10)
		if len(got) != 1 {
			f.t.Fatalf("claimed %d after the retry time", len(got))
		}
		d := got[0].Delivery
		if d.ID != a.Delivery.ID || d.Version != 1 || d.Attempts != 1 || d.LastError != "HTTP 503" ||
			!d.FirstAttemptAt.Equal(f.now) || !d.LastAttemptAt.Equal(f.now) {
			f.t.Fatalf("retried delivery %+v", d)
		}
	}},
	{"ADeferralKeepsTheDeliveryAsItWas", func(f *fixture) {
		loc := locator()
		f.subscribe("shop-a", loc)
		f.enqueue(1, update("swift", loc, 1))
		a := f.claim(1)[0]
		f.finish(a, delivery.OutcomeDefer, f.now.Add(time.Second))
		f.b.Promote(f.ctx, f.now.Add(time.Second))
		got := f.claim(1)
		if len(got) != 1 || got[0].Delivery.ID != a.Delivery.ID || got[0].Delivery.Attempts != 0 {
			f.t.Fatalf("after a deferral claimed %+v", got)
		}
	}},
	{"ADeadLetterLetsTheNextVersionGoAndIsReplayedFirst", func(f *fixture) {
		loc := locator()
		s := f.subscribe("shop-a", loc)
		f.enqueue(2, update("swift", loc, 1), update("swift", loc, 2))
		v1 := f.claim(1)[0]
		f.finish(v1, delivery.OutcomeDead, time.Time{})
		v2 := f.claim(10)
		if len(v2) != 1 || v2[0].Delivery.Version != 2 {
			f.t.Fatal("the next version did not go after a dead letter")
		}
		f.wantCounts("shop-a", s.ID, delivery.Counts{Pending: 1, Dead: 1})
		f.wantDepth(1)
		dead, err := f.b.DeadLetters(f.ctx, "shop-a", s.ID, 10, f.now, keep)
		if err != nil || len(dead) != 1 {
			f.t.Fatalf("dead letters %+v, %v", dead, err)
		}
		if d := dead[0]; d.ID != v1.Delivery.ID || d.Version != 1 || d.Attempts != 1 || d.LastError != "HTTP 503" ||
			d.Courier != "swift" || !d.DiedAt.Equal(f.now) {
			f.t.Fatalf("dead letter %+v", d)
		}
		_, err = f.b.DeadLetters(f.ctx, "shop-b", s.ID, 10, f.now, keep)
		wantErr(f.t, err, delivery.ErrNotFound, "another tenant's dead letters")
		f.enqueue(1, update("swift", loc, 3))
		if n, err := f.b.Replay(f.ctx, "shop-a", s.ID, nil, 10, f.now); err != nil || n != 1 {
			f.t.Fatalf("Replay: %d, %v", n, err)
		}
		f.wantCounts("shop-a", s.ID, delivery.Counts{Pending: 3})
		f.wantDepth(3)
		f.finish(v2[0], delivery.OutcomeDelivered, time.Time{})
		var order []uint64
		for range 2 {
			a := f.claim(10)
			if len(a) != 1 {
				f.t.Fatalf("claimed %d", len(a))
			}
			if a[0].Delivery.Version == 1 && (a[0].Delivery.ID != v1.Delivery.ID || a[0].Delivery.Attempts != 0) {
				f.t.Fatalf("the replay %+v has another id or its attempts", a[0].Delivery)
			}
			order = append(order, a[0].Delivery.Version)
			f.finish(a[0], delivery.OutcomeDelivered, time.Time{})
		}
		if !slices.Equal(order, []uint64{1, 3}) {
			f.t.Fatalf("after the replay delivered versions %v, want the replay first: [1 3]", order)
		}
		f.wantCounts("shop-a", s.ID, delivery.Counts{Delivered: 3})
		if dead, _ := f.b.DeadLetters(f.ctx, "shop-a", s.ID, 10, f.now, keep); len(dead) != 0 {
			f.t.Fatalf("%d dead letters left after a replay", len(dead))
		}
	}},
}

var moreRetryCases = []testCase{
	{"ReplayTakesNamedDeadLettersAndSkipsUnknownOnes", func(f *fixture) {
		l1, l2 := locator(), locator()
		s := f.subscribe("shop-a", l1, l2)
		f.enqueue(2, update("swift", l1, 1), update("swift", l2, 1))
		var ids []string
		for _, a := range f.claim(10) {
			f.finish(a, delivery.OutcomeDead, time.Time{})
			ids = append(ids, a.Delivery.ID)
		}
		n, err := f.b.Replay(f.ctx, "shop-a", s.ID, []string{ids[0], delivery.NewDeliveryID()}, 10, f.now)
		if err != nil || n != 1 {
			f.t.Fatalf("Replay of one known id: %d, %v", n, err)
		}
		dead, _ := f.b.DeadLetters(f.ctx, "shop-a", s.ID, 10, f.now, keep)
		if len(dead) != 1 || dead[0].ID != ids[1] {
			f.t.Fatalf("dead letters left %+v, want %s", dead, ids[1])
		}
		if got := f.claim(10); len(got) != 1 || got[0].Delivery.ID != ids[0] {
			f.t.Fatalf("claimed %+v, want the replayed %s", got, ids[0])
		}
	}},
	{"DeadLettersAreDroppedAfterTheirKeep", func(f *fixture) {
		loc := locator()
		s := f.subscribe("shop-a", loc)
		f.enqueue(1, update("swift", loc, 1))
		f.finish(f.claim(1)[0], delivery.OutcomeDead, time.Time{})
		dead, err := f.b.DeadLetters(f.ctx, "shop-a", s.ID, 10, f.now.Add(keep+time.Second), keep)
		if err != nil || len(dead) != 0 {
			f.t.Fatalf("dead letters past their keep: %+v, %v", dead, err)
		}
		if n, err := f.b.Replay(f.ctx, "shop-a", s.ID, nil, 10, f.now.Add(keep+time.Second)); err != nil || n != 0 {
			f.t.Fatalf("replayed %d dropped dead letters, %v", n, err)
		}
	}},
	{"NothingOfAnEndedSubscriptionIsReplayed", func(f *fixture) {
		loc := locator()
		s := f.subscribe("shop-a", loc)
		f.enqueue(1, update("swift", loc, 1))
		f.finish(f.claim(1)[0], delivery.OutcomeDead, time.Time{})
		f.b.End(f.ctx, "shop-a", s.ID, delivery.EndedDeleted, f.now, keep)
		_, err := f.b.Replay(f.ctx, "shop-a", s.ID, nil, 10, f.now)
		wantErr(f.t, err, delivery.ErrEnded, "Replay of an ended subscription")
		if dead, err := f.b.DeadLetters(f.ctx, "shop-a", s.ID, 10, f.now, keep); err != nil || len(dead) != 1 {
			f.t.Fatalf("an ended subscription's dead letters: %d, %v", len(dead), err)
		}
	}},
}
