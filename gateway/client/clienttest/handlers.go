package clienttest

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/problem"
)

func directoryETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + crypto.EncodeB64(sum[:]) + `"`
}

// route counts and records a request on its route and answers a failure
// set by Fail instead of calling h.
func (g *Gateway) route(name string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			problem.Write(w, http.StatusBadRequest, "The body could not be read.")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		seen := Request{Route: name, BodyBytes: len(body)}
		if name == RouteEvaluate {
			var req api.EvaluateRequest
			_ = json.Unmarshal(body, &req) // a malformed body is refused below
			for _, part := range req.Requests {
				seen.Couriers = append(seen.Couriers, part.Courier)
				seen.Elements = append(seen.Elements, len(part.Blinded))
			}
		}
		g.mu.Lock()
		g.hits[name]++
		g.seen = append(g.seen, seen)
		f, failing := g.failures[name]
		g.mu.Unlock()
		if failing {
			problem.Write(w, f.status, f.detail)
			return
		}
		h(w, r)
	}
}

func (g *Gateway) serveDirectory(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	body, etag := g.dirBody, g.dirETag
	g.mu.Unlock()
	w.Header().Set("ETag", etag)
	for _, tag := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		if strings.TrimPrefix(strings.TrimSpace(tag), "W/") == etag {
			g.mu.Lock()
			g.notModified++
			g.mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

func writeJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		problem.Write(w, http.StatusInternalServerError, "The fake gateway could not encode its answer.")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// serveEvaluate follows §7: a malformed request as a whole is a 400; a
// problem confined to one courier's part makes that result "invalid".
func (g *Gateway) serveEvaluate(w http.ResponseWriter, r *http.Request) {
	var req api.EvaluateRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		problem.Write(w, http.StatusBadRequest, "The body is not an evaluation request.")
		return
	}
	if len(req.Requests) == 0 || len(req.Requests) > crypto.MaxCouriers {
		problem.Write(w, http.StatusBadRequest, "An evaluation asks 1 to 16 couriers.")
		return
	}
	seen := map[string]bool{}
	for _, part := range req.Requests {
		if seen[part.Courier] || len(part.Blinded) > crypto.MaxBatch {
			problem.Write(w, http.StatusBadRequest, "Each courier appears once, with at most 8 elements.")
			return
		}
		seen[part.Courier] = true
	}
	g.mu.Lock()
	g.evaluations = append(g.evaluations, req)
	g.mu.Unlock()

	resp := api.EvaluateResponse{Results: []api.EvaluateResult{}}
	for _, part := range req.Requests {
		resp.Results = append(resp.Results, g.evaluatePart(part))
	}
	writeJSON(w, resp)
}

func (g *Gateway) evaluatePart(part api.CourierEvaluation) api.EvaluateResult {
	res := api.EvaluateResult{Courier: part.Courier, KeyID: part.KeyID, Status: api.StatusInvalid}
	co := g.couriers[part.Courier]
	if co == nil || part.KeyID != co.Key.Public().KeyID() {
		return res
	}
	blinded := make([][]byte, len(part.Blinded))
	for i, b := range part.Blinded {
		blinded[i] = b
	}
	if crypto.ValidateBatch(blinded) != nil {
		return res
	}
	key := co.Key
	switch co.Behaviour {
	case Timeout:
		res.Status = api.StatusTimeout
		return res
	case Unavailable:
		res.Status = api.StatusUnavailable
		return res
	case RateLimited:
		res.Status = api.StatusRateLimited
		return res
	case BadProof:
		key = g.impostor
	}
	evaluated, proof, err := key.Evaluate(blinded)
	if err != nil {
		return res
	}
	res.Status = api.StatusOK
	for _, e := range evaluated {
		res.Evaluated = append(res.Evaluated, e)
	}
	res.Proof = proof
	return res
}

func (g *Gateway) serveBucket(w http.ResponseWriter, r *http.Request) {
	b, err := crypto.ParseBucket(r.PathValue("bucket"), g.bucketBits)
	if err != nil {
		problem.Write(w, http.StatusBadRequest, "The bucket is not lowercase hex within this deployment.")
		return
	}
	out := api.PublicRecords{Records: []crypto.PublicRecord{}}
	g.mu.Lock()
	for _, rec := range g.records {
		if crypto.Bucket(rec.Locator, g.bucketBits) == b && !g.couriers[rec.Courier].Missing {
			out.Records = append(out.Records, rec.Public())
		}
	}
	out.Missing = append([]string{}, g.missing...)
	g.mu.Unlock()
	for _, co := range g.order {
		if co.Missing {
			out.Missing = append(out.Missing, co.ID)
		}
	}
	writeJSON(w, out)
}

func (g *Gateway) serveRecord(w http.ResponseWriter, r *http.Request) {
	loc, err := crypto.ParseLocator(r.PathValue("locator"))
	if err != nil {
		problem.Write(w, http.StatusBadRequest, "The locator is not 16 bytes of base64url.")
		return
	}
	out := api.PublicRecords{Records: []crypto.PublicRecord{}}
	g.mu.Lock()
	if rec, ok := g.records[crypto.EncodeB64(loc)]; ok && !g.couriers[rec.Courier].Missing {
		out.Records = append(out.Records, rec.Public())
	}
	out.Missing = append([]string{}, g.missing...)
	g.mu.Unlock()
	for _, co := range g.order {
		if co.Missing {
			out.Missing = append(out.Missing, co.ID)
		}
	}
	writeJSON(w, out)
}
