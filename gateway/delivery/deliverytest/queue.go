package deliverytest

import (
	"bytes"
	"slices"
	"time"

	"github.com/trackgate/trackgate/gateway/delivery"
)

var queueCases = []testCase{
	{"EnqueueFansOutToEverySubscriberOnce", func(f *fixture) {
		l1, l2, l3 := locator(), locator(), locator()
		s1 := f.subscribe("shop-a", l1, l2)
		s2 := f.subscribe("shop-b", l1)
		s3 := f.subscribe("shop-b", l3)
		names := map[string]string{s1.ID: "s1", s2.ID: "s2", s3.ID: "s3"}
		f.enqueue(2, update("swift", l1, 1))
		f.enqueue(0, update("swift", l1, 1))
		f.enqueue(1, update("swift", l2, 1))
		f.enqueue(2, update("panda", l1, 1)) // another courier at the locator: lanes of their own
		f.enqueue(0, update("swift", locator(), 1))
		got := f.drain(names)
		slices.Sort(got)
		want := []string{"s1:1u", "s1:1u", "s1:1u", "s2:1u", "s2:1u"}
		if !slices.Equal(got, want) {
			f.t.Fatalf("delivered %v, want %v", got, want)
		}
	}},
	{"ALaneHandsOutOneDeliveryAtATimeInVersionOrder", func(f *fixture) {
		loc := locator()
		s := f.subscribe("shop-a", loc)
		f.enqueue(2, update("swift", loc, 1), update("swift", loc, 3))
		first := f.claim(10)
		if len(first) != 1 || first[0].Delivery.Version != 1 {
			f.t.Fatalf("claimed %d attempts, want version 1 alone", len(first))
		}
		if more := f.claim(10); len(more) != 0 {
			f.t.Fatal("a held lane handed out a second attempt")
		}
		f.enqueue(1, update("swift", loc, 2)) // late, but before what is queued
		f.finish(first[0], delivery.OutcomeDelivered, time.Time{})
		for _, want := range []uint64{2, 3} {
			got := f.claim(10)
			if len(got) != 1 || got[0].Delivery.Version != want {
				f.t.Fatalf("claimed %v, want version %d", describe(map[string]string{s.ID: "s"}, got), want)
			}
			f.finish(got[0], delivery.OutcomeDelivered, time.Time{})
		}
		f.enqueue(0, update("swift", loc, 2), update("swift", loc, 3))
		f.enqueue(1, update("swift", loc, 4))
		f.wantCounts("shop-a", s.ID, delivery.Counts{Delivered: 3, Pending: 1})
		f.wantDepth(1)
	}},
	{"AnUpdateGoesBeforeTheWithdrawalOfItsVersion", func(f *fixture) {
		loc := locator()
		f.subscribe("shop-a", loc)
		f.enqueue(2, withdrawal("swift", loc, 3), update("swift", loc, 3))
		var got []string
		for range 2 {
			a := f.claim(10)
			if len(a) != 1 {
				f.t.Fatalf("claimed %d", len(a))
			}
			got = append(got, a[0].Delivery.Type())
			f.finish(a[0], delivery.OutcomeDelivered, time.Time{})
		}
		if !slices.Equal(got, []string{delivery.TypeUpdated, delivery.TypeWithdrawn}) {
			f.t.Fatalf("delivered %v", got)
		}
		f.enqueue(0, update("swift", loc, 3), withdrawal("swift", loc, 3), withdrawal("swift", loc, 2))
	}},
	{"LanesGoSideBySide", func(f *fixture) {
		l1, l2 := locator(), locator()
		f.subscribe("shop-a", l1, l2)
		f.subscribe("shop-b", l1)
		f.wantDepth(0)
		f.enqueue(3, update("swift", l1, 1), update("swift", l2, 1))
		f.wantDepth(3)
		got := f.claim(10)
		if len(got) != 3 {
			f.t.Fatalf("claimed %d attempts of 3 lanes", len(got))
		}
		f.wantDepth(3) // held, not yet delivered
		f.finish(got[0], delivery.OutcomeDelivered, time.Time{})
		f.finish(got[1], delivery.OutcomeRetry, f.now.Add(time.Minute))
		f.wantDepth(2) // one delivered; one waiting to retry
	}},
	{"ClaimHandsOutAtMostMax", func(f *fixture) {
		f.subscribe("shop-a", locator(), locator(), locator(), locator(), locator())
		s := f.get("shop-a", f.firstID("shop-a"))
		for _, l := range s.Locators {
			f.enqueue(1, update("swift", l, 7))
		}
		if got := f.claim(2); len(got) != 2 {
			f.t.Fatalf("Claim(2) handed out %d", len(got))
		}
		if got := f.claim(10); len(got) != 3 {
			f.t.Fatalf("then Claim(10) handed out %d, want the 3 left", len(got))
		}
	}},
	{"AnAttemptCarriesWhatSendingNeeds", func(f *fixture) {
		loc := locator()
		s := f.subscribe("shop-a", loc)
		e := update("swift", loc, 1<<53-1)
		f.enqueue(1, e)
		got := f.claim(1)
		if len(got) != 1 {
			f.t.Fatal("nothing claimed")
		}
		a := got[0]
		d := a.Delivery
		if !delivery.ValidDeliveryID(d.ID) || d.Courier != "swift" || !bytes.Equal(d.Locator, loc) || d.Version != e.Version ||
			!bytes.Equal(d.Nonce, e.Nonce) || !bytes.Equal(d.Ciphertext, e.Ciphertext) || d.Withdrawn || d.Attempts != 0 || d.Replay {
			f.t.Fatalf("delivery %+v does not carry the event", d)
		}
		sub := a.Subscription
		if sub.ID != s.ID || sub.Tenant != "shop-a" || sub.CallbackURL != s.CallbackURL || sub.Secret != s.Secret {
			f.t.Fatalf("attempt's subscription %+v", sub)
		}
		if a.Lane == "" || a.Token == "" {
			f.t.Fatal("an attempt without its lane or token")
		}
	}},
	{"FinishAfterTheSubscriptionEndedIsStale", func(f *fixture) {
		loc := locator()
		s := f.subscribe("shop-a", loc)
		f.enqueue(1, update("swift", loc, 1))
		a := f.claim(1)[0]
		f.b.End(f.ctx, "shop-a", s.ID, delivery.EndedDeleted, f.now, keep)
		err := f.b.Finish(f.ctx, &a, delivery.Outcome{Kind: delivery.OutcomeDelivered}, f.now)
		wantErr(f.t, err, delivery.ErrStale, "Finish after End")
		f.wantCounts("shop-a", s.ID, delivery.Counts{})
		f.wantDepth(0)
	}},
	{"ALaneHeldTooLongIsClaimedByAnother", func(f *fixture) {
		loc := locator()
		s := f.subscribe("shop-a", loc)
		f.enqueue(2, update("swift", loc, 1), update("swift", loc, 2))
		now := time.Now()
		lost := f.claimAs("consumer-dead", 10, now)
		if len(lost) != 1 {
			f.t.Fatal("nothing claimed")
		}
		if got := f.claimAs("consumer-b", 10, now); len(got) != 0 {
			f.t.Fatal("a lane was claimed again before its timeout")
		}
		time.Sleep(ClaimTimeout + 150*time.Millisecond)
		again := f.claimAs("consumer-b", 10, time.Now())
		if len(again) != 1 || again[0].Delivery.ID != lost[0].Delivery.ID {
			f.t.Fatalf("after the timeout claimed %d attempts, want the held delivery again", len(again))
		}
		f.finish(again[0], delivery.OutcomeDelivered, time.Time{})
		err := f.b.Finish(f.ctx, &lost[0], delivery.Outcome{Kind: delivery.OutcomeDelivered}, f.now)
		wantErr(f.t, err, delivery.ErrStale, "the first holder's late Finish")
		next := f.claimAs("consumer-b", 10, time.Now())
		if len(next) != 1 || next[0].Delivery.Version != 2 {
			f.t.Fatalf("then claimed %d, want version 2", len(next))
		}
		f.finish(next[0], delivery.OutcomeDelivered, time.Time{})
		f.wantCounts("shop-a", s.ID, delivery.Counts{Delivered: 2})
	}},
}

// firstID is the id of the tenant's first subscription.
func (f *fixture) firstID(tenant string) string {
	f.t.Helper()
	page, err := f.b.List(f.ctx, tenant, "", 1)
	if err != nil || len(page) == 0 {
		f.t.Fatalf("List: %v", err)
	}
	return page[0].ID
}
