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
	"github.com/trackgate/trackgate/gateway/api"
)

// errViewMismatch: a record opened but its view is not the parcel asked for.
var errViewMismatch = errors.New("view names another parcel")

// fetch fetches, opens and checks the record of every answer whose proof
// verified. A gateway error answer marks the affected couriers
// "unavailable"; transport and context errors end the lookup.
func (c *Client) fetch(ctx context.Context, dir *directory, answers []answer) error {
	if c.private {
		return c.fetchBuckets(ctx, dir, answers)
	}
	return c.fetchLocators(ctx, answers)
}

// fetchBuckets fetches each distinct bucket once, so the gateway learns
// no more than which buckets were read.
func (c *Client) fetchBuckets(ctx context.Context, dir *directory, answers []answer) error {
	byBucket := map[uint32][]int{}
	var order []uint32
	for i, a := range answers {
		if a.status != "" || a.derived == nil {
			continue
		}
		b := crypto.Bucket(a.derived.Locator, dir.doc.BucketBits)
		if _, seen := byBucket[b]; !seen {
			order = append(order, b)
		}
		byBucket[b] = append(byBucket[b], i)
	}
	for _, b := range order {
		var recs api.Records
		_, err := c.getJSON(ctx, "GET /v1/buckets", c.endpoint("v1", "buckets", crypto.FormatBucket(b)), maxBucketBytes, false, &recs)
		if err != nil {
			if !isGatewayAnswer(err) {
				return err
			}
			for _, i := range byBucket[b] {
				answers[i].status = api.StatusUnavailable
			}
			continue
		}
		for _, i := range byBucket[b] {
			answers[i].open(recs.Records)
		}
	}
	return nil
}

// fetchLocators asks for each record by its locator: fast, but the
// gateway sees exactly which record was read.
func (c *Client) fetchLocators(ctx context.Context, answers []answer) error {
	for i := range answers {
		a := &answers[i]
		if a.status != "" || a.derived == nil {
			continue
		}
		var rec crypto.SealedRecord
		found, err := c.getJSON(ctx, "GET /v1/records", c.endpoint("v1", "records", crypto.EncodeB64(a.derived.Locator)), maxRecordBytes, true, &rec)
		switch {
		case err != nil && isGatewayAnswer(err):
			a.status = api.StatusUnavailable
		case err != nil:
			return err
		case !found:
			a.status = OutcomeNotFound
		default:
			a.open([]crypto.SealedRecord{rec})
		}
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
