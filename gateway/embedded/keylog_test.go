package embedded

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
)

// TestTheEmbeddedDefaultServesAVerifiableKeyLog: every simulated
// courier's keys are in the key log, and a client checks the directory's
// checkpoint and every courier's statements with gateway/keylog/verify.
func TestTheEmbeddedDefaultServesAVerifiableKeyLog(t *testing.T) {
	d, err := Build(Config{ParcelsPerCourier: 20})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Gateway.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Gateway.Handler())
	defer srv.Close()
	get := func(path string) []byte {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s %v", path, resp.StatusCode, body, err)
		}
		return body
	}
	var dir api.Directory
	if err := json.Unmarshal(get("/v1/couriers"), &dir); err != nil {
		t.Fatal(err)
	}
	if dir.KeyLog == nil || dir.KeyLog.Origin != KeyLogOrigin {
		t.Fatalf("key_log %+v, want the log %s", dir.KeyLog, KeyLogOrigin)
	}
	name, logKey, err := keystatement.ParseVerifierKey(dir.KeyLog.Key)
	if err != nil || name != KeyLogOrigin {
		t.Fatalf("key_log.key: %q, %v", name, err)
	}
	v, err := verify.New(verify.Config{Origin: KeyLogOrigin, LogKey: logKey}, verify.State{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Update([]byte(dir.KeyLog.Checkpoint), nil); err != nil {
		t.Fatal(err)
	}
	if string(get("/v1/log/checkpoint")) != dir.KeyLog.Checkpoint {
		t.Error("GET /v1/log/checkpoint is not the directory's checkpoint")
	}
	if len(dir.Couriers) != 3 {
		t.Fatalf("%d couriers, want the 3 simulated ones", len(dir.Couriers))
	}
	for _, e := range dir.Couriers {
		if e.Log == nil || len(e.Keys) != 1 || len(e.Log.Keys) != 1 || len(e.Log.SigningKeys) != 1 {
			t.Fatalf("%s: %d keys, log %+v; want its key with its statements", e.ID, len(e.Keys), e.Log)
		}
		keys, err := v.VerifyCourier(verify.Courier{ID: e.ID, SigningKeys: proven(t, e.Log.SigningKeys), Keys: proven(t, e.Log.Keys)}, time.Now())
		if err != nil {
			t.Fatalf("%s: %v", e.ID, err)
		}
		if keys[0].KeyID() != e.Keys[0].KeyID || keys[0].Mode != e.Mode || keys[0].Factor != e.Factor || keys[0].BucketBits != dir.BucketBits {
			t.Errorf("%s: the statement %+v does not say what the directory does", e.ID, keys[0])
		}
	}
}

func proven(t *testing.T, in []api.ProvenStatement) []verify.Proven {
	t.Helper()
	out := make([]verify.Proven, len(in))
	for i, p := range in {
		out[i] = verify.Proven{Index: p.Index, Entry: []byte(p.Statement), Proof: make(tlog.RecordProof, len(p.Proof))}
		for j, h := range p.Proof {
			copy(out[i].Proof[j][:], h)
		}
	}
	return out
}
