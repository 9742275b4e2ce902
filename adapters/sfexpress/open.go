package sfexpress

import (
	"fmt"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
	"github.com/trackgate/trackgate/adapters/watchlist"
	"github.com/trackgate/trackgate/crypto"
)

// AdapterName is the name the adapter registers with adapters.Register.
const AdapterName = "sfexpress"

// Defaults of Config.
const (
	// ProductionURL is SF's open-platform service URL (the sandbox is
	// https://sfapi-sbox.sf-express.com/std/service).
	ProductionURL = "https://sfapi.sf-express.com/std/service"
	// DefaultCourier is the courier id of SF Express in trackgate's
	// detection rules.
	DefaultCourier = "sf-express"
)

func init() { adapters.Register(AdapterName, watchlist.Wrap(open)) }

// Config configures a Source.
type Config struct {
	// PartnerID is the customer code (顾客编码) SF issued.
	PartnerID string
	// Checkword is the check word (校验码) SF issued, which signs requests.
	Checkword string
	// BaseURL is the service URL (default ProductionURL).
	BaseURL string
	// Courier is the courier id views carry (default DefaultCourier).
	Courier string
	// Client calls SF (default: carrierhttp's defaults).
	Client *carrierhttp.Client
	// Now reads the clock for request timestamps (default time.Now).
	Now func() time.Time
}

// optionNames are the options open understands (besides watchlist's).
var optionNames = []string{"partner_id", "checkword", "base_url", "courier", "timeout"}

// open is the adapters.Factory of the adapter. Options:
//
//	partner_id  SF customer code (required)
//	checkword   SF check word (required)
//	base_url    service URL, default ProductionURL
//	courier     courier id of the views, default sf-express
//	timeout     per attempt, a Go duration, default 10s
//	watchlist   JSON Lines file of the parcels to watch (see watchlist)
//	poll        how often each watched parcel is looked up, default 1h
func open(options map[string]string) (adapters.Source, error) {
	client, err := carrierhttp.FromOptions(options, optionNames, watchlist.OptionFile, watchlist.OptionPoll)
	if err != nil {
		return nil, err
	}
	cfg := Config{
		PartnerID: options["partner_id"],
		Checkword: options["checkword"],
		BaseURL:   options["base_url"],
		Courier:   options["courier"],
	}
	cfg.Client = client
	return New(cfg)
}

// New returns a Source for cfg.
func New(cfg Config) (*Source, error) {
	switch {
	case cfg.PartnerID == "":
		return nil, fmt.Errorf("sfexpress: the partner id (option \"partner_id\") is required")
	case cfg.Checkword == "":
		return nil, fmt.Errorf("sfexpress: the check word (option \"checkword\") is required")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = ProductionURL
	}
	base, err := carrierhttp.BaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("sfexpress: base URL: %w", err)
	}
	if cfg.Courier == "" {
		cfg.Courier = DefaultCourier
	}
	if err := crypto.CheckCourierID(cfg.Courier); err != nil {
		return nil, fmt.Errorf("sfexpress: %w", err)
	}
	if cfg.Client == nil {
		cfg.Client = &carrierhttp.Client{}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Source{cfg: cfg, url: base.String()}, nil
}

// Source looks SF Express parcels up. It is safe for concurrent use.
type Source struct {
	cfg Config
	url string
}

var _ adapters.Source = (*Source)(nil)
