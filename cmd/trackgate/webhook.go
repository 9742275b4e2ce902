package main

// webhook listen: a marketplace's receiver on this machine, to see
// subscriptions work (docs/webhooks.md). It looks the parcel up, starts a
// receiver on loopback, subscribes the legs found with a random secret,
// and prints each verified delivery; Ctrl-C deletes the subscriptions.

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/client"
)

// secretKeyEnv names the environment variable holding a tenant secret key.
const secretKeyEnv = "TRACKGATE_SECRET_KEY"

// callbackPath is where the receiver takes deliveries.
const callbackPath = "/trackgate-webhook"

// followRetry is how long webhook listen waits before looking a parcel up
// again when a handoff's onward leg was not found yet, and followTries how
// often it tries.
const (
	followRetry = time.Minute
	followTries = 10
)

type listenFlags struct {
	number, factor, courier string
	gateway, secretKey      string
	addr, lang              string
	json                    bool
	timeout                 time.Duration
	keyLog                  keyLogFlags
}

func newWebhookCmd(e env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhook",
		Short: "Receive a gateway's webhooks on this machine",
		Long: `Receive a gateway's webhooks on this machine: the subscriptions of
docs/protocol.md §10 seen from the marketplace's side (docs/webhooks.md).`,
		Example: `  trackgate webhook listen --number SW100000000001 --secret-key tg1sk_…`,
		Args:    noArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newWebhookListenCmd(e))
	return cmd
}

func newWebhookListenCmd(e env) *cobra.Command {
	var f listenFlags
	cmd := &cobra.Command{
		Use:   "listen",
		Short: "Subscribe a parcel and print each update the gateway delivers",
		Long: `Subscribe a parcel at a gateway and print each update it delivers, as a
marketplace's server would receive them.

It looks the parcel up as track does (the same fixed-shape lookup), starts a
receiver on --addr (127.0.0.1 and a free port by default), and subscribes the
records of every leg found with a random secret, using a tenant's secret key
(--secret-key or $TRACKGATE_SECRET_KEY; trackgate serve prints the demo
tenant's). Each delivery is verified (TG-Webhook-Signature), handled once
(TG-Webhook-Id), opened with the leg's record key, and printed as the new
events in the timeline format of track, in --lang, and the headline after an
arrow when it changed (--json: one JSON object a line). A body whose
signature does not verify is refused (401) and said so on stderr, never
shown. When the parcel is handed off to another courier, the onward leg is
looked up and subscribed too.

The lookups check the gateway's key log as track's do (--log-key, --witness,
--quorum, --pin, --keylog-state; see 'trackgate track --help').

The gateway must be allowed to call back to this machine over plain http: a
production gateway calls only public https addresses, so run it with its
development setting (webhooks.allow_http_callbacks and
webhooks.allow_private_callbacks, which the embedded default has).

Ctrl-C deletes the subscriptions and exits with status 0. Exit status 1: the
parcel was not found, or the gateway refused the key or the callback; 2: bad
input (no secret key, a number of the wrong shape, …).`,
		Example: `  trackgate serve &     # prints the demo tenant's secret key
  trackgate webhook listen --number SW100000000001 --secret-key tg1sk_…
  TRACKGATE_SECRET_KEY=tg1sk_… trackgate webhook listen --number 7700000000001 --factor 1234 --json`,
		Args: exactArgs(0, "no arguments (the number is --number)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runListen(cmd.Context(), e, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.number, "number", "", "the tracking number to follow (required)")
	fl.StringVar(&f.factor, "factor", "", "last 4 digits of the sender's or recipient's phone number, for couriers that require it")
	fl.StringVar(&f.courier, "courier", "", "ask only this courier (its id in the directory) instead of detecting it")
	gatewayFlag(cmd, e, &f.gateway)
	fl.StringVar(&f.secretKey, "secret-key", "", "the tenant's secret key, tg1sk_…; $"+secretKeyEnv+" sets the default")
	fl.StringVar(&f.addr, "addr", "127.0.0.1:0", "host:port the receiver listens on (port 0: a free one)")
	fl.StringVar(&f.lang, "lang", client.LangEnglish, "language of the labels and of bilingual descriptions: en or zh-CN")
	fl.BoolVar(&f.json, "json", false, `print one JSON object a line: each delivery as {"type":"record.updated"|"record.withdrawn","delivery","subscription","version","courier","tracking_number","new_events","headline","view"}, and the lookup at start, and each new one (to follow a handoff), as {"type":"lookup"} and the fields of track --json`)
	fl.DurationVar(&f.timeout, "timeout", 10*time.Second, "give up on each lookup and gateway call after this long")
	f.keyLog.add(cmd)
	return cmd
}

func runListen(ctx context.Context, e env, f listenFlags) error {
	key := f.secretKey
	if key == "" {
		key = e.getenv(secretKeyEnv)
	}
	switch {
	case f.number == "":
		return usageErrorf("webhook listen needs --number, the tracking number to follow")
	case key == "":
		return usageErrorf("webhook listen needs a tenant secret key: give --secret-key or set $%s (trackgate serve prints the demo tenant's)", secretKeyEnv)
	case !strings.HasPrefix(key, "tg1sk_"):
		return usageErrorf("the secret key must begin with tg1sk_ (a publishable tg1pk_ key cannot subscribe)")
	case f.timeout <= 0:
		return usageErrorf("--timeout must be positive")
	}
	lang, err := parseLang(f.lang)
	if err != nil {
		return err
	}
	keyLog, state, err := f.keyLog.option(e, f.gateway)
	if err != nil {
		return err
	}
	c, err := newClient(f.gateway, client.WithNow(e.now), keyLog)
	if err != nil {
		return err
	}
	opts := client.TrackOptions{Factor: f.factor, Courier: f.courier}
	res, err := trackOnce(ctx, c, f.number, opts, f.gateway, f.timeout)
	if err != nil {
		return withStateHint(err, state)
	}

	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return usageErrorf("--addr %s: %v", f.addr, err)
	}
	callback := "http://" + reachable(ln.Addr()) + callbackPath
	rcv := newReceiver(e, res, newWebhookSecret(), lang, f.json)
	mux := http.NewServeMux()
	mux.Handle("POST "+callbackPath, rcv)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(ln) // ends with Shutdown below
	}()
	defer func() {
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
		<-served
	}()

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The parcel as it is now, before any delivery can be printed.
	if f.json {
		rcv.printLookupLine(res)
	} else {
		printTimeline(e.stdout, res, e.location, lang)
		fmt.Fprintln(e.stdout)
	}
	l := &listener{e: e, f: f, c: c, key: key, callback: callback, rcv: rcv}
	if err := l.subscribe(ctx, res.Locators()); err != nil {
		return err
	}
	return l.run(ctx)
}

// listener holds webhook listen's subscriptions while it runs.
type listener struct {
	e        env
	f        listenFlags
	c        *client.Client
	key      string
	callback string
	rcv      *receiver
	subs     []string // subscription ids, to delete on exit
}

// run waits for Ctrl-C, following handoffs meanwhile, then deletes the
// subscriptions.
func (l *listener) run(ctx context.Context) error {
	var retry <-chan time.Time
	tries := 0
	if l.rcv.unfollowedHandoffs() {
		retry, tries = l.e.wait(followRetry), 1
	}
	for {
		select {
		case <-ctx.Done():
			return l.deleteAll()
		case <-l.rcv.follow:
			tries = 0
		case <-retry:
		}
		l.followHandoffs(ctx)
		retry = nil
		if ctx.Err() == nil && l.rcv.unfollowedHandoffs() && tries < followTries {
			tries++
			retry = l.e.wait(followRetry)
		}
	}
}

// followHandoffs looks the parcel up again, shows what changed and
// subscribes the legs found since.
func (l *listener) followHandoffs(ctx context.Context) {
	res, err := trackOnce(ctx, l.c, l.f.number, client.TrackOptions{Factor: l.f.factor, Courier: l.f.courier}, l.f.gateway, l.f.timeout)
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		fmt.Fprintf(l.e.stderr, "Could not look the parcel up again to follow its handoff: %s\n", sentence(err))
		return
	}
	if fresh := l.rcv.takeLookup(res); len(fresh) > 0 {
		if err := l.subscribe(ctx, fresh); err != nil && ctx.Err() == nil {
			fmt.Fprintln(l.e.stderr, sentence(err))
		}
	}
}

// subscribe subscribes locators and says so on stderr.
func (l *listener) subscribe(ctx context.Context, locators [][]byte) error {
	callCtx, cancel := context.WithTimeout(ctx, l.f.timeout)
	defer cancel()
	sub, err := l.c.Subscribe(callCtx, l.key, locators, l.callback, l.rcv.secret)
	if err != nil {
		return explainSubscribe(callCtx, err, l.f.gateway, l.callback, l.f.timeout)
	}
	l.subs = append(l.subs, sub.ID)
	l.rcv.markSubscribed(locators)
	records := "records"
	if len(locators) == 1 {
		records = "record"
	}
	if len(l.subs) == 1 {
		fmt.Fprintf(l.e.stderr, "Listening at %s: subscription %s delivers the %d %s of %s. Ctrl-C deletes it and stops.\n", l.callback, sub.ID, len(locators), records, l.rcv.number())
	} else {
		fmt.Fprintf(l.e.stderr, "Subscription %s delivers %d more %s of %s.\n", sub.ID, len(locators), records, l.rcv.number())
	}
	return nil
}

// deleteAll deletes the subscriptions made, after Ctrl-C: with a fresh
// context, since the command's own has ended.
func (l *listener) deleteAll() error {
	ctx, cancel := context.WithTimeout(context.Background(), l.f.timeout)
	defer cancel()
	var failed []string
	for _, id := range l.subs {
		err := l.c.DeleteSubscription(ctx, l.key, id)
		var gwErr *client.GatewayError
		if err != nil && !(errors.As(err, &gwErr) && gwErr.StatusCode == http.StatusNotFound) {
			failed = append(failed, fmt.Sprintf("%s (%v)", id, err))
			continue
		}
		fmt.Fprintf(l.e.stderr, "Deleted subscription %s.\n", id)
	}
	if len(failed) > 0 {
		return fmt.Errorf("could not delete subscription %s; the gateway ends it by itself within 90 days", strings.Join(failed, ", "))
	}
	return nil
}

// explainSubscribe rewords the gateway's refusals of a subscription for
// people: above all the callback refused by its guard against requests to
// private addresses (SSRF), which a development gateway turns off.
func explainSubscribe(ctx context.Context, err error, gateway, callback string, timeout time.Duration) error {
	var gwErr *client.GatewayError
	if !errors.As(err, &gwErr) {
		if errors.Is(err, client.ErrSecretKey) {
			return usageError{err}
		}
		return explainTransport(ctx, err, gateway, timeout)
	}
	detail := gwErr.Detail
	if detail == "" {
		detail = gwErr.Title
	}
	switch gwErr.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Errorf("the gateway at %s refused the secret key (%s): give the secret key of one of its tenants (trackgate serve prints the demo tenant's)", gateway, strings.TrimSuffix(detail, "."))
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		return fmt.Errorf("the gateway at %s does not serve subscriptions (it answered %d to POST /v1/subscriptions)", gateway, gwErr.StatusCode)
	case http.StatusUnprocessableEntity, http.StatusBadRequest:
		if callbackRefusal(detail) {
			return fmt.Errorf("the gateway at %s refused to call back %s (%s): a gateway calls only public https addresses unless it runs with its development setting, webhooks.allow_http_callbacks and webhooks.allow_private_callbacks (the embedded default, trackgate serve, has both)", gateway, callback, strings.TrimSuffix(detail, "."))
		}
	}
	return err
}

// callbackRefusal guesses from the gateway's sentence whether it refused
// the callback URL rather than something else of the request.
func callbackRefusal(detail string) bool {
	d := strings.ToLower(detail)
	for _, w := range []string{"callback", "address", "https", "loopback", "private"} {
		if strings.Contains(d, w) {
			return true
		}
	}
	return d == ""
}

// reachable is the host:port a callback can name: an unspecified
// address (0.0.0.0, ::) is reached on loopback.
func reachable(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	if tcp.IP == nil || tcp.IP.IsUnspecified() {
		return net.JoinHostPort("127.0.0.1", fmt.Sprint(tcp.Port))
	}
	return tcp.String()
}

// newWebhookSecret is a fresh subscription secret: whsec_ and 32 random
// bytes in base64url (49 characters, within 32..128).
func newWebhookSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return "whsec_" + crypto.EncodeB64(b)
}
