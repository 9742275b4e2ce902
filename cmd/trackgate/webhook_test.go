package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/client/clienttest"
	"github.com/trackgate/trackgate/gateway/webhook"
)

// listening starts webhook listen for SE1234567890 and waits until it has
// subscribed; it returns the session and the subscription.
func listening(t *testing.T, g *clienttest.Gateway, key string, args ...string) (*session, clienttest.Subscribed) {
	t.Helper()
	s := startCLI(t, map[string]string{secretKeyEnv: key},
		append([]string{"webhook", "listen", "--number", "SE1234567890", "--gateway", g.URL}, args...)...)
	s.waitFor(t, s.stderr, "Ctrl-C deletes it and stops.\n")
	subs := g.Subscriptions()
	if len(subs) != 1 {
		t.Fatalf("%d subscriptions, want 1", len(subs))
	}
	return s, subs[0]
}

func TestWebhookListenPrintsVerifiedDeliveriesAndDeletesItsSubscription(t *testing.T) {
	key := clienttest.NewSecretKey()
	g := watchGateway(t, key)
	s, sub := listening(t, g, key)

	loc := g.Locator(t, "sim-east", "SE1234567890", "")
	if len(sub.Locators) != 1 || !bytes.Equal(sub.Locators[0], loc) {
		t.Errorf("subscribed %v, want the parcel's locator", sub.Locators)
	}
	if !strings.HasPrefix(sub.CallbackURL, "http://127.0.0.1:") || !strings.HasSuffix(sub.CallbackURL, callbackPath) {
		t.Errorf("callback %q, want the receiver on loopback", sub.CallbackURL)
	}
	if len(sub.Secrets) != 1 || webhook.CheckSecret(sub.Secrets[0]) != nil || len(sub.Secrets[0]) != len("whsec_")+43 {
		t.Errorf("secret %q, want whsec_ and 32 random bytes", sub.Secrets)
	}
	if want := "Listening at " + sub.CallbackURL + ": subscription " + sub.ID + " delivers the 1 record of SE1234567890. Ctrl-C deletes it and stops.\n"; s.stderr.String() != want {
		t.Errorf("stderr = %q, want %q", s.stderr, want)
	}
	s.waitFor(t, s.stdout, "Departed facility")
	before := s.stdout.String()

	// A new version: its new event as a timeline row, and the headline.
	sent := g.Deliver(t, "sim-east", "SE1234567890", "", seView(outForDelivery))
	if len(sent) != 1 || sent[0].Status != http.StatusNoContent {
		t.Fatalf("delivery answered %+v, want 204", sent)
	}
	want := "2026-11-22 08:00 +08:00  Shanghai CN             out for delivery  Out for delivery\n→ Out for delivery\n"
	if got := strings.TrimPrefix(s.stdout.String(), before); got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
	printed := s.stdout.String()

	// Its retry (same id): acknowledged, not printed again.
	body := sent[0].Body
	if again := g.Post(sub.CallbackURL, sent[0].ID, body, webhook.Sign(time.Now(), body, sub.Secrets[0])); again.Status != http.StatusNoContent {
		t.Errorf("a retry answered %d, want 204", again.Status)
	}
	// Bodies that do not verify: refused, said in a sentence, never shown.
	forged := []struct{ name, signature, why string }{
		{"wrong secret", webhook.Sign(time.Now(), body, "whsec_not-this-subscriptions-secret-at-all"), "no signature matches this subscription's secret"},
		{"no signature", "", "its TG-Webhook-Signature header is malformed"},
		{"replayed later", webhook.Sign(time.Now().Add(-time.Hour), body, sub.Secrets[0]), "its timestamp is more than 5 minutes from this machine's clock"},
	}
	for _, f := range forged {
		stderr := s.stderr.String()
		got := g.Post(sub.CallbackURL, "dlv_forgedforgedforgedfo", body, f.signature)
		if got.Status != http.StatusUnauthorized {
			t.Errorf("%s: answered %d, want 401", f.name, got.Status)
		}
		if line := strings.TrimPrefix(s.stderr.String(), stderr); line != "Refused a delivery whose signature does not verify: "+f.why+".\n" {
			t.Errorf("%s: stderr %q", f.name, line)
		}
	}
	if s.stdout.String() != printed {
		t.Errorf("a retry or a forgery printed %q", strings.TrimPrefix(s.stdout.String(), printed))
	}
	if strings.Contains(s.stderr.String(), "record.updated") || strings.Contains(s.stderr.String(), crypto.EncodeB64(loc)) {
		t.Errorf("stderr echoes a body: %q", s.stderr)
	}

	// A withdrawal says so.
	if sent := g.Withdraw(t, "sim-east", "SE1234567890", ""); len(sent) != 1 || sent[0].Status != http.StatusNoContent {
		t.Fatalf("withdrawal answered %+v", sent)
	}
	if !strings.HasSuffix(s.stdout.String(), "SE1234567890 · Sim East (sim-east): the courier withdrew this record\n") {
		t.Errorf("after a withdrawal, stdout ends %q", strings.TrimPrefix(s.stdout.String(), printed))
	}

	if code := s.stop(t); code != exitOK {
		t.Fatalf("Ctrl-C: exit %d, want 0\n%s", code, s)
	}
	if got := g.Subscriptions()[0]; got.State != "ended" || got.EndedReason != "deleted" {
		t.Errorf("after Ctrl-C the subscription is %s (%s), want deleted", got.State, got.EndedReason)
	}
	if !strings.HasSuffix(s.stderr.String(), "Deleted subscription "+sub.ID+".\n") {
		t.Errorf("stderr does not say the subscription was deleted: %q", s.stderr)
	}
}

func TestWebhookListenFollowsAHandoff(t *testing.T) {
	key := clienttest.NewSecretKey()
	g := watchGateway(t, key)
	s, _ := listening(t, g, key, "--json")

	// The onward courier publishes its leg; sim-east then hands over.
	g.AddParcel(t, "sim-last", "LM0000000001", "", clienttest.View("sim-last", "LM0000000001",
		clienttest.Event("2026-11-23T10:00:00+01:00", adapters.StatusOutForDelivery, "Out for delivery", "Lyon", "", "FR")))
	handed := seView()
	handed.Handoffs = []adapters.Handoff{{Courier: "sim-last", TrackingNumber: "LM0000000001"}}
	g.Deliver(t, "sim-east", "SE1234567890", "", handed)
	s.waitFor(t, s.stderr, "delivers 1 more record of SE1234567890.\n")
	subs := g.Subscriptions()
	if len(subs) != 2 || !bytes.Equal(subs[1].Locators[0], g.Locator(t, "sim-last", "LM0000000001", "")) {
		t.Fatalf("subscriptions %+v, want a second one for the onward leg", subs)
	}
	lines := strings.Split(strings.TrimSuffix(s.stdout.String(), "\n"), "\n")
	if !strings.HasPrefix(lines[0], `{"type":"lookup","headline":{"code":"in_transit"`) {
		t.Errorf("the first line is not the lookup at start: %s", lines[0])
	}
	lines = lines[1:]
	var delivered struct {
		Type, Courier string
		Version       uint64
		NewEvents     []any `json:"new_events"`
		View          *adapters.View
	}
	if err := json.Unmarshal([]byte(lines[0]), &delivered); err != nil || delivered.Type != "record.updated" || delivered.Courier != "sim-east" || delivered.Version != 2 || delivered.View == nil || len(delivered.View.Handoffs) != 1 {
		t.Errorf("first line %s (%v), want sim-east's version 2 with the handoff", lines[0], err)
	}

	// The onward leg's next version arrives through the new subscription.
	g.Deliver(t, "sim-last", "LM0000000001", "", clienttest.View("sim-last", "LM0000000001",
		clienttest.Event("2026-11-23T10:00:00+01:00", adapters.StatusOutForDelivery, "Out for delivery", "Lyon", "", "FR"),
		clienttest.Event("2026-11-23T16:00:00+01:00", adapters.StatusDelivered, "Delivered", "Lyon", "", "FR")))
	s.waitFor(t, s.stdout, `"Delivered"`)
	lines = strings.Split(strings.TrimSuffix(s.stdout.String(), "\n"), "\n")[1:]
	if len(lines) != 3 || !strings.HasPrefix(lines[1], `{"type":"lookup","headline":{"code":"out_for_delivery"`) {
		t.Errorf("want the delivery, the lookup that followed the handoff and the onward delivery:\n%s", s.stdout)
	}
	last := lines[len(lines)-1]
	var onward struct {
		Courier   string `json:"courier"`
		NewEvents []struct {
			Status string `json:"status"`
		} `json:"new_events"`
		Headline struct{ Code, Label string }
	}
	if err := json.Unmarshal([]byte(last), &onward); err != nil || onward.Courier != "sim-last" || len(onward.NewEvents) != 1 || onward.NewEvents[0].Status != "delivered" || onward.Headline.Code != "delivered" {
		t.Errorf("last line %s (%v), want sim-last's delivery", last, err)
	}
	if code := s.stop(t); code != exitOK {
		t.Fatalf("exit %d\n%s", code, s)
	}
	for _, sub := range g.Subscriptions() {
		if sub.State != "ended" {
			t.Errorf("subscription %s left %s", sub.ID, sub.State)
		}
	}
}

func TestWebhookListenSaysWhatIsWrong(t *testing.T) {
	key := clienttest.NewSecretKey()
	g := watchGateway(t, key)
	guarded := clienttest.New(t, clienttest.Config{Couriers: []clienttest.Courier{simEast}, SecretKeys: []string{key}, ProductionCallbacks: true})
	guarded.AddParcel(t, "sim-east", "SE1234567890", "", seView())
	tests := []struct {
		name   string
		vars   map[string]string
		args   []string
		code   int
		stderr string
	}{
		{"no key", nil, []string{"--gateway", g.URL}, exitUsage,
			"Webhook listen needs a tenant secret key: give --secret-key or set $TRACKGATE_SECRET_KEY (trackgate serve prints the demo tenant's).\n"},
		{"a publishable key", nil, []string{"--gateway", g.URL, "--secret-key", "tg1pk_" + strings.Repeat("A", 43)}, exitUsage,
			"The secret key must begin with tg1sk_ (a publishable tg1pk_ key cannot subscribe).\n"},
		{"not found", map[string]string{secretKeyEnv: key}, []string{"--gateway", g.URL, "--number", "SE0000000000"}, exitFailure,
			"Parcel not found: no courier has it, or the second factor is wrong (trackgate cannot tell which, by design).\n"},
		{"a key the gateway does not know", map[string]string{secretKeyEnv: clienttest.NewSecretKey()}, []string{"--gateway", g.URL}, exitFailure,
			"The gateway at " + g.URL + " refused the secret key (Subscriptions need a tenant secret key, sent as Authorization: Bearer tg1sk_…; a publishable key is not enough): give the secret key of one of its tenants (trackgate serve prints the demo tenant's).\n"},
		{"callbacks to loopback refused", map[string]string{secretKeyEnv: key}, []string{"--gateway", guarded.URL}, exitFailure,
			"development setting, webhooks.allow_http_callbacks and webhooks.allow_private_callbacks (the embedded default, trackgate serve, has both).\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"webhook", "listen", "--number", "SE1234567890"}
			got := runCLI(t, tt.vars, append(args, tt.args...)...)
			if got.code != tt.code || !strings.HasSuffix(got.stderr, tt.stderr) || strings.Count(got.stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want %d, ending %q", got.code, got.stderr, tt.code, tt.stderr)
			}
		})
	}
	if n := len(g.Subscriptions()) + len(guarded.Subscriptions()); n != 0 {
		t.Errorf("%d subscriptions made by failed commands", n)
	}
}
