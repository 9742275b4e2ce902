package webhook_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/webhook"
)

// crashChildEnv, when set to a state file path, makes the test binary a
// child process that serves the ingest API on that file until killed.
const crashChildEnv = "TRACKGATE_WEBHOOK_CRASH_CHILD"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		os.Exit(crashChild(path))
	}
	gin.SetMode(gin.TestMode) // the gateway of the end-to-end test is quiet
	os.Exit(m.Run())
}

// crashChild serves the ingest API and prints "listening ADDR".
func crashChild(path string) int {
	a, err := webhook.Open(webhook.Config{Courier: testCourier, Listen: "127.0.0.1:0", Token: testToken, StatePath: path})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	fmt.Printf("listening %s\n", a.Addr())
	select {} // until killed
}

func TestEventsSurviveCloseAndReopen(t *testing.T) {
	in := openIngest(t)
	in.mustPost(t, ev(goodTN, 0, adapters.StatusInTransit, "Departed Hangzhou hub"),
		ev(goodTN, 60, adapters.StatusOutForDelivery, "Out for delivery"))
	want, err := in.lookup(t, goodTN)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(in.url + "/healthz"); err == nil {
		t.Fatal("the ingest API still answers after Close")
	}
	st, err := os.Stat(in.path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := st.Mode().Perm(); mode != 0o600 {
		t.Fatalf("state file mode %o, want 600", mode)
	}

	again := openIngest(t, func(c *webhook.Config) { c.StatePath = in.path })
	got, err := again.lookup(t, goodTN)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != want.Version || len(got.View.Events) != 2 || !got.View.UpdatedAt.Equal(want.View.UpdatedAt) {
		t.Fatalf("after reopening: %+v\nbefore: %+v", got, want)
	}
	// Idempotence survives too.
	if res := again.mustPost(t, ev(goodTN, 0, adapters.StatusInTransit, "Departed Hangzhou hub")); res.Duplicates != 1 {
		t.Fatalf("%+v", res)
	}
}

func TestStateFileOfAnotherCourierIsRefused(t *testing.T) {
	in := openIngest(t)
	path := in.path
	if err := in.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := webhook.Open(webhook.Config{Courier: "other-post", Token: testToken, StatePath: path})
	if !errors.Is(err, webhook.ErrConfig) || !strings.Contains(err.Error(), testCourier) {
		t.Fatalf("Open with another courier's state file: %v", err)
	}
}

// Crash test parameters: batches of crashBatchEvents events, the child
// killed once crashKillAfter batches have been acknowledged while others
// are in flight.
const (
	crashBatchEvents = 20
	crashKillAfter   = 25
	crashPosters     = 3
	crashMaxBatches  = 10000 // each poster stops here at the latest
)

func TestKilledCourierHostLosesNoAcceptedEvent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "webhook.db")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if err != nil || !ok {
		t.Fatalf("child said %q, %v", line, err)
	}
	in := &ingest{url: "http://" + addr}

	var (
		mu    sync.Mutex
		acked []webhook.EventIn
		count int
	)
	enough := make(chan struct{})
	client := &http.Client{Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	for poster := range crashPosters {
		wg.Go(func() {
			for i := range crashMaxBatches {
				batch := make([]webhook.EventIn, crashBatchEvents)
				for j := range batch {
					batch[j] = ev(fmt.Sprintf("AP7%04d%05d", poster, i%50), j, adapters.StatusInTransit, fmt.Sprintf("poster %d batch %d scan %d", poster, i, j))
				}
				if !postRaw(client, in.url, batch) {
					return // the child is gone
				}
				mu.Lock()
				acked = append(acked, batch...)
				if count++; count == crashKillAfter {
					close(enough)
				}
				mu.Unlock()
			}
		})
	}
	select {
	case <-enough:
	case <-time.After(60 * time.Second):
		t.Fatal("the child did not acknowledge enough batches within 60 s")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killed = true
	wg.Wait()

	a, err := webhook.Open(webhook.Config{Courier: testCourier, Token: testToken, StatePath: path})
	if err != nil {
		t.Fatalf("reopening the state file after the crash: %v", err)
	}
	defer a.Close()
	stored := map[string][]string{}
	for _, e := range acked {
		if _, seen := stored[e.TrackingNumber]; seen {
			continue
		}
		p, err := a.Lookup(t.Context(), adapters.ParcelRef{TrackingNumber: e.TrackingNumber})
		if err != nil {
			t.Fatalf("an acknowledged parcel is lost: %v", err)
		}
		for _, se := range p.View.Events {
			stored[e.TrackingNumber] = append(stored[e.TrackingNumber], se.Description)
		}
	}
	for _, e := range acked {
		if !slices.Contains(stored[e.TrackingNumber], e.Description) {
			t.Fatalf("an acknowledged event is lost: %q", e.Description)
		}
	}
	t.Logf("%d batches acknowledged before the kill, none lost", len(acked)/crashBatchEvents)
}

// postRaw posts a batch and reports whether it was acknowledged with 202.
func postRaw(client *http.Client, url string, batch []webhook.EventIn) bool {
	body, _ := json.Marshal(webhook.EventsRequest{Events: batch})
	req, _ := http.NewRequest(http.MethodPost, url+"/v1/events", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusAccepted
}
