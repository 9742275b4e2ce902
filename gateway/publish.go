package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/signing"
)

// Errors of Publish; the HTTP handler maps them to statuses.
var (
	ErrUnknownCourier = errors.New("unknown courier")
	// ErrBadPublish: the request as a whole is malformed (400).
	ErrBadPublish = errors.New("malformed publish")
	// ErrUnprocessableRecord: a well-formed record the gateway cannot
	// accept — another courier's, an unknown kid, a bad shape (422).
	ErrUnprocessableRecord = errors.New("unprocessable record")
)

// handlePublish serves PUT /v1/couriers/{courier}/records. The signature
// was verified by the middleware; here the signer must be the courier
// named in the path.
func (g *Gateway) handlePublish(c *gin.Context) {
	courier := c.Param("courier")
	if signing.KeyID(c) != courier {
		problem.Abort(c, http.StatusForbidden, "A courier may publish only its own records: TG-Key-Id must equal the courier in the path.")
		return
	}
	var body api.Records
	if err := api.Decode(c.Request.Body, &body); err != nil {
		badBody(c, err)
		return
	}
	res, err := g.Publish(c.Request.Context(), courier, body.Records)
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

// Publish stores a courier's sealed records under the version rule. The
// whole batch is checked before anything is written, so a bad batch
// changes nothing. The HTTP handler calls it after verifying the
// courier's signature; the embedded default's in-process courier hosts
// call it through LocalPublisher.
func (g *Gateway) Publish(ctx context.Context, courier string, records []crypto.SealedRecord) (api.PublishResponse, error) {
	if _, ok := g.couriers[courier]; !ok {
		return api.PublishResponse{}, fmt.Errorf("%w: %q is not registered", ErrUnknownCourier, courier)
	}
	err := g.checkPublish(courier, records)
	if errors.Is(err, errUnlistedKey) && g.dir.refreshOnDemand(ctx) {
		err = g.checkPublish(courier, records)
	}
	if err != nil {
		return api.PublishResponse{}, err
	}
	stored, stale, err := g.cfg.Store.Put(ctx, records, g.cfg.Now())
	if err != nil {
		return api.PublishResponse{}, fmt.Errorf("publish %d records of %s: %w", len(records), courier, err)
	}
	g.cfg.Logger.Info("records published", "courier", courier, "stored", stored, "stale", stale)
	return api.PublishResponse{Stored: stored, Stale: stale}, nil
}

func (g *Gateway) checkPublish(courier string, records []crypto.SealedRecord) error {
	if len(records) > crypto.MaxPublishSize {
		return fmt.Errorf("%w: %d records; at most %d per request", ErrBadPublish, len(records), crypto.MaxPublishSize)
	}
	dir := g.dir.get()
	for i := range records {
		r := &records[i]
		if err := r.Check(); err != nil {
			return fmt.Errorf("%w: records[%d]: %v", ErrUnprocessableRecord, i, err)
		}
		if r.Courier != courier {
			return fmt.Errorf("%w: records[%d] names another courier", ErrUnprocessableRecord, i)
		}
		if dir == nil || !dir.knowsKey(courier, crypto.EncodeB64(r.KeyID)) {
			return fmt.Errorf("%w: records[%d] is sealed under a kid the directory does not list for %s: %w", ErrUnprocessableRecord, i, courier, errUnlistedKey)
		}
	}
	return nil
}

// errUnlistedKey marks a record sealed under a kid the directory lacks.
var errUnlistedKey = errors.New("kid not in the directory")

// LocalPublisher publishes a courier's records to a gateway in the same
// process; it takes the path the HTTP handler takes after the signature
// check.
type LocalPublisher struct {
	Gateway *Gateway
	Courier string
}

// Publish implements courierhost.Publisher.
func (p LocalPublisher) Publish(ctx context.Context, records []crypto.SealedRecord) (api.PublishResponse, error) {
	return p.Gateway.Publish(ctx, p.Courier, records)
}
