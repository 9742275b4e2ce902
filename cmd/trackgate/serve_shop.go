package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"github.com/trackgate/trackgate/adapters/simulator"
	"github.com/trackgate/trackgate/gateway"
	"github.com/trackgate/trackgate/gateway/tenant"
	"github.com/trackgate/trackgate/gateway/web"
)

// demoShop is the marketplace page `serve --shop` runs on a second origin:
// a tenant registered with the embedded gateway for that origin only,
// with a publishable key made at start, and its order page embedding the
// widget with that key.
type demoShop struct {
	listener net.Listener
	origin   string
	key      string
}

// shopTenantID is the demo shop's tenant id in the gateway.
const shopTenantID = "demo-shop"

// listenShop listens on addr and makes the shop's key. The origin keeps
// the host as given (localhost is another site than 127.0.0.1 to a
// browser) with the port actually bound.
func listenShop(addr string) (*demoShop, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, usageErrorf("--shop %q must be host:port, e.g. localhost:8081", addr)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s for the demo shop: %w", addr, err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	key, err := tenant.NewKey(rand.Reader)
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("make the demo shop's key: %w", err)
	}
	return &demoShop{listener: l, origin: "http://" + net.JoinHostPort(host, port), key: key}, nil
}

// register adds the shop as a tenant of the gateway's configuration.
func (s *demoShop) register(c *gateway.Config) {
	h, err := tenant.HashKey(s.key)
	if err != nil {
		panic(err) // NewKey made it: a malformed key is a bug
	}
	c.Tenants = append(c.Tenants, gateway.Tenant{
		ID: shopTenantID, Name: "Demo Shop", KeyHashes: []tenant.Hash{h}, Origins: []string{s.origin},
	})
}

// run serves the shop's page until ctx ends.
func (s *demoShop) run(ctx context.Context, logger *slog.Logger, gatewayURL string) error {
	names := map[string]string{}
	for _, p := range simulator.Profiles() {
		names[p.ID] = p.Name
	}
	items := []string{"Ceramic teapot set", "Bluetooth speaker", "Running shoes", "Desk lamp", "Silk scarf", "Tea sampler"}
	shop := web.Shop{GatewayURL: gatewayURL, APIKey: s.key}
	for i, p := range simulator.DemoParcels() {
		if i == len(items) {
			break
		}
		shop.Orders = append(shop.Orders, web.ShopOrder{
			ID: fmt.Sprintf("20261%03d", 41+i), Item: items[i],
			Courier: p.Courier, CourierName: names[p.Courier], TrackingNumber: p.TrackingNumber,
		})
	}
	h, err := shop.Handler()
	if err != nil {
		return err
	}
	srv := newHTTPServer(h, logger, defaultHTTPTimeouts())
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(s.listener); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve the demo shop: %w", err)
	}
	return nil
}
