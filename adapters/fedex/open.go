package fedex

import (
	"fmt"
	"net/url"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
	"github.com/trackgate/trackgate/adapters/watchlist"
	"github.com/trackgate/trackgate/crypto"
)

// AdapterName is the name the adapter registers with adapters.Register.
const AdapterName = "fedex"

// Defaults of Config.
const (
	// ProductionURL is the base URL of FedEx's APIs (the sandbox is
	// SandboxURL).
	ProductionURL = "https://apis.fedex.com"
	// SandboxURL is FedEx's test environment, which answers its mock
	// tracking numbers with recorded shipments.
	SandboxURL = "https://apis-sandbox.fedex.com"
	// DefaultCourier is the courier id of FedEx in trackgate's detection
	// rules.
	DefaultCourier = "fedex"
	// DefaultLocale is the language of FedEx's event texts; the adapter's
	// phrase matching reads English.
	DefaultLocale = "en_US"
)

func init() { adapters.Register(AdapterName, watchlist.Wrap(open)) }

// Config configures a Source.
type Config struct {
	// ClientID and ClientSecret are the API key and secret key of the
	// project created on developer.fedex.com with the Track API.
	ClientID, ClientSecret string
	// BaseURL is the APIs' base URL (default ProductionURL).
	BaseURL string
	// Courier is the courier id views carry (default DefaultCourier).
	Courier string
	// Locale is sent as X-locale (default DefaultLocale).
	Locale string
	// Client calls FedEx (default: carrierhttp's defaults).
	Client *carrierhttp.Client
	// Now reads the clock for the token's expiry (default time.Now).
	Now func() time.Time
}

var optionNames = []string{"client_id", "client_secret", "base_url", "courier", "locale", "timeout"}

// open is the adapters.Factory of the adapter. Options:
//
//	client_id      API key (required)
//	client_secret  secret key (required)
//	base_url       default ProductionURL; SandboxURL for FedEx's sandbox
//	courier        courier id of the views, default fedex
//	locale         X-locale, default en_US
//	timeout        per attempt, a Go duration, default 10s
//	watchlist      JSON Lines file of the parcels to watch (see watchlist)
//	poll           how often each watched parcel is looked up, default 1h
func open(options map[string]string) (adapters.Source, error) {
	client, err := carrierhttp.FromOptions(options, optionNames, watchlist.OptionFile, watchlist.OptionPoll)
	if err != nil {
		return nil, err
	}
	return New(Config{
		ClientID: options["client_id"], ClientSecret: options["client_secret"], BaseURL: options["base_url"],
		Courier: options["courier"], Locale: options["locale"], Client: client,
	})
}

// New returns a Source for cfg.
func New(cfg Config) (*Source, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, fmt.Errorf("fedex: the API key and secret key (options \"client_id\", \"client_secret\") are required")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = ProductionURL
	}
	base, err := carrierhttp.BaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("fedex: base URL: %w", err)
	}
	if cfg.Courier == "" {
		cfg.Courier = DefaultCourier
	}
	if err := crypto.CheckCourierID(cfg.Courier); err != nil {
		return nil, fmt.Errorf("fedex: %w", err)
	}
	if cfg.Locale == "" {
		cfg.Locale = DefaultLocale
	}
	if cfg.Client == nil {
		cfg.Client = &carrierhttp.Client{}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Source{
		cfg:  cfg,
		base: base,
		token: &carrierhttp.TokenSource{Client: cfg.Client, URL: base.JoinPath("oauth", "token").String(),
			ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, InBody: true, Now: cfg.Now,
			Refused: func(body []byte) string { return errorCodes(body) + ", check the API key and secret key" }},
	}, nil
}

// Source looks FedEx shipments up. It is safe for concurrent use.
type Source struct {
	cfg   Config
	base  *url.URL
	token *carrierhttp.TokenSource
}

var _ adapters.Source = (*Source)(nil)
