package client

// Subscriptions (docs/protocol.md §10): a marketplace's server asks the
// gateway to POST every new version of some records to its callback URL,
// signed with a secret it chose. These routes take a tenant's secret key
// (tg1sk_…, sent as Authorization: Bearer), never a publishable key: they
// are for servers, not pages. A tenant sees only its own subscriptions.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/tenant"
	"github.com/trackgate/trackgate/gateway/webhook"
)

// Subscription limits of docs/protocol.md §10.
const (
	MaxSubscriptionLocators = 100 // locators per subscription
	MaxSubscriptionPage     = 100 // subscriptions per page of Subscriptions
)

// Subscription states (Subscription.State) and why one ended
// (Subscription.EndedReason).
const (
	SubscriptionActive = "active"
	SubscriptionEnded  = "ended"
	EndedExpired       = "expired" // 90 days passed, or every record expired or was withdrawn
	EndedDeleted       = "deleted"
)

// maxSubscriptionBody bounds an answer of the subscription routes: a page
// of 100 subscriptions of 100 locators is about 300 KB.
const maxSubscriptionBody = 4 << 20

// ErrSecretKey: a subscription call was given no well-formed tenant
// secret key. Nothing was sent.
var ErrSecretKey = errors.New("a tenant secret key (tg1sk_ and 43 base64url characters) is needed")

// Subscription is what the gateway says of one subscription. The secret
// is never in it.
type Subscription = api.Subscription

// SubscriptionCounts counts a subscription's deliveries by what became
// of them.
type SubscriptionCounts = api.SubscriptionCounts

// SubscriptionPage is one page of Subscriptions; NextCursor asks for the
// next page, "" on the last.
type SubscriptionPage = api.SubscriptionList

// DeadLetter is a delivery the gateway gave up on after retrying it for a
// day; ReplayDeadLetters sends it again. LastError says how the last
// attempt failed: "HTTP 500", "timeout", "connection refused", "address
// not allowed", "redirect not followed".
type DeadLetter = api.DeadLetter

// Subscribe asks the gateway to deliver every new version of the records
// at locators (1 to 100 distinct, e.g. Result.Locators) to callbackURL,
// signed with secret (32 to 128 printable ASCII characters: keep it, the
// receiver verifies with it). The gateway refuses a callback on a private
// or loopback address, or over plain http, unless its operator allows
// them (422). Bad arguments are refused before any request.
func (c *Client) Subscribe(ctx context.Context, secretKey string, locators [][]byte, callbackURL, secret string) (*Subscription, error) {
	const op = "POST /v1/subscriptions"
	if err := checkSecretKey(secretKey); err != nil {
		return nil, err
	}
	req := api.SubscriptionRequest{CallbackURL: callbackURL, Secret: secret}
	if len(locators) == 0 || len(locators) > MaxSubscriptionLocators {
		return nil, fmt.Errorf("%s: want 1 to %d locators, got %d", op, MaxSubscriptionLocators, len(locators))
	}
	seen := map[string]bool{}
	for _, l := range locators {
		if len(l) != crypto.LocatorSize {
			return nil, fmt.Errorf("%s: a locator is %d bytes, not %d", op, crypto.LocatorSize, len(l))
		}
		if seen[string(l)] {
			return nil, fmt.Errorf("%s: locator %s is listed twice", op, crypto.EncodeB64(l))
		}
		seen[string(l)] = true
		req.Locators = append(req.Locators, crypto.B64(l))
	}
	if err := checkCallbackURL(callbackURL); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if err := webhook.CheckSecret(secret); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	var sub Subscription
	if err := c.subscriptionCall(ctx, secretKey, http.MethodPost, op, c.endpoint("v1", "subscriptions"), req, http.StatusCreated, &sub); err != nil {
		return nil, err
	}
	return &sub, nil
}

// Subscription returns one of the tenant's subscriptions; another
// tenant's, or an unknown id, is a *GatewayError with StatusCode 404.
func (c *Client) Subscription(ctx context.Context, secretKey, id string) (*Subscription, error) {
	const op = "GET /v1/subscriptions/{id}"
	if err := checkSubscriptionCall(secretKey, id); err != nil {
		return nil, err
	}
	var sub Subscription
	if err := c.subscriptionCall(ctx, secretKey, http.MethodGet, op, c.endpoint("v1", "subscriptions", id), nil, http.StatusOK, &sub); err != nil {
		return nil, err
	}
	return &sub, nil
}

// Subscriptions returns a page of the tenant's subscriptions: at most
// limit (1 to 100; 0 lets the gateway choose), from cursor ("" for the
// first page, else the previous page's NextCursor).
func (c *Client) Subscriptions(ctx context.Context, secretKey string, limit int, cursor string) (*SubscriptionPage, error) {
	const op = "GET /v1/subscriptions"
	if err := checkSecretKey(secretKey); err != nil {
		return nil, err
	}
	if limit < 0 || limit > MaxSubscriptionPage {
		return nil, fmt.Errorf("%s: limit %d: want 1 to %d, or 0 for the gateway's default", op, limit, MaxSubscriptionPage)
	}
	target, err := url.Parse(c.endpoint("v1", "subscriptions"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	target.RawQuery = q.Encode()
	var page SubscriptionPage
	if err := c.subscriptionCall(ctx, secretKey, http.MethodGet, op, target.String(), nil, http.StatusOK, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// AllSubscriptions iterates over every subscription of the tenant, a page
// at a time. It stops at the first error, which it yields.
func (c *Client) AllSubscriptions(ctx context.Context, secretKey string) iter.Seq2[Subscription, error] {
	return func(yield func(Subscription, error) bool) {
		cursor := ""
		for {
			page, err := c.Subscriptions(ctx, secretKey, MaxSubscriptionPage, cursor)
			if err != nil {
				yield(Subscription{}, err)
				return
			}
			for _, s := range page.Subscriptions {
				if !yield(s, nil) {
					return
				}
			}
			if page.NextCursor == "" || page.NextCursor == cursor {
				return
			}
			cursor = page.NextCursor
		}
	}
}

// DeleteSubscription ends a subscription; its pending deliveries are
// dropped.
func (c *Client) DeleteSubscription(ctx context.Context, secretKey, id string) error {
	const op = "DELETE /v1/subscriptions/{id}"
	if err := checkSubscriptionCall(secretKey, id); err != nil {
		return err
	}
	return c.subscriptionCall(ctx, secretKey, http.MethodDelete, op, c.endpoint("v1", "subscriptions", id), nil, http.StatusNoContent, nil)
}

// RotateSubscriptionSecret makes secret the subscription's signing
// secret. For 24 hours the previous one signs too (two v1 signatures in
// each header), so the receiver can switch whenever it likes.
func (c *Client) RotateSubscriptionSecret(ctx context.Context, secretKey, id, secret string) (*Subscription, error) {
	const op = "POST /v1/subscriptions/{id}/secret"
	if err := checkSubscriptionCall(secretKey, id); err != nil {
		return nil, err
	}
	if err := webhook.CheckSecret(secret); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	var sub Subscription
	body := api.SecretRequest{Secret: secret}
	if err := c.subscriptionCall(ctx, secretKey, http.MethodPost, op, c.endpoint("v1", "subscriptions", id, "secret"), body, http.StatusOK, &sub); err != nil {
		return nil, err
	}
	return &sub, nil
}

// DeadLetters lists the subscription's dead letters (kept 30 days).
func (c *Client) DeadLetters(ctx context.Context, secretKey, id string) ([]DeadLetter, error) {
	const op = "GET /v1/subscriptions/{id}/dead-letters"
	if err := checkSubscriptionCall(secretKey, id); err != nil {
		return nil, err
	}
	var out api.DeadLetters
	if err := c.subscriptionCall(ctx, secretKey, http.MethodGet, op, c.endpoint("v1", "subscriptions", id, "dead-letters"), nil, http.StatusOK, &out); err != nil {
		return nil, err
	}
	return out.DeadLetters, nil
}

// ReplayDeadLetters sends the dead letters named by ids again (all of
// them when ids is empty) and returns how many the gateway queued.
func (c *Client) ReplayDeadLetters(ctx context.Context, secretKey, id string, ids ...string) (int, error) {
	const op = "POST /v1/subscriptions/{id}/dead-letters/replay"
	if err := checkSubscriptionCall(secretKey, id); err != nil {
		return 0, err
	}
	for _, d := range ids {
		if !deliveryID.MatchString(d) {
			return 0, fmt.Errorf("%s: %q is not a delivery id (dlv_…)", op, printable(d, 80))
		}
	}
	body := api.ReplayRequest{IDs: ids}
	var out api.ReplayResponse
	if err := c.subscriptionCall(ctx, secretKey, http.MethodPost, op, c.endpoint("v1", "subscriptions", id, "dead-letters", "replay"), body, http.StatusAccepted, &out); err != nil {
		return 0, err
	}
	return out.Replayed, nil
}

// subscriptionCall sends one request of the subscription routes with the
// secret key, expecting status ok, and decodes the answer into out (none
// when out is nil). The key goes in the Authorization header only: it is
// never part of an error.
func (c *Client) subscriptionCall(ctx context.Context, secretKey, method, op, target string, in any, ok int, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("%s: encode: %w", op, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+secretKey)
	resp, err := c.do(req, op, ok)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxProblemBytes))
		return nil
	}
	if err := decodeBody(resp.Body, maxSubscriptionBody, out); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

func checkSecretKey(key string) error {
	if !tenant.Secret.WellFormed(key) {
		return ErrSecretKey
	}
	return nil
}

func checkSubscriptionCall(secretKey, id string) error {
	if err := checkSecretKey(secretKey); err != nil {
		return err
	}
	if !subscriptionID.MatchString(id) {
		return fmt.Errorf("%q is not a subscription id (sub_…)", printable(id, 80))
	}
	return nil
}

// checkCallbackURL refuses what no gateway accepts (docs/protocol.md
// §10): another scheme, no host, credentials or a fragment. Whether
// http and private addresses are allowed is the gateway's to say.
func checkCallbackURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("callback URL: %w", err)
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http", u.Host == "":
		return fmt.Errorf("callback URL %q: want https:// and a host", printable(s, 200))
	case u.User != nil:
		return fmt.Errorf("callback URL %q: credentials are not allowed", printable(u.Redacted(), 200))
	case u.Fragment != "" || strings.Contains(s, "#"):
		return fmt.Errorf("callback URL %q: a fragment is not allowed", printable(s, 200))
	}
	return nil
}
