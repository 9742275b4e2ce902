package watchlist

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
)

func TestParseLines(t *testing.T) {
	input := strings.Join([]string{
		`{"tracking_number":"SF1234567890123","factors":["5678"]}`,
		``,
		`  {"tracking_number":"sf 1234-5678-90123","factors":["1234","5678"]}  `,
		`{"tracking_number":"1Z999AA10123456784"}`,
		`{"tracking_number":"1Z 999 AA1 012 345 678 4","factors":[],"order":"A-17"}`,
		`not json`,
		`{"tracking_number":"短"}`,
		`{"tracking_number":""}`,
		`{"factors":["1234"]}`,
	}, "\n")
	got, rejected, err := parseLines(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"SF1234567890123":    {"5678", "1234"},
		"1Z999AA10123456784": nil,
	}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("parcels = %q; want %q", got, want)
	}
	if rejected != 4 {
		t.Errorf("rejected = %d; want 4", rejected)
	}
}

func TestParseLinesRefusesOverlongLines(t *testing.T) {
	long := `{"tracking_number":"SF1234567890123","factors":["` + strings.Repeat("1", maxLineSize) + `"]}`
	if _, _, err := parseLines(strings.NewReader(long)); err == nil {
		t.Error("a line beyond the limit was read")
	}
}

func writeFile(t *testing.T, path string, lines ...string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// touch moves the file's modification time, as a new write by the
// courier's systems would a second later.
func touch(t *testing.T, path string, at time.Time) {
	t.Helper()
	if err := os.Chtimes(path, at, at); err != nil {
		t.Fatal(err)
	}
}

func watchedNumbers(w *Watchlist) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Sorted(maps.Keys(w.entries))
}

func TestReloadFollowsTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parcels.jsonl")
	writeFile(t, path,
		`{"tracking_number":"SF1111111111111","factors":["1111"]}`,
		`{"tracking_number":"SF2222222222222","factors":["2222"]}`)
	w, _ := newTestWatchlist(t, newScripted(), Config{File: path})
	if got := watchedNumbers(w); !slices.Equal(got, []string{"SF1111111111111", "SF2222222222222"}) {
		t.Fatalf("after New: watching %v", got)
	}
	if err := w.Add(adapters.ParcelRef{TrackingNumber: "SF3333333333333"}); err != nil {
		t.Fatal(err)
	}

	writeFile(t, path,
		`{"tracking_number":"SF2222222222222","factors":["2223"]}`,
		`{"tracking_number":"SF4444444444444"}`)
	touch(t, path, time.Now().Add(time.Second))
	w.reload(false)
	if got := watchedNumbers(w); !slices.Equal(got, []string{"SF2222222222222", "SF3333333333333", "SF4444444444444"}) {
		t.Errorf("after the file changed: watching %v; want the file's parcels and the added one", got)
	}
	if f := w.entries["SF2222222222222"].ref.Factors; !slices.Equal(f, []string{"2223"}) {
		t.Errorf("factors after the change = %q; want the file's new ones", f)
	}
}

func TestReloadKeepsDroppedParcelsOutWhileTheFileNamesThem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parcels.jsonl")
	writeFile(t, path, `{"tracking_number":"SF1111111111111"}`)
	w, _ := newTestWatchlist(t, newScripted(), Config{File: path})
	w.Remove("sf1111111111111")
	w.reload(true)
	if got := watchedNumbers(w); len(got) != 0 {
		t.Fatalf("a removed parcel came back from the file: %v", got)
	}
	writeFile(t, path, `{"tracking_number":"SF2222222222222"}`)
	touch(t, path, time.Now().Add(time.Second))
	w.reload(false)
	writeFile(t, path, `{"tracking_number":"SF1111111111111"}`)
	touch(t, path, time.Now().Add(2*time.Second))
	w.reload(false)
	if got := watchedNumbers(w); !slices.Equal(got, []string{"SF1111111111111"}) {
		t.Errorf("a parcel that left the file and came back is not watched: %v", got)
	}
}

func TestReloadKeepsTheParcelsWhenTheFileIsGone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parcels.jsonl")
	writeFile(t, path, `{"tracking_number":"SF1111111111111"}`)
	w, _ := newTestWatchlist(t, newScripted(), Config{File: path})
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	w.reload(false)
	if got := watchedNumbers(w); len(got) != 1 {
		t.Errorf("watching %v after the file vanished; want the parcel kept", got)
	}
}

func TestNewFailsWithoutItsFile(t *testing.T) {
	_, err := New(newScripted(), Config{File: filepath.Join(t.TempDir(), "missing.jsonl")})
	if err == nil {
		t.Fatal("New succeeded with a missing file")
	}
}

func FuzzParseLines(f *testing.F) {
	f.Add([]byte(`{"tracking_number":"SF1234567890123","factors":["5678"]}` + "\n\n" + `{"tracking_number":"1z 999"}`))
	f.Add([]byte("not json\n{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parcels, rejected, err := parseLines(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		if rejected < 0 {
			t.Fatal("negative count")
		}
		for tn, factors := range parcels {
			if n, err := crypto.NormalizeTrackingNumber(tn); err != nil || n != tn {
				t.Fatalf("key %q is not a normalized tracking number", tn)
			}
			if slices.Contains(factors, "") {
				t.Fatalf("%q has an empty factor", tn)
			}
		}
	})
}
