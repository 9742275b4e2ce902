package declarative

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
	"github.com/trackgate/trackgate/adapters/watchlist"
	"github.com/trackgate/trackgate/crypto"
)

// AdapterName is the name the adapter registers with adapters.Register.
const AdapterName = "declarative"

func init() { adapters.Register(AdapterName, watchlist.Wrap(open)) }

// open is the adapters.Factory. Options:
//
//	file       the description, a YAML file (this or carrier)
//	carrier    a built-in description: dhl (this or file)
//	courier    courier id of the views, default the description's courier
//	base_url   instead of the description's base_url
//	timeout    per attempt, a Go duration, default the description's or 10s
//	NAME       an option the description declares, e.g. api_key
//	NAME_env   the environment variable holding option NAME
//	watchlist  JSON Lines file of the parcels to watch (see watchlist)
//	poll       how often each watched parcel is looked up, default 1h
func open(options map[string]string) (adapters.Source, error) {
	file, carrier := options["file"], options["carrier"]
	var d *Description
	var err error
	switch {
	case (file == "") == (carrier == ""):
		return nil, fmt.Errorf("give exactly one of the options \"file\" (a description in YAML) and \"carrier\" (built in: %s)", strings.Join(Carriers(), ", "))
	case file != "":
		d, err = LoadFile(file)
	default:
		d, err = Carrier(carrier)
	}
	if err != nil {
		return nil, err
	}
	known := []string{"file", "carrier", "courier", "base_url", "timeout"}
	for _, name := range sortedKeys(d.spec.Options) {
		known = append(known, name, name+"_env")
	}
	client, err := carrierhttp.FromOptions(options, known, watchlist.OptionFile, watchlist.OptionPoll)
	if err != nil {
		return nil, err
	}
	declared := map[string]string{}
	for name, v := range options {
		if !slices.Contains(known[:5], name) {
			declared[name] = v
		}
	}
	return New(d, Config{Options: declared, Courier: options["courier"], BaseURL: options["base_url"], Client: client})
}

// Config configures a Source beyond its description.
type Config struct {
	// Options are the values of the options the description declares,
	// and NAME_env options naming the environment variable of one.
	Options map[string]string
	// Courier is the courier id of the views (default: the description's).
	Courier string
	// BaseURL replaces the description's base_url.
	BaseURL string
	// Client calls the carrier (default: the description's timeout and
	// carrierhttp's defaults). Its MaxBody is the description's limit.
	Client *carrierhttp.Client
	// LookupEnv reads the environment (default os.LookupEnv).
	LookupEnv func(string) (string, bool)
	// Now reads the clock (default time.Now).
	Now func() time.Time
}

// Source looks parcels up as its description says. It is safe for
// concurrent use.
type Source struct {
	d       *Description
	courier string
	baseURL string
	options map[string]string
	client  *carrierhttp.Client
	token   *carrierhttp.TokenSource
	now     func() time.Time
}

var _ adapters.Source = (*Source)(nil)

// New returns a Source that looks parcels up as d describes.
func New(d *Description, cfg Config) (*Source, error) {
	s := &Source{d: d, courier: cfg.Courier, baseURL: cfg.BaseURL, client: cfg.Client, now: cfg.Now}
	if s.courier == "" {
		s.courier = d.courier()
	}
	if err := crypto.CheckCourierID(s.courier); err != nil {
		return nil, fmt.Errorf("option \"courier\": %w", err)
	}
	if s.baseURL == "" {
		s.baseURL = d.spec.BaseURL
	}
	if _, err := carrierhttp.BaseURL(s.baseURL); err != nil {
		return nil, fmt.Errorf("option \"base_url\": %w", err)
	}
	s.baseURL = strings.TrimSuffix(s.baseURL, "/")
	if s.client == nil {
		s.client = &carrierhttp.Client{Timeout: time.Duration(d.spec.Timeout)}
	}
	if s.client.MaxBody == 0 {
		s.client.MaxBody = d.limits.body
	}
	if s.now == nil {
		s.now = time.Now
	}
	lookupEnv := cfg.LookupEnv
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	var err error
	if s.options, err = d.optionValues(cfg.Options, lookupEnv); err != nil {
		return nil, err
	}
	if o := d.auth.oauth; o != nil {
		v := s.values("", nil)
		s.token = &carrierhttp.TokenSource{
			Client:   s.client,
			URL:      o.tokenURL.render(v, nil),
			ClientID: o.clientID.render(v, nil), ClientSecret: o.clientSecret.render(v, nil),
			Scope: o.scope, InBody: o.inForm, DefaultLife: defaultTokenLife, Now: s.now,
		}
	}
	return s, nil
}

// optionValues resolves the declared options: given, else from the
// environment variable NAME_env names, else from the description's env,
// else the default.
func (d *Description) optionValues(given map[string]string, lookupEnv func(string) (string, bool)) (map[string]string, error) {
	values := map[string]string{}
	for name, v := range given {
		base := strings.TrimSuffix(name, "_env")
		if _, declared := d.spec.Options[base]; !declared {
			return nil, fmt.Errorf("unknown option %q; the description declares: %s", name, strings.Join(sortedKeys(d.spec.Options), ", "))
		}
		if base == name {
			values[name] = v
		}
	}
	for _, name := range sortedKeys(d.spec.Options) {
		o := d.spec.Options[name]
		if _, ok := values[name]; ok {
			continue
		}
		if env := given[name+"_env"]; env != "" {
			v, ok := lookupEnv(env)
			if !ok || v == "" {
				return nil, fmt.Errorf("option %q: the environment variable %s is not set", name+"_env", env)
			}
			values[name] = v
			continue
		}
		if v, ok := lookupEnv(o.Env); o.Env != "" && ok && v != "" {
			values[name] = v
			continue
		}
		if o.Required {
			hint := ""
			if o.Env != "" {
				hint = " or the environment variable " + o.Env
			}
			return nil, fmt.Errorf("option %q is required (give it, %q naming an environment variable%s)", name, name+"_env", hint)
		}
		values[name] = o.Default
	}
	return values, nil
}

// values are the placeholders' values for one lookup of tn.
func (s *Source) values(tn string, factors []string) *values {
	v := newValues(s.now())
	v.number, v.baseURL, v.options, v.zone = tn, s.baseURL, s.options, s.d.spec.Zone.fixed
	if len(factors) > 0 {
		v.factor = factors[0]
	}
	return v
}

// Lookup asks the carrier for the parcel ref names and reads its answer
// as the description says. Error texts never name the parcel.
func (s *Source) Lookup(ctx context.Context, ref adapters.ParcelRef) (adapters.Parcel, error) {
	tn, err := crypto.NormalizeTrackingNumber(ref.TrackingNumber)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("%s: %w: the tracking number does not normalize", s.d.spec.Carrier, adapters.ErrNotFound)
	}
	vals := s.values(tn, ref.Factors)
	resp, err := s.send(ctx, vals)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("%s: %w", s.d.spec.Carrier, err)
	}
	if err := s.d.httpError(resp.Status); err != nil {
		return adapters.Parcel{}, fmt.Errorf("%s: %w", s.d.spec.Carrier, err)
	}
	p, err := s.d.read(ctx, s.courier, tn, []any{tn, vals.factor}, resp.Body)
	if err != nil {
		return adapters.Parcel{}, fmt.Errorf("%s: %w", s.d.spec.Carrier, err)
	}
	// A carrier asked with a factor vouches for that one alone; one asked
	// without leaves the courier's systems to vouch for theirs.
	p.Factors = slices.Clone(ref.Factors)
	if s.d.sendsFactor() {
		p.Factors = p.Factors[:min(1, len(p.Factors))]
	}
	return p, nil
}

// httpError is the error an answer's status stands for: the
// description's errors.http, else 404 is not found, 401 and 403 are
// misconfigured, and any other status but 2xx is unavailable.
func (d *Description) httpError(status int) error {
	if c, ok := d.spec.Errors.HTTP[status]; ok {
		return fmt.Errorf("%w: HTTP %d", c.err, status)
	}
	switch {
	case status/100 == 2:
		return nil
	case status == http.StatusNotFound:
		return fmt.Errorf("%w: HTTP 404", adapters.ErrNotFound)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return fmt.Errorf("%w: HTTP %d, check the credentials", adapters.ErrMisconfigured, status)
	}
	return fmt.Errorf("%w: HTTP %d", adapters.ErrUnavailable, status)
}
