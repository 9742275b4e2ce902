package benchmark

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"
)

// loopbackServer is one HTTP server of a run on a loopback port of its
// own: a gateway, a courier host or a baseline.
type loopbackServer struct {
	URL  string
	srv  *http.Server
	done chan error
}

// listenLoopback takes a free loopback port, so that a server's URL is
// known (to write it into another's configuration) before it serves.
func listenLoopback() (net.Listener, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback: %w", err)
	}
	return l, nil
}

// serveOn serves h on l with the timeouts `trackgate serve` uses by
// default, until close.
func serveOn(l net.Listener, h http.Handler) *loopbackServer {
	s := &loopbackServer{
		URL: "http://" + l.Addr().String(),
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       15 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       60 * time.Second,
			MaxHeaderBytes:    16 << 10,
			ErrorLog:          log.New(io.Discard, "", 0),
		},
		done: make(chan error, 1),
	}
	go func() { s.done <- s.srv.Serve(l) }()
	return s
}

// serveLoopback serves h on a new loopback port.
func serveLoopback(h http.Handler) (*loopbackServer, error) {
	l, err := listenLoopback()
	if err != nil {
		return nil, err
	}
	return serveOn(l, h), nil
}

// close stops the server, waiting a little for requests in flight.
func (s *loopbackServer) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if serveErr := <-s.done; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return err
}
