package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
)

// errViewMismatch: a record opened but its view is not the parcel asked for.
var errViewMismatch = errors.New("view names another parcel")

// fetch makes exactly one fetch per slot of a round, dummies and
// duplicates included (docs/protocol.md §11), and opens the records of the
// real queries. A gateway error answer marks the query "unavailable";
// transport and context errors end the lookup.
func (c *Client) fetch(ctx context.Context, dir *directory, slots []*slot) error {
	fetchOne := c.fetchLocator
	if c.private {
		fetchOne = func(ctx context.Context, s *slot) error { return c.fetchBucket(ctx, dir, s) }
	}
	return fetchAll(ctx, slots, fetchOne)
}

// bucketAnswer is a bucket answer: its records and the couriers whose
// records the gateway could not include.
type bucketAnswer struct {
	Records []crypto.SealedRecord `json:"records"`
	Missing []string              `json:"missing"`
}

// fetchBucket fetches the whole bucket of the slot's locator, so the
// gateway learns no more than which bucket was read.
func (c *Client) fetchBucket(ctx context.Context, dir *directory, s *slot) error {
	b := crypto.Bucket(s.locator, dir.doc.BucketBits)
	var recs bucketAnswer
	_, err := c.getJSON(ctx, "GET /v1/buckets", c.endpoint("v1", "buckets", crypto.FormatBucket(b)), maxBucketBytes, false, &recs)
	if err != nil {
		if !isGatewayAnswer(err) {
			return err
		}
		s.fetchFailed()
		return nil
	}
	if a := s.pending(); a != nil {
		a.open(recs.Records)
		a.missedBy(recs.Missing)
	}
	return nil
}

// fetchLocator asks for the slot's record by its locator: fast, but the
// gateway sees exactly which record was read.
func (c *Client) fetchLocator(ctx context.Context, s *slot) error {
	var rec crypto.SealedRecord
	found, err := c.getJSON(ctx, "GET /v1/records", c.endpoint("v1", "records", crypto.EncodeB64(s.locator)), maxRecordBytes, true, &rec)
	a := s.pending()
	switch {
	case err != nil && isGatewayAnswer(err):
		s.fetchFailed()
	case err != nil:
		return err
	case a == nil: // a dummy's answer, or one nobody can open, is discarded
	case !found:
		a.status = OutcomeNotFound
	default:
		a.open([]crypto.SealedRecord{rec})
	}
	return nil
}

// isGatewayAnswer tells an error status or malformed body, which concerns
// the couriers asked, from a transport failure, which ends the lookup.
func isGatewayAnswer(err error) bool {
	return errors.Is(err, ErrGateway)
}

// open picks the records carrying a's locator, newest version first, and
// keeps the first that opens with a's record key and whose view is the
// parcel asked for. Records that fail are rejected, never trusted.
func (a *answer) open(records []crypto.SealedRecord) {
	var mine []crypto.SealedRecord
	for _, r := range records {
		if bytes.Equal(r.Locator, a.derived.Locator) {
			mine = append(mine, r)
		}
	}
	if len(mine) == 0 {
		a.status = OutcomeNotFound
		return
	}
	sort.SliceStable(mine, func(i, j int) bool { return mine[i].Version > mine[j].Version })
	for i := range mine {
		r := &mine[i]
		if r.Courier != a.courier.entry.ID {
			continue
		}
		plain, err := crypto.Open(a.derived.RecordKey, r)
		if err != nil {
			continue
		}
		view, err := decodeView(plain, a.courier.entry.ID, a.tn)
		if err != nil {
			continue
		}
		a.status, a.view = OutcomeFound, view
		return
	}
	a.status = OutcomeRejected
}

// decodeView decodes an opened record and checks it is a well-formed view
// of exactly the courier and number asked for (§6: a client MUST check).
func decodeView(plain []byte, courier, tn string) (adapters.View, error) {
	var v adapters.View
	if err := json.Unmarshal(plain, &v); err != nil {
		return adapters.View{}, fmt.Errorf("decode view: %w", err)
	}
	if err := v.Check(); err != nil {
		return adapters.View{}, err
	}
	if v.Courier != courier || v.TrackingNumber != tn {
		return adapters.View{}, errViewMismatch
	}
	return v, nil
}
