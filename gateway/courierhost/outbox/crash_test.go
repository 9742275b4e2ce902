package outbox

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// childEnv, when set to an outbox path, makes the test binary a child
// process that writes to that outbox until it is killed.
const childEnv = "TRACKGATE_OUTBOX_CRASH_CHILD"

// Batches of the crash test: batch i publishes locators 3i … 3i+4 at
// version i+1, so consecutive batches overlap and replace records.
const (
	crashBatchRecords = 5
	crashBatchStep    = 3
	crashMaxBatches   = 100000 // the child stops on its own at the latest here
	crashKillAfter    = 200
)

func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		os.Exit(crashChild(path))
	}
	os.Exit(m.Run())
}

// crashChild publishes batch after batch and prints "acked i" once
// Publish of batch i has returned success.
func crashChild(path string) int {
	o, err := Open(path, newFakeGateway(1<<30))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	for i := range crashMaxBatches {
		batch, err := crashBatch(i)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 4
		}
		if _, err := o.Publish(context.Background(), api.Records{Records: batch}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 4
		}
		fmt.Printf("acked %d\n", i)
	}
	return 0
}

func crashBatch(i int) ([]crypto.SealedRecord, error) {
	var batch []crypto.SealedRecord
	for j := range crashBatchRecords {
		r, err := makeRecord(uint32(i*crashBatchStep+j), uint64(i)+1, farFuture)
		if err != nil {
			return nil, err
		}
		batch = append(batch, r)
	}
	return batch, nil
}

func TestKilledMidWriteLosesNoAcknowledgedRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()

	// Every line read is a Publish that returned; lines still in the pipe
	// after the kill count too.
	acked := -1
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		n, err := strconv.Atoi(strings.TrimPrefix(lines.Text(), "acked "))
		if err != nil || n != acked+1 {
			t.Fatalf("child printed %q after batch %d", lines.Text(), acked)
		}
		acked = n
		if acked == crashKillAfter && !killed {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("the child ended before it was killed: %v", err)
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v, want killed by SIGKILL", err)
	}

	o := reopen(t, path, newFakeGateway(0))
	defer o.Close()
	want := map[uint32]uint64{} // the least version each locator must hold
	for i := 0; i <= acked; i++ {
		batch, err := crashBatch(i)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range batch {
			want[locatorNumber(&r)] = r.Version
		}
	}
	batch, err := o.next(o.opts.maxBatchBytes)
	if err != nil {
		t.Fatal(err)
	}
	got := map[uint32]uint64{}
	for len(batch) > 0 {
		for _, r := range batch {
			got[locatorNumber(&r)] = r.Version
		}
		if err := o.ack(batch); err != nil {
			t.Fatal(err)
		}
		if batch, err = o.next(o.opts.maxBatchBytes); err != nil {
			t.Fatal(err)
		}
	}
	for n, v := range want {
		if got[n] < v {
			t.Errorf("locator %d: outbox holds version %d after the crash, but version %d was acknowledged", n, got[n], v)
		}
	}
	t.Logf("%d batches acknowledged before the kill; %d locators found", acked+1, len(got))
}
