// Package storetest is the conformance suite every store.Store must pass:
// the store rule of docs/protocol.md §7 for puts, extensions and
// withdrawals, the independence of couriers at one locator, the limits,
// buckets, expiry, isolation of returned data, and the exactness a store
// outside the Go heap can lose (large versions, nanosecond expiries,
// batches split by bucket). A store's own tests call Run with a
// constructor that returns an empty store.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/trackgate/trackgate/gateway/store"
)

// BucketBits is the bucket_bits the stores under test must be built with.
const BucketBits = 8

// testCase is one conformance test: run gets an empty store built with
// limits (BucketBits set by Run).
type testCase struct {
	name   string
	limits store.Limits
	run    func(f *fixture)
}

// Run runs the conformance suite; newStore returns an empty store built
// for limits, whose BucketBits is BucketBits.
func Run(t *testing.T, newStore func(t *testing.T, limits store.Limits) store.Store) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	var cases []testCase
	cases = append(cases, putCases...)
	cases = append(cases, courierCases...)
	cases = append(cases, extendCases...)
	cases = append(cases, withdrawCases...)
	cases = append(cases, limitCases()...)
	cases = append(cases, exactnessCases...)
	cases = append(cases, testCase{name: "PingAnswers", run: func(f *fixture) {
		if err := f.s.Ping(context.Background()); err != nil {
			f.t.Fatalf("Ping: %v", err)
		}
	}})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			limits := c.limits
			limits.BucketBits = BucketBits
			c.run(&fixture{t: t, s: newStore(t, limits), now: now, limits: limits.WithDefaults()})
		})
	}
}
