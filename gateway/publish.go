package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/signing"
	"github.com/trackgate/trackgate/gateway/store"
	"github.com/trackgate/trackgate/gateway/telemetry"
	"github.com/trackgate/trackgate/gateway/transparency"
)

// Errors of Publish; the HTTP handler maps them to statuses.
var (
	ErrUnknownCourier = errors.New("unknown courier")
	// ErrBadPublish: the request as a whole is malformed (400).
	ErrBadPublish = errors.New("malformed publish")
	// ErrUnprocessableRecord: a well-formed item the gateway cannot
	// accept — another courier's record, an unknown kid, a bad shape, a
	// version out of range (422).
	ErrUnprocessableRecord = errors.New("unprocessable record")
)

// handlePublish serves PUT /v1/couriers/{courier}/records. The signature
// was verified by the middleware; here the signer must be the courier
// named in the path.
func (g *Gateway) handlePublish(c *gin.Context) {
	courier := c.Param("courier")
	if signing.KeyID(c) != courier {
		markRefusal(c, transparency.Unauthorized)
		problem.Abort(c, http.StatusForbidden, "A courier may publish only its own records: TG-Key-Id must equal the courier in the path.")
		return
	}
	// The body the signature was verified over, decoded and checked as
	// strictly as the document's schema in one pass.
	raw, _ := signing.Body(c)
	body, err := api.DecodePublish(raw)
	if err != nil {
		badBody(c, err)
		return
	}
	res, err := g.Publish(c.Request.Context(), courier, body)
	switch {
	case err == nil:
		c.JSON(http.StatusOK, res)
	case errors.Is(err, ErrBadPublish), errors.Is(err, ErrUnknownCourier):
		problem.Abort(c, http.StatusBadRequest, err.Error())
	case errors.Is(err, ErrUnprocessableRecord):
		problem.Abort(c, http.StatusUnprocessableEntity, err.Error())
	default:
		g.storeFailed(c, err)
	}
}

// Publish applies a courier's batch — records to put, expiries to extend,
// records to withdraw — and answers one result per item
// (docs/protocol.md §7). The whole batch is checked before anything is
// written, so a malformed batch changes nothing; a well-formed one goes to
// the store, which applies the version rule and the limits per item. The
// HTTP handler calls it after verifying the courier's signature; the
// embedded default's in-process courier hosts call it through
// LocalPublisher.
func (g *Gateway) Publish(ctx context.Context, courier string, batch api.Records) (api.PublishResponse, error) {
	if _, ok := g.couriers[courier]; !ok {
		return api.PublishResponse{}, fmt.Errorf("%w: %q is not registered", ErrUnknownCourier, courier)
	}
	err := g.checkPublish(courier, &batch)
	if errors.Is(err, errUnlistedKey) && g.dir.refreshOnDemand(ctx) {
		err = g.checkPublish(courier, &batch)
	}
	if err != nil {
		return api.PublishResponse{}, err
	}
	start := time.Now()
	results, err := g.cfg.Store.Apply(ctx, storeBatch(courier, &batch), g.cfg.Now())
	g.cfg.Metrics.StoreOperation(telemetry.StoreApply, start, err)
	switch {
	case errors.Is(err, store.ErrInvalidBatch):
		// checkPublish should have caught it; the store refused it whole.
		return api.PublishResponse{}, fmt.Errorf("%w: %w", ErrUnprocessableRecord, err)
	case err != nil:
		return api.PublishResponse{}, fmt.Errorf("publish %d items of %s: %w", batch.Items(), courier, err)
	}
	if len(results) != batch.Items() {
		return api.PublishResponse{}, fmt.Errorf("publish %d items of %s: the store answered %d results", batch.Items(), courier, len(results))
	}
	// Deliveries are queued before the publish is acknowledged: what the
	// courier is told is stored is never missing from a subscriber's feed.
	if err := g.deliverPublished(ctx, courier, &batch, results); err != nil {
		return api.PublishResponse{}, fmt.Errorf("publish %d items of %s: %w", batch.Items(), courier, err)
	}
	res := publishResponse(results)
	g.countRecords(ctx, courier, results[:len(batch.Records)])
	g.cfg.Logger.InfoContext(ctx, "records published", "courier", courier,
		"stored", res.Stored, "stale", res.Stale, "refused", res.Refused)
	return res, nil
}

// checkPublish refuses a malformed batch as a whole.
func (g *Gateway) checkPublish(courier string, b *api.Records) error {
	n := b.Items()
	switch {
	case n == 0:
		return fmt.Errorf("%w: the batch is empty; send at least one record, extension or withdrawal", ErrBadPublish)
	case n > crypto.MaxPublishSize:
		return fmt.Errorf("%w: %d items; at most %d per request", ErrBadPublish, n, crypto.MaxPublishSize)
	}
	dir := g.dir.get()
	for i := range b.Records {
		r := &b.Records[i]
		if err := r.Check(); err != nil {
			return fmt.Errorf("%w: records[%d]: %v", ErrUnprocessableRecord, i, err)
		}
		if len(r.Ciphertext) != g.cfg.RecordSize {
			// Every record has the deployment's size, or it would stand
			// out among the dummies of a bucket answer (docs/protocol.md §5).
			return fmt.Errorf("%w: records[%d]: the ciphertext is %d bytes; record_size is %d: seal every view to exactly %d bytes",
				ErrUnprocessableRecord, i, len(r.Ciphertext), g.cfg.RecordSize, g.cfg.RecordSize)
		}
		if r.Courier != courier {
			return fmt.Errorf("%w: records[%d] names another courier", ErrUnprocessableRecord, i)
		}
		if dir == nil || !dir.knowsKey(courier, crypto.EncodeB64(r.KeyID)) {
			return fmt.Errorf("%w: records[%d] is sealed under a kid the directory does not list for %s: %w", ErrUnprocessableRecord, i, courier, errUnlistedKey)
		}
	}
	for i, e := range b.Extend {
		if err := checkItem(e.Locator, e.Version); err != nil {
			return fmt.Errorf("%w: extend[%d]: %v", ErrUnprocessableRecord, i, err)
		}
		if e.ExpiresAt.IsZero() {
			return fmt.Errorf("%w: extend[%d]: expires_at is missing", ErrUnprocessableRecord, i)
		}
	}
	for i, w := range b.Withdraw {
		if err := checkItem(w.Locator, w.Version); err != nil {
			return fmt.Errorf("%w: withdraw[%d]: %v", ErrUnprocessableRecord, i, err)
		}
	}
	return nil
}

// checkItem checks the locator and version of an extension or withdrawal.
func checkItem(locator []byte, version uint64) error {
	switch {
	case len(locator) != crypto.LocatorSize:
		return fmt.Errorf("locator is %d bytes, want %d", len(locator), crypto.LocatorSize)
	case !crypto.ValidVersion(version):
		return errors.New("version must be 1 to 2^53-1")
	}
	return nil
}

// errUnlistedKey marks a record sealed under a kid the directory lacks.
var errUnlistedKey = errors.New("kid not in the directory")

func storeBatch(courier string, b *api.Records) store.Batch {
	out := store.Batch{Courier: courier, Records: b.Records}
	for _, e := range b.Extend {
		out.Extend = append(out.Extend, store.Extension{Locator: e.Locator, Version: e.Version, ExpiresAt: e.ExpiresAt})
	}
	for _, w := range b.Withdraw {
		out.Withdraw = append(out.Withdraw, store.Withdrawal{Locator: w.Locator, Version: w.Version})
	}
	return out
}

func publishResponse(results []store.Result) api.PublishResponse {
	res := api.PublishResponse{Results: make([]api.ItemResult, len(results))}
	for i, r := range results {
		switch r.Outcome {
		case store.Stored:
			res.Stored++
			res.Results[i] = api.ItemResult{Status: api.ItemStored}
		case store.Stale:
			res.Stale++
			res.Results[i] = api.ItemResult{Status: api.ItemStale}
		default:
			res.Refused++
			res.Results[i] = api.ItemResult{Status: api.ItemRefused, Limit: r.Limit, Detail: r.Detail}
		}
	}
	return res
}

// countRecords counts, for the transparency report, the records of a
// publish the store kept and refused, and for the metrics those it found
// stale too; extensions and withdrawals are not counted.
func (g *Gateway) countRecords(ctx context.Context, courier string, results []store.Result) {
	var stored, stale, refused int64
	for _, r := range results {
		switch r.Outcome {
		case store.Stored:
			stored++
		case store.Stale:
			stale++
		case store.Refused:
			refused++
		}
	}
	g.cfg.Metrics.PublishedRecords(courier, int(stored), int(stale), int(refused))
	g.count(ctx, transparency.Courier(courier), transparency.RecordsStored, stored)
	g.count(ctx, transparency.Courier(courier), transparency.RecordsRefused, refused)
}

// LocalPublisher publishes a courier's batches to a gateway in the same
// process; it takes the path the HTTP handler takes after the signature
// check.
type LocalPublisher struct {
	Gateway *Gateway
	Courier string
}

// Publish implements courierhost.Publisher.
func (p LocalPublisher) Publish(ctx context.Context, batch api.Records) (api.PublishResponse, error) {
	return p.Gateway.Publish(ctx, p.Courier, batch)
}
