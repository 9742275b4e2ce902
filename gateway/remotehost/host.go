package remotehost

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/courierhost"
)

var (
	_ api.CourierHost  = (*Client)(nil)
	_ api.KeysAnswerer = (*Client)(nil)
)

// Route templates, for errors.
const (
	routeKeys     = "/tg1/keys"
	routeEvaluate = "/tg1/evaluate"
	routeBucket   = "/tg1/buckets/{bucket}"
	routeRecord   = "/tg1/records/{locator}"
)

// Keys fetches the host's keys. Each must be a valid public key whose kid
// matches it, with a window that does not end before it starts.
func (c *Client) Keys(ctx context.Context) ([]api.Key, error) {
	res, err := c.KeysAnswer(ctx)
	return res.Keys, err
}

// KeysAnswer fetches the host's keys, checked as Keys does, and whether
// it says it is still loading (docs/protocol.md §8).
func (c *Client) KeysAnswer(ctx context.Context) (api.KeysResponse, error) {
	a, err := c.do(ctx, http.MethodGet, routeKeys, routeKeys, nil, MaxAnswerBytes)
	if err != nil {
		return api.KeysResponse{}, err
	}
	if a.status != http.StatusOK {
		return api.KeysResponse{}, unexpected(http.MethodGet, routeKeys, a)
	}
	var res api.KeysResponse
	if err := api.Decode(bytes.NewReader(a.body), &res); err != nil {
		return api.KeysResponse{}, malformed(http.MethodGet, routeKeys, err)
	}
	for i, k := range res.Keys {
		pk, err := crypto.ParsePublicKey(k.PublicKey)
		switch {
		case err != nil:
			return api.KeysResponse{}, malformed(http.MethodGet, routeKeys, fmt.Errorf("keys[%d]: %w", i, err))
		case pk.KeyID() != k.KeyID:
			return api.KeysResponse{}, malformed(http.MethodGet, routeKeys, fmt.Errorf("keys[%d]: kid does not match the public key", i))
		case k.NotBefore.IsZero() || !k.NotBefore.Before(k.NotAfter):
			return api.KeysResponse{}, malformed(http.MethodGet, routeKeys, fmt.Errorf("keys[%d]: validity window is empty", i))
		}
	}
	return res, nil
}

// Evaluate asks the host to evaluate blinded under kid. It sends the kid
// and the elements and nothing else. The batch is checked before it
// leaves (api.ErrInvalidInput), and the answer after it arrives: as many
// valid elements as were sent and a 64-byte proof, else
// api.ErrUnavailable. The host's 429 is api.ErrRateLimited, its 422
// api.ErrUnknownKey (problem type courierhost.ProblemUnknownKey) or
// api.ErrInvalidInput.
func (c *Client) Evaluate(ctx context.Context, kid string, blinded [][]byte) ([][]byte, []byte, error) {
	if err := crypto.ValidateBatch(blinded); err != nil {
		return nil, nil, fmt.Errorf("evaluate: %w: %w", api.ErrInvalidInput, err)
	}
	req := api.HostEvaluateRequest{KeyID: kid, Blinded: make([]crypto.B64, len(blinded))}
	for i, b := range blinded {
		req.Blinded[i] = b
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, nil, fmt.Errorf("evaluate: encode request: %w", err)
	}
	a, err := c.do(ctx, http.MethodPost, routeEvaluate, routeEvaluate, body, MaxAnswerBytes)
	if err != nil {
		return nil, nil, err
	}
	switch a.status {
	case http.StatusOK:
	case http.StatusTooManyRequests:
		return nil, nil, fmt.Errorf("evaluate: %w", api.ErrRateLimited)
	case http.StatusUnprocessableEntity:
		if a.problemType == courierhost.ProblemUnknownKey {
			return nil, nil, fmt.Errorf("evaluate: %w", api.ErrUnknownKey)
		}
		return nil, nil, fmt.Errorf("evaluate: %w: the courier host refused an element", api.ErrInvalidInput)
	case http.StatusBadRequest:
		return nil, nil, fmt.Errorf("evaluate: %w: the courier host refused the request", api.ErrInvalidInput)
	default:
		return nil, nil, unexpected(http.MethodPost, routeEvaluate, a)
	}
	var res api.HostEvaluateResponse
	if err := api.Decode(bytes.NewReader(a.body), &res); err != nil {
		return nil, nil, malformed(http.MethodPost, routeEvaluate, err)
	}
	if len(res.Evaluated) != len(blinded) {
		return nil, nil, malformed(http.MethodPost, routeEvaluate,
			fmt.Errorf("%d evaluated elements for %d blinded", len(res.Evaluated), len(blinded)))
	}
	evaluated := make([][]byte, len(res.Evaluated))
	for i, e := range res.Evaluated {
		evaluated[i] = e
	}
	if err := crypto.ValidateBatch(evaluated); err != nil {
		return nil, nil, malformed(http.MethodPost, routeEvaluate, err)
	}
	if len(res.Proof) != crypto.ProofSize {
		return nil, nil, malformed(http.MethodPost, routeEvaluate,
			fmt.Errorf("proof of %d bytes, want %d", len(res.Proof), crypto.ProofSize))
	}
	return evaluated, res.Proof, nil
}

// Bucket fetches the records of a bucket from a pull-mode host; every
// record must pass crypto.(*SealedRecord).Check. A 404 means the host is
// not in pull mode (api.ErrNotPullMode).
func (c *Client) Bucket(ctx context.Context, bucket uint32) ([]crypto.SealedRecord, error) {
	a, err := c.do(ctx, http.MethodGet, "/tg1/buckets/"+crypto.FormatBucket(bucket), routeBucket, nil, MaxBucketBytes)
	if err != nil {
		return nil, err
	}
	switch a.status {
	case http.StatusOK:
	case http.StatusNotFound:
		return nil, fmt.Errorf("bucket: %w", api.ErrNotPullMode)
	case http.StatusBadRequest:
		return nil, fmt.Errorf("bucket: %w: the courier host refused the bucket", api.ErrInvalidInput)
	default:
		return nil, unexpected(http.MethodGet, routeBucket, a)
	}
	var res api.Records
	if err := api.Decode(bytes.NewReader(a.body), &res); err != nil {
		return nil, malformed(http.MethodGet, routeBucket, err)
	}
	for i := range res.Records {
		if err := res.Records[i].Check(); err != nil {
			return nil, malformed(http.MethodGet, routeBucket, fmt.Errorf("records[%d]: %w", i, err))
		}
	}
	if res.Records == nil {
		res.Records = []crypto.SealedRecord{}
	}
	return res.Records, nil
}

// Record fetches one record from a pull-mode host. It must pass Check and
// be the record at locator. A 404 is api.ErrNotFound, or
// api.ErrNotPullMode when the problem type says so.
func (c *Client) Record(ctx context.Context, locator []byte) (crypto.SealedRecord, error) {
	if len(locator) != crypto.LocatorSize {
		return crypto.SealedRecord{}, fmt.Errorf("record: %w: locator of %d bytes", api.ErrInvalidInput, len(locator))
	}
	a, err := c.do(ctx, http.MethodGet, "/tg1/records/"+crypto.EncodeB64(locator), routeRecord, nil, MaxAnswerBytes)
	if err != nil {
		return crypto.SealedRecord{}, err
	}
	switch a.status {
	case http.StatusOK:
	case http.StatusNotFound:
		if a.problemType == courierhost.ProblemNotPullMode {
			return crypto.SealedRecord{}, fmt.Errorf("record: %w", api.ErrNotPullMode)
		}
		return crypto.SealedRecord{}, fmt.Errorf("record: %w", api.ErrNotFound)
	case http.StatusBadRequest:
		return crypto.SealedRecord{}, fmt.Errorf("record: %w: the courier host refused the locator", api.ErrInvalidInput)
	default:
		return crypto.SealedRecord{}, unexpected(http.MethodGet, routeRecord, a)
	}
	var rec crypto.SealedRecord
	if err := api.Decode(bytes.NewReader(a.body), &rec); err != nil {
		return crypto.SealedRecord{}, malformed(http.MethodGet, routeRecord, err)
	}
	if err := rec.Check(); err != nil {
		return crypto.SealedRecord{}, malformed(http.MethodGet, routeRecord, err)
	}
	if !bytes.Equal(rec.Locator, locator) {
		return crypto.SealedRecord{}, malformed(http.MethodGet, routeRecord, fmt.Errorf("record of another locator"))
	}
	return rec, nil
}
