package jdl

import (
	"fmt"
	"strconv"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
	"github.com/trackgate/trackgate/adapters/watchlist"
	"github.com/trackgate/trackgate/crypto"
)

// AdapterName is the name the adapter registers with adapters.Register.
const AdapterName = "jdl"

// Defaults of Config.
const (
	// ProductionURL is the base URL of JD Logistics' open platform (the
	// sandbox is https://uat-api.jdl.com).
	ProductionURL = "https://api.jdl.com"
	// DefaultCourier is the courier id of JD Logistics in trackgate's
	// detection rules.
	DefaultCourier = "jd"
	// DefaultOrderOrigin is the order origin of a merchant's parcels:
	// 1, B2C. JDL also knows 0 (C2C), 2 (C2B), 4 (freight B2C) and 5
	// (freight C2C).
	DefaultOrderOrigin = 1
)

func init() { adapters.Register(AdapterName, watchlist.Wrap(open)) }

// Config configures a Source.
type Config struct {
	// AppKey, AppSecret and AccessToken are the app's credentials on
	// JDL's open platform (the access token from its OAuth flow).
	AppKey      string
	AppSecret   string
	AccessToken string
	// CustomerCode is the merchant's customer code (商家编码); JDL wants
	// it for B2C orders.
	CustomerCode string
	// OrderOrigin is the orders' origin (default DefaultOrderOrigin).
	OrderOrigin int
	// BaseURL is the open platform's base URL (default ProductionURL).
	BaseURL string
	// Courier is the courier id views carry (default DefaultCourier).
	Courier string
	// Client calls JDL (default: carrierhttp's defaults).
	Client *carrierhttp.Client
	// Now reads the clock for request timestamps (default time.Now).
	Now func() time.Time
}

// optionNames are the options open understands (besides watchlist's).
var optionNames = []string{"app_key", "app_secret", "access_token", "customer_code", "order_origin", "base_url", "courier", "timeout"}

// open is the adapters.Factory of the adapter. Options:
//
//	app_key        JDL app key (required)
//	app_secret     JDL app secret (required)
//	access_token   the app's access token (required)
//	customer_code  the merchant's customer code (required for order_origin 1 and 4)
//	order_origin   0, 1, 2, 4 or 5; default 1 (B2C)
//	base_url       default ProductionURL; sandbox https://uat-api.jdl.com
//	courier        courier id of the views, default jd
//	timeout        per attempt, a Go duration, default 10s
//	watchlist      JSON Lines file of the parcels to watch (see watchlist)
//	poll           how often each watched parcel is looked up, default 1h
func open(options map[string]string) (adapters.Source, error) {
	client, err := carrierhttp.FromOptions(options, optionNames, watchlist.OptionFile, watchlist.OptionPoll)
	if err != nil {
		return nil, err
	}
	origin := DefaultOrderOrigin
	if v, ok := options["order_origin"]; ok {
		if origin, err = strconv.Atoi(v); err != nil {
			return nil, fmt.Errorf("jdl: option \"order_origin\": %q is not a number", v)
		}
	}
	return New(Config{
		AppKey:       options["app_key"],
		AppSecret:    options["app_secret"],
		AccessToken:  options["access_token"],
		CustomerCode: options["customer_code"],
		OrderOrigin:  origin,
		BaseURL:      options["base_url"],
		Courier:      options["courier"],
		Client:       client,
	})
}

// orderOrigins are the order origins JDL knows; those true need a
// customer code.
var orderOrigins = map[int]bool{0: false, 1: true, 2: false, 4: true, 5: false}

// New returns a Source for cfg. A zero OrderOrigin is C2C, as in JDL's
// API; open defaults it to DefaultOrderOrigin.
func New(cfg Config) (*Source, error) {
	needsCustomer, known := orderOrigins[cfg.OrderOrigin]
	switch {
	case cfg.AppKey == "":
		return nil, fmt.Errorf("jdl: the app key (option \"app_key\") is required")
	case cfg.AppSecret == "":
		return nil, fmt.Errorf("jdl: the app secret (option \"app_secret\") is required")
	case cfg.AccessToken == "":
		return nil, fmt.Errorf("jdl: the access token (option \"access_token\") is required")
	case !known:
		return nil, fmt.Errorf("jdl: option \"order_origin\" is %d; JDL knows 0, 1, 2, 4 and 5", cfg.OrderOrigin)
	case needsCustomer && cfg.CustomerCode == "":
		return nil, fmt.Errorf("jdl: order origin %d needs the customer code (option \"customer_code\")", cfg.OrderOrigin)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = ProductionURL
	}
	base, err := carrierhttp.BaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("jdl: base URL: %w", err)
	}
	if cfg.Courier == "" {
		cfg.Courier = DefaultCourier
	}
	if err := crypto.CheckCourierID(cfg.Courier); err != nil {
		return nil, fmt.Errorf("jdl: %w", err)
	}
	if cfg.Client == nil {
		cfg.Client = &carrierhttp.Client{}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Source{cfg: cfg, endpoint: base.JoinPath(tracePath).String()}, nil
}

// Source looks JD Logistics parcels up. It is safe for concurrent use.
type Source struct {
	cfg      Config
	endpoint string
}

var _ adapters.Source = (*Source)(nil)
