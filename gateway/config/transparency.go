package config

import (
	"fmt"

	"github.com/trackgate/trackgate/gateway/tenant"
	"github.com/trackgate/trackgate/gateway/transparency"
)

// Transparency is the transparency report's section
// (docs/transparency.md): who may read GET /v1/transparency. The counts
// are kept in Redis with the records (one hash per UTC day, 400 days), or
// in memory without a redis section.
type Transparency struct {
	// ReaderKeyHashes are the SHA-256 of the report reader keys (tg1rk_…)
	// in hex, as 'trackgate keys api-key --report' prints them. The file
	// never holds a key. None: every request for the report is refused.
	ReaderKeyHashes []string `yaml:"reader_key_hashes"`
	// ReaderKeys is refused: the file holds only hashes. The field exists
	// to say so.
	ReaderKeys []string `yaml:"reader_keys"`

	readerKeys []tenant.Hash
}

func (g *Gateway) checkTransparency() error {
	tr := &g.Transparency
	if len(tr.ReaderKeys) > 0 {
		return fieldErr("transparency.reader_keys", "reader keys do not go in the configuration file; put the SHA-256 of each in transparency.reader_key_hashes ('trackgate keys api-key --report' prints a new key and its hash)")
	}
	tenantKeys := map[tenant.Hash]string{}
	for _, t := range g.Tenants {
		for _, h := range t.keyHashes {
			tenantKeys[h] = t.ID
		}
	}
	seen := map[tenant.Hash]int{}
	for i, s := range tr.ReaderKeyHashes {
		at := fmt.Sprintf("transparency.reader_key_hashes[%d]", i)
		h, err := tenant.ParseHash(s)
		if err != nil {
			if transparency.WellFormedReaderKey(s) {
				return fieldErr(at, "this is a reader key, which must not be in the file; write its SHA-256 instead ('trackgate keys api-key --report' prints both), and make a new key: this one has been seen")
			}
			return fieldErr(at, "%v; write the hash 'trackgate keys api-key --report' prints", err)
		}
		if j, dup := seen[h]; dup {
			return fieldErr(at, "is already transparency.reader_key_hashes[%d]; list each key once", j)
		}
		if owner, isTenants := tenantKeys[h]; isTenants {
			return fieldErr(at, "is the hash of an API key of tenant %q, which is published in its pages; a reader key is a secret of its own ('trackgate keys api-key --report')", owner)
		}
		seen[h] = i
		tr.readerKeys = append(tr.readerKeys, h)
	}
	return nil
}
