package courierhost

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/trackgate/trackgate/crypto"
)

// Partition makes a push-mode host one of Count replicas of a courier
// that share its publishing (docs/protocol.md §8): the host indexes,
// seals and publishes only the parcels of partition Index, and evaluates
// for every parcel, as each replica does. Each parcel is thus published
// by one replica alone, its versions in order from that replica's queue
// and outbox, and the replicas together publish every parcel once.
//
// The zero Partition (or Count 1) is a host that publishes everything.
// Every replica must be given the same Count and its own Index, and be
// run: a partition whose replica is down is not published until it is
// back (its outbox keeps what it had not yet delivered).
type Partition struct {
	Index int
	Count int
}

// partitionLabel separates this use of SHA-256 from every other.
const partitionLabel = "tg1-partition\n"

// PartitionOf is the partition of count (≥ 1) that the parcel with the
// normalized tracking number tn falls in: the first 8 bytes of
// SHA-256("tg1-partition\n" ‖ tn), big-endian, modulo count. It is the
// same in every process and release, so replicas agree on it without
// talking to one another.
func PartitionOf(tn string, count int) int {
	if count <= 1 {
		return 0
	}
	sum := sha256.Sum256([]byte(partitionLabel + tn))
	return int(binary.BigEndian.Uint64(sum[:8]) % uint64(count))
}

// owns reports whether the parcel numbered number (as the adapter gives
// it) is this host's to publish. A number that does not normalize is
// owned, so that the host reports it as the others would.
func (p Partition) owns(number string) bool {
	if p.Count <= 1 {
		return true
	}
	tn, err := crypto.NormalizeTrackingNumber(number)
	if err != nil {
		return true
	}
	return PartitionOf(tn, p.Count) == p.Index
}

// MaxPartitions bounds Count: far more replicas than any courier runs.
const MaxPartitions = 1024

func (p Partition) validate(mode string) error {
	switch {
	case p.Count == 0 && p.Index == 0:
		return nil
	case p.Count < 1 || p.Count > MaxPartitions:
		return fmt.Errorf("%w: Partition.Count %d must be from 1 to %d replicas", ErrConfig, p.Count, MaxPartitions)
	case p.Index < 0 || p.Index >= p.Count:
		return fmt.Errorf("%w: Partition.Index %d must be from 0 to %d, one less than Partition.Count", ErrConfig, p.Index, p.Count-1)
	case p.Count > 1 && mode != "push":
		return fmt.Errorf("%w: Partition: only push-mode replicas split their publishing; pull-mode replicas each serve every bucket", ErrConfig)
	}
	return nil
}
