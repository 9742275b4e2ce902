package keylog

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// newStorages returns views of one fresh, empty storage: for a shared
// storage, each as another gateway would have it (its own client).
type newStorages func(t *testing.T, views int) []Storage

// testStorage runs what every Storage must do against fresh storages.
func testStorage(t *testing.T, fresh newStorages) {
	one := func(t *testing.T) Storage { return fresh(t, 1)[0] }
	t.Run("Empty", func(t *testing.T) { testEmptyStorage(t, one(t)) })
	t.Run("AppendsInOrderOnce", func(t *testing.T) { testAppendsInOrderOnce(t, one(t)) })
	t.Run("KeepsEachWitnessLatestCosignature", func(t *testing.T) { testLatestCosignature(t, one(t)) })
	t.Run("ConcurrentAppendersNeverForkOrGap", func(t *testing.T) { testConcurrentAppends(t, fresh(t, 2)) })
}

// entry is a distinct entry for storage tests (storage does not look
// inside entries; the Log does).
func entry(i int) []byte { return fmt.Appendf(nil, "entry %d\n", i) }

func testEmptyStorage(t *testing.T, s Storage) {
	ctx := t.Context()
	if n, err := s.Size(ctx); n != 0 || err != nil {
		t.Errorf("Size = %d, %v; want 0", n, err)
	}
	if e, err := s.Entries(ctx, 0, 0); len(e) != 0 || err != nil {
		t.Errorf("Entries(0, 0) = %q, %v; want none", e, err)
	}
	if _, err := s.IndexOf(ctx, entry(0)); !errors.Is(err, ErrNotFound) {
		t.Errorf("IndexOf = %v, want ErrNotFound", err)
	}
	if c, err := s.Cosignatures(ctx); len(c) != 0 || err != nil {
		t.Errorf("Cosignatures = %v, %v; want none", c, err)
	}
}

func testAppendsInOrderOnce(t *testing.T, s Storage) {
	ctx := t.Context()
	const n = 21
	var want [][]byte
	for i := range n {
		index, added, err := s.Append(ctx, entry(i))
		if err != nil || index != int64(i) || !added {
			t.Fatalf("Append(entry %d) = %d, %v, %v; want %d, true", i, index, added, err, i)
		}
		want = append(want, entry(i))
		// Appending again, at once or later, adds nothing.
		for _, again := range []int{i, i / 2} {
			index, added, err := s.Append(ctx, entry(again))
			if err != nil || index != int64(again) || added {
				t.Fatalf("Append(entry %d) again = %d, %v, %v; want %d, false", again, index, added, err, again)
			}
		}
		checkTree(t, s, want)
	}
	got, err := s.Entries(ctx, 5, 9)
	if err != nil || !slices.EqualFunc(got, want[5:9], slices.Equal) {
		t.Errorf("Entries(5, 9) = %q, %v; want %q", got, err, want[5:9])
	}
	for i, e := range want {
		if index, err := s.IndexOf(ctx, e); index != int64(i) || err != nil {
			t.Errorf("IndexOf(entry %d) = %d, %v", i, index, err)
		}
	}
}

// checkTree checks that s holds exactly entries, in order, and that its
// stored hashes give the RFC 6962 root of them at every size.
func checkTree(t *testing.T, s Storage, entries [][]byte) {
	t.Helper()
	ctx := t.Context()
	n, err := s.Size(ctx)
	if err != nil || n != int64(len(entries)) {
		t.Fatalf("Size = %d, %v; want %d", n, err, len(entries))
	}
	got, err := s.Entries(ctx, 0, n)
	if err != nil || !slices.EqualFunc(got, entries, slices.Equal) {
		t.Fatalf("Entries = %q, %v; want %q", got, err, entries)
	}
	r := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) { return s.ReadHashes(ctx, indexes) })
	for size := int64(1); size <= n; size++ {
		root, err := tlog.TreeHash(size, r)
		if err != nil {
			t.Fatalf("TreeHash(%d): %v", size, err)
		}
		if want := rfc6962Root(entries[:size]); root != want {
			t.Fatalf("root of %d entries %s, want %s", size, root, want)
		}
	}
}

// rfc6962Root is MTH of RFC 6962 §2.1, written out independently of tlog.
func rfc6962Root(entries [][]byte) tlog.Hash {
	switch len(entries) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return sha256.Sum256(append([]byte{0}, entries[0]...))
	}
	k := 1
	for k*2 < len(entries) {
		k *= 2
	}
	l, r := rfc6962Root(entries[:k]), rfc6962Root(entries[k:])
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

func testLatestCosignature(t *testing.T, s Storage) {
	ctx := t.Context()
	puts := []struct {
		witness string
		c       Cosignature
	}{
		{"w1", Cosignature{5, "— w1 five\n"}},
		{"w1", Cosignature{3, "— w1 three\n"}}, // older: ignored
		{"w2", Cosignature{3, "— w2 three\n"}},
		{"w1", Cosignature{5, "— w1 five again\n"}}, // same size: replaces
		{"w2", Cosignature{12, "— w2 twelve\n"}},
	}
	for _, p := range puts {
		if err := s.PutCosignature(ctx, p.witness, p.c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Cosignatures(ctx)
	want := map[string]Cosignature{"w1": {5, "— w1 five again\n"}, "w2": {12, "— w2 twelve\n"}}
	if err != nil || len(got) != len(want) || got["w1"] != want["w1"] || got["w2"] != want["w2"] {
		t.Errorf("Cosignatures = %v, %v; want %v", got, err, want)
	}
}

// testConcurrentAppends has appenders race: each appends entries of its
// own and entries every appender appends. The log must end with each
// entry once, no index taken twice or skipped, and every appender told
// the index the entry really has.
func testConcurrentAppends(t *testing.T, views []Storage) {
	ctx := t.Context()
	appenders := len(views)
	const own, shared = 24, 24
	type result struct {
		entry []byte
		index int64
	}
	results := make([][]result, appenders)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for a := range appenders {
		wg.Go(func() {
			<-start
			var mine [][]byte
			for i := range own {
				mine = append(mine, fmt.Appendf(nil, "appender %d entry %d\n", a, i))
				mine = append(mine, entry(1000+i%shared))
			}
			if a%2 == 1 {
				slices.Reverse(mine)
			}
			for _, e := range mine {
				index, _, err := views[a].Append(ctx, e)
				if err != nil {
					t.Errorf("appender %d: %v", a, err)
					return
				}
				results[a] = append(results[a], result{e, index})
			}
		})
	}
	close(start)
	wg.Wait()
	if t.Failed() {
		return
	}
	s := views[0]
	n, err := s.Size(ctx)
	if want := int64(appenders*own + shared); err != nil || n != want {
		t.Fatalf("Size = %d, %v; want %d", n, err, want)
	}
	entries, err := s.Entries(ctx, 0, n)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int64{}
	for i, e := range entries {
		if j, ok := seen[string(e)]; ok {
			t.Fatalf("%q at %d and %d", e, j, i)
		}
		seen[string(e)] = int64(i)
	}
	for a, rs := range results {
		for _, r := range rs {
			if seen[string(r.entry)] != r.index {
				t.Errorf("appender %d told %q is at %d; it is at %d", a, r.entry, r.index, seen[string(r.entry)])
			}
		}
	}
	checkTree(t, s, entries)
}

func TestMemoryStorage(t *testing.T) {
	testStorage(t, func(_ *testing.T, views int) []Storage {
		m := NewMemory()
		return slices.Repeat([]Storage{m}, views)
	})
}
