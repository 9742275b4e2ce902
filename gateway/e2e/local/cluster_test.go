package local

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestClusterTopology runs the topology on a 3-master Redis Cluster.
func TestClusterTopology(t *testing.T) {
	top := up(t, "--cluster")
	if len(top.redis) != 3 {
		t.Fatalf("topology.json lists the Redis nodes %v, want three", top.redis)
	}
	t.Run("TrackWorksThroughEitherGateway", top.checkTrackThroughEitherGateway)
	t.Run("GatewaysGiveIdenticalAnswers", top.checkGatewaysAgree)
	t.Run("RecordsLandOnAllThreeMasters", top.checkRecordsOnEveryMaster)
	t.Run("GatewayRestartKeepsEveryRecord", top.checkGatewayRestartKeepsRecords)
	t.Run("NoTrackingNumberOrFactorInRedisOrLogs", top.checkPrivacy)
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
