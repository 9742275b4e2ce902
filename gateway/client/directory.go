package client

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// directory is a validated GET /v1/couriers answer with the public keys
// already parsed. It is never modified after parseDirectory.
type directory struct {
	doc      api.Directory
	body     []byte
	etag     string
	couriers map[string]*courierInfo
}

type courierInfo struct {
	entry *api.CourierEntry
	keys  []courierKey
	// refused says why the courier's keys did not verify against the key
	// log (a *KeyLogError); such a courier is never asked.
	refused error
}

type courierKey struct {
	api.Key
	pk *crypto.PublicKey
}

// Directory returns the gateway's courier directory, validated. The first
// call fetches it; later calls revalidate it with If-None-Match and reuse
// the cached copy when the gateway answers 304 Not Modified. The result is
// the caller's own copy.
//
// Every directory fetched is checked against the gateway's key log
// (docs/protocol.md §7.8, WithKeyLog): a checkpoint that does not verify
// or extend the last one trusted makes it a *KeyLogError and the
// directory is not used; a courier whose keys do not verify stays listed
// but is never asked (RefusedCouriers says which, and why).
func (c *Client) Directory(ctx context.Context) (*api.Directory, error) {
	d, err := c.directory(ctx)
	if err != nil {
		return nil, err
	}
	var doc api.Directory
	if err := json.Unmarshal(d.body, &doc); err != nil { // parsed once already
		return nil, fmt.Errorf("copy directory: %w", err)
	}
	return &doc, nil
}

// DirectoryETag returns the ETag of the last directory fetched ("" before
// the first): the quoted b64 SHA-256 of its body, checked against the
// body. Apps compare it across network paths or with other users to see
// that everyone is served the same keys (key consistency).
func (c *Client) DirectoryETag() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dir == nil {
		return ""
	}
	return c.dir.etag
}

func (c *Client) directory(ctx context.Context) (*directory, error) {
	const op = "GET /v1/couriers"
	c.fetchMu.Lock()
	defer c.fetchMu.Unlock()
	c.mu.Lock()
	cached := c.dir
	c.mu.Unlock()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.endpoint("v1", "couriers"), nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if cached != nil {
		req.Header.Set("If-None-Match", cached.etag)
	}
	resp, err := c.do(req, op, http.StatusOK, http.StatusNotModified)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		if cached == nil {
			return nil, fmt.Errorf("%s: %w: 304 Not Modified to a request without If-None-Match", op, ErrGateway)
		}
		return cached, nil
	}
	body, err := readBody(resp.Body, maxDirectoryBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	d, err := parseDirectory(body, resp.Header.Get("ETag"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if err := c.checkKeyLog(ctx, d); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.dir = d
	c.mu.Unlock()
	return d, nil
}

// directoryETag is the ETag tg1 prescribes: the quoted b64 SHA-256 of the body.
func directoryETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + crypto.EncodeB64(sum[:]) + `"`
}

// parseDirectory decodes and validates a directory body. A served ETag
// must be the body's hash (a proxy may mark it weak): otherwise comparing
// ETags would not prove that two clients saw the same keys.
func parseDirectory(body []byte, servedETag string) (*directory, error) {
	etag := directoryETag(body)
	if servedETag != "" && strings.TrimPrefix(servedETag, "W/") != etag {
		return nil, fmt.Errorf("%w: its ETag is not the SHA-256 of its body", ErrInvalidDirectory)
	}
	d := &directory{body: body, etag: etag, couriers: map[string]*courierInfo{}}
	if err := json.Unmarshal(body, &d.doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidDirectory, err)
	}
	doc := &d.doc
	switch {
	case doc.Protocol != api.Protocol:
		return nil, fmt.Errorf("%w: protocol %q, this SDK speaks %q", ErrInvalidDirectory, doc.Protocol, api.Protocol)
	case doc.Revision != api.Revision:
		// Another revision seals and signs differently (docs/protocol.md §13):
		// misreading it would be worse than refusing it.
		return nil, fmt.Errorf("%w: protocol revision %d, this SDK speaks revision %d", ErrInvalidDirectory, doc.Revision, api.Revision)
	case doc.Suite != crypto.Suite:
		return nil, fmt.Errorf("%w: suite %q, want %q", ErrInvalidDirectory, doc.Suite, crypto.Suite)
	}
	if err := crypto.CheckBucketBits(doc.BucketBits); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidDirectory, err)
	}
	if err := crypto.CheckRecordSize(doc.RecordSize); err != nil {
		return nil, fmt.Errorf("%w: record_size: %v", ErrInvalidDirectory, err)
	}
	for i := range doc.Couriers {
		info, err := checkCourier(&doc.Couriers[i])
		if err != nil {
			return nil, fmt.Errorf("%w: couriers[%d]: %v", ErrInvalidDirectory, i, err)
		}
		if d.couriers[info.entry.ID] != nil {
			return nil, fmt.Errorf("%w: courier %q is listed twice", ErrInvalidDirectory, info.entry.ID)
		}
		d.couriers[info.entry.ID] = info
	}
	return d, nil
}

func checkCourier(e *api.CourierEntry) (*courierInfo, error) {
	if err := crypto.CheckCourierID(e.ID); err != nil {
		return nil, err
	}
	if e.Factor != crypto.FactorNone && e.Factor != crypto.FactorPhoneLast4 {
		return nil, fmt.Errorf("%s: factor %q is neither %q nor %q", e.ID, e.Factor, crypto.FactorNone, crypto.FactorPhoneLast4)
	}
	if e.Mode != api.ModePush && e.Mode != api.ModePull {
		return nil, fmt.Errorf("%s: mode %q is neither %q nor %q", e.ID, e.Mode, api.ModePush, api.ModePull)
	}
	info := &courierInfo{entry: e}
	seen := map[string]bool{}
	for j, k := range e.Keys {
		pk, err := crypto.ParsePublicKey(k.PublicKey)
		if err != nil {
			return nil, fmt.Errorf("%s: keys[%d]: %v", e.ID, j, err)
		}
		// A kid that does not name its key would let a gateway make a
		// client verify proofs against a key the courier never published.
		if pk.KeyID() != k.KeyID {
			return nil, fmt.Errorf("%s: keys[%d]: kid %q does not match its public key (kid %q)", e.ID, j, k.KeyID, pk.KeyID())
		}
		if seen[k.KeyID] {
			return nil, fmt.Errorf("%s: kid %q is listed twice", e.ID, k.KeyID)
		}
		if !k.NotAfter.After(k.NotBefore) {
			return nil, fmt.Errorf("%s: keys[%d]: not_after is not after not_before", e.ID, j)
		}
		seen[k.KeyID] = true
		info.keys = append(info.keys, courierKey{Key: k, pk: pk})
	}
	return info, nil
}

// currentKey returns the key valid at now (not_before ≤ now < not_after)
// with the newest not_before: during a rotation both keys are valid and
// the new one is preferred. A refused courier has none.
func (ci *courierInfo) currentKey(now time.Time) (courierKey, bool) {
	var best courierKey
	if ci.refused != nil {
		return best, false
	}
	found := false
	for _, k := range ci.keys {
		if now.Before(k.NotBefore) || !now.Before(k.NotAfter) {
			continue
		}
		if !found || k.NotBefore.After(best.NotBefore) {
			best, found = k, true
		}
	}
	return best, found
}
