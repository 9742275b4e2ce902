package local

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/config"
)

// TestSingleRedisTopology runs the fault tests on one topology with a
// single Redis, in order: each leaves every process running again for
// the next, and the privacy check reads what all of them left behind.
func TestSingleRedisTopology(t *testing.T) {
	top := up(t)
	if len(top.redis) != 1 {
		t.Fatalf("topology.json lists the Redis servers %v, want one", top.redis)
	}
	t.Run("TrackWorksThroughEitherGateway", top.checkTrackThroughEitherGateway)
	t.Run("GatewaysGiveIdenticalAnswers", top.checkGatewaysAgree)
	t.Run("GatewayRestartKeepsEveryRecord", top.checkGatewayRestartKeepsRecords)
	t.Run("CourierHostKilledMidPublishLosesNothing", top.checkCourierKillLosesNothing)
	t.Run("RedisOutageAnswers503AndKeepsPublishesInTheOutbox", top.checkRedisOutage)
	t.Run("NoTrackingNumberOrFactorInRedisOrLogs", top.checkPrivacy)
}

// checkGatewayRestartKeepsRecords kills gateway 1 with SIGKILL, starts it
// again with the same command and configuration, and compares its buckets
// with those before.
func (top *topology) checkGatewayRestartKeepsRecords(t *testing.T) {
	gw := top.gateways[0]
	before := top.stored(t)
	top.serves(t, "before the restart", gw, before)
	top.kill(t, "gateway-1")
	top.start(t, "gateway-1")
	after := top.stored(t)
	keptOrNewer(t, "the store after gateway 1's kill -9 and restart", before, after)
	top.serves(t, "after kill -9 and a restart", gw, after)
	t.Logf("gateway 1 serves all %d records of the push couriers after its restart", len(after))
}

// checkCourierKillLosesNothing kills sim-swift with SIGKILL twice: once
// just as it hands its records to its outbox and starts sending them, and
// once while its outbox holds records that the gateway, stopped, cannot
// take. Then it lets the outbox drain and looks for every record.
func (top *topology) checkCourierKillLosesNothing(t *testing.T) {
	const host = simulator.SwiftID
	gw := top.gateways[1] // gateway 1, where the host publishes, goes away meanwhile
	before := top.stored(t)
	outbox := filepath.Join(top.dir, "state", host, "outbox.db")

	// A restarted host lists its parcels, seals them all again and hands
	// them to its outbox, which sends them at once.
	top.kill(t, host)
	offset := top.logSize(t, host)
	top.start(t, host)
	top.waitLog(t, arriveTimeout, host, offset, "courier_host="+host+" records=")
	top.kill(t, host)
	midSend := outboxPending(t, outbox)

	// With gateway 1 stopped, a restarted host's records can only wait in
	// its outbox: kill it while they do.
	top.stop(t, "gateway-1")
	offset = top.logSize(t, host)
	top.start(t, host)
	top.waitLog(t, arriveTimeout, host, offset, "publishing records failed; they stay in the outbox")
	top.kill(t, host)
	held := outboxPending(t, outbox)
	if held == 0 {
		t.Fatalf("the outbox of %s held no record when the host was killed", host)
	}

	offset = top.logSize(t, host)
	top.start(t, host, "gateway-1")
	top.waitLog(t, arriveTimeout, host, offset, " pending=0 ")
	t.Logf("the outbox held %d records when killed as it began sending, %d when killed with the gateway away; then it drained", midSend, held)

	after := top.stored(t)
	keptOrNewer(t, "the store after "+host+" was killed twice", before, after)
	top.serves(t, "after "+host+" was killed twice", gw, after)
	if after.count(host) < before.count(host) {
		t.Errorf("the store holds %d records of %s, fewer than the %d before", after.count(host), host, before.count(host))
	}
	for _, p := range top.samplesOf(host) {
		top.trackUntil(t, gw, p, "found", found)
	}
}

// outboxPending opens an outbox file read-only (its host must be stopped)
// and counts the records in it.
func outboxPending(t *testing.T, path string) int {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("open the outbox %s: %v", path, err)
	}
	defer db.Close()
	n := 0
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
			n += b.Stats().KeyN
			return nil
		})
	})
	if err != nil {
		t.Fatalf("read the outbox %s: %v", path, err)
	}
	return n
}

// checkRedisOutage stops Redis: reads answer 503 with Retry-After, push
// hosts keep running with their new records in their outboxes; once Redis
// is back, those records arrive and Redis still holds the earlier ones.
func (top *topology) checkRedisOutage(t *testing.T) {
	gw1, gw2 := top.gateways[0], top.gateways[1]
	before := top.stored(t)
	var someLocator string
	for _, r := range before {
		someLocator = crypto.EncodeB64(r.Locator)
		break
	}
	world := top.world(t)
	pushHosts := []string{simulator.SwiftID, simulator.PandaID}
	offsets := map[string]int64{}
	for _, h := range pushHosts {
		offsets[h] = top.logSize(t, h)
	}

	top.stop(t, "redis")
	// Whatever changes from here on can reach the store only through an
	// outbox that kept it while Redis was away.
	atStop := pushParcels(t, world, pushHosts)
	for _, gw := range []string{gw1, gw2} {
		top.wantUnavailable(t, gw+"/v1/buckets/"+crypto.FormatBucket(0))
		top.wantUnavailable(t, gw+"/v1/records/"+someLocator)
		top.wantUnavailable(t, gw+"/readyz")
	}

	// Wait for a push courier to have new parcel versions that its host
	// failed to publish (simulated time runs at the topology's speed).
	var changed []api.DemoParcel
	var atChange map[string]adapters.Parcel
	waitFor(t, arriveTimeout, "a push parcel to change and its host to fail publishing it", func() bool {
		now := pushParcels(t, world, pushHosts)
		changed = changed[:0]
		for number, p := range now {
			if old, ok := atStop[number]; (!ok || p.Version > old.Version) &&
				strings.Contains(top.logSince(t, p.View.Courier, offsets[p.View.Courier]), "publishing records failed; they stay in the outbox") {
				changed = append(changed, parcelSample(p))
			}
		}
		atChange = now
		return len(changed) > 0
	})
	// The hosts look at the simulated clock every tick (1 s): one more and
	// the change is in the outbox.
	time.Sleep(simulator.DefaultTickInterval + 500*time.Millisecond)
	for _, h := range pushHosts {
		if !top.alive(t, h) {
			t.Errorf("push host %s stopped while Redis was away; it should keep retrying", h)
		}
	}

	top.start(t, "redis")
	top.waitReady(t)
	if len(changed) > 3 {
		changed = changed[:3]
	}
	for _, p := range changed {
		want := len(atChange[p.TrackingNumber].View.Events)
		top.trackUntil(t, gw2, p, fmt.Sprintf("with the %d events it had during the outage", want),
			func(v adapters.View) bool { return len(v.Events) >= want })
	}
	after := top.stored(t)
	keptOrNewer(t, "Redis after a restart", before, after)
	top.serves(t, "after Redis's restart", gw2, after)
	t.Logf("%d parcels changed while Redis was away and arrived after; Redis kept all %d records", len(changed), len(before))
}

// world rebuilds, in this process, the simulated world the courier hosts
// run, from sim-swift's configuration: every host has the same seed, start
// and wall_start, so it is the world of all three.
func (top *topology) world(t *testing.T) *simulator.World {
	t.Helper()
	cfg, err := config.LoadCourier(top.configPath(simulator.SwiftID))
	if err != nil {
		t.Fatal(err)
	}
	src, err := adapters.Open(cfg.Adapter.Name, cfg.Adapter.Options)
	if err != nil {
		t.Fatal(err)
	}
	sim, ok := src.(*simulator.Source)
	if !ok {
		t.Fatalf("adapter %s is a %T, want the simulator", cfg.Adapter.Name, src)
	}
	return sim.World()
}

// pushParcels lists the live parcels of couriers now, by tracking number.
func pushParcels(t *testing.T, w *simulator.World, couriers []string) map[string]adapters.Parcel {
	t.Helper()
	out := map[string]adapters.Parcel{}
	for _, id := range couriers {
		src, err := w.Source(id)
		if err != nil {
			t.Fatal(err)
		}
		err = src.Parcels(context.Background(), func(p adapters.Parcel) bool {
			out[p.View.TrackingNumber] = p
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func parcelSample(p adapters.Parcel) api.DemoParcel {
	s := api.DemoParcel{Courier: p.View.Courier, TrackingNumber: p.View.TrackingNumber}
	if len(p.Factors) > 0 {
		s.Factor = p.Factors[0]
	}
	return s
}
