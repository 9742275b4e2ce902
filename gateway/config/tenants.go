package config

import (
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/ratelimit"
	"github.com/trackgate/trackgate/gateway/tenant"
)

// TenantEntry registers one marketplace with the gateway
// (docs/protocol.md §7.6): its publishable API keys, as hashes, the browser
// origins that may call the gateway for it, and its own quota.
type TenantEntry struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// APIKeyHashes are the SHA-256 of its API keys in hex, as 'trackgate
	// keys api-key' prints them (or sha256sum of the key). The file never
	// holds a key.
	APIKeyHashes []string `yaml:"api_key_hashes"`
	// APIKeys is refused: the file holds only hashes. The field exists to
	// say so.
	APIKeys []string `yaml:"api_keys"`
	// SecretKeyHashes are the SHA-256 of its secret keys in hex, as
	// 'trackgate keys api-key --secret' prints them: its server sends a
	// secret key as a bearer token to manage its webhook subscriptions
	// (docs/protocol.md §10). None: the tenant cannot subscribe.
	SecretKeyHashes []string `yaml:"secret_key_hashes"`
	// SecretKeys is refused, as APIKeys.
	SecretKeys []string `yaml:"secret_keys"`
	// Origins are the browser origins allowed to call the gateway for the
	// tenant, exactly scheme://host[:port]; "*" (any origin) only for a
	// tenant without keys.
	Origins []string     `yaml:"origins"`
	Limits  TenantLimits `yaml:"limits"`

	keyHashes       []tenant.Hash
	secretKeyHashes []tenant.Hash
}

// TenantLimits are a tenant's quota, shared by every request with one of
// its keys (and, with Redis, by every gateway on it): evaluations
// (elements) and bucket and record GETs a second, and their bursts.
type TenantLimits struct {
	EvaluateRate  int `yaml:"evaluate_rate"`  // required with keys
	EvaluateBurst int `yaml:"evaluate_burst"` // default and least 128
	FetchRate     int `yaml:"fetch_rate"`     // required with keys
	FetchBurst    int `yaml:"fetch_burst"`    // default 240, least 16
}

func (g *Gateway) checkTenants() error {
	ids := map[string]int{}
	hashes := map[tenant.Hash]string{}
	for i := range g.Tenants {
		t := &g.Tenants[i]
		at := func(field string) string { return fmt.Sprintf("tenants[%d].%s", i, field) }
		if err := crypto.CheckCourierID(t.ID); err != nil {
			return fieldErr(at("id"), "%q must be 2 to 32 lower-case letters, digits or '-', starting with a letter or digit, e.g. taobao-shop", t.ID)
		}
		if j, dup := ids[t.ID]; dup {
			return fieldErr(at("id"), "%q is already registered as tenants[%d]; each tenant once, with all its keys and origins", t.ID, j)
		}
		ids[t.ID] = i
		if t.Name == "" {
			return fieldErr(at("name"), "missing; give the marketplace's name, e.g. \"Taobao-like shop\"")
		}
		if len(t.APIKeys) > 0 {
			return fieldErr(at("api_keys"), "API keys do not go in the configuration file; put the SHA-256 of each in api_key_hashes ('trackgate keys api-key' prints a new key and its hash)")
		}
		if len(t.SecretKeys) > 0 {
			return fieldErr(at("secret_keys"), "secret keys do not go in the configuration file; put the SHA-256 of each in secret_key_hashes ('trackgate keys api-key --secret' prints a new key and its hash)")
		}
		if len(t.APIKeyHashes) == 0 && len(t.Origins) == 0 && len(t.SecretKeyHashes) == 0 {
			return fieldErr(at("api_key_hashes"), "a tenant needs api_key_hashes, origins or secret_key_hashes; make a key with 'trackgate keys api-key' (add --secret for a secret key)")
		}
		for j, s := range t.APIKeyHashes {
			h, err := tenant.ParseHash(s)
			if err != nil {
				if tenant.WellFormed(s) {
					return fieldErr(at(fmt.Sprintf("api_key_hashes[%d]", j)), "this is an API key, which must not be in the file; write its SHA-256 instead ('trackgate keys api-key' prints both) and treat this key as published")
				}
				return fieldErr(at(fmt.Sprintf("api_key_hashes[%d]", j)), "%v; write the hash 'trackgate keys api-key' prints", err)
			}
			if other, dup := hashes[h]; dup {
				return fieldErr(at(fmt.Sprintf("api_key_hashes[%d]", j)), "is already a key of tenant %q; give each tenant keys of its own", other)
			}
			hashes[h] = t.ID
			t.keyHashes = append(t.keyHashes, h)
		}
		for j, s := range t.SecretKeyHashes {
			field := at(fmt.Sprintf("secret_key_hashes[%d]", j))
			h, err := tenant.ParseHash(s)
			if err != nil {
				if _, isKey := tenant.KindOf(s); isKey {
					return fieldErr(field, "this is a key, which must not be in the file; write its SHA-256 instead ('trackgate keys api-key --secret' prints both) and replace this key, which is now exposed")
				}
				return fieldErr(field, "%v; write the hash 'trackgate keys api-key --secret' prints", err)
			}
			if other, dup := hashes[h]; dup {
				return fieldErr(field, "is already a key of tenant %q; give each tenant keys of its own", other)
			}
			hashes[h] = t.ID
			t.secretKeyHashes = append(t.secretKeyHashes, h)
		}
		for j, o := range t.Origins {
			if o == tenant.AnyOrigin {
				if len(t.APIKeyHashes) > 0 {
					return fieldErr(at(fmt.Sprintf("origins[%d]", j)), `"*" is refused for a tenant with keys, whose quota any page could then spend; list the marketplace's origins`)
				}
				continue
			}
			if err := tenant.CheckOrigin(o); err != nil {
				return fieldErr(at(fmt.Sprintf("origins[%d]", j)), "%v", err)
			}
		}
		if err := t.checkLimits(at); err != nil {
			return err
		}
	}
	return nil
}

func (t *TenantEntry) checkLimits(at func(string) string) error {
	l := &t.Limits
	if len(t.APIKeyHashes) == 0 {
		if *l != (TenantLimits{}) {
			return fieldErr(at("limits"), "a tenant without api_key_hashes is never charged (its pages are limited per client); remove limits or add keys")
		}
		return nil
	}
	if l.EvaluateBurst == 0 {
		l.EvaluateBurst = ratelimit.MinEvaluateBurst
	}
	if l.FetchBurst == 0 {
		l.FetchBurst = DefaultFetchBurst
	}
	switch {
	case l.EvaluateRate <= 0:
		return fieldErr(at("limits.evaluate_rate"), "must be a positive number of evaluations (elements) a second that all the tenant's shoppers share, e.g. 200 (a lookup of 3 couriers costs about 9)")
	case l.EvaluateBurst < ratelimit.MinEvaluateBurst:
		return fieldErr(at("limits.evaluate_burst"), "%d must be at least %d, the largest valid request (%d couriers × %d elements), or that request is refused forever",
			l.EvaluateBurst, ratelimit.MinEvaluateBurst, crypto.MaxCouriers, crypto.MaxBatch)
	case l.FetchRate <= 0:
		return fieldErr(at("limits.fetch_rate"), "must be a positive number of bucket and record fetches a second that all the tenant's shoppers share, e.g. 600")
	case l.FetchBurst < minFetchBurst:
		return fieldErr(at("limits.fetch_burst"), "%d must be at least %d, one lookup round over a full directory", l.FetchBurst, minFetchBurst)
	}
	return nil
}

// tenants makes the gateway's tenants; with a Redis client their quotas
// are shared by every gateway on it, under the tenant key prefixes.
func (g *Gateway) tenants(client redis.UniversalClient) ([]gateway.Tenant, error) {
	var out []gateway.Tenant
	for _, t := range g.Tenants {
		gt := gateway.Tenant{
			ID: t.ID, Name: t.Name, KeyHashes: t.keyHashes, SecretKeyHashes: t.secretKeyHashes, Origins: t.Origins,
			EvaluateRate: rate.Limit(t.Limits.EvaluateRate), EvaluateBurst: t.Limits.EvaluateBurst,
			FetchRate: rate.Limit(t.Limits.FetchRate), FetchBurst: t.Limits.FetchBurst,
		}
		if client != nil && len(t.keyHashes) > 0 {
			var err error
			gt.Limiter, err = ratelimit.NewRedis(client, t.Limits.EvaluateRate, t.Limits.EvaluateBurst, g.rateLimitSecret(),
				ratelimit.WithKeyPrefix(ratelimit.TenantEvaluateKeyPrefix))
			if err != nil {
				return nil, fmt.Errorf("tenant %s: shared evaluation quota: %w", t.ID, err)
			}
			gt.FetchLimiter, err = ratelimit.NewRedis(client, t.Limits.FetchRate, t.Limits.FetchBurst, g.rateLimitSecret(),
				ratelimit.WithKeyPrefix(ratelimit.TenantFetchKeyPrefix))
			if err != nil {
				return nil, fmt.Errorf("tenant %s: shared fetch quota: %w", t.ID, err)
			}
		}
		out = append(out, gt)
	}
	return out, nil
}

// tenantSummary names the tenants for the start-up log: ids only, never a
// key or hash.
func (g *Gateway) tenantSummary() string {
	ids := make([]string, len(g.Tenants))
	for i, t := range g.Tenants {
		ids[i] = t.ID
	}
	return strings.Join(ids, ",")
}
