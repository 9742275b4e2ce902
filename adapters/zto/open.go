package zto

import (
	"fmt"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
	"github.com/trackgate/trackgate/adapters/watchlist"
	"github.com/trackgate/trackgate/crypto"
)

// AdapterName is the name the adapter registers with adapters.Register.
const AdapterName = "zto"

// Defaults of Config.
const (
	// ProductionURL is the base URL of ZTO's open platform (ZOP); the
	// sandbox is https://japi-test.zto.com.
	ProductionURL = "https://japi.zto.com"
	// DefaultCourier is the courier id of ZTO in trackgate's detection
	// rules.
	DefaultCourier = "zto"
)

// The trace services of ZOP the adapter can call (Config.Service).
const (
	// ServiceTrack is zto.merchant.waybill.track.query, the merchant
	// trace query: a JSON body, optionally with the last four digits of a
	// phone on the waybill.
	ServiceTrack = "track"
	// ServiceNewTraces is traceInterfaceNewTraces, the older trace query
	// (msg_type NEW_TRACES) that many merchants still use: a form body.
	ServiceNewTraces = "new_traces"
)

func init() { adapters.Register(AdapterName, watchlist.Wrap(open)) }

// Config configures a Source.
type Config struct {
	// AppKey is the app key (the company id of older accounts) ZOP
	// issued; it goes in the x-companyid header.
	AppKey string
	// AppSecret is the secret (密钥) ZOP issued, which signs requests.
	AppSecret string
	// Service is the trace service to call: ServiceTrack (default) or
	// ServiceNewTraces.
	Service string
	// BaseURL is the ZOP base URL (default ProductionURL).
	BaseURL string
	// Courier is the courier id views carry (default DefaultCourier).
	Courier string
	// Client calls ZTO (default: carrierhttp's defaults).
	Client *carrierhttp.Client
}

// optionNames are the options open understands (besides watchlist's).
var optionNames = []string{"app_key", "app_secret", "service", "base_url", "courier", "timeout"}

// open is the adapters.Factory of the adapter. Options:
//
//	app_key     ZOP app key / company id (required)
//	app_secret  ZOP secret (required)
//	service     track (default) or new_traces
//	base_url    default ProductionURL; sandbox https://japi-test.zto.com
//	courier     courier id of the views, default zto
//	timeout     per attempt, a Go duration, default 10s
//	watchlist   JSON Lines file of the parcels to watch (see watchlist)
//	poll        how often each watched parcel is looked up, default 1h
func open(options map[string]string) (adapters.Source, error) {
	client, err := carrierhttp.FromOptions(options, optionNames, watchlist.OptionFile, watchlist.OptionPoll)
	if err != nil {
		return nil, err
	}
	return New(Config{
		AppKey:    options["app_key"],
		AppSecret: options["app_secret"],
		Service:   options["service"],
		BaseURL:   options["base_url"],
		Courier:   options["courier"],
		Client:    client,
	})
}

// New returns a Source for cfg.
func New(cfg Config) (*Source, error) {
	switch {
	case cfg.AppKey == "":
		return nil, fmt.Errorf("zto: the app key (option \"app_key\") is required")
	case cfg.AppSecret == "":
		return nil, fmt.Errorf("zto: the app secret (option \"app_secret\") is required")
	}
	if cfg.Service == "" {
		cfg.Service = ServiceTrack
	}
	var path string
	switch cfg.Service {
	case ServiceTrack:
		path = trackPath
	case ServiceNewTraces:
		path = newTracesPath
	default:
		return nil, fmt.Errorf("zto: option \"service\" is %q; it is %q or %q", cfg.Service, ServiceTrack, ServiceNewTraces)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = ProductionURL
	}
	base, err := carrierhttp.BaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("zto: base URL: %w", err)
	}
	if cfg.Courier == "" {
		cfg.Courier = DefaultCourier
	}
	if err := crypto.CheckCourierID(cfg.Courier); err != nil {
		return nil, fmt.Errorf("zto: %w", err)
	}
	if cfg.Client == nil {
		cfg.Client = &carrierhttp.Client{}
	}
	return &Source{cfg: cfg, url: base.JoinPath(path).String()}, nil
}

// Source looks ZTO parcels up. It is safe for concurrent use.
type Source struct {
	cfg Config
	url string
}

var _ adapters.Source = (*Source)(nil)
