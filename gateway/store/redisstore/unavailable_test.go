package redisstore

import (
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
	"github.com/trackgate/trackgate/gateway/store/storetest"
)

// quickFailing gives up on an absent server at once: the behaviour under
// test is the error, not go-redis's retries.
var quickFailing = struct {
	maxRetries, dialerRetries int
	timeout                   time.Duration
}{-1, 1, 500 * time.Millisecond}

func TestStoppedRedisIsUnavailableUntilItReturns(t *testing.T) {
	srv := redistest.StartServer(t)
	client := redis.NewClient(&redis.Options{
		Addr: srv.Addr, MaxRetries: quickFailing.maxRetries, DialerRetries: quickFailing.dialerRetries,
		DialTimeout: quickFailing.timeout, ReadTimeout: quickFailing.timeout, WriteTimeout: quickFailing.timeout,
	})
	defer client.Close()
	s := New(client, testLimits)
	before := storetest.Record(t, "sim-swift", 1, 1, testNow.Add(time.Hour))
	if _, err := s.Apply(t.Context(), puts(before), testNow); err != nil {
		t.Fatalf("Apply while up: %v", err)
	}

	srv.Stop(t)
	down := storetest.Record(t, "sim-swift", 1, 1, testNow.Add(time.Hour))
	_, applyErr := s.Apply(t.Context(), puts(down), testNow)
	_, bucketErr := s.Bucket(t.Context(), 1, testNow)
	_, locatorErr := s.Locator(t.Context(), before.Locator, testNow)
	_, publicBucketErr := s.PublicBucket(t.Context(), 1, testNow)
	_, publicLocatorErr := s.PublicLocator(t.Context(), before.Locator, testNow)
	pingErr := s.Ping(t.Context())
	for name, err := range map[string]error{"Apply": applyErr, "Bucket": bucketErr, "Locator": locatorErr,
		"PublicBucket": publicBucketErr, "PublicLocator": publicLocatorErr, "Ping": pingErr} {
		if !errorsIsUnavailable(err) {
			t.Errorf("%s with Redis stopped: %v, want store.ErrUnavailable", name, err)
		}
	}

	// The restarted server has neither data (nothing is persisted) nor the
	// script in its cache: Apply must load it again.
	srv.Start(t)
	after := storetest.Record(t, "sim-swift", 1, 1, testNow.Add(time.Hour))
	if stored, err := storedOf(s.Apply(t.Context(), puts(after), testNow)); err != nil || stored != 1 {
		t.Fatalf("Apply after restart: stored %d, err %v", stored, err)
	}
	if got, err := s.Locator(t.Context(), after.Locator, testNow); err != nil || len(got) != 1 {
		t.Fatalf("Locator after restart: %d records, err %v", len(got), err)
	}
	if got, err := s.Bucket(t.Context(), 1, testNow); err != nil || len(got) != 1 {
		t.Fatalf("Bucket after restart: %d records, err %v; want 1", len(got), err)
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping after restart: %v", err)
	}
}

func TestClusterIsUnavailableWhileAMasterIsDown(t *testing.T) {
	c := redistest.StartCluster(t) // ours to stop, whatever the environment names
	client := redis.NewClusterClient(&redis.ClusterOptions{
		Addrs: c.Addrs, MaxRetries: quickFailing.maxRetries, DialerRetries: quickFailing.dialerRetries,
		DialTimeout: quickFailing.timeout, ReadTimeout: quickFailing.timeout, WriteTimeout: quickFailing.timeout,
	})
	defer client.Close()
	s := New(client, testLimits)
	everyBucket := func() []crypto.SealedRecord {
		var batch []crypto.SealedRecord
		for b := range uint32(1) << storetest.BucketBits {
			batch = append(batch, storetest.Record(t, "sim-swift", b, 1, testNow.Add(time.Hour)))
		}
		return batch
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping with every master up: %v", err)
	}

	c.Servers[1].Stop(t)
	if err := s.Ping(t.Context()); !errorsIsUnavailable(err) {
		t.Errorf("Ping with a master down: %v, want store.ErrUnavailable", err)
	}
	if _, err := s.Apply(t.Context(), puts(everyBucket()...), testNow); !errorsIsUnavailable(err) {
		t.Errorf("Apply to every bucket with a master down: %v, want store.ErrUnavailable", err)
	}

	// The restarted master has lost its data and its script cache.
	c.Servers[1].Start(t)
	c.WaitOK(t)
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping after the master returned: %v", err)
	}
	batch := everyBucket()
	if stored, err := storedOf(s.Apply(t.Context(), puts(batch...), testNow)); err != nil || stored != len(batch) {
		t.Fatalf("Apply after the master returned: stored %d of %d, err %v", stored, len(batch), err)
	}
}

func TestErrorRepliesThatWouldRecurAreNotUnavailability(t *testing.T) {
	r := redistest.Single(t)
	prefix := r.Prefix(t)
	s := New(r.Client, testLimits, WithKeyPrefix(prefix))
	// A foreign value of the wrong type where bucket 3's hash belongs.
	if err := r.Client.Set(t.Context(), s.recordsKey(3), "not a hash", 0).Err(); err != nil {
		t.Fatal(err)
	}
	_, err := s.Bucket(t.Context(), 3, testNow)
	if err == nil || errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Bucket over a string key: %v, want an error that is not ErrUnavailable", err)
	}
}

func errorsIsUnavailable(err error) bool { return errors.Is(err, store.ErrUnavailable) }
