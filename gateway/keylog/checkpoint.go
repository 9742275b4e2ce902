package keylog

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

// Checkpoint returns the signed checkpoint of the log as it is now, with
// the cosignatures witnesses made of this very tree size: the log's
// signature first, then the witnesses' in the order of their names.
func (l *Log) Checkpoint(ctx context.Context) ([]byte, error) {
	size, err := l.Size(ctx)
	if err != nil {
		return nil, err
	}
	cosigs, err := l.storage.Cosignatures(ctx)
	if err != nil {
		return nil, fmt.Errorf("read cosignatures: %w", err)
	}
	return l.checkpointAt(ctx, size, cosigs)
}

// WitnessedCheckpoint returns the latest checkpoint that at least quorum
// configured witnesses cosigned, with their cosignatures: what a client
// requiring that many trusts. ErrNotWitnessed if there is none (the
// witnesses have not cosigned the same tree size yet).
func (l *Log) WitnessedCheckpoint(ctx context.Context, quorum int) ([]byte, error) {
	if quorum <= 0 {
		return l.Checkpoint(ctx)
	}
	cosigs, err := l.storage.Cosignatures(ctx)
	if err != nil {
		return nil, fmt.Errorf("read cosignatures: %w", err)
	}
	bySize := map[int64]int{}
	for _, w := range l.witnesses {
		if c, ok := cosigs[w.Name()]; ok {
			bySize[c.Size]++
		}
	}
	sizes := slices.Sorted(maps.Keys(bySize))
	for i := len(sizes) - 1; i >= 0; i-- {
		if bySize[sizes[i]] >= quorum {
			return l.checkpointAt(ctx, sizes[i], cosigs)
		}
	}
	return nil, fmt.Errorf("%w: no tree size cosigned by %d of the %d witnesses", ErrNotWitnessed, quorum, len(l.witnesses))
}

// checkpointAt signs the checkpoint of tree size and adds the
// cosignatures of configured witnesses made for that size.
func (l *Log) checkpointAt(ctx context.Context, size int64, cosigs map[string]Cosignature) ([]byte, error) {
	c, err := l.tree(ctx, size)
	if err != nil {
		return nil, err
	}
	msg, err := note.Sign(&note.Note{Text: c.Text()}, l.signer)
	if err != nil {
		return nil, fmt.Errorf("sign checkpoint: %w", err)
	}
	for _, w := range l.witnesses {
		if cs, ok := cosigs[w.Name()]; ok && cs.Size == size {
			msg = append(msg, cs.Line...)
		}
	}
	return msg, nil
}

// tree returns the checkpoint (unsigned) of the log at size.
func (l *Log) tree(ctx context.Context, size int64) (verify.Checkpoint, error) {
	hash, err := tlog.TreeHash(size, l.hashReader(ctx))
	if err != nil {
		return verify.Checkpoint{}, fmt.Errorf("hash key log of %d entries: %w", size, err)
	}
	return verify.Checkpoint{Origin: l.origin, Size: size, Hash: hash}, nil
}
