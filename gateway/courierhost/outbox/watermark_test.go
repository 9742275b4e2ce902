package outbox

import (
	"testing"

	"github.com/trackgate/trackgate/crypto"
)

func TestAWatermarkIsReachedOnceEveryRecordPendingThenHasLeft(t *testing.T) {
	o, _ := openTest(t, newFakeGateway(0))
	defer o.Close()
	if !o.Watermark()() {
		t.Fatal("the watermark of an empty outbox is not reached")
	}

	one, two := record(t, 1, 1, farFuture), record(t, 2, 1, farFuture)
	mustPublish(t, o, one, two)
	reached := o.Watermark()
	later := record(t, 3, 1, farFuture)
	mustPublish(t, o, later) // after the watermark: it does not hold it up
	if reached() {
		t.Fatal("reached with every record still pending")
	}
	if err := o.ack([]crypto.SealedRecord{one}); err != nil {
		t.Fatal(err)
	}
	if reached() {
		t.Fatal("reached with the second record still pending")
	}
	newer := record(t, 2, 2, farFuture)
	mustPublish(t, o, newer)
	if err := o.ack([]crypto.SealedRecord{two}); err != nil { // the older version reached the gateway
		t.Fatal(err)
	}
	if reached() {
		t.Fatal("reached while the newer version of a record pending at the watermark still waits")
	}
	if err := o.ack([]crypto.SealedRecord{newer}); err != nil {
		t.Fatal(err)
	}
	if !reached() || o.Pending() != 1 {
		t.Fatalf("reached %v with %d pending; want reached, with only the later record pending", reached(), o.Pending())
	}
}

func TestAWatermarkIsNotReachedWhileTheOutboxCannotBeRead(t *testing.T) {
	o, _ := openTest(t, newFakeGateway(0))
	mustPublish(t, o, record(t, 1, 1, farFuture))
	reached := o.Watermark()
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	if reached() {
		t.Fatal("a closed outbox reports its records out")
	}
}
