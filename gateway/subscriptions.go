package gateway

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/delivery"
	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/transparency"
	"github.com/trackgate/trackgate/gateway/webhook"
)

// The subscription routes (docs/protocol.md §10). requireSecretKey has
// put the tenant in the context; each handler decodes, asks the webhook
// engine, and answers. A tenant sees only its own subscriptions: another
// tenant's id is 404, as an unknown one.

// handleSubscribe serves POST /v1/subscriptions.
func (g *Gateway) handleSubscribe(c *gin.Context) {
	var body api.SubscriptionRequest
	if err := api.Decode(c.Request.Body, &body); err != nil {
		badBody(c, err)
		return
	}
	req := delivery.SubscribeRequest{CallbackURL: body.CallbackURL, Secret: body.Secret}
	for _, l := range body.Locators {
		req.Locators = append(req.Locators, l)
	}
	s, err := g.webhooks.Subscribe(c.Request.Context(), requestTenant(c).ID, req)
	if err != nil {
		g.subscriptionFailed(c, err)
		return
	}
	c.Header("Location", "/v1/subscriptions/"+s.ID)
	c.JSON(http.StatusCreated, subscriptionAnswer(&s))
}

// handleListSubscriptions serves GET /v1/subscriptions.
func (g *Gateway) handleListSubscriptions(c *gin.Context) {
	limit := delivery.DefaultListLimit
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > delivery.MaxListLimit {
			problem.Abort(c, http.StatusBadRequest, "limit must be 1 to 100.")
			return
		}
		limit = n
	}
	subs, next, err := g.webhooks.Subscriptions(c.Request.Context(), requestTenant(c).ID, c.Query("cursor"), limit)
	if errors.Is(err, delivery.ErrInvalid) {
		problem.Abort(c, http.StatusBadRequest, "The cursor is not one this gateway gave; start again without it.")
		return
	}
	if err != nil {
		g.subscriptionFailed(c, err)
		return
	}
	out := api.SubscriptionList{Subscriptions: make([]api.Subscription, len(subs)), NextCursor: next}
	for i := range subs {
		out.Subscriptions[i] = subscriptionAnswer(&subs[i])
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
}

// handleGetSubscription serves GET /v1/subscriptions/{id}.
func (g *Gateway) handleGetSubscription(c *gin.Context) {
	s, err := g.webhooks.Subscription(c.Request.Context(), requestTenant(c).ID, c.Param("id"))
	if err != nil {
		g.subscriptionFailed(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, subscriptionAnswer(&s))
}

// handleDeleteSubscription serves DELETE /v1/subscriptions/{id}: the
// subscription ends and its pending deliveries are dropped.
func (g *Gateway) handleDeleteSubscription(c *gin.Context) {
	if err := g.webhooks.Unsubscribe(c.Request.Context(), requestTenant(c).ID, c.Param("id")); err != nil {
		g.subscriptionFailed(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// handleRotateSecret serves POST /v1/subscriptions/{id}/secret.
func (g *Gateway) handleRotateSecret(c *gin.Context) {
	var body api.SecretRequest
	if err := api.Decode(c.Request.Body, &body); err != nil {
		badBody(c, err)
		return
	}
	s, err := g.webhooks.RotateSecret(c.Request.Context(), requestTenant(c).ID, c.Param("id"), body.Secret)
	if err != nil {
		g.subscriptionFailed(c, err)
		return
	}
	c.JSON(http.StatusOK, subscriptionAnswer(&s))
}

// handleDeadLetters serves GET /v1/subscriptions/{id}/dead-letters.
func (g *Gateway) handleDeadLetters(c *gin.Context) {
	dead, err := g.webhooks.DeadLetters(c.Request.Context(), requestTenant(c).ID, c.Param("id"))
	if err != nil {
		g.subscriptionFailed(c, err)
		return
	}
	out := api.DeadLetters{DeadLetters: make([]api.DeadLetter, len(dead))}
	for i, d := range dead {
		out.DeadLetters[i] = api.DeadLetter{
			ID: d.ID, Locator: d.Locator, Version: d.Version, Attempts: d.Attempts,
			FirstAttemptAt: d.FirstAttemptAt.UTC(), LastAttemptAt: d.LastAttemptAt.UTC(), LastError: d.LastError,
		}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
}

// handleReplay serves POST /v1/subscriptions/{id}/dead-letters/replay;
// no body at all replays every dead letter, as an empty list does.
func (g *Gateway) handleReplay(c *gin.Context) {
	var body api.ReplayRequest
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		badBody(c, err)
		return
	}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := api.Decode(bytes.NewReader(raw), &body); err != nil {
			badBody(c, err)
			return
		}
	}
	n, err := g.webhooks.Replay(c.Request.Context(), requestTenant(c).ID, c.Param("id"), body.IDs)
	if err != nil {
		g.subscriptionFailed(c, err)
		return
	}
	c.JSON(http.StatusAccepted, api.ReplayResponse{Replayed: n})
}

// subscriptionAnswer is how a subscription is shown: never its secrets.
func subscriptionAnswer(s *delivery.Subscription) api.Subscription {
	out := api.Subscription{
		ID: s.ID, CallbackURL: s.CallbackURL, State: s.State,
		CreatedAt: s.CreatedAt.UTC().Truncate(time.Second), ExpiresAt: s.ExpiresAt.UTC().Truncate(time.Second),
		EndedReason: s.EndedReason,
		Counts:      api.SubscriptionCounts{Delivered: s.Counts.Delivered, Pending: s.Counts.Pending, Dead: s.Counts.Dead},
		Locators:    make([]crypto.B64, len(s.Locators)),
	}
	for i, l := range s.Locators {
		out.Locators[i] = l
	}
	return out
}

// subscriptionFailed answers an error of the webhook engine.
func (g *Gateway) subscriptionFailed(c *gin.Context, err error) {
	switch {
	case errors.Is(err, delivery.ErrNotFound):
		problem.Abort(c, http.StatusNotFound, "There is no such subscription of this tenant.")
	case errors.Is(err, delivery.ErrEnded):
		problem.Abort(c, http.StatusConflict, "The subscription has ended; create a new one.")
	case errors.Is(err, delivery.ErrLimit):
		problem.AbortRetry(c, http.StatusTooManyRequests, time.Hour, sentence(err, delivery.ErrLimit))
	case errors.Is(err, delivery.ErrInvalid):
		if errors.Is(err, webhook.ErrCallbackRefused) {
			markRefusal(c, transparency.CallbackRefused)
		}
		problem.Abort(c, http.StatusUnprocessableEntity, sentence(err, delivery.ErrInvalid))
	default:
		g.cfg.Logger.Error("subscriptions failed", "route", c.FullPath(), "error", err)
		g.unavailable(c, "Subscriptions cannot be served right now; try again shortly.")
	}
}

// sentence turns the explanation an engine error carries after its
// sentinel into a sentence for the tenant.
func sentence(err, sentinel error) string {
	s := err.Error()
	for _, prefix := range []string{sentinel.Error() + ": ", "callback URL refused: "} {
		s = strings.TrimPrefix(s, prefix)
	}
	if s == "" {
		return ""
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	if !strings.HasSuffix(s, ".") {
		r = append(r, '.')
	}
	return string(r)
}
