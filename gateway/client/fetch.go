package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
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

// fetchBucket fetches the whole bucket of the slot's locator, so the
// gateway learns no more than which bucket was read.
func (c *Client) fetchBucket(ctx context.Context, dir *directory, s *slot) error {
	b := crypto.Bucket(s.locator, dir.doc.BucketBits)
	var recs api.PublicRecords
	_, err := c.getJSON(ctx, "GET /v1/buckets", c.endpoint("v1", "buckets", crypto.FormatBucket(b)), maxBucketBytes, false, &recs)
	if err != nil {
		if !isGatewayAnswer(err) {
			return err
		}
		s.fetchFailed(err)
		return nil
	}
	if a := s.pending(); a != nil {
		a.open(&recs)
	}
	return nil
}

// fetchLocator asks for the slot's record by its locator: fast, but the
// gateway sees exactly which record was read.
func (c *Client) fetchLocator(ctx context.Context, s *slot) error {
	var recs api.PublicRecords
	found, err := c.getJSON(ctx, "GET /v1/records", c.endpoint("v1", "records", crypto.EncodeB64(s.locator)), maxRecordBytes, true, &recs)
	a := s.pending()
	switch {
	case err != nil && isGatewayAnswer(err):
		s.fetchFailed(err)
	case err != nil:
		return err
	case a == nil: // a dummy's answer, or one nobody can open, is discarded
	case !found: // a revision 2 gateway answers 200; a 404 still means nothing there
		a.status = a.miss()
	default:
		a.open(&recs)
	}
	return nil
}

// isGatewayAnswer tells an error status or malformed body, which concerns
// the couriers asked, from a transport failure, which ends the lookup.
func isGatewayAnswer(err error) bool {
	return errors.Is(err, ErrGateway)
}

// open looks among the records of a gateway answer for a's parcel: only
// records at a's locator, opened with a's record key and the courier a
// asked (docs/protocol.md §5). A record that does not open — another
// courier's at the same locator, a dummy, a forgery — is skipped; one that
// opens but holds another parcel's view is rejected. When nothing opened
// and the answer lists a's courier as missing, its records could not be
// read: the outcome is "unavailable", not "not found" (§11).
func (a *answer) open(answer *api.PublicRecords) {
	courier := a.courier.entry.ID
	rejected := false
	for i := range answer.Records {
		r := &answer.Records[i]
		if !bytes.Equal(r.Locator, a.derived.Locator) {
			continue
		}
		plain, err := crypto.OpenPublic(a.derived.RecordKey, courier, r)
		if err != nil {
			continue
		}
		view, err := decodeView(plain, courier, a.tn)
		if err != nil {
			rejected = true
			continue
		}
		// Several versions may be live at once (a pull courier's and a
		// stale push copy): the newest view wins.
		if a.status != OutcomeFound || view.UpdatedAt.After(a.view.UpdatedAt) {
			a.status, a.view = OutcomeFound, view
		}
	}
	switch {
	case a.status == OutcomeFound:
	case slices.Contains(answer.Missing, courier):
		a.status = api.StatusUnavailable
	case rejected:
		a.status = OutcomeRejected
	default:
		a.status = a.miss()
	}
}

// miss is the outcome of finding nothing: "still loading" at a courier
// the directory says is still publishing its first records
// (docs/protocol.md §7.1), "not found" elsewhere.
func (a *answer) miss() string {
	if a.courier.entry.Loading {
		return OutcomeStillLoading
	}
	return OutcomeNotFound
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
