package ups

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
const AdapterName = "ups"

// Defaults of Config.
const (
	// ProductionURL is the base URL of UPS's APIs (the customer
	// integration environment is https://wwwcie.ups.com).
	ProductionURL = "https://onlinetools.ups.com"
	// DefaultCourier is the courier id of UPS in trackgate's detection rules.
	DefaultCourier = "ups"
	// DefaultTransactionSrc names the calling application to UPS.
	DefaultTransactionSrc = "trackgate"
)

func init() { adapters.Register(AdapterName, watchlist.Wrap(open)) }

// Config configures a Source.
type Config struct {
	// ClientID and ClientSecret are the credentials of the app registered
	// on developer.ups.com.
	ClientID, ClientSecret string
	// BaseURL is the APIs' base URL (default ProductionURL).
	BaseURL string
	// Courier is the courier id views carry (default DefaultCourier).
	Courier string
	// TransactionSrc is sent as the transactionSrc header (default
	// DefaultTransactionSrc).
	TransactionSrc string
	// Client calls UPS (default: carrierhttp's defaults).
	Client *carrierhttp.Client
	// Now reads the clock for the token's expiry (default time.Now).
	Now func() time.Time
}

var optionNames = []string{"client_id", "client_secret", "base_url", "courier", "transaction_src", "timeout"}

// open is the adapters.Factory of the adapter. Options:
//
//	client_id        OAuth client id (required)
//	client_secret    OAuth client secret (required)
//	base_url         default ProductionURL
//	courier          courier id of the views, default ups
//	transaction_src  transactionSrc header, default trackgate
//	timeout          per attempt, a Go duration, default 10s
//	watchlist        JSON Lines file of the parcels to watch (see watchlist)
//	poll             how often each watched parcel is looked up, default 1h
func open(options map[string]string) (adapters.Source, error) {
	client, err := carrierhttp.FromOptions(options, optionNames, watchlist.OptionFile, watchlist.OptionPoll)
	if err != nil {
		return nil, err
	}
	cfg := Config{
		ClientID: options["client_id"], ClientSecret: options["client_secret"], BaseURL: options["base_url"],
		Courier: options["courier"], TransactionSrc: options["transaction_src"],
	}
	cfg.Client = client
	return New(cfg)
}

// New returns a Source for cfg.
func New(cfg Config) (*Source, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, fmt.Errorf("ups: the OAuth client id and secret (options \"client_id\", \"client_secret\") are required")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = ProductionURL
	}
	base, err := carrierhttp.BaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("ups: base URL: %w", err)
	}
	if cfg.Courier == "" {
		cfg.Courier = DefaultCourier
	}
	if err := crypto.CheckCourierID(cfg.Courier); err != nil {
		return nil, fmt.Errorf("ups: %w", err)
	}
	if cfg.TransactionSrc == "" {
		cfg.TransactionSrc = DefaultTransactionSrc
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
		token: &carrierhttp.TokenSource{Client: cfg.Client, URL: base.JoinPath("security", "v1", "oauth", "token").String(),
			ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Now: cfg.Now},
	}, nil
}

// Source looks UPS packages up. It is safe for concurrent use.
type Source struct {
	cfg   Config
	base  *url.URL
	token *carrierhttp.TokenSource
}

var _ adapters.Source = (*Source)(nil)
