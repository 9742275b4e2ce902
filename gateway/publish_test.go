package gateway

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/signing"
)

func TestPublishStoresAndAppliesTheVersionRule(t *testing.T) {
	h := newHarness(t)
	r := h.sealedFor("alpha", 3)
	status, body := h.publish(h.signers["alpha"], "alpha", mustJSON(t, api.Records{Records: []crypto.SealedRecord{r}}))
	if status != http.StatusOK || !strings.Contains(string(body), `"stored":1`) {
		t.Fatalf("first publish: %d %s", status, body)
	}
	older := h.sealedFor("alpha", 2)
	older.Locator = r.Locator
	same := r
	for _, stale := range []crypto.SealedRecord{older, same} {
		status, body = h.publish(h.signers["alpha"], "alpha", mustJSON(t, api.Records{Records: []crypto.SealedRecord{stale}}))
		var res api.PublishResponse
		if err := json.Unmarshal(body, &res); status != http.StatusOK || err != nil || res.Stored != 0 || res.Stale != 1 {
			t.Fatalf("stale publish v%d: %d %s", stale.Version, status, body)
		}
	}
	got, err := h.store.Locator(t.Context(), r.Locator, time.Now())
	if err != nil || len(got) != 1 || got[0].Version != 3 || !bytes.Equal(got[0].Ciphertext, r.Ciphertext) {
		t.Fatalf("stored record regressed: %d records, err %v", len(got), err)
	}
}

func TestPublishRefusesBadRequestsAndChangesNothing(t *testing.T) {
	h := newHarness(t)
	good := mustJSON(t, api.Records{Records: []crypto.SealedRecord{h.sealedFor("alpha", 1)}})
	_, strangerKey, _ := ed25519.GenerateKey(rand.Reader)
	stale := &signing.Signer{KeyID: "alpha", Key: h.signers["alpha"].Key, Audience: DefaultGatewayID, Now: func() time.Time { return time.Now().Add(-301 * time.Second) }}
	withRecord := func(edit func(*crypto.SealedRecord)) []byte {
		r := h.sealedFor("alpha", 1)
		edit(&r)
		return mustJSON(t, api.Records{Records: []crypto.SealedRecord{r}})
	}
	tooMany := make([]crypto.SealedRecord, crypto.MaxPublishSize+1)
	for i := range tooMany {
		tooMany[i] = h.sealedFor("alpha", 1)
		// One block each, so the body stays below max_publish_bytes and
		// the count is what is refused.
		tooMany[i].Ciphertext = tooMany[i].Ciphertext[:crypto.BlockSize]
	}
	cases := []struct {
		name    string
		signer  *signing.Signer
		courier string
		body    []byte
		tamper  func(*http.Request)
		status  int
	}{
		{"unsigned", nil, "alpha", good, nil, http.StatusUnauthorized},
		{"signed by an unknown key", &signing.Signer{KeyID: "alpha", Key: strangerKey, Audience: DefaultGatewayID}, "alpha", good, nil, http.StatusUnauthorized},
		{"unregistered key id", &signing.Signer{KeyID: "nobody", Key: strangerKey, Audience: DefaultGatewayID}, "alpha", good, nil, http.StatusUnauthorized},
		{"stale timestamp", stale, "alpha", good, nil, http.StatusUnauthorized},
		{"signed by another courier", h.signers["beta"], "alpha", good, nil, http.StatusForbidden},
		{"record of another courier", h.signers["beta"], "beta", good, nil, http.StatusUnprocessableEntity},
		{"malformed JSON", h.signers["alpha"], "alpha", []byte(`{"records":[`), nil, http.StatusBadRequest},
		{"bad base64", h.signers["alpha"], "alpha", []byte(`{"records":[{"courier":"alpha","locator":"***"}]}`), nil, http.StatusBadRequest},
		{"short locator", h.signers["alpha"], "alpha", withRecord(func(r *crypto.SealedRecord) { r.Locator = r.Locator[:15] }), nil, http.StatusBadRequest},
		{"zero version", h.signers["alpha"], "alpha", withRecord(func(r *crypto.SealedRecord) { r.Version = 0 }), nil, http.StatusBadRequest},
		{"unknown kid", h.signers["alpha"], "alpha", withRecord(func(r *crypto.SealedRecord) { r.KeyID = make([]byte, 8) }), nil, http.StatusUnprocessableEntity},
		{"ciphertext not whole blocks", h.signers["alpha"], "alpha", withRecord(func(r *crypto.SealedRecord) { r.Ciphertext = append(r.Ciphertext, make([]byte, 100)...) }), nil, http.StatusUnprocessableEntity},
		{"ciphertext of another record size", h.signers["alpha"], "alpha", withRecord(func(r *crypto.SealedRecord) { r.Ciphertext = r.Ciphertext[crypto.BlockSize:] }), nil, http.StatusUnprocessableEntity},
		{"unpadded ciphertext", h.signers["alpha"], "alpha", withRecord(func(r *crypto.SealedRecord) { r.Ciphertext = r.Ciphertext[:100] }), nil, http.StatusBadRequest},
		{"too many records", h.signers["alpha"], "alpha", mustJSON(t, api.Records{Records: tooMany}), nil, http.StatusBadRequest},
		{"oversized body", h.signers["alpha"], "alpha", bytes.Repeat([]byte(" "), 5<<20), nil, http.StatusRequestEntityTooLarge},
		{"timestamp changed after signing", h.signers["alpha"], "alpha", good, func(r *http.Request) {
			r.Header.Set(crypto.HeaderTimestamp, strconv.FormatInt(time.Now().Unix()+1, 10))
		}, http.StatusUnauthorized},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPut, h.srv.URL+"/v1/couriers/"+c.courier+"/records", bytes.NewReader(c.body))
			req.Header.Set("Content-Type", "application/json")
			if c.signer != nil {
				if err := c.signer.Sign(req, c.body); err != nil {
					t.Fatal(err)
				}
			}
			if c.tamper != nil {
				c.tamper(req)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var buf bytes.Buffer
			buf.ReadFrom(resp.Body)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, buf.Bytes())
			}
			assertProblem(t, resp.Header, buf.Bytes(), c.status)
			if n := h.store.Len(); n != 0 {
				t.Fatalf("a refused publish changed the store: %d records", n)
			}
		})
	}
}

// A batch holding one record of another size than record_size is refused
// whole, with a problem naming record_size and the size expected.
func TestPublishRefusesARecordOfAnotherSizeWhole(t *testing.T) {
	h := newHarness(t)
	short := h.sealedFor("alpha", 1)
	short.Ciphertext = short.Ciphertext[:2*crypto.BlockSize]
	status, body := h.publish(h.signers["alpha"], "alpha",
		mustJSON(t, api.Records{Records: []crypto.SealedRecord{h.sealedFor("alpha", 1), short}}))
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422: %s", status, body)
	}
	want := fmt.Sprintf("record_size is %d", crypto.DefaultRecordSize)
	if !strings.Contains(string(body), want) || !strings.Contains(string(body), "records[1]") {
		t.Errorf("problem %s does not name records[1] and %q", body, want)
	}
	if n := h.store.Len(); n != 0 {
		t.Errorf("the refused batch stored %d records", n)
	}
}

// rotatingHost serves a second key once told to, as a host does after
// its operator rotated keys.
type rotatingHost struct {
	*scriptedHost
	next    *crypto.PrivateKey
	rotated atomic.Bool
}

func (r *rotatingHost) Keys(ctx context.Context) ([]api.Key, error) {
	keys, _ := r.scriptedHost.Keys(ctx)
	if r.rotated.Load() {
		pk := r.next.Public()
		keys = append(keys, api.Key{KeyID: pk.KeyID(), PublicKey: pk.Bytes(), NotBefore: keys[0].NotBefore, NotAfter: keys[0].NotAfter})
	}
	return keys, nil
}

func TestPublishUnderANewKidRefreshesTheDirectoryOnce(t *testing.T) {
	next, _ := crypto.GenerateKey(rand.Reader)
	var host *rotatingHost
	h := newHarness(t, func(c *Config) {
		host = &rotatingHost{scriptedHost: c.Couriers[0].Host.(*scriptedHost), next: next}
		c.Couriers[0].Host = host
	})
	r := h.sealedFor("alpha", 1)
	r.KeyID = crypto.KeyIDBytes(next.Public().Bytes())
	body := mustJSON(t, api.Records{Records: []crypto.SealedRecord{r}})
	if status, _ := h.publish(h.signers["alpha"], "alpha", body); status != http.StatusUnprocessableEntity {
		t.Fatalf("before the host serves the new key: status %d, want 422", status)
	}
	host.rotated.Store(true)
	// Within minOnDemandRefresh of the last on-demand refresh nothing is
	// asked again; the harness clock is real, so wait it out by moving
	// the mark back.
	h.gw.dir.mu.Lock()
	h.gw.dir.lastOnDemand = time.Time{}
	h.gw.dir.mu.Unlock()
	if status, resp := h.publish(h.signers["alpha"], "alpha", body); status != http.StatusOK {
		t.Fatalf("after rotation: status %d %s, want the directory refreshed and the record stored", status, resp)
	}
}

func TestPublishChecksTheBatchAsAWhole(t *testing.T) {
	h := newHarness(t)
	pub := LocalPublisher{Gateway: h.gw, Courier: "alpha"}
	loc := h.sealedFor("alpha", 1).Locator
	many := make([]api.Withdrawal, crypto.MaxPublishSize)
	for i := range many {
		many[i] = api.Withdrawal{Locator: loc, Version: 1}
	}
	tests := []struct {
		name  string
		batch api.Records
		want  error
	}{
		{"empty", api.Records{}, ErrBadPublish},
		{"1001 items in all", api.Records{Records: []crypto.SealedRecord{h.sealedFor("alpha", 1)}, Withdraw: many}, ErrBadPublish},
		{"extension with a short locator", api.Records{Extend: []api.Extension{{Locator: loc[:15], Version: 1, ExpiresAt: time.Now().Add(time.Hour)}}}, ErrUnprocessableRecord},
		{"extension without expiry", api.Records{Extend: []api.Extension{{Locator: loc, Version: 1}}}, ErrUnprocessableRecord},
		{"withdrawal of version 0", api.Records{Withdraw: []api.Withdrawal{{Locator: loc, Version: 0}}}, ErrUnprocessableRecord},
		{"a record of another courier", api.Records{Records: []crypto.SealedRecord{h.sealedFor("beta", 1)}}, ErrUnprocessableRecord},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := pub.Publish(t.Context(), tt.batch); !errors.Is(err, tt.want) {
				t.Errorf("Publish = %v, want %v", err, tt.want)
			}
			if n := h.store.Len(); n != 0 {
				t.Errorf("a refused batch changed the store: %d entries", n)
			}
		})
	}
	res, err := pub.Publish(t.Context(), api.Records{Records: []crypto.SealedRecord{h.sealedFor("alpha", 1)}, Withdraw: many[:1]})
	if err != nil || res.Stored != 2 || len(res.Results) != 2 {
		t.Fatalf("a record and a withdrawal: %+v, %v; want two results, both stored", res, err)
	}
}
