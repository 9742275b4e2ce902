package dhl

import (
	"fmt"
	"net/url"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
	"github.com/trackgate/trackgate/adapters/watchlist"
	"github.com/trackgate/trackgate/crypto"
)

// AdapterName is the name the adapter registers with adapters.Register.
const AdapterName = "dhl"

// Defaults of Config.
const (
	// ProductionURL is the base URL of DHL's API.
	ProductionURL = "https://api-eu.dhl.com"
	// DefaultCourier is the courier id of DHL in trackgate's detection rules.
	DefaultCourier = "dhl"
)

func init() { adapters.Register(AdapterName, watchlist.Wrap(open)) }

// Config configures a Source.
type Config struct {
	// APIKey is the key of the app registered on developer.dhl.com.
	APIKey string
	// BaseURL is the API's base URL (default ProductionURL).
	BaseURL string
	// Service, when set, narrows the search to one DHL service (express,
	// parcel-de, ecommerce, …), as the API's service parameter.
	Service string
	// Courier is the courier id views carry (default DefaultCourier).
	Courier string
	// Client calls DHL (default: carrierhttp's defaults).
	Client *carrierhttp.Client
}

var optionNames = []string{"api_key", "base_url", "service", "courier", "timeout"}

// open is the adapters.Factory of the adapter. Options:
//
//	api_key    the DHL-API-Key (required)
//	base_url   default ProductionURL
//	service    DHL service to search (express, parcel-de, …), default all
//	courier    courier id of the views, default dhl
//	timeout    per attempt, a Go duration, default 10s
//	watchlist  JSON Lines file of the parcels to watch (see watchlist)
//	poll       how often each watched parcel is looked up, default 1h
func open(options map[string]string) (adapters.Source, error) {
	client, err := carrierhttp.FromOptions(options, optionNames, watchlist.OptionFile, watchlist.OptionPoll)
	if err != nil {
		return nil, err
	}
	cfg := Config{APIKey: options["api_key"], BaseURL: options["base_url"], Service: options["service"], Courier: options["courier"]}
	cfg.Client = client
	return New(cfg)
}

// New returns a Source for cfg.
func New(cfg Config) (*Source, error) {
	if cfg.APIKey == "" {
		return nil, fmt.Errorf("dhl: the API key (option \"api_key\") is required")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = ProductionURL
	}
	base, err := carrierhttp.BaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("dhl: base URL: %w", err)
	}
	if cfg.Courier == "" {
		cfg.Courier = DefaultCourier
	}
	if err := crypto.CheckCourierID(cfg.Courier); err != nil {
		return nil, fmt.Errorf("dhl: %w", err)
	}
	if cfg.Client == nil {
		cfg.Client = &carrierhttp.Client{}
	}
	return &Source{cfg: cfg, endpoint: base.JoinPath("track", "shipments")}, nil
}

// Source looks DHL shipments up. It is safe for concurrent use.
type Source struct {
	cfg      Config
	endpoint *url.URL
}

var _ adapters.Source = (*Source)(nil)
