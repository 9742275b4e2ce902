package adaptertest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
)

// jsonSource is a "carrier" whose answer is a tg1 view in JSON, or 404.
type jsonSource struct {
	status int
	body   []byte
}

func (s jsonSource) Lookup(ctx context.Context, ref adapters.ParcelRef) (adapters.Parcel, error) {
	if s.status == 404 {
		return adapters.Parcel{}, adapters.ErrNotFound
	}
	var v adapters.View
	if err := json.Unmarshal(s.body, &v); err != nil {
		return adapters.Parcel{}, err
	}
	return adapters.Parcel{Version: 1, View: v}, nil
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRealAnswersReadsEachAnswerAgainstItsWant(t *testing.T) {
	view, _ := json.Marshal(goodView())
	want, _ := json.Marshal(Want{Ref: Ref{TrackingNumber: goodView().TrackingNumber}, View: &adapters.View{
		Status: goodView().Status, Events: goodView().Events,
	}})
	dir := writeFiles(t, map[string]string{
		"README.md":           "- delivered.json: made up for this test\n- missing.json: likewise\n",
		"delivered.json":      string(view),
		"delivered.want.json": string(want),
		"missing.json":        `{"error":"no such parcel"}`,
		"missing.want.json":   `{"ref":{"tracking_number":"X1"},"http_status":404,"error":"not_found"}`,
	})
	served := 0
	RealAnswers(t, dir, goodView().Courier, func(t *testing.T, status int, body []byte) adapters.Source {
		served++
		return jsonSource{status: status, body: body}
	})
	if served != 2 {
		t.Errorf("RealAnswers served %d answers, want 2", served)
	}
}

func TestDiffViewNamesEachDifference(t *testing.T) {
	a := goodView()
	if d := DiffView(a, a); d != "" {
		t.Fatalf("a view differs from itself:\n%s", d)
	}
	b := goodView()
	b.Status = adapters.StatusDelivered
	b.Events = append([]adapters.Event(nil), b.Events...)
	b.Events[0].Time = b.Events[0].Time.Add(time.Hour)
	b.Events[0].Location = &adapters.Location{City: "CA"}
	d := DiffView(b, a)
	for _, part := range []string{"status: got delivered", "event 0 time", "event 0 location"} {
		if !strings.Contains(d, part) {
			t.Errorf("the diff misses %q:\n%s", part, d)
		}
	}
	// The same instant in another zone is no difference.
	c := goodView()
	c.Events = append([]adapters.Event(nil), c.Events...)
	c.Events[0].Time = c.Events[0].Time.In(time.FixedZone("CST", 8*3600))
	if d := DiffView(c, a); d != "" {
		t.Errorf("the same instant in another zone differs:\n%s", d)
	}
}

func TestWantFilesAreChecked(t *testing.T) {
	tests := map[string]string{
		"no number":     `{"view":{"status":"delivered"}}`,
		"unknown error": `{"ref":{"tracking_number":"X"},"error":"gone"}`,
		"both":          `{"ref":{"tracking_number":"X"},"error":"not_found","view":{"status":"delivered"}}`,
		"neither":       `{"ref":{"tracking_number":"X"}}`,
		"unknown field": `{"ref":{"tracking_number":"X"},"error":"not_found","note":"x"}`,
	}
	for name, content := range tests {
		dir := writeFiles(t, map[string]string{"a.want.json": content})
		if _, err := readWant(filepath.Join(dir, "a.want.json")); err == nil {
			t.Errorf("%s: want file %s accepted", name, content)
		}
	}
}
