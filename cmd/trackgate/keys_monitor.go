package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/keyfile"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

// monitorPage is how many entries one GET /v1/log/entries asks for: the
// most a gateway answers (docs/protocol.md §7.8).
const monitorPage = 1000

type keysMonitorFlags struct {
	gateway, courier, signingKey, signingPublic, logKey, state string
	interval                                                   time.Duration
	once                                                       bool
}

func newKeysMonitorCmd(e env) *cobra.Command {
	var f keysMonitorFlags
	cmd := &cobra.Command{
		Use:   "monitor --gateway URL --courier ID --log-key VERIFIER --state FILE",
		Short: "Watch the gateway's key log for statements made in the courier's name",
		Long: `Watch the gateway's key log (docs/protocol.md §7.8) as the courier that owns
a name: only the courier knows which signing key is really its own.

Each round fetches the log's checkpoint, checks it is signed by --log-key and
extends the one kept in --state (a fork or a rollback is an alert), reads every
entry, recomputes the checkpoint's root from them, and follows the courier's
statements through the log. It alerts on a key statement not signed by the
courier's signing key at its place in the log, on a change of signing key not
signed by the key it replaces, on a signing key other than --signing-key
becoming current, and on more than two keys live at once.

Each alert is one line on stderr, "ALERT: entry <index>: …". An honest round
prints one line on stdout. With --once the status is 1 after a round with an
alert; without, the monitor keeps watching every --interval. Alerts of entries
are given once: --state keeps how far the entries were read.`,
		Example: `  trackgate keys monitor --gateway https://gw.example --courier acme \
    --signing-key /etc/trackgate/signing.key --log-key "$LOG_KEY" \
    --state /var/lib/trackgate/monitor.json --once`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runKeysMonitor(cmd.Context(), e, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.gateway, "gateway", "", "the gateway's base URL")
	fl.StringVar(&f.courier, "courier", "", "the courier's id")
	fl.StringVar(&f.signingKey, "signing-key", "", "the courier's signing key file (only its public half is used)")
	fl.StringVar(&f.signingPublic, "signing-public", "", "the courier's signing key, b64 Ed25519 public key (instead of --signing-key)")
	fl.StringVar(&f.logKey, "log-key", "", "the key log's note verifier key, <origin>+<hash>+<base64>")
	fl.StringVar(&f.state, "state", "", "the file that keeps the last checkpoint trusted and how far the entries were read")
	fl.DurationVar(&f.interval, "interval", time.Minute, "time between rounds")
	fl.BoolVar(&f.once, "once", false, "one round, then exit: 1 if it alerted")
	return cmd
}

// monitorState is what the monitor keeps between rounds.
type monitorState struct {
	verify.State
	Read int64 `json:"read"` // entries already checked
}

// monitor is one courier's watch over one gateway's key log.
type monitor struct {
	gateway string
	courier string
	own     ed25519.PublicKey
	state   string
	read    int64
	v       *verify.Verifier
	http    *http.Client
	alerts  []string
}

func runKeysMonitor(ctx context.Context, e env, f keysMonitorFlags) error {
	m, err := newMonitor(f)
	if err != nil {
		return err
	}
	for {
		m.alerts = nil
		summary, err := m.round(ctx)
		for _, a := range m.alerts {
			fmt.Fprintln(e.stderr, "ALERT: "+printable(a))
		}
		if err != nil && f.once {
			return err
		}
		if err != nil {
			fmt.Fprintln(e.stderr, sentence(err))
		} else if len(m.alerts) == 0 {
			fmt.Fprintln(e.stdout, summary)
		}
		if f.once {
			if len(m.alerts) > 0 {
				what := "alerts"
				if len(m.alerts) == 1 {
					what = "alert"
				}
				return fmt.Errorf("%d %s about %s in the key log of %s", len(m.alerts), what, f.courier, f.gateway)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-e.wait(f.interval):
		}
	}
}

func newMonitor(f keysMonitorFlags) (*monitor, error) {
	if f.gateway == "" || f.courier == "" || f.logKey == "" || f.state == "" {
		return nil, usageErrorf("--gateway, --courier, --log-key and --state are required")
	}
	if u, err := url.Parse(f.gateway); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usageErrorf("--gateway %s: want an http or https URL", f.gateway)
	}
	if err := crypto.CheckCourierID(f.courier); err != nil {
		return nil, usageErrorf("--courier %s: %v", f.courier, err)
	}
	if f.interval <= 0 {
		return nil, usageErrorf("--interval must be positive")
	}
	var own ed25519.PublicKey
	switch {
	case (f.signingKey == "") == (f.signingPublic == ""):
		return nil, usageErrorf("give one of --signing-key and --signing-public")
	case f.signingKey != "":
		sk, err := keyfile.LoadSigning(f.signingKey)
		if err != nil {
			return nil, usageErrorf("--signing-key: %v", err)
		}
		own = sk.Public().(ed25519.PublicKey)
	default:
		pk, err := crypto.DecodeB64(f.signingPublic)
		if err != nil || len(pk) != ed25519.PublicKeySize {
			return nil, usageErrorf("--signing-public: want a 32-byte Ed25519 public key in b64")
		}
		own = pk
	}
	origin, logKey, err := keystatement.ParseVerifierKey(f.logKey)
	if err != nil {
		return nil, usageErrorf("--log-key: %v", err)
	}
	var st monitorState
	b, err := os.ReadFile(f.state)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read --state: %w", err)
	default:
		if err := json.Unmarshal(b, &st); err != nil {
			return nil, fmt.Errorf("--state %s is not a monitor's state: %w", f.state, err)
		}
	}
	v, err := verify.New(verify.Config{Origin: origin, LogKey: logKey}, verify.State{Checkpoint: st.Checkpoint})
	if err != nil {
		return nil, fmt.Errorf("--state %s: %w", f.state, err)
	}
	return &monitor{gateway: strings.TrimRight(f.gateway, "/"), courier: f.courier, own: own, state: f.state,
		read: st.Read, v: v, http: &http.Client{Timeout: 30 * time.Second}}, nil
}

func (m *monitor) alertf(format string, args ...any) {
	m.alerts = append(m.alerts, fmt.Sprintf(format, args...))
}

// round checks the log once. An error is the gateway not answering; what
// the log shows wrong is an alert.
func (m *monitor) round(ctx context.Context) (string, error) {
	signed, err := m.get(ctx, "/v1/log/checkpoint")
	if err != nil {
		return "", err
	}
	cp, err := m.v.OpenCheckpoint(signed)
	if err != nil {
		m.alertf("checkpoint: %v", err)
		return "", nil
	}
	var proof tlog.TreeProof
	if last, ok := m.v.Latest(); ok && last.Size > 0 && last.Size < cp.Size {
		if proof, err = m.consistency(ctx, last.Size, cp.Size); err != nil {
			return "", err
		}
	}
	if _, err := m.v.Update(signed, proof); err != nil {
		m.alertf("checkpoint of %d entries: %v", cp.Size, err)
		return "", nil
	}
	entries, err := m.entries(ctx, cp.Size)
	if err != nil {
		return "", err
	}
	root, err := rootOf(entries)
	if err != nil {
		return "", fmt.Errorf("the root of the gateway's entries: %w", err)
	}
	if root != cp.Hash {
		m.alertf("entries 0 to %d: their root is not the checkpoint's: the entries served are not the log signed", cp.Size-1)
		return "", nil
	}
	ours := m.follow(entries)
	if m.read > cp.Size { // cannot happen after Update; keep the state sane
		m.read = cp.Size
	}
	fresh := cp.Size - m.read
	m.read = cp.Size
	if err := m.save(); err != nil {
		return "", err
	}
	return fmt.Sprintf("key log of %d entries checked, %d new, %d statements of %s, no alert", cp.Size, fresh, ours, m.courier), nil
}

// follow replays the courier's statements through its history and alerts
// on what is wrong in the entries not read before. It returns how many
// statements are the courier's.
func (m *monitor) follow(entries [][]byte) int {
	h := keystatement.NewHistory(m.courier)
	var keys []keystatement.Key
	ours := 0
	for i, entry := range entries {
		index := int64(i)
		alert := func(format string, args ...any) {
			if index >= m.read {
				m.alertf("entry %d: "+format, append([]any{index}, args...)...)
			}
		}
		key, signing, err := keystatement.Open(entry)
		if err != nil {
			if statementCourier(entry) == m.courier {
				ours++
				alert("a statement in the name of %s that does not open: %v", m.courier, err)
			}
			continue
		}
		switch {
		case signing != nil && signing.Courier == m.courier:
			ours++
			before := h.Current()
			if err := h.Change(*signing); err != nil {
				alert("a change of %s's signing key that does not follow its history: %v", m.courier, err)
				continue
			}
			if current := h.Current(); !bytes.Equal(current, before) && !bytes.Equal(current, m.own) {
				alert("signing key %s became %s's current key, and it is not the courier's own %s", crypto.EncodeB64(current), m.courier, crypto.EncodeB64(m.own))
			}
		case key != nil && key.Courier == m.courier:
			ours++
			if err := h.Check(*key); err != nil {
				alert("a key statement of %s not signed by its signing key at its place in the log: %v", m.courier, err)
				continue
			}
			keys = append(keys, *key)
			if err := keystatement.CheckOverlap(keys); err != nil {
				alert("more than two keys of %s live at once: %v", m.courier, err)
			}
		}
	}
	return ours
}

// statementCourier is the courier a statement names on its "courier"
// line, read without checking it: for statements that do not open.
func statementCourier(entry []byte) string {
	text, _, _ := bytes.Cut(entry, []byte("\n\n"))
	for _, line := range strings.Split(string(text), "\n") {
		if id, ok := strings.CutPrefix(line, "courier "); ok {
			return id
		}
	}
	return ""
}

// rootOf is the RFC 6962 root hash of entries, as tlog computes it from
// the hashes it would store for them.
func rootOf(entries [][]byte) (tlog.Hash, error) {
	var stored []tlog.Hash
	read := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			out[i] = stored[x]
		}
		return out, nil
	})
	for i, e := range entries {
		hashes, err := tlog.StoredHashes(int64(i), e, read)
		if err != nil {
			return tlog.Hash{}, err
		}
		stored = append(stored, hashes...)
	}
	return tlog.TreeHash(int64(len(entries)), read)
}

func (m *monitor) entries(ctx context.Context, size int64) ([][]byte, error) {
	var all [][]byte
	for start := int64(0); start < size; {
		end := min(size, start+monitorPage)
		b, err := m.get(ctx, "/v1/log/entries?start="+strconv.FormatInt(start, 10)+"&end="+strconv.FormatInt(end, 10))
		if err != nil {
			return nil, err
		}
		var page api.LogEntries
		if err := json.Unmarshal(b, &page); err != nil {
			return nil, fmt.Errorf("the gateway's entries %d to %d: %w", start, end, err)
		}
		if len(page.Entries) == 0 || int64(len(page.Entries)) > end-start {
			return nil, fmt.Errorf("the gateway answered %d entries for %d to %d", len(page.Entries), start, end)
		}
		for _, e := range page.Entries {
			all = append(all, e)
		}
		start += int64(len(page.Entries))
	}
	return all, nil
}

func (m *monitor) consistency(ctx context.Context, old, size int64) (tlog.TreeProof, error) {
	b, err := m.get(ctx, "/v1/log/consistency?old="+strconv.FormatInt(old, 10)+"&new="+strconv.FormatInt(size, 10))
	if err != nil {
		return nil, err
	}
	var p api.LogProof
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("the gateway's consistency proof: %w", err)
	}
	proof, err := verify.Hashes(p.Proof)
	if err != nil {
		return nil, fmt.Errorf("the gateway's consistency proof: %w", err)
	}
	return proof, nil
}

func (m *monitor) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.gateway+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := m.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("the gateway: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, fmt.Errorf("the gateway: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the gateway answered %s to GET %s", resp.Status, strings.SplitN(path, "?", 2)[0])
	}
	return b, nil
}

// save writes the state atomically, mode 0600.
func (m *monitor) save() error {
	b, err := json.MarshalIndent(monitorState{State: verify.State{Checkpoint: m.v.State().Checkpoint}, Read: m.read}, "", "  ")
	if err != nil {
		return err
	}
	if err := keyfile.ReplaceFile(m.state, append(b, '\n')); err != nil {
		return fmt.Errorf("save --state: %w", err)
	}
	return nil
}
