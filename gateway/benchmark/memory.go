package benchmark

import (
	"context"
	"fmt"
	"slices"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/config"
	"github.com/trackgate/trackgate/gateway/courierhost"
	"github.com/trackgate/trackgate/gateway/signing"
)

// sealedSize is what a record is at the least: the bytes of its public
// form, which every read must answer (locator, nonce, ciphertext).
const sealedSize = crypto.LocatorSize + crypto.NonceSize + crypto.DefaultRecordSize

// memory publishes new records through the ingest gateway, as a courier
// host does, and divides the growth of Redis's used_memory by their
// number: everything the store keeps per record (the entry, the expiry
// index, the usage counts, the allocator's rounding) against the
// record's sealed size.
func (b *bench) memory(ctx context.Context) ([]Figure, error) {
	g, err := b.dep.ingestGateway(ctx)
	if err != nil {
		return nil, err
	}
	loader := b.dep.loader
	batch, err := recordsPerBatch(loader, b.profile.PublishBatchBytes)
	if err != nil {
		return nil, err
	}
	publisher := courierhost.HTTPPublisher{GatewayURL: g.URL, Courier: loaderID,
		Signer: &signing.Signer{KeyID: loaderID, Key: loader.signKey, Audience: config.DefaultGatewayID}}
	n := b.profile.MemoryRecords
	perRecord := make([]float64, b.profile.Rounds)
	for round := range perRecord {
		records := newRecords(loader, n)
		before, err := usedMemory(ctx, b.dep.rdb)
		if err != nil {
			return nil, err
		}
		for chunk := range slices.Chunk(records, batch) {
			res, err := publisher.Publish(ctx, api.Records{Records: chunk})
			if err != nil {
				return nil, fmt.Errorf("publish: %w", err)
			}
			if res.Stored != len(chunk) {
				return nil, fmt.Errorf("publish stored %d of %d records (%d refused)", res.Stored, len(chunk), res.Refused)
			}
		}
		after, err := usedMemory(ctx, b.dep.rdb)
		if err != nil {
			return nil, err
		}
		perRecord[round] = float64(after-before) / float64(n)
		b.progress("memory round %d/%d: %s bytes per record over %d new records", round+1, len(perRecord), number(perRecord[round]), n)
	}
	sealed := make([]float64, len(perRecord))
	for i := range sealed {
		sealed[i] = sealedSize
	}
	f := ratioFigure(Figure{ID: "memory", Title: "Redis memory per stored record", Kind: KindMemory, Unit: "bytes/record",
		Measured: Side{What: fmt.Sprintf("growth of Redis's used_memory over %d new records published through the ingest gateway", n),
			Value: median(perRecord), Rounds: perRecord},
		Baseline: Side{What: fmt.Sprintf("the record's sealed size: locator (%d) + nonce (%d) + ciphertext (record_size %d)",
			crypto.LocatorSize, crypto.NonceSize, crypto.DefaultRecordSize), Value: sealedSize, Rounds: sealed},
	})
	return []Figure{f.withGoals(f.ratioAtMost(1.5))}, nil
}
