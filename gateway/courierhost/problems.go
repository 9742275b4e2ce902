package courierhost

import (
	"encoding/json"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/gateway/problem"
)

// Problem type URIs of the /tg1 API. They let a client tell apart
// answers that share a status; package remotehost maps them back to the
// api errors. A courier host of another make may answer plain
// about:blank problems: clients must treat the types as hints.
const (
	// ProblemUnknownKey (422): the kid is not one of the host's keys, or
	// not valid now.
	ProblemUnknownKey = "urn:trackgate:tg1:problem:unknown-kid"
	// ProblemInvalidElement (422): a blinded element is not a valid,
	// non-identity group element.
	ProblemInvalidElement = "urn:trackgate:tg1:problem:invalid-element"
	// ProblemNotPullMode (404): the host publishes its records; buckets
	// and records are fetched from the gateway.
	ProblemNotPullMode = "urn:trackgate:tg1:problem:not-pull-mode"
	// ProblemRecordNotFound (404): no live record at the locator.
	ProblemRecordNotFound = "urn:trackgate:tg1:problem:record-not-found"
)

// abortTyped writes a problem with our own type URI and stops the chain.
// Titles and details are our sentences, never an error's text.
func abortTyped(c *gin.Context, status int, typ, title, detail string) {
	c.Abort()
	body, _ := json.Marshal(problem.Details{Type: typ, Title: title, Status: status, Detail: detail}) // four plain fields cannot fail
	c.Header("Cache-Control", "no-store")
	c.Data(status, problem.ContentType, body)
}
