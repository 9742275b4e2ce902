package webhook

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// problemContentType is the media type of RFC 9457 problem details.
const problemContentType = "application/problem+json"

// ProblemInvalidRequest is the problem type of a request refused for its
// content (400): its "errors" member lists each problem as a JSON pointer
// into the body and a sentence. Nothing of such a request is stored.
const ProblemInvalidRequest = "urn:trackgate:webhook:problem:invalid-request"

// problemDetails is an RFC 9457 problem with the "errors" extension.
type problemDetails struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail,omitempty"`
	Errors []fieldProblem `json:"errors,omitempty"`
}

// writeProblem answers a plain about:blank problem. detail is our own
// sentence, never an error's text.
func writeProblem(w http.ResponseWriter, status int, detail string) {
	writeDetails(w, problemDetails{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail})
}

// writeInvalid answers 400 listing the problems of a request.
func writeInvalid(w http.ResponseWriter, p *problems) {
	detail := fmt.Sprintf("The request has %d problems; nothing was stored.", p.total)
	switch {
	case p.total == 1:
		detail = "The request has a problem; nothing was stored."
	case p.total > len(p.list):
		detail = fmt.Sprintf("The request has %d problems, the first %d listed; nothing was stored.", p.total, len(p.list))
	}
	writeDetails(w, problemDetails{
		Type: ProblemInvalidRequest, Title: "Invalid request", Status: http.StatusBadRequest,
		Detail: detail, Errors: p.list,
	})
}

// writeInvalidField answers 400 with one problem.
func writeInvalidField(w http.ResponseWriter, pointer, detail string) {
	var p problems
	p.add(pointer, "%s", detail)
	writeInvalid(w, &p)
}

func writeDetails(w http.ResponseWriter, d problemDetails) {
	body, _ := json.Marshal(d) // strings, an int and a list of string pairs cannot fail
	w.Header().Set("Content-Type", problemContentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(d.Status)
	_, _ = w.Write(body)
}
