package gateway

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/keylog"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
	"github.com/trackgate/trackgate/gateway/problem"
)

// The key log's routes (docs/protocol.md §7.8). Proofs and entries of a
// given size never change; a checkpoint does as the log grows.
const (
	logProofCacheControl      = "public, max-age=86400"
	logCheckpointCacheControl = "public, max-age=5"
)

// registerKeyLog serves the key log's routes: the GETs with the public
// routes (tenants' keys, CORS, the fetch budget), and the witnesses'
// cosignatures, rate-limited too, without CORS.
func (g *Gateway) registerKeyLog(v1, public *gin.RouterGroup, checked gin.HandlerFunc) {
	limit := g.limitFetches()
	public.GET("/log/checkpoint", limit, checked, g.handleLogCheckpoint)
	public.GET("/log/consistency", limit, checked, g.handleLogConsistency)
	public.GET("/log/inclusion", limit, checked, g.handleLogInclusion)
	public.GET("/log/entries", limit, checked, g.handleLogEntries)
	for _, path := range []string{"/log/checkpoint", "/log/consistency", "/log/inclusion", "/log/entries"} {
		v1.OPTIONS(path, checked, g.handlePreflight)
	}
	v1.POST("/log/cosignatures", limit, problem.LimitBody(verify.MaxCheckpointSize), checked, g.handleLogCosignature)
}

// keyLog is the gateway's key log, or nil after answering 404 when it
// keeps none.
func (g *Gateway) keyLog(c *gin.Context) *logKeeper {
	if g.dir.log == nil {
		problem.Abort(c, http.StatusNotFound, "This gateway keeps no key log.")
	}
	return g.dir.log
}

func (g *Gateway) handleLogCheckpoint(c *gin.Context) {
	l := g.keyLog(c)
	if l == nil {
		return
	}
	ctx := c.Request.Context()
	var signed []byte
	var err error
	if c.Query("witnessed") == "1" {
		signed, err = l.log.WitnessedCheckpoint(ctx, l.quorum)
	} else {
		signed, err = l.log.Checkpoint(ctx)
	}
	if errors.Is(err, keylog.ErrNotWitnessed) {
		problem.Abort(c, http.StatusNotFound, "No checkpoint of the key log has been cosigned by this gateway's quorum of witnesses yet.")
		return
	}
	if err != nil {
		g.logUnavailable(c, err)
		return
	}
	c.Header("Cache-Control", logCheckpointCacheControl)
	c.Data(http.StatusOK, "text/plain; charset=utf-8", signed)
}

func (g *Gateway) handleLogConsistency(c *gin.Context) {
	l := g.keyLog(c)
	if l == nil {
		return
	}
	old, okOld := logNumber(c, "old")
	size, okNew := logNumber(c, "new")
	if !okOld || !okNew {
		return
	}
	if old > size {
		problem.Abort(c, http.StatusBadRequest, "old must not be above new: a consistency proof goes from a smaller log to a larger one.")
		return
	}
	proof, err := l.log.ConsistencyProof(c.Request.Context(), old, size)
	if g.logAnswered(c, err, "new is beyond the key log's size; fetch its checkpoint first.") {
		return
	}
	c.Header("Cache-Control", logProofCacheControl)
	c.JSON(http.StatusOK, api.LogProof{Proof: hashes(proof)})
}

func (g *Gateway) handleLogInclusion(c *gin.Context) {
	l := g.keyLog(c)
	if l == nil {
		return
	}
	index, okIndex := logNumber(c, "index")
	size, okSize := logNumber(c, "size")
	if !okIndex || !okSize {
		return
	}
	if index >= size {
		problem.Abort(c, http.StatusBadRequest, "index must be below size: entries are numbered from 0.")
		return
	}
	proof, err := l.log.InclusionProof(c.Request.Context(), index, size)
	if g.logAnswered(c, err, "size is beyond the key log's size; fetch its checkpoint first.") {
		return
	}
	c.Header("Cache-Control", logProofCacheControl)
	c.JSON(http.StatusOK, api.LogProof{Proof: hashes(proof)})
}

func (g *Gateway) handleLogEntries(c *gin.Context) {
	l := g.keyLog(c)
	if l == nil {
		return
	}
	start, okStart := logNumber(c, "start")
	end, okEnd := logNumber(c, "end")
	if !okStart || !okEnd {
		return
	}
	if end < start || end-start > keylog.MaxEntries {
		problem.Abort(c, http.StatusBadRequest, "end must be from start to start + 1000: at most 1000 entries at once.")
		return
	}
	entries, err := l.log.Entries(c.Request.Context(), start, end)
	if g.logAnswered(c, err, "end is beyond the key log's size; fetch its checkpoint first.") {
		return
	}
	out := api.LogEntries{Entries: make([]crypto.B64, len(entries))}
	for i, e := range entries {
		out.Entries[i] = e
	}
	c.Header("Cache-Control", logProofCacheControl)
	c.JSON(http.StatusOK, out)
}

// handleLogCosignature takes a witness's cosigned checkpoint. The
// cosignature is the credential: keylog takes it only from a configured
// witness, on a checkpoint the log signed with its root at that size.
func (g *Gateway) handleLogCosignature(c *gin.Context) {
	l := g.keyLog(c)
	if l == nil {
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		problem.Abort(c, http.StatusRequestEntityTooLarge, "A cosigned checkpoint is at most 16 KiB.")
		return
	}
	ctx := c.Request.Context()
	err = l.log.AddCosignature(ctx, body)
	switch {
	case errors.Is(err, verify.ErrFork):
		// The log's key signed a root this log does not have: someone
		// holds the key and shows another history.
		g.cfg.Logger.ErrorContext(ctx, "a witness sent a checkpoint signed by the log's key with a root this log does not have", "error", err)
		problem.Abort(c, http.StatusUnprocessableEntity, "This checkpoint is signed by the log's key, but its root is not this log's at that size.")
		return
	case errors.Is(err, keylog.ErrBadCosignature):
		problem.Abort(c, http.StatusUnprocessableEntity, "The body is not a checkpoint of this log cosigned by a witness this gateway is configured with.")
		return
	case err != nil:
		g.logUnavailable(c, err)
		return
	}
	g.cfg.Logger.InfoContext(ctx, "witness cosignature kept")
	if l.quorum > 0 {
		// A new key may now be witnessed: list it without waiting for the
		// next refresh.
		if err := g.dir.rebuildNow(ctx); err != nil {
			g.cfg.Logger.WarnContext(ctx, "directory not rebuilt after a cosignature", "error", err)
		}
	}
	c.Status(http.StatusNoContent)
}

// logNumber reads a query parameter the document has checked is a
// decimal; 400 if it is out of range.
func logNumber(c *gin.Context, name string) (int64, bool) {
	n, err := strconv.ParseInt(c.Query(name), 10, 64)
	if err != nil || n < 0 {
		problem.Abort(c, http.StatusBadRequest, "Sizes and indexes are decimal numbers without sign or leading zeros.")
		return 0, false
	}
	return n, true
}

// logAnswered answers err, if any: 404 with beyond when the log is not
// that large, 503 otherwise. It reports whether it answered.
func (g *Gateway) logAnswered(c *gin.Context, err error, beyond string) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, keylog.ErrRange):
		problem.Abort(c, http.StatusNotFound, "The key log is not that large: "+beyond)
	default:
		g.logUnavailable(c, err)
	}
	return true
}

func (g *Gateway) logUnavailable(c *gin.Context, err error) {
	g.cfg.Logger.WarnContext(c.Request.Context(), "key log unavailable", "error", err)
	g.unavailable(c, "The key log cannot be read right now; try again shortly.")
}
