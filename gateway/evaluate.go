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
	"github.com/trackgate/trackgate/gateway/telemetry"
)

// handleEvaluate serves POST /v1/evaluate: the whole request is checked
// first (JSON, base64, caps; 400 when malformed), then each courier's part
// on its own (unknown courier or kid, invalid element: that result is
// "invalid"), then every valid part is sent to its courier host at once.
// The answer holds whatever arrived by the deadline, one result per part,
// in request order.
func (g *Gateway) handleEvaluate(c *gin.Context) {
	var req api.EvaluateRequest
	if err := api.Decode(c.Request.Body, &req); err != nil {
		badBody(c, err)
		return
	}
	if err := checkEvaluateRequest(&req); err != nil {
		problem.Abort(c, http.StatusBadRequest, err.Error())
		return
	}
	elements := 0
	for _, part := range req.Requests {
		elements += len(part.Blinded)
	}
	limiter, client, refusal := g.evaluationBudget(c)
	ok, wait, err := limiter.Allow(c.Request.Context(), client, elements)
	if err != nil {
		g.cfg.Logger.WarnContext(c.Request.Context(), "rate limiter degraded", "error", err)
	}
	if !ok {
		problem.AbortRetry(c, http.StatusTooManyRequests, wait, refusal)
		return
	}
	dir := g.dir.get()
	if dir == nil {
		g.unavailable(c, "The courier directory is being assembled; try again shortly.")
		return
	}
	tenantID := ""
	if t := requestTenant(c); t != nil {
		tenantID = t.ID
	}
	results := g.evaluateAll(c.Request.Context(), dir, req.Requests, tenantID)
	c.JSON(http.StatusOK, api.EvaluateResponse{Results: results})
}

// checkEvaluateRequest refuses a request malformed as a whole. Its errors
// are sentences for the client.
func checkEvaluateRequest(req *api.EvaluateRequest) error {
	switch n := len(req.Requests); {
	case n == 0:
		return errors.New(`"requests" must name at least one courier`)
	case n > crypto.MaxCouriers:
		return fmt.Errorf(`"requests" names %d couriers; at most %d are allowed`, n, crypto.MaxCouriers)
	}
	seen := map[[2]string]bool{}
	for i, part := range req.Requests {
		switch n := len(part.Blinded); {
		case n == 0:
			return fmt.Errorf(`requests[%d].blinded must hold at least one element`, i)
		case n > crypto.MaxBatch:
			return fmt.Errorf(`requests[%d].blinded holds %d elements; at most %d are allowed`, i, n, crypto.MaxBatch)
		}
		key := [2]string{part.Courier, part.KeyID}
		if seen[key] {
			return fmt.Errorf(`requests[%d] repeats a courier and kid already asked for`, i)
		}
		seen[key] = true
	}
	return nil
}

// evaluateAll fans out to every courier at once. Parts that fail the
// gateway's own checks never leave the gateway; the elements of the others
// are counted for the transparency report, for the courier and the
// request's tenant ("" for none).
func (g *Gateway) evaluateAll(ctx context.Context, dir *directory, parts []api.CourierEvaluation, tenantID string) []api.EvaluateResult {
	results := make([]api.EvaluateResult, len(parts))
	type answer struct {
		i      int
		result api.EvaluateResult
	}
	answers := make(chan answer, len(parts)) // buffered: late answers never block
	ctx, cancel := context.WithTimeout(ctx, g.cfg.EvaluateTimeout)
	defer cancel()
	pending := 0
	for i, part := range parts {
		results[i] = api.EvaluateResult{Courier: part.Courier, KeyID: part.KeyID, Status: api.StatusTimeout}
		co, blinded, ok := g.checkPart(dir, part)
		if !ok {
			results[i].Status = api.StatusInvalid
			g.cfg.Metrics.Evaluation(g.evaluationCourier(part.Courier), telemetry.OutcomeInvalid, len(part.Blinded), 0)
			continue
		}
		g.countEvaluations(ctx, co.ID, tenantID, len(blinded))
		pending++
		go func() {
			answers <- answer{i, g.evaluateOne(ctx, co, part.KeyID, blinded)}
		}()
	}
	for ; pending > 0; pending-- {
		select {
		case a := <-answers:
			results[a.i] = a.result
		case <-ctx.Done():
			return results // the rest stay "timeout"
		}
	}
	return results
}

// checkPart validates one courier's part: a registered courier, a kid the
// directory lists as current, and valid group elements.
func (g *Gateway) checkPart(dir *directory, part api.CourierEvaluation) (*Courier, [][]byte, bool) {
	co, ok := g.couriers[part.Courier]
	if !ok || !dir.hasKey(part.Courier, part.KeyID) {
		return nil, nil, false
	}
	blinded := make([][]byte, len(part.Blinded))
	for i, b := range part.Blinded {
		blinded[i] = b
	}
	if crypto.ValidateBatch(blinded) != nil {
		return nil, nil, false
	}
	return co, blinded, true
}

// evaluateOne asks one courier host and maps its outcome to a status. The
// host is sent the kid and the blinded elements, nothing else.
func (g *Gateway) evaluateOne(ctx context.Context, co *Courier, kid string, blinded [][]byte) api.EvaluateResult {
	res := api.EvaluateResult{Courier: co.ID, KeyID: kid}
	start := time.Now()
	evaluated, proof, err := co.Host.Evaluate(ctx, kid, blinded)
	if err == nil {
		err = checkEvaluation(len(blinded), evaluated, proof)
	}
	res.Status = evaluationStatus(ctx, err)
	g.cfg.Metrics.Evaluation(co.ID, evaluationOutcome(res.Status, err), len(blinded), since(start))
	if res.Status != api.StatusOK {
		g.cfg.Logger.InfoContext(ctx, "evaluation failed", "courier", co.ID, "status", res.Status,
			"elapsed", time.Since(start).Round(time.Millisecond))
		return res
	}
	res.Evaluated = make([]crypto.B64, len(evaluated))
	for i, e := range evaluated {
		res.Evaluated[i] = e
	}
	res.Proof = proof
	return res
}

// checkEvaluation validates a host's answer before relaying it: the
// gateway checks every group element it receives, too.
func checkEvaluation(want int, evaluated [][]byte, proof []byte) error {
	if len(evaluated) != want {
		return fmt.Errorf("%w: %d evaluated elements for %d blinded", api.ErrUnavailable, len(evaluated), want)
	}
	if err := crypto.ValidateBatch(evaluated); err != nil {
		return fmt.Errorf("%w: %v", api.ErrUnavailable, err)
	}
	if len(proof) != crypto.ProofSize {
		return fmt.Errorf("%w: proof of %d bytes", api.ErrUnavailable, len(proof))
	}
	return nil
}

func evaluationStatus(ctx context.Context, err error) string {
	switch {
	case err == nil:
		return api.StatusOK
	case errors.Is(err, api.ErrRateLimited):
		return api.StatusRateLimited
	case errors.Is(err, api.ErrUnknownKey), errors.Is(err, api.ErrInvalidInput):
		return api.StatusInvalid
	case errors.Is(err, context.DeadlineExceeded), ctx.Err() != nil:
		return api.StatusTimeout
	default:
		return api.StatusUnavailable
	}
}

// badBody answers a body that could not be decoded: 413 when it was too
// large, else 400 with the decoder's client-safe detail.
func badBody(c *gin.Context, err error) {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		problem.Abort(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body is larger than the %d bytes this endpoint accepts.", tooLarge.Limit))
		return
	}
	if errors.Is(err, api.ErrMalformed) {
		problem.Abort(c, http.StatusBadRequest, err.Error())
		return
	}
	problem.Abort(c, http.StatusBadRequest, "The request body could not be read.")
}
