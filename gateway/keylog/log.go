package keylog

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"maps"
	"slices"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/trackgate/trackgate/crypto/keystatement"
)

// MaxEntries is the most entries one call of Entries returns.
const MaxEntries = 1000

// Config is a log's identity and whom it takes cosignatures from. New
// checks it once.
type Config struct {
	// Origin names the log: the first line of its checkpoints and the
	// note name of its signature, such as "trackgate.example/log".
	Origin string
	// Key signs checkpoints. Every gateway sharing a storage holds the
	// same key; Ed25519 being deterministic, they sign each tree size
	// alike.
	Key ed25519.PrivateKey
	// Witnesses are the witnesses whose cosignatures AddCosignature
	// takes, by note name.
	Witnesses map[string]ed25519.PublicKey
}

// Log is the key log over a Storage. It is safe for concurrent use, and
// several Logs (in several gateways) may share one Storage.
type Log struct {
	storage   Storage
	origin    string
	signer    note.Signer
	verifier  note.Verifier   // the log's own
	witnesses []note.Verifier // sorted by name
}

// New returns the log kept in s, checking cfg.
func New(s Storage, cfg Config) (*Log, error) {
	signer, err := keystatement.NewSigner(cfg.Origin, cfg.Key)
	if err != nil {
		return nil, fmt.Errorf("key log: %w", err)
	}
	v, err := keystatement.NewVerifier(cfg.Origin, cfg.Key.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, fmt.Errorf("key log: %w", err)
	}
	l := &Log{storage: s, origin: cfg.Origin, signer: signer, verifier: v}
	for _, name := range slices.Sorted(maps.Keys(cfg.Witnesses)) {
		if name == cfg.Origin {
			return nil, fmt.Errorf("key log: witness %q has the log's own name", name)
		}
		wv, err := keystatement.NewVerifier(name, cfg.Witnesses[name])
		if err != nil {
			return nil, fmt.Errorf("key log: witness: %w", err)
		}
		l.witnesses = append(l.witnesses, wv)
	}
	return l, nil
}

// Origin returns the log's origin.
func (l *Log) Origin() string { return l.origin }

// Append adds a signed statement (crypto/keystatement) to the log and
// returns its index. A statement already in the log is not added again:
// its index is returned. Anything that does not open as a statement is
// ErrInvalidStatement.
func (l *Log) Append(ctx context.Context, statement []byte) (int64, error) {
	if _, _, err := keystatement.Open(statement); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrInvalidStatement, err)
	}
	index, _, err := l.storage.Append(ctx, statement)
	if err != nil {
		return 0, fmt.Errorf("append to key log: %w", err)
	}
	return index, nil
}

// Size returns how many entries the log holds.
func (l *Log) Size(ctx context.Context) (int64, error) {
	n, err := l.storage.Size(ctx)
	if err != nil {
		return 0, fmt.Errorf("key log size: %w", err)
	}
	return n, nil
}

// IndexOf returns the index of a statement, ErrNotFound if it is not in
// the log.
func (l *Log) IndexOf(ctx context.Context, statement []byte) (int64, error) {
	i, err := l.storage.IndexOf(ctx, statement)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return 0, fmt.Errorf("find in key log: %w", err)
	}
	return i, err
}

// Entry returns the entry at index, ErrNotFound beyond the log's end.
func (l *Log) Entry(ctx context.Context, index int64) ([]byte, error) {
	entries, err := l.Entries(ctx, index, index+1)
	if errors.Is(err, ErrRange) {
		return nil, fmt.Errorf("%w: entry %d", ErrNotFound, index)
	}
	if err != nil {
		return nil, err
	}
	return entries[0], nil
}

// Entries returns the entries [start, end), at most MaxEntries of them,
// for monitors that follow the log: ErrRange if the range is not in the
// log or too long.
func (l *Log) Entries(ctx context.Context, start, end int64) ([][]byte, error) {
	size, err := l.Size(ctx)
	if err != nil {
		return nil, err
	}
	if start < 0 || end < start || end > size || end-start > MaxEntries {
		return nil, fmt.Errorf("%w: entries [%d, %d) of a log of %d, at most %d at once", ErrRange, start, end, size, MaxEntries)
	}
	entries, err := l.storage.Entries(ctx, start, end)
	if err != nil {
		return nil, fmt.Errorf("read key log: %w", err)
	}
	return entries, nil
}

// hashReader reads the storage's hashes within ctx, for tlog.
func (l *Log) hashReader(ctx context.Context) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		return l.storage.ReadHashes(ctx, indexes)
	})
}
