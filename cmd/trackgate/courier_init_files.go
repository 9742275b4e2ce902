package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
)

// The files courier init writes: the host's commented configuration and
// the gateway's entry, with the adapter options of a template.

const (
	webhookAdapter = "webhook"
	// placeholderPrefix begins every value the operator must replace.
	placeholderPrefix = "REPLACE-WITH-"
	defaultWebhookAt  = "127.0.0.1:9180"
)

// adapterOption is one line of the adapter's options; a commented one
// shows an option and its default without setting it.
type adapterOption struct {
	name, value, comment string
	commented            bool
}

// adapterTemplate is the options courier init writes for the adapters it
// knows (those linked into this binary when it was written); another
// adapter gets none, with a pointer to its documentation. watchlist is
// the empty watchlist file to create, for an adapter that polls one.
func adapterTemplate(f courierInitFlags, absDir string) (opts []adapterOption, watchlist string) {
	o := func(name, value, comment string) adapterOption {
		return adapterOption{name: name, value: value, comment: comment}
	}
	off := func(name, value, comment string) adapterOption {
		return adapterOption{name: name, value: value, comment: comment, commented: true}
	}
	polled := func() []adapterOption {
		watchlist = filepath.Join(absDir, "watchlist.jsonl")
		return []adapterOption{
			o("courier", f.id, "the courier id of the views, as above"),
			o("watchlist", watchlist, `the parcels to poll, one JSON object a line: {"tracking_number":…,"factors":[…]}`),
			o("poll", "30m", "how often each parcel is looked up"),
			off("timeout", "10s", "one request to the carrier"),
		}
	}
	switch f.adapter {
	case webhookAdapter:
		return []adapterOption{
			o("courier", f.id, "the courier id of the views, as above"),
			o("listen", defaultWebhookAt, "the ingest API the courier's systems POST events to: its own port, never /tg1's"),
			o("token_env", strings.ToUpper(strings.ReplaceAll(f.id, "-", "_"))+"_WEBHOOK_TOKEN", "the environment variable holding the bearer token (at least 32 characters)"),
			o("state", filepath.Join(absDir, courierStateDir, "webhook.db"), "the events received, kept durably"),
			o("factor", f.factor, "as above"),
			off("retention", "30d", "how long final parcels stay"),
			off("tls_cert", "/etc/trackgate/ingest.crt", "serve the ingest API over HTTPS"),
			off("tls_key", "/etc/trackgate/ingest.key", ""),
		}, ""
	case "simulator":
		return []adapterOption{
			o("courier", f.id, "one of the simulated couriers: sim-swift, sim-panda, sim-global"),
			o("seed", "1", "the simulated world"),
			o("parcels", "3000", "parcels of this courier"),
			o("speed", "60", "simulated seconds per second"),
		}, ""
	case "sfexpress":
		return append([]adapterOption{
			o("partner_id", placeholderPrefix+"THE-PARTNER-ID", "SF Express open platform credentials"),
			o("checkword", placeholderPrefix+"THE-CHECKWORD", ""),
			off("base_url", "https://sfapi.sf-express.com", "the API's base URL"),
		}, polled()...), watchlist
	case "dhl":
		return append([]adapterOption{
			o("api_key", placeholderPrefix+"THE-API-KEY", "DHL Shipment Tracking – Unified API key"),
			off("service", "express", "restrict to one DHL service"),
			off("base_url", "https://api-eu.dhl.com", "the API's base URL"),
		}, polled()...), watchlist
	case "ups":
		return append([]adapterOption{
			o("client_id", placeholderPrefix+"THE-CLIENT-ID", "UPS developer app credentials (OAuth client credentials)"),
			o("client_secret", placeholderPrefix+"THE-CLIENT-SECRET", ""),
			off("transaction_src", "trackgate", "the transactionSrc header"),
			off("base_url", "https://onlinetools.ups.com", "the API's base URL"),
		}, polled()...), watchlist
	case "fedex":
		return append([]adapterOption{
			o("client_id", placeholderPrefix+"THE-API-KEY", "FedEx Developer Portal project: API key (OAuth client id)"),
			o("client_secret", placeholderPrefix+"THE-SECRET-KEY", "and secret key"),
			off("locale", "en_US", "the X-locale header: the language of FedEx's texts"),
			off("base_url", "https://apis-sandbox.fedex.com", "FedEx's sandbox; production is https://apis.fedex.com"),
		}, polled()...), watchlist
	case "jdl":
		return append([]adapterOption{
			o("app_key", placeholderPrefix+"THE-APP-KEY", "JD Logistics open platform (cloud.jdl.com) app credentials"),
			o("app_secret", placeholderPrefix+"THE-APP-SECRET", ""),
			o("access_token", placeholderPrefix+"THE-ACCESS-TOKEN", "the app's access token, from JDL's OAuth flow"),
			o("customer_code", placeholderPrefix+"THE-CUSTOMER-CODE", "the merchant's customer code (商家编码), needed for order origins 1 and 4"),
			off("order_origin", "1", "0 C2C, 1 B2C, 2 C2B, 4 freight B2C, 5 freight C2C"),
			off("base_url", "https://uat-api.jdl.com", "JDL's sandbox; production is https://api.jdl.com"),
		}, polled()...), watchlist
	case "zto":
		return append([]adapterOption{
			o("app_key", placeholderPrefix+"THE-APP-KEY", "ZTO open platform (ZOP) app key, sent as x-companyid"),
			o("app_secret", placeholderPrefix+"THE-APP-SECRET", "and its secret, which signs the requests"),
			off("service", "new_traces", "track (the default; sends a phone_last4 factor) or new_traces"),
			off("base_url", "https://japi-test.zto.com", "ZTO's sandbox; production is https://japi.zto.com"),
		}, polled()...), watchlist
	case "declarative":
		return append([]adapterOption{
			o("carrier", "dhl", "a built-in description: dhl (DHL's Shipment Tracking – Unified API)"),
			off("file", "/etc/trackgate/carrier.yaml", "or a description of your own, instead of carrier (docs/adapters.md)"),
			o("api_key", placeholderPrefix+"THE-API-KEY", "an option the description declares: DHL's API key"),
			off("api_key_env", "DHL_API_KEY", "or the environment variable holding it, instead of api_key"),
			off("service", "express", "the description's other option: restrict to one DHL service"),
			off("base_url", "https://api-eu.dhl.com", "the description's base URL"),
		}, polled()...), watchlist
	}
	return nil, ""
}

// setOption sets name to value, replacing (and un-commenting) the
// template's line.
func setOption(opts []adapterOption, name, value string) []adapterOption {
	for i := range opts {
		if opts[i].name == name {
			opts[i].value, opts[i].commented = value, false
			return opts
		}
	}
	return append(opts, adapterOption{name: name, value: value})
}

// yamlString quotes s for YAML: a JSON string is a YAML double-quoted one.
func yamlString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// courierYAML is the host's configuration file, every field commented.
func (ci *courierInit) courierYAML() string {
	f := ci.flags
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# The courier host of %s, written by 'trackgate courier init'. Start it:\n", f.id)
	w("#   trackgate courier --config %s\n", filepath.Join(ci.dir, courierFile))
	w("# or try it inside the embedded demo gateway:\n")
	w("#   trackgate serve --courier %s\n", filepath.Join(ci.dir, courierFile))
	w("# deploy/local/courier.example.yaml documents every field. Relative paths\n")
	w("# are relative to this file; an unknown or misspelt field is an error.\n\n")

	w("# The courier id, as the gateway registers it (its couriers[].id).\n")
	w("courier: %s\n\n", f.id)
	w("# Where the host serves its signed /tg1 API; only the gateway calls it,\n")
	w("# at %s (the entry's host).\n", ci.hostURL)
	w("listen: %s\n\n", yamlString(f.listen))
	w("# The admin listener (/metrics, /debug/pprof/, /healthz), off without it.\n")
	w("# admin_listen: 127.0.0.1:19101\n\n")
	w("# Serve HTTPS here; without this section the host serves plain HTTP, for\n")
	w("# loopback or behind a proxy that terminates TLS (the gateway refuses\n")
	w("# plain http:// off loopback).\n")
	w("# tls:\n#   cert_file: /etc/trackgate/courier.pem\n#   key_file: /etc/trackgate/courier-key.pem\n\n")
	w("# push: the host publishes sealed records to the gateway through its\n")
	w("# outbox; pull: the gateway asks the host for buckets live. The same as\n")
	w("# the gateway's entry.\n")
	w("mode: %s\n\n", f.mode)
	w("# none, or phone_last4 (shoppers give the last 4 digits of a phone\n")
	w("# number); the same as the gateway's entry.\n")
	w("factor: %s\n\n", f.factor)
	w("# The deployment's bucket_bits and record_size: the same as the\n")
	w("# gateway's bucket_bits and records.record_size.\n")
	w("bucket_bits: %d\n", f.bucketBits)
	w("record_size: %d\n\n", crypto.DefaultRecordSize)

	w("# The adapter, by the name it registers, and its options (strings).\n")
	w("# Adapters do not resolve relative paths against this file: give\n")
	w("# absolute ones.\n")
	w("adapter:\n  name: %s\n", f.adapter)
	if len(ci.options) == 0 {
		w("  # The options of %s: see its package documentation\n", f.adapter)
		w("  # (go doc github.com/trackgate/trackgate/adapters/%s).\n", f.adapter)
		w("  options: {}\n\n")
	} else {
		w("  options:\n")
		for _, o := range ci.options {
			line := fmt.Sprintf("%s: %s", o.name, yamlString(o.value))
			if o.commented {
				line = "# " + line
			}
			if o.comment != "" {
				line = fmt.Sprintf("%-44s # %s", line, o.comment)
			}
			w("    %s\n", line)
		}
		w("\n")
	}

	w("# The keys courier init made, as 'trackgate keys gen --out %s' makes\n", courierKeysDir)
	w("# them. Every OPRF key file in the directory is served: rotate with\n")
	w("# 'trackgate keys rotate --dir %s'. The signing key signs every\n", filepath.Join(ci.dir, courierKeysDir))
	w("# answer (and, in push mode, the publishes); its public half is the\n")
	w("# entry's public_key.\n")
	w("oprf_keys: %s\n", courierKeysDir)
	w("signing_key: %s\n\n", filepath.Join(courierKeysDir, signingKeyFile))

	w("gateway:\n")
	if f.mode == api.ModePush {
		w("  # Where the host publishes (push mode only): https:// unless on loopback.\n")
		w("  url: %s\n", yamlString(f.gatewayURL))
	}
	w("  # The gateway's gateway_id, the audience of the host's signatures.\n")
	w("  id: %s\n", f.gatewayID)
	w("  # The gateway's signing public key: only requests signed with it are\n")
	w("  # served ('trackgate keys show' on the gateway's signing.key prints it).\n")
	if ci.gatewayKey != nil {
		w("  public_key: %s\n", crypto.EncodeB64(ci.gatewayKey))
	} else {
		w("  public_key: %sTHE-GATEWAYS-SIGNING-PUBLIC-KEY\n", placeholderPrefix)
	}
	if f.mode == api.ModePush {
		w("\n# The durable outbox (push mode only): a record counts as handed over\n")
		w("# once it is in this file, and leaves it once the gateway has it.\n")
		w("outbox: %s\n", filepath.Join(courierStateDir, "outbox.db"))
	}
	w("\n# How long a record lives after its parcel last changed, and how often\n")
	w("# an adapter that cannot watch is listed again.\n")
	w("record_ttl: 7d\nlist_interval: 5m\n")
	return b.String()
}

// gatewayEntry is the gateway's entry for the courier, indented to go
// under couriers: in the gateway's file.
func (ci *courierInit) gatewayEntry(signingPub ed25519.PublicKey, kid string) string {
	f := ci.flags
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("  # %s: written by 'trackgate courier init'. The gateway reads the\n", f.id)
	w("  # host's OPRF keys from its /tg1/keys (now kid %s).\n", kid)
	w("  - id: %s\n", f.id)
	w("    name: %s\n", yamlString(f.name))
	w("    host: %s\n", yamlString(ci.hostURL))
	w("    mode: %s\n", f.mode)
	w("    factor: %s\n", f.factor)
	w("    # The host's signing public key (%s).\n", filepath.Join(ci.dir, courierKeysDir, signingKeyFile))
	w("    public_key: %s\n", crypto.EncodeB64(signingPub))
	if f.mode == api.ModePull {
		w("    # watch_interval: 60s           # how often subscribed parcels are read\n")
	}
	if len(f.patterns) > 0 {
		w("    patterns:\n")
		for _, p := range f.patterns {
			w("      - regex: %s\n        checksum: \"\"\n", yamlString(p))
		}
	}
	return b.String()
}
