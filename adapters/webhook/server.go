package webhook

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
)

// maxFactorsBodyBytes caps the body of PUT /v1/parcels/{tracking_number}.
const maxFactorsBodyBytes = 64 << 10

// ParcelResponse is the answer to GET /v1/parcels/{tracking_number}: the
// parcel as the courier host will publish it.
type ParcelResponse struct {
	Version uint64   `json:"version"`
	Factors []string `json:"factors"`
	// View is absent while the parcel has factors but no events yet.
	View *adapters.View `json:"view,omitempty"`
}

// routes builds the ingest API. Paths are never logged: they hold
// tracking numbers.
func (a *Adapter) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if !allowMethods(w, r, http.MethodGet) {
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("/v1/events", a.authorized(a.handleEvents))
	mux.HandleFunc("/v1/parcels/{tracking_number}", a.authorized(a.handleParcel))
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeProblem(w, http.StatusNotFound, "There is no such resource; the ingest API is POST /v1/events and /v1/parcels/{tracking_number}.")
	})
	return mux
}

// authorized refuses a request without the courier's bearer token. The
// tokens are compared as SHA-256 digests in constant time, so neither
// their content nor their length shows in the timing.
func (a *Adapter) authorized(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(sum[:], a.tokenHash[:]) != 1 {
			a.cfg.Logger.Warn("webhook request without a valid token refused")
			w.Header().Set("WWW-Authenticate", `Bearer realm="trackgate webhook"`)
			writeProblem(w, http.StatusUnauthorized, "Send the courier's token as Authorization: Bearer <token>.")
			return
		}
		next(w, r)
	}
}

func (a *Adapter) handleEvents(w http.ResponseWriter, r *http.Request) {
	if !allowMethods(w, r, http.MethodPost) {
		return
	}
	start := time.Now()
	if e := checkJSONContentType(r); e != nil {
		writeProblem(w, e.status, e.detail)
		return
	}
	var req EventsRequest
	if e := decodeBody(http.MaxBytesReader(w, r.Body, MaxEventsBodyBytes), &req); e != nil {
		writeProblem(w, e.status, e.detail)
		return
	}
	now := a.cfg.Now()
	events, bad := validateEvents(req, a.cfg.Factor, now)
	if bad != nil {
		a.cfg.Logger.Info("webhook events refused", "events", len(req.Events), "problems", bad.total)
		writeInvalid(w, bad)
		return
	}
	res, refused, err := a.store.ingest(events, a.cfg.Factor, now)
	switch {
	case err != nil:
		a.cfg.Logger.Error("storing webhook events failed", "events", len(events), "error", err)
		writeProblem(w, http.StatusInternalServerError, "The events could not be stored; nothing was stored. Send them again later.")
		return
	case refused != nil:
		a.cfg.Logger.Info("webhook events refused", "events", len(events), "problems", refused.total)
		writeInvalid(w, refused)
		return
	}
	a.changes.mark(res.changed...)
	a.cfg.Logger.Info("webhook events stored", "received", len(events), "stored", res.stored,
		"duplicates", res.duplicates, "parcels", res.parcels, "duration", time.Since(start).Round(time.Millisecond))
	writeJSON(w, http.StatusAccepted, EventsResponse{
		Received: len(events), Stored: res.stored, Duplicates: res.duplicates, Parcels: res.parcels,
	})
}

func (a *Adapter) handleParcel(w http.ResponseWriter, r *http.Request) {
	if !allowMethods(w, r, http.MethodGet, http.MethodPut, http.MethodDelete) {
		return
	}
	tn, err := crypto.NormalizeTrackingNumber(r.PathValue("tracking_number"))
	if err != nil {
		writeProblem(w, http.StatusBadRequest, "The path does not end in a tracking number: after removing spaces, '-' and '.', it must be 6 to 40 ASCII letters or digits.")
		return
	}
	switch r.Method {
	case http.MethodGet:
		a.getParcel(w, tn)
	case http.MethodPut:
		a.putFactors(w, r, tn)
	case http.MethodDelete:
		if _, err := a.store.drop(tn, a.cfg.Now()); err != nil {
			a.cfg.Logger.Error("dropping a webhook parcel failed", "error", err)
			writeProblem(w, http.StatusInternalServerError, "The parcel could not be dropped. Try again later.")
			return
		}
		a.cfg.Logger.Info("webhook parcel dropped")
		w.WriteHeader(http.StatusNoContent)
	}
}

func (a *Adapter) getParcel(w http.ResponseWriter, tn string) {
	p, err := a.store.get(tn)
	switch {
	case err != nil:
		a.cfg.Logger.Error("reading a webhook parcel failed", "error", err)
		writeProblem(w, http.StatusInternalServerError, "The parcel could not be read. Try again later.")
		return
	case p == nil || (len(p.Events) == 0 && len(p.Factors) == 0) || p.expired(a.cfg.Now(), a.cfg.Retention):
		writeProblem(w, http.StatusNotFound, "No parcel has this tracking number.")
		return
	}
	res := ParcelResponse{Version: p.version(), Factors: p.Factors}
	if res.Factors == nil {
		res.Factors = []string{}
	}
	if len(p.Events) > 0 {
		v := parcel(a.cfg.Courier, tn, p).View
		res.View = &v
	}
	writeJSON(w, http.StatusOK, res)
}

func (a *Adapter) putFactors(w http.ResponseWriter, r *http.Request, tn string) {
	if e := checkJSONContentType(r); e != nil {
		writeProblem(w, e.status, e.detail)
		return
	}
	var req FactorsRequest
	if e := decodeBody(http.MaxBytesReader(w, r.Body, maxFactorsBodyBytes), &req); e != nil {
		writeProblem(w, e.status, e.detail)
		return
	}
	if req.Factors == nil {
		writeInvalidField(w, "/factors", "is required: a list of the parcel's second factors ([] for none)")
		return
	}
	var bad problems
	factors := validateFactors(&bad, "/factors", req.Factors, a.cfg.Factor)
	if bad.total > 0 {
		writeInvalid(w, &bad)
		return
	}
	changed, refused, err := a.store.setFactors(tn, factors, a.cfg.Factor, a.cfg.Now())
	switch {
	case err != nil:
		a.cfg.Logger.Error("storing webhook factors failed", "error", err)
		writeProblem(w, http.StatusInternalServerError, "The factors could not be stored; nothing was stored. Try again later.")
		return
	case refused != nil:
		writeInvalid(w, refused)
		return
	}
	if changed {
		a.changes.mark(tn)
	}
	w.WriteHeader(http.StatusNoContent)
}

// allowMethods answers 405 to a method not in allowed and reports whether
// the request may go on.
func allowMethods(w http.ResponseWriter, r *http.Request, allowed ...string) bool {
	for _, m := range allowed {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	writeProblem(w, http.StatusMethodNotAllowed, "This resource does not support that method; see the Allow header.")
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeProblem(w, http.StatusInternalServerError, "The answer could not be encoded.")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
