package keylog

import (
	"context"

	"golang.org/x/mod/sumdb/tlog"
)

// Storage keeps a log's entries, their tlog stored hashes and the
// witnesses' cosignatures. Implementations: Memory and Redis. Every
// method is safe for concurrent use, across processes for a shared
// storage.
type Storage interface {
	// Size returns how many entries the log holds.
	Size(ctx context.Context) (int64, error)
	// Entries returns the entries of indexes [start, end), which the
	// caller has checked are within Size.
	Entries(ctx context.Context, start, end int64) ([][]byte, error)
	// ReadHashes returns the stored hashes at the given storage indexes
	// (tlog.StoredHashIndex), every one below tlog.StoredHashCount(Size).
	ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
	// IndexOf returns the index of entry, ErrNotFound if it is not in the
	// log.
	IndexOf(ctx context.Context, entry []byte) (int64, error)
	// Append adds entry at index Size with its stored hashes
	// (tlog.StoredHashes), atomically: both land or neither, and no two
	// appends, from any process, take one index, so the tree never has a
	// gap or a fork. If entry is in the log already it adds nothing and
	// returns the entry's index and added false.
	Append(ctx context.Context, entry []byte) (index int64, added bool, err error)
	// PutCosignature keeps c as witness's latest cosignature, unless it
	// keeps one of a larger tree already.
	PutCosignature(ctx context.Context, witness string, c Cosignature) error
	// Cosignatures returns each witness's latest cosignature.
	Cosignatures(ctx context.Context) (map[string]Cosignature, error)
}

// Cosignature is a witness's signature on the checkpoint of tree size
// Size: its signed-note signature line, "— <name> <base64>\n".
type Cosignature struct {
	Size int64
	Line string
}
