package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/client"
)

// defaultGateway is where track looks (and detect, when told to use a gateway) without --gateway or
// TRACKGATE_GATEWAY: a gateway on this machine.
const defaultGateway = "http://127.0.0.1:8080"

// gatewayFlag adds --gateway, defaulting to $TRACKGATE_GATEWAY.
func gatewayFlag(cmd *cobra.Command, e env, target *string) {
	def := defaultGateway
	if v := e.getenv("TRACKGATE_GATEWAY"); v != "" {
		def = v
	}
	cmd.Flags().StringVar(target, "gateway", def, "base URL of the gateway; $TRACKGATE_GATEWAY sets the default")
}

func newClient(gateway string, opts ...client.Option) (*client.Client, error) {
	c, err := client.New(gateway, opts...)
	if err != nil {
		return nil, usageError{err}
	}
	return c, nil
}

type trackFlags struct {
	factor, courier, gateway string
	lang                     string
	json, fast               bool
	timeout                  time.Duration
	watch                    bool
	interval                 time.Duration
	keyLog                   keyLogFlags
}

func newTrackCmd(e env) *cobra.Command {
	var f trackFlags
	cmd := &cobra.Command{
		Use:   "track NUMBER",
		Short: "Track a parcel through a gateway",
		Long: `Track a parcel through a trackgate gateway without the gateway or the courier
learning its number.

The number is normalized (upper case; spaces, '-' and '.' removed) and must then
be 6 to 40 letters or digits; a number of another shape is refused before any
request is sent. The couriers whose formats match are asked all at once, each
answer's proof is checked against the courier's published key, and the sealed
record is fetched and opened locally. Handoffs to onward couriers are followed
(up to 2) and merged into one timeline, oldest event first, in your local time.

The first line says what the parcel is doing now, across its legs: the
onward courier's word wins over the first courier's "in transit", and it says
so when the parcel is held by customs, waits at a pickup point or is returning
to its sender. "Expected:" gives the delivery window when the courier
announces one.
--lang zh-CN writes the labels in Chinese; descriptions that carry both
languages ("中文 English", as Chinese couriers write them) are shown in the
chosen one, others as the courier wrote them.

Every lookup sends the gateway the same requests whether the parcel is found,
handed off or missing: 3 rounds, each asking every courier of the directory
(the ones that may not carry the number get a random dummy) and fetching one
bucket per courier, so the gateway and the couriers cannot tell the outcome.

Some couriers also require the last 4 digits of the sender's or recipient's
phone number (--factor). "Not found" and "wrong factor" give the same answer on
purpose, so a factor cannot be guessed digit by digit.

By default records are fetched a whole bucket at a time, so the gateway does
not learn which record you read; --fast fetches the single record instead.

--watch keeps going after the timeline: it repeats the same lookup every
--interval (60s by default, at least 15s) and prints what changed as it
happens: new events as timeline rows, and a new headline after an arrow
(with --json, the whole document again, on one line). Each repeat is an
ordinary lookup of the same fixed shape, so it tells the gateway nothing a
single lookup does not. When a lookup fails for the moment (a courier or the
gateway unavailable) it says so on one line and tries again; Ctrl-C stops it
(exit status 0).

A courier whose service has just started may still be publishing its parcels;
while it is, a parcel it does not show yet is "still loading", not "not found":
try again in a few minutes.

` + keyLogHelp + `

Exit status: 0 when found, 1 when not found or the gateway failed, 2 for bad
input (a number of the wrong shape, a missing or malformed --factor), 3 when
nothing was found because a courier was unavailable for the moment ("courier
unavailable, try again", naming it) or is still loading its parcels ("still
loading"): unlike 1, trying again later may find it.`,
		Example: `  trackgate track SF1234567890
  trackgate track "sf 1234-567-890" --factor 0042
  trackgate track 7700000000001 --factor 1234 --lang zh-CN
  trackgate track 1Z999AA10123456784 --courier ups --json
  TRACKGATE_GATEWAY=https://track.example trackgate track YT2300000000001 --fast
  trackgate track SW100000000001 --watch --interval 30s`,
		Args: exactArgs(1, "one tracking number"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTrack(cmd.Context(), e, f, args[0])
		},
	}
	cmd.Flags().StringVar(&f.factor, "factor", "", "last 4 digits of the sender's or recipient's phone number, for couriers that require it")
	cmd.Flags().StringVar(&f.courier, "courier", "", "ask only this courier (its id in the directory) instead of detecting it")
	gatewayFlag(cmd, e, &f.gateway)
	cmd.Flags().StringVar(&f.lang, "lang", client.LangEnglish, "language of the labels and of bilingual descriptions: en or zh-CN")
	cmd.Flags().BoolVar(&f.json, "json", false, `print the decrypted views as JSON: {"headline":{…},"legs":[view…],"timeline":[event…],"couriers":[…]}`)
	cmd.Flags().BoolVar(&f.fast, "fast", false, "fetch the single record rather than its whole bucket (faster; the gateway learns which record you read)")
	cmd.Flags().DurationVar(&f.timeout, "timeout", 10*time.Second, "give up after this long (each lookup, with --watch)")
	cmd.Flags().BoolVar(&f.watch, "watch", false, "after the timeline, repeat the lookup every --interval and print each change; Ctrl-C stops")
	cmd.Flags().DurationVar(&f.interval, "interval", defaultWatchInterval, "with --watch, the time between lookups (at least 15s)")
	f.keyLog.add(cmd)
	return cmd
}

func runTrack(ctx context.Context, e env, f trackFlags, number string) error {
	if f.timeout <= 0 {
		return usageErrorf("--timeout must be positive")
	}
	if f.watch && f.interval < minWatchInterval {
		return usageErrorf("--interval %s is too short: at least %s between lookups", f.interval, minWatchInterval)
	}
	lang, err := parseLang(f.lang)
	if err != nil {
		return err
	}
	keyLog, state, err := f.keyLog.option(e, f.gateway)
	if err != nil {
		return err
	}
	c, err := newClient(f.gateway, client.WithPrivateFetch(!f.fast), client.WithNow(e.now), keyLog)
	if err != nil {
		return err
	}
	opts := client.TrackOptions{Factor: f.factor, Courier: f.courier}
	res, err := trackOnce(ctx, c, number, opts, f.gateway, f.timeout)
	if err != nil {
		return withStateHint(err, state)
	}
	switch {
	case f.json && f.watch:
		err = printResultLine(e.stdout, res, lang)
	case f.json:
		err = printTrackJSON(e.stdout, res, lang)
	default:
		printTimeline(e.stdout, res, e.location, lang)
		printNotes(e.stderr, res)
	}
	if err != nil || !f.watch {
		return err
	}
	return watch(ctx, e, f, lang, func(ctx context.Context) (*client.Result, error) {
		return trackOnce(ctx, c, number, opts, f.gateway, f.timeout)
	}, res)
}

// trackOnce is one lookup within timeout, its transport errors worded
// for people.
func trackOnce(ctx context.Context, c *client.Client, number string, opts client.TrackOptions, gateway string, timeout time.Duration) (*client.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := c.Track(ctx, number, opts)
	if err != nil {
		return nil, explainTransport(ctx, err, gateway, timeout)
	}
	return res, nil
}

// explainTransport rewords a failure to reach the gateway for people; any
// other error is returned as it is.
func explainTransport(ctx context.Context, err error, gateway string, timeout time.Duration) error {
	var ue *url.Error
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("no answer from the gateway at %s within %s (--timeout)", gateway, timeout)
	case errors.As(err, &ue):
		return fmt.Errorf("cannot reach the gateway at %s: %w", gateway, ue.Err)
	}
	return err
}

// trackJSON is the --json output: the views as the couriers wrote them,
// with the headline beside them.
type trackJSON struct {
	Headline headlineJSON            `json:"headline"`
	Legs     []adapters.View         `json:"legs"`
	Timeline []client.TimelineEvent  `json:"timeline"`
	Couriers []client.CourierOutcome `json:"couriers"`
}

// headlineJSON is client.Headline and its label in the --lang language.
type headlineJSON struct {
	client.Headline
	Label string `json:"label"`
}

func newTrackJSON(res *client.Result, lang string) trackJSON {
	h := res.Headline()
	out := trackJSON{
		Headline: headlineJSON{Headline: h, Label: headlineText(res, h, lang)},
		Legs:     []adapters.View{}, Timeline: res.Timeline, Couriers: res.Couriers,
	}
	for _, l := range res.Legs {
		out.Legs = append(out.Legs, l.View)
	}
	if out.Timeline == nil {
		out.Timeline = []client.TimelineEvent{}
	}
	return out
}

func printTrackJSON(w io.Writer, res *client.Result, lang string) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(newTrackJSON(res, lang))
}

// printTimeline writes the headline and the expected delivery window,
// a line per leg with its handoffs as arrows, and then every event oldest
// first, in lang.
func printTimeline(w io.Writer, res *client.Result, loc *time.Location, lang string) {
	h := res.Headline()
	fmt.Fprintln(w, headlineText(res, h, lang))
	if h.ETA != nil {
		fmt.Fprintf(w, "%s: %s\n", client.ExpectedLabel(lang), formatETA(h.ETA, loc))
	}
	fmt.Fprintln(w)
	for _, l := range res.Legs {
		fmt.Fprintln(w, legLine(l, lang))
		for _, h := range l.View.Handoffs {
			fmt.Fprintln(w, handoffLine(l, h, lang))
		}
	}
	if len(res.Timeline) == 0 {
		fmt.Fprintln(w, "\n"+client.NoEventsLabel(lang))
		return
	}
	fmt.Fprintln(w)
	printEvents(w, res.Timeline, len(res.Legs) > 1, loc, lang)
}

// printNotes tells on stderr about couriers that could not answer, so
// stdout stays the timeline alone.
func printNotes(w io.Writer, res *client.Result) {
	for _, o := range res.Couriers {
		switch o.Status {
		case client.OutcomeFound, client.OutcomeNotFound, client.OutcomeStillLoading:
		case client.OutcomeFactorRequired:
			fmt.Fprintf(w, "Note: %s was not asked; it needs --factor.\n", o.Courier)
		case client.OutcomeKeyLogRefused:
			fmt.Fprintf(w, "Note: %s was not asked: %s\n", o.Courier, sentence(res.Refused(o.Courier)))
		case client.OutcomeNotFollowed:
			fmt.Fprintf(w, "Note: the handoff to %s as %s was not followed; a lookup follows at most %d.\n", o.Courier, printable(o.TrackingNumber), client.DefaultMaxHandoffs)
		default:
			fmt.Fprintf(w, "Note: %s did not answer (%s).\n", o.Courier, strings.ReplaceAll(o.Status, "_", " "))
		}
	}
}

func courierLabel(name, id string) string {
	if name == "" {
		return id
	}
	return fmt.Sprintf("%s (%s)", printable(name), id)
}

func humanStatus(s adapters.Status) string {
	return strings.ReplaceAll(printable(string(s)), "_", " ")
}

// formatETA writes the window in loc, e.g. "2026-11-23 17:00–21:00 +08:00".
func formatETA(eta *adapters.ETA, loc *time.Location) string {
	from, to := eta.From.In(loc), eta.To.In(loc)
	if from.Format(time.DateOnly) == to.Format(time.DateOnly) {
		return from.Format("2006-01-02 15:04") + "–" + to.Format("15:04 -07:00")
	}
	return from.Format("2006-01-02 15:04") + " – " + to.Format("2006-01-02 15:04 -07:00")
}

// formatLocation writes "City, Region CC", leaving out what is missing.
func formatLocation(l *adapters.Location) string {
	if l == nil {
		return "-"
	}
	var place []string
	for _, p := range []string{l.City, l.Region} {
		if p != "" {
			place = append(place, printable(p))
		}
	}
	s := strings.Join(place, ", ")
	if l.Country != "" {
		s = strings.TrimSpace(s + " " + printable(l.Country))
	}
	if s == "" {
		return "-"
	}
	return s
}

// printable keeps text written by couriers and gateways from moving the
// cursor or rewriting the terminal, and from breaking the columns.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return ' '
		}
		return r
	}, s)
}

// directoryLabel names a directory courier for people.
func directoryLabel(e api.CourierEntry) string { return courierLabel(e.Name, e.ID) }
