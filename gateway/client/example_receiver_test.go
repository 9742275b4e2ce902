package client_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/client"
	"github.com/trackgate/trackgate/gateway/webhook"
)

// docs/webhooks.md: Go receiver begins

// Receiver takes trackgate's deliveries for the legs a marketplace
// follows: it verifies them, handles each once, and opens the record.
type Receiver struct {
	Secrets     []string              // the subscription's secrets (two while rotating)
	Legs        map[string]client.Leg // the legs followed, by base64url locator
	OnUpdate    func(leg client.Leg, view adapters.View)
	OnWithdrawn func(leg client.Leg)

	mu   sync.Mutex
	seen map[string]bool // TG-Webhook-Id of deliveries handled; keep it in your database
}

func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	// 1. Verify first: only the gateway and you know the secret.
	sig := r.Header.Get(webhook.SignatureHeader)
	if err := webhook.Verify(sig, body, time.Now(), webhook.DefaultTolerance, rc.Secrets...); err != nil {
		http.Error(w, "signature does not verify", http.StatusUnauthorized)
		return
	}
	// 2. Deduplicate: delivery is at least once, and a retry has the same id.
	id := r.Header.Get(client.DeliveryIDHeader)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.seen[id] {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	// 3. Open the record with the leg whose locator it names.
	d, err := client.ParseDelivery(body)
	if errors.Is(err, client.ErrUnknownDeliveryType) {
		w.WriteHeader(http.StatusNoContent) // a newer gateway's news: nothing to do
		return
	}
	if err != nil {
		http.Error(w, "not a delivery", http.StatusBadRequest)
		return
	}
	leg, ok := rc.Legs[crypto.EncodeB64(d.Locator)]
	if !ok {
		w.WriteHeader(http.StatusNoContent) // a leg no longer followed
		return
	}
	view, err := d.Open(leg)
	switch {
	case errors.Is(err, client.ErrWithdrawn):
		rc.OnWithdrawn(leg)
	case err != nil:
		log.Printf("delivery %s does not open: %v", id, err) // never log the view or the number
		http.Error(w, "record does not open", http.StatusUnprocessableEntity)
		return
	default:
		rc.OnUpdate(leg, view)
	}
	if rc.seen == nil {
		rc.seen = map[string]bool{}
	}
	rc.seen[id] = true
	w.WriteHeader(http.StatusNoContent)
}

// docs/webhooks.md: Go receiver ends

// Example_receiver runs the receiver of docs/webhooks.md: a signed
// delivery is opened once, its retry is only acknowledged, and a body
// that does not verify is refused. The gateway's part is played by hand
// here; a marketplace gets its leg from Client.Track (or RestoreLeg after
// a restart) and subscribes it with Client.Subscribe.
func Example_receiver() {
	const secret = "whsec_0123456789abcdef0123456789abcdef"
	locator, recordKey := make([]byte, crypto.LocatorSize), make([]byte, crypto.RecordKeySize)
	_, _ = rand.Read(locator)
	_, _ = rand.Read(recordKey)
	leg, err := client.RestoreLeg("sim-east", "SE1234567890", locator, recordKey)
	if err != nil {
		fmt.Println(err)
		return
	}
	rc := &Receiver{
		Secrets: []string{secret},
		Legs:    map[string]client.Leg{crypto.EncodeB64(leg.Locator): leg},
		OnUpdate: func(leg client.Leg, v adapters.View) {
			last := v.Events[len(v.Events)-1]
			fmt.Printf("%s %s: %s\n", v.TrackingNumber, v.Status, last.Description)
		},
		OnWithdrawn: func(leg client.Leg) { fmt.Println("withdrawn") },
	}
	srv := httptest.NewServer(rc)
	defer srv.Close()

	body := sealedDelivery(locator, recordKey)
	post := func(signature string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		req.Header.Set(webhook.SignatureHeader, signature)
		req.Header.Set(client.DeliveryIDHeader, "dlv_BBBBBBBBBBBBBBBBBBBBBB")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	post(webhook.Sign(time.Now(), body, secret))                                  // the delivery
	post(webhook.Sign(time.Now(), body, secret))                                  // its retry
	post(webhook.Sign(time.Now(), body, "whsec_not-the-secret-not-the-secret-!")) // a forgery
	// Output:
	// SE1234567890 out_for_delivery: Out for delivery
	// 204
	// 204
	// 401
}

// sealedDelivery is what the gateway POSTs when the courier publishes a
// new version of the record at locator: sealed by the courier, never
// opened on the way.
func sealedDelivery(locator, recordKey []byte) []byte {
	at := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	view, _ := json.Marshal(adapters.View{
		Courier: "sim-east", TrackingNumber: "SE1234567890", Status: adapters.StatusOutForDelivery, UpdatedAt: at,
		Events: []adapters.Event{{Time: at, Status: adapters.StatusOutForDelivery, Description: "Out for delivery"}},
	})
	rec := crypto.SealedRecord{Courier: "sim-east", Locator: locator}
	if err := crypto.Seal(recordKey, &rec, view, crypto.DefaultRecordSize, rand.Reader); err != nil {
		panic(err)
	}
	body, _ := json.Marshal(map[string]any{
		"type": client.DeliveryUpdated, "subscription": "sub_AAAAAAAAAAAAAAAAAAAAAA", "delivery": "dlv_BBBBBBBBBBBBBBBBBBBBBB",
		"locator": crypto.B64(locator), "version": 2, "record": rec.Public(),
	})
	return body
}

// TestWebhooksDocShowsTheExampleReceiver keeps docs/webhooks.md's Go
// receiver the one Example_receiver compiles and runs.
func TestWebhooksDocShowsTheExampleReceiver(t *testing.T) {
	src, err := os.ReadFile("example_receiver_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, code, _ := strings.Cut(string(src), "// docs/webhooks.md: Go receiver begins\n\n")
	code, _, _ = strings.Cut(code, "\n// docs/webhooks.md: Go receiver ends")
	doc, err := os.ReadFile("../../docs/webhooks.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(code) < 500 || !strings.Contains(string(doc), code) {
		t.Errorf("docs/webhooks.md does not show the receiver of example_receiver_test.go verbatim; copy it there:\n%s", code)
	}
}
