package local

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/adapters/simulator"
)

// TestClusterTopology runs the topology on a 3-master Redis Cluster, with
// two host processes of every courier (up.sh --replicas 2): the push
// couriers' replicas each publish their partition of the parcels.
func TestClusterTopology(t *testing.T) {
	top := up(t, "--cluster", "--replicas", "2")
	if len(top.redis) != 3 {
		t.Fatalf("topology.json lists the Redis nodes %v, want three", top.redis)
	}
	t.Run("TrackWorksThroughEitherGateway", top.checkTrackThroughEitherGateway)
	t.Run("GatewaysGiveIdenticalAnswers", top.checkGatewaysAgree)
	t.Run("RecordsLandOnAllThreeMasters", top.checkRecordsOnEveryMaster)
	t.Run("EveryParcelTrackedWithAReplicaOfEachCourierKilled", top.checkReplicaKilled)
	t.Run("GatewayRestartKeepsEveryRecord", top.checkGatewayRestartKeepsRecords)
	t.Run("NoTrackingNumberOrFactorInRedisOrLogs", top.checkPrivacy)
}

// checkReplicaKilled: both partitions of each push courier published
// (each replica logs records published), then one replica of every
// courier is killed — the pull courier's first, whose evaluations and
// live fetches go to the other, and each push courier's second — and
// every sample is still tracked through both gateways. The killed
// replicas are started again for the checks that follow.
func (top *topology) checkReplicaKilled(t *testing.T) {
	for _, host := range []string{simulator.SwiftID, simulator.SwiftID + "-r2", simulator.PandaID, simulator.PandaID + "-r2"} {
		top.waitLog(t, arriveTimeout, host, 0, `msg="records published"`)
	}
	killed := []string{simulator.GlobalID, simulator.SwiftID + "-r2", simulator.PandaID + "-r2"}
	for _, host := range killed {
		top.kill(t, host)
	}
	for _, gw := range top.gateways {
		for _, p := range top.samples {
			top.trackUntil(t, gw, p, "found with a replica of its courier killed", found)
		}
	}
	top.start(t, killed...)
}

// checkRecordsOnEveryMaster asks each node whether it is a master and how
// many keys and record hashes it holds: buckets spread over the slots, so
// every master holds some.
func (top *topology) checkRecordsOnEveryMaster(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, addr := range top.redis {
		node := redis.NewClient(&redis.Options{Addr: addr})
		role, err := node.Do(ctx, "ROLE").Slice()
		if err != nil || len(role) == 0 || role[0] != "master" {
			t.Errorf("node %s: ROLE %v (%v), want master", addr, role, err)
		}
		size, err := node.DBSize(ctx).Result()
		if err != nil {
			t.Fatalf("DBSIZE on %s: %v", addr, err)
		}
		hashes := 0
		iter := node.ScanType(ctx, 0, "*", 1000, "hash").Iterator()
		for iter.Next(ctx) {
			hashes++
		}
		if err := iter.Err(); err != nil {
			t.Fatalf("SCAN on %s: %v", addr, err)
		}
		node.Close()
		if size == 0 || hashes == 0 {
			t.Errorf("master %s holds %d keys, %d of them hashes of records; want some", addr, size, hashes)
		}
		t.Logf("master %s: %d keys, %d record hashes", addr, size, hashes)
	}
}
