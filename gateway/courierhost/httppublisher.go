package courierhost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/signing"
)

// HTTPPublisher publishes records to a remote gateway with a signed
// PUT {GatewayURL}/v1/couriers/{Courier}/records (docs/protocol.md §7, §9).
type HTTPPublisher struct {
	// GatewayURL is the gateway's base URL, e.g. https://gw.example.
	GatewayURL string
	// Courier is the courier id; Signer signs under it.
	Courier string
	Signer  *signing.Signer
	// Client sends the request (default: a client with a 30 s timeout).
	// Its redirects are never followed and its cookie jar is not used.
	Client *http.Client
}

var _ Publisher = HTTPPublisher{}

// userAgent names the courier host to the gateway, and nothing else.
const userAgent = "trackgate-courier-host"

// maxPublishAnswer bounds the gateway's answer: counts and one result per
// item, at most crypto.MaxPublishSize of them.
const maxPublishAnswer = 1 << 20

// PublishError is a gateway's refusal of a publish: a non-2xx status.
type PublishError struct {
	StatusCode int
}

func (e *PublishError) Error() string {
	return fmt.Sprintf("gateway answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
}

// Temporary reports whether the same publish may succeed later without
// a change on either side: 429 and 5xx. Other statuses mean the gateway
// refused this publish (a signature, a kid or a record it does not accept).
func (e *PublishError) Temporary() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// Retryable reports whether a publish that failed with err is worth
// retrying soon: network errors and timeouts are, a *PublishError when it
// is Temporary, a signer without a key never.
func Retryable(err error) bool {
	var pe *PublishError
	if errors.As(err, &pe) {
		return pe.Temporary()
	}
	return !errors.Is(err, signing.ErrNoSigningKey)
}

// Publish implements Publisher.
func (p HTTPPublisher) Publish(ctx context.Context, batch api.Records) (api.PublishResponse, error) {
	if batch.Records == nil {
		batch.Records = []crypto.SealedRecord{}
	}
	body, err := json.Marshal(batch)
	if err != nil {
		return api.PublishResponse{}, fmt.Errorf("encode records: %w", err)
	}
	url := strings.TrimRight(p.GatewayURL, "/") + "/v1/couriers/" + p.Courier + "/records"
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, url, bytes.NewReader(body))
	if err != nil {
		return api.PublishResponse{}, fmt.Errorf("publish request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if err := p.Signer.Sign(req, body); err != nil {
		return api.PublishResponse{}, err
	}
	resp, err := noRedirects(p.Client).Do(req)
	if err != nil {
		return api.PublishResponse{}, fmt.Errorf("publish to gateway: %w", err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxPublishAnswer+1))
	if err != nil {
		return api.PublishResponse{}, fmt.Errorf("read gateway answer: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return api.PublishResponse{}, &PublishError{StatusCode: resp.StatusCode}
	}
	if len(answer) > maxPublishAnswer {
		return api.PublishResponse{}, fmt.Errorf("gateway answer is larger than %d bytes", maxPublishAnswer)
	}
	var res api.PublishResponse
	if err := api.Decode(bytes.NewReader(answer), &res); err != nil {
		return api.PublishResponse{}, fmt.Errorf("gateway answer: %w", err)
	}
	return res, nil
}

// noRedirects returns a copy of c (or of a default client) that follows
// no redirect, so signed headers go nowhere but where they were meant,
// and that sends no cookies.
func noRedirects(c *http.Client) *http.Client {
	out := &http.Client{Timeout: publishTimeout}
	if c != nil {
		*out = *c
	}
	out.Jar = nil
	out.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return out
}
