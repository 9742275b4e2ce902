package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/delivery"
	"github.com/trackgate/trackgate/gateway/delivery/deliverytest"
	"github.com/trackgate/trackgate/gateway/keyfile"
	"github.com/trackgate/trackgate/gateway/signing"
	"github.com/trackgate/trackgate/gateway/store/redisstore/redistest"
	"github.com/trackgate/trackgate/gateway/tenant"
)

// TestWebhooksSurviveAGatewayKilledWithSIGKILL runs `trackgate serve
// --config` on Redis as a real process, subscribes a receiver that fails
// at random, publishes versions as the courier, kills the gateway with
// SIGKILL while it holds deliveries, starts another on the same file, and
// publishes more there: every version arrives, in order.
func TestWebhooksSurviveAGatewayKilledWithSIGKILL(t *testing.T) {
	r := redistest.Single(t)
	prefix := r.Prefix(t)
	portA, portB := freePort(t), freePort(t)
	d := newDeployment(t, r.Addr, prefix, portA)
	secretKey, _ := tenant.Secret.New(rand.Reader)
	hash, _ := tenant.Secret.Hash(secretKey)
	f, err := os.OpenFile(d.gatewayFile, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, `tenants:
  - {id: shop-a, name: Shop A, secret_key_hashes: [%s]}
webhooks:
  allow_http_callbacks: true
  allow_private_callbacks: true
  timeout: 1s
  claim_timeout: 3s
  poll: 50ms
  retry: {initial: 100ms, max: 400ms}
`, hash)
	f.Close()

	courier := startTrackgate(t, "courier", "--config", d.courierFile, "--log-format", "json")
	m := courierLine.FindStringSubmatch(courier.firstLine(t))
	if m == nil {
		t.Fatal("the courier host did not start")
	}
	d.setCourierHost(t, m[1])
	gatewayA := startTrackgate(t, "serve", "--config", d.gatewayFile, "--log-format", "json")
	urlA := gatewayLine.FindStringSubmatch(gatewayA.firstLine(t))[1]

	signingFile, err := keyfile.Load(filepath.Join(d.dir, "sim-panda", signingKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	pub := &publisher{t: t, signer: &signing.Signer{KeyID: "sim-panda", Key: signingFile.Signing, Audience: "gateway"}}
	pub.kid = pub.directoryKid(urlA)

	recv := deliverytest.NewReceiver(t, hookSecret)
	recv.SetFail(0.3)
	recv.SetDelay(100 * time.Millisecond)
	traffic := deliverytest.NewTraffic("sim-panda", 6)
	sub := subscribe(t, urlA, secretKey, traffic.Locators, recv.URL)

	for range 3 {
		pub.publish(urlA, traffic.Next())
	}
	client := redis.NewClient(&redis.Options{Addr: r.Addr})
	defer client.Close()
	if !deliverytest.WaitFor(10*time.Second, func() bool { return pendingDeliveries(t, client, prefix) > 0 }) {
		t.Fatal("the first gateway never held a delivery")
	}
	if err := gatewayA.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = gatewayA.cmd.Wait()
	if pendingDeliveries(t, client, prefix) == 0 {
		t.Fatal("the killed gateway held no delivery")
	}

	gatewayB := startTrackgate(t, "serve", "--config", d.gatewayFile, "--addr", fmt.Sprintf("127.0.0.1:%d", portB), "--log-format", "json")
	urlB := gatewayLine.FindStringSubmatch(gatewayB.firstLine(t))[1]
	for range 3 {
		pub.publish(urlB, traffic.Next())
	}
	if !traffic.WaitDelivered(recv, 60*time.Second, sub) {
		t.Fatalf("after the kill, %d of %d deliveries arrived\n%s", recv.Distinct(), traffic.Sent(), gatewayB.stderr)
	}
	traffic.Check(t, recv, sub)
	gatewayB.stop(t)
	courier.stop(t)
}

const hookSecret = "receiver-secret-0123456789abcdefghijklmnop"

// pendingDeliveries counts the deliveries gateways hold, in every shard.
func pendingDeliveries(t *testing.T, c *redis.Client, prefix string) int64 {
	t.Helper()
	var n int64
	for k := range 16 {
		p, err := c.XPending(t.Context(), fmt.Sprintf("%s:wh:{q%d}:ready", prefix, k), "gateways").Result()
		if err == nil {
			n += p.Count
		}
	}
	return n
}

func subscribe(t *testing.T, url, secretKey string, locators [][]byte, callback string) string {
	t.Helper()
	req := api.SubscriptionRequest{CallbackURL: callback, Secret: hookSecret}
	for _, l := range locators {
		req.Locators = append(req.Locators, l)
	}
	body, _ := json.Marshal(req)
	hr, _ := http.NewRequest(http.MethodPost, url+"/v1/subscriptions", bytes.NewReader(body))
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Authorization", "Bearer "+secretKey)
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s api.Subscription
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("subscribe: %d %v", resp.StatusCode, err)
	}
	return s.ID
}

// publisher publishes as the courier: records of the deployment's size
// under the kid the directory lists, signed with the courier's key.
type publisher struct {
	t      *testing.T
	signer *signing.Signer
	kid    []byte
}

// directoryKid waits for the gateway's directory to list the courier's
// key, and returns its kid.
func (p *publisher) directoryKid(url string) []byte {
	var dir api.Directory
	listed := deliverytest.WaitFor(30*time.Second, func() bool {
		resp, err := http.Get(url + "/v1/couriers")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		return json.NewDecoder(resp.Body).Decode(&dir) == nil && len(dir.Couriers) == 1 && len(dir.Couriers[0].Keys) > 0
	})
	if !listed {
		p.t.Fatal("the gateway's directory never listed the courier's key")
	}
	kid, err := crypto.DecodeB64(dir.Couriers[0].Keys[0].KeyID)
	if err != nil {
		p.t.Fatal(err)
	}
	return kid
}

// publish sends the events as one batch, again until the gateway takes it.
func (p *publisher) publish(url string, events []delivery.Event) {
	p.t.Helper()
	batch := api.Records{Records: []crypto.SealedRecord{}, Withdraw: []api.Withdrawal{}}
	for _, e := range events {
		if e.Withdrawn {
			batch.Withdraw = append(batch.Withdraw, api.Withdrawal{Locator: e.Locator, Version: e.Version})
			continue
		}
		r := crypto.SealedRecord{Courier: e.Courier, Locator: e.Locator, KeyID: p.kid, Version: e.Version,
			Nonce: make([]byte, crypto.NonceSize), Ciphertext: make([]byte, crypto.DefaultRecordSize),
			ExpiresAt: time.Now().Add(time.Hour).UTC().Truncate(time.Second)}
		rand.Read(r.Nonce)
		rand.Read(r.Ciphertext)
		batch.Records = append(batch.Records, r)
	}
	body, _ := json.Marshal(batch)
	deadline := time.Now().Add(20 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodPut, url+"/v1/couriers/sim-panda/records", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if err := p.signer.Sign(req, body); err != nil {
			p.t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			answer, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			if time.Now().After(deadline) {
				p.t.Fatalf("publish: %d %s", resp.StatusCode, answer)
			}
		} else if time.Now().After(deadline) {
			p.t.Fatalf("publish: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
