package deliverytest

import (
	"bytes"
	"slices"
	"time"

	"github.com/trackgate/trackgate/gateway/delivery"
)

var subscriptionCases = []testCase{
	{"CreateThenGetAsItsTenantOnly", func(f *fixture) {
		a, b := locator(), locator()
		s := f.subscribe("shop-a", a, b)
		got := f.get("shop-a", s.ID)
		if got.ID != s.ID || got.Tenant != "shop-a" || got.State != delivery.StateActive ||
			got.CallbackURL != s.CallbackURL || got.Secret != s.Secret ||
			!got.CreatedAt.Equal(s.CreatedAt) || !got.ExpiresAt.Equal(s.ExpiresAt) ||
			len(got.Locators) != 2 || !bytes.Equal(got.Locators[0], a) || !bytes.Equal(got.Locators[1], b) {
			f.t.Fatalf("Get = %+v, want %+v", got, s)
		}
		if got.Counts != (delivery.Counts{}) || got.EndedReason != "" || !got.EndedAt.IsZero() {
			f.t.Fatalf("a new subscription has counts %+v, ended %q at %v", got.Counts, got.EndedReason, got.EndedAt)
		}
		if any, err := f.b.Get(f.ctx, "", s.ID); err != nil || any.ID != s.ID {
			f.t.Fatalf("Get with no tenant: %v", err)
		}
		_, err := f.b.Get(f.ctx, "shop-b", s.ID)
		wantErr(f.t, err, delivery.ErrNotFound, "another tenant's Get")
		_, err = f.b.Get(f.ctx, "shop-a", delivery.NewSubscriptionID())
		wantErr(f.t, err, delivery.ErrNotFound, "Get of an unknown id")
	}},
	{"CreateRefusesPastTheLimitOfActiveSubscriptions", func(f *fixture) {
		mk := func(tenant string) delivery.Subscription {
			return delivery.Subscription{ID: delivery.NewSubscriptionID(), Tenant: tenant, Locators: [][]byte{locator()},
				CallbackURL: "https://h.example/", Secret: "0123456789abcdef0123456789abcdef",
				State: delivery.StateActive, CreatedAt: f.now, ExpiresAt: f.now.Add(time.Hour)}
		}
		first := mk("shop-a")
		for _, s := range []delivery.Subscription{first, mk("shop-a")} {
			if err := f.b.Create(f.ctx, s, 2); err != nil {
				f.t.Fatalf("Create under the limit: %v", err)
			}
		}
		over := mk("shop-a")
		wantErr(f.t, f.b.Create(f.ctx, over, 2), delivery.ErrLimit, "a third of two")
		_, err := f.b.Get(f.ctx, "shop-a", over.ID)
		wantErr(f.t, err, delivery.ErrNotFound, "Get of the refused one")
		if err := f.b.Create(f.ctx, mk("shop-b"), 2); err != nil {
			f.t.Fatalf("another tenant is limited by shop-a's count: %v", err)
		}
		if _, _, err := f.b.End(f.ctx, "shop-a", first.ID, delivery.EndedDeleted, f.now, keep); err != nil {
			f.t.Fatal(err)
		}
		if err := f.b.Create(f.ctx, mk("shop-a"), 2); err != nil {
			f.t.Fatalf("an ended subscription still counts: %v", err)
		}
	}},
	{"ListPagesByIDWithinTheTenant", func(f *fixture) {
		var ids []string
		for range 5 {
			ids = append(ids, f.subscribe("shop-a", locator()).ID)
		}
		f.subscribe("shop-b", locator())
		slices.Sort(ids)
		var got []string
		after := ""
		for range 10 {
			page, err := f.b.List(f.ctx, "shop-a", after, 2)
			if err != nil {
				f.t.Fatal(err)
			}
			if len(page) > 2 {
				f.t.Fatalf("a page of %d for a limit of 2", len(page))
			}
			if len(page) == 0 {
				break
			}
			for _, s := range page {
				if s.Tenant != "shop-a" {
					f.t.Fatalf("listed %s's subscription", s.Tenant)
				}
				got = append(got, s.ID)
			}
			after = page[len(page)-1].ID
		}
		if !slices.Equal(got, ids) {
			f.t.Fatalf("listed %v, want %v", got, ids)
		}
		none, err := f.b.List(f.ctx, "shop-c", "", 10)
		if err != nil || len(none) != 0 {
			f.t.Fatalf("a tenant without subscriptions lists %v, %v", none, err)
		}
	}},
	{"EndDropsPendingDeliveriesAndUnwatches", func(f *fixture) {
		loc := locator()
		s := f.subscribe("shop-a", loc)
		other := f.subscribe("shop-b", loc)
		f.enqueue(4, update("swift", loc, 1), update("swift", loc, 2))
		f.wantDepth(4)
		_, _, err := f.b.End(f.ctx, "shop-b", s.ID, delivery.EndedDeleted, f.now, keep)
		wantErr(f.t, err, delivery.ErrNotFound, "End by another tenant")
		ended, now, err := f.b.End(f.ctx, "shop-a", s.ID, delivery.EndedDeleted, f.now.Add(time.Minute), keep)
		if err != nil || !now {
			f.t.Fatalf("End: ended now %v, %v", now, err)
		}
		if ended.State != delivery.StateEnded || ended.EndedReason != delivery.EndedDeleted || !ended.EndedAt.Equal(f.now.Add(time.Minute)) {
			f.t.Fatalf("ended subscription %+v", ended)
		}
		f.wantCounts("shop-a", s.ID, delivery.Counts{})
		f.wantDepth(2) // the other subscription's two
		if _, again, err := f.b.End(f.ctx, "shop-a", s.ID, delivery.EndedExpired, f.now, keep); err != nil || again {
			f.t.Fatalf("a second End: ended now %v, %v", again, err)
		}
		if got := f.get("shop-a", s.ID); got.EndedReason != delivery.EndedDeleted {
			f.t.Fatalf("a second End changed the reason to %q", got.EndedReason)
		}
		names := map[string]string{s.ID: "ended", other.ID: "other"}
		if got := f.drain(names); !slices.Equal(got, []string{"other:1u", "other:2u"}) {
			f.t.Fatalf("delivered %v after End, want only the other subscription's", got)
		}
		f.enqueue(1, update("swift", loc, 3))
		if ids, err := f.b.Subscribers(f.ctx, loc); err != nil || !slices.Equal(ids, []string{other.ID}) {
			f.t.Fatalf("subscribers %v, %v; want only the other", ids, err)
		}
		f.b.End(f.ctx, "shop-b", other.ID, delivery.EndedDeleted, f.now, keep)
		if w, err := f.b.Watching(f.ctx, [][]byte{loc}); err != nil || w[0] {
			f.t.Fatalf("a locator of ended subscriptions only is still watched (%v)", err)
		}
		page, err := f.b.List(f.ctx, "shop-a", "", 10)
		if err != nil || len(page) != 1 || page[0].State != delivery.StateEnded {
			f.t.Fatalf("an ended subscription is not listed as ended: %+v, %v", page, err)
		}
	}},
	{"EndedSubscriptionsAreForgottenAfterTheirKeep", func(f *fixture) {
		s := f.subscribe("shop-a", locator())
		if _, _, err := f.b.End(f.ctx, "shop-a", s.ID, delivery.EndedDeleted, time.Now(), 200*time.Millisecond); err != nil {
			f.t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		if _, err := f.b.DueToEnd(f.ctx, time.Now(), 10); err != nil {
			f.t.Fatal(err)
		}
		_, err := f.b.Get(f.ctx, "shop-a", s.ID)
		wantErr(f.t, err, delivery.ErrNotFound, "Get past the keep")
		if page, err := f.b.List(f.ctx, "shop-a", "", 10); err != nil || len(page) != 0 {
			f.t.Fatalf("listed past the keep: %+v, %v", page, err)
		}
	}},
	{"SetSecretKeepsThePreviousUntilItsTime", func(f *fixture) {
		s := f.subscribe("shop-a", locator())
		until := f.now.Add(24 * time.Hour)
		got, err := f.b.SetSecret(f.ctx, "shop-a", s.ID, "new-secret-0123456789abcdefghijklmn", until)
		if err != nil {
			f.t.Fatal(err)
		}
		if got.Secret != "new-secret-0123456789abcdefghijklmn" || got.PreviousSecret != s.Secret || !got.PreviousUntil.Equal(until) {
			f.t.Fatalf("after SetSecret: %q, previous %q until %v", got.Secret, got.PreviousSecret, got.PreviousUntil)
		}
		if secrets := f.get("shop-a", s.ID).Secrets(f.now); !slices.Equal(secrets, []string{got.Secret, s.Secret}) {
			f.t.Fatalf("secrets during the overlap %v", secrets)
		}
		if secrets := got.Secrets(until); !slices.Equal(secrets, []string{got.Secret}) {
			f.t.Fatalf("secrets after the overlap %v", secrets)
		}
		_, err = f.b.SetSecret(f.ctx, "shop-b", s.ID, "x", until)
		wantErr(f.t, err, delivery.ErrNotFound, "another tenant's SetSecret")
		f.b.End(f.ctx, "shop-a", s.ID, delivery.EndedDeleted, f.now, keep)
		_, err = f.b.SetSecret(f.ctx, "shop-a", s.ID, "another-secret-0123456789abcdefghij", until)
		wantErr(f.t, err, delivery.ErrEnded, "SetSecret of an ended subscription")
	}},
}
