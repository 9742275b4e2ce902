package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/keyfile"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

// witnessFlags are the flags of witness.
type witnessFlags struct {
	gateway, key, name, logKey, state string
	interval                          time.Duration
	once                              bool
}

func newWitnessCmd(e env) *cobra.Command {
	var f witnessFlags
	cmd := &cobra.Command{
		Use:   "witness",
		Short: "Follow a gateway's key log and cosign each checkpoint that extends the last",
		Long: `witness follows the key log of one gateway (docs/protocol.md §7.8) and cosigns
its checkpoints. Each round it fetches the latest checkpoint and, when it
cosigned one before, the proof that the new one extends it; it cosigns only
then, and posts the cosignature to the gateway. A gateway with a quorum of
witnesses lists a courier's new keys only once they have cosigned.

The log's key is given (--log-key), never trusted on first sight. What the
witness cosigned last is kept in --state (mode 0600): a log that forks or
rolls back past it is never cosigned; the witness says so in one line and
stops with exit status 1. A gateway that cannot be reached is tried again
next round (with --once, exit status 1).

It prints its own note verifier key first: the key the gateway's
key_log.witnesses entry names.`,
		Example: `  trackgate witness --gateway https://track.example --key witness.key --name witness.example \
    --log-key 'track.example/log+1a2b3c4d+AbC…' --state /var/lib/trackgate/witness.json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runWitness(cmd.Context(), e, f, cmd.OutOrStdout())
		},
	}
	gatewayFlag(cmd, e, &f.gateway)
	fl := cmd.Flags()
	fl.StringVar(&f.key, "key", "", "the witness's Ed25519 signing key file ('trackgate keys gen --kind signing')")
	fl.StringVar(&f.name, "name", "", "the witness's note name, such as witness.example")
	fl.StringVar(&f.logKey, "log-key", "", "the log's note verifier key, <origin>+<hash>+<base64> (required)")
	fl.StringVar(&f.state, "state", "", "the file that keeps the last checkpoint cosigned (required)")
	fl.DurationVar(&f.interval, "interval", 10*time.Second, "time between rounds")
	fl.BoolVar(&f.once, "once", false, "one round, then exit")
	return cmd
}

// witness is one witness following one gateway.
type witness struct {
	gateway string
	http    *http.Client
	w       *verify.Witness
	state   string
}

func runWitness(ctx context.Context, e env, f witnessFlags, out io.Writer) error {
	w, vkey, err := newWitness(f)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "witness %s (verifier key %s) following %s\n", f.name, vkey, w.gateway)
	for ctx.Err() == nil {
		line, err := w.round(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			return nil // stopped mid-round, not a failure
		case errors.Is(err, verify.ErrFork), errors.Is(err, verify.ErrRollback), errors.Is(err, verify.ErrBadSignature), errors.Is(err, verify.ErrMalformed):
			return fmt.Errorf("the gateway's key log cannot be cosigned, the witness stops: %w", err)
		case err != nil && f.once:
			return err
		case err != nil:
			fmt.Fprintln(e.stderr, sentence(err))
		default:
			fmt.Fprintln(out, line)
		}
		if f.once {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-e.wait(f.interval):
		}
	}
	return nil
}

func newWitness(f witnessFlags) (*witness, string, error) {
	switch {
	case f.key == "":
		return nil, "", usageErrorf("--key is required: the witness's signing key file (make one with 'trackgate keys gen --out DIR --kind signing')")
	case f.name == "":
		return nil, "", usageErrorf("--name is required: the witness's note name, such as witness.example")
	case f.logKey == "":
		return nil, "", usageErrorf("--log-key is required: a witness never trusts a log's key on first sight")
	case f.state == "":
		return nil, "", usageErrorf("--state is required: the file that keeps the last checkpoint cosigned")
	case f.interval <= 0:
		return nil, "", usageErrorf("--interval %s: want a positive duration", f.interval)
	}
	if _, err := url.ParseRequestURI(f.gateway); err != nil {
		return nil, "", usageErrorf("--gateway %q: %v", f.gateway, err)
	}
	origin, logKey, err := keystatement.ParseVerifierKey(f.logKey)
	if err != nil {
		return nil, "", usageErrorf("--log-key: %v", err)
	}
	sk, err := keyfile.LoadSigning(f.key)
	if err != nil {
		return nil, "", usageErrorf("--key: %v", err)
	}
	vkey, err := keystatement.VerifierKey(f.name, sk.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, "", usageErrorf("--name: %v", err)
	}
	st, err := loadWitnessState(f.state)
	if err != nil {
		return nil, "", err
	}
	vw, err := verify.NewWitness(verify.Config{Origin: origin, LogKey: logKey}, f.name, sk, st)
	if err != nil {
		return nil, "", fmt.Errorf("--state %s: %w", f.state, err)
	}
	return &witness{gateway: strings.TrimRight(f.gateway, "/"), http: &http.Client{Timeout: 10 * time.Second}, w: vw, state: f.state}, vkey, nil
}

// round fetches, checks, cosigns and posts the latest checkpoint, then
// keeps it as the one later ones must extend.
func (w *witness) round(ctx context.Context) (string, error) {
	signed, err := w.get(ctx, "/v1/log/checkpoint")
	if err != nil {
		return "", err
	}
	text, _, ok := bytes.Cut(signed, []byte("\n\n"))
	if !ok {
		return "", fmt.Errorf("%w: the checkpoint is not a signed note", verify.ErrMalformed)
	}
	c, err := verify.ParseCheckpoint(string(text) + "\n")
	if err != nil {
		return "", err
	}
	var proof tlog.TreeProof
	if last, ok := w.w.Latest(); ok && last.Size > 0 && c.Size >= last.Size {
		// A smaller log needs no proof: Cosign refuses it as a rollback.
		if proof, err = w.consistency(ctx, last.Size, c.Size); err != nil {
			return "", err
		}
	}
	cosigned, err := w.w.Cosign(signed, proof)
	if err != nil {
		return "", err
	}
	// Kept before it is handed out: a witness must never forget what it
	// signed.
	if err := saveWitnessState(w.state, w.w.State()); err != nil {
		return "", err
	}
	if err := w.post(ctx, cosigned); err != nil {
		return "", err
	}
	return fmt.Sprintf("size %d root %s… cosigned", c.Size, c.Hash.String()[:12]), nil
}

func (w *witness) consistency(ctx context.Context, old, size int64) (tlog.TreeProof, error) {
	body, err := w.get(ctx, "/v1/log/consistency?old="+strconv.FormatInt(old, 10)+"&new="+strconv.FormatInt(size, 10))
	if err != nil {
		return nil, err
	}
	var p api.LogProof
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("%w: consistency proof: %v", verify.ErrMalformed, err)
	}
	proof, err := verify.Hashes(p.Proof)
	if err != nil {
		return nil, fmt.Errorf("consistency proof: %w", err)
	}
	return proof, nil
}

func (w *witness) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.gateway+path, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	return w.do(req)
}

func (w *witness) post(ctx context.Context, cosigned []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.gateway+"/v1/log/cosignatures", bytes.NewReader(cosigned))
	if err != nil {
		return fmt.Errorf("post the cosignature: %w", err)
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	_, err = w.do(req)
	return err
}

// do sends req and returns the body of a 2xx answer.
func (w *witness) do(req *http.Request) ([]byte, error) {
	what := req.Method + " " + req.URL.Path
	resp, err := w.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s: the gateway answered %s: %s", what, resp.Status, strings.TrimSpace(string(body)))
	}
	return body, nil
}

// loadWitnessState reads path; a file that does not exist yet is a
// witness that never cosigned.
func loadWitnessState(path string) (verify.State, error) {
	var st verify.State
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("--state: %w", err)
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return st, usageErrorf("--state %s: %v", path, err)
	}
	return st, nil
}

// saveWitnessState writes st to path atomically, mode 0600: a crash
// leaves the old state or the new, never half of one.
func saveWitnessState(path string, st verify.State) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("save the witness state: %w", err)
	}
	if err := keyfile.ReplaceFile(path, append(data, '\n')); err != nil {
		return fmt.Errorf("save the witness state: %w", err)
	}
	return nil
}
