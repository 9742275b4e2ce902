package keylog

import (
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// InclusionProof proves that entry index is in the log of size entries
// (the size of a checkpoint the client holds): ErrRange unless
// 0 ≤ index < size ≤ Size.
func (l *Log) InclusionProof(ctx context.Context, index, size int64) (tlog.RecordProof, error) {
	if err := l.within(ctx, size); err != nil {
		return nil, err
	}
	if index < 0 || index >= size {
		return nil, fmt.Errorf("%w: entry %d of a log of %d", ErrRange, index, size)
	}
	p, err := tlog.ProveRecord(size, index, l.hashReader(ctx))
	if err != nil {
		return nil, fmt.Errorf("prove entry %d of %d: %w", index, size, err)
	}
	return p, nil
}

// ConsistencyProof proves that the log of old entries is a prefix of the
// log of size entries: ErrRange unless 0 ≤ old ≤ size ≤ Size. It is empty
// when old is 0 or old equals size, where there is nothing to prove.
func (l *Log) ConsistencyProof(ctx context.Context, old, size int64) (tlog.TreeProof, error) {
	if err := l.within(ctx, size); err != nil {
		return nil, err
	}
	if old < 0 || old > size {
		return nil, fmt.Errorf("%w: a log of %d growing to %d", ErrRange, old, size)
	}
	if old == 0 || old == size {
		return tlog.TreeProof{}, nil
	}
	p, err := tlog.ProveTree(size, old, l.hashReader(ctx))
	if err != nil {
		return nil, fmt.Errorf("prove %d extends %d: %w", size, old, err)
	}
	return p, nil
}

// within is ErrRange unless 0 ≤ size ≤ Size.
func (l *Log) within(ctx context.Context, size int64) error {
	current, err := l.Size(ctx)
	if err != nil {
		return err
	}
	if size < 0 || size > current {
		return fmt.Errorf("%w: a tree of %d entries, the log has %d", ErrRange, size, current)
	}
	return nil
}
