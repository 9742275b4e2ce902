package main

// track --watch: the same lookup again every interval, and what changed
// printed as it happens. Every repeat is a whole lookup of the fixed
// shape (docs/protocol.md §11), never a cheaper one that would show the
// gateway which couriers or records matter.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/trackgate/trackgate/gateway/client"
)

const (
	defaultWatchInterval = 60 * time.Second
	// minWatchInterval keeps a watcher within the gateway's per-client
	// limits with room to spare: a lookup of 3 couriers costs 9
	// evaluations and 9 fetches.
	minWatchInterval = 15 * time.Second
)

// watch repeats lookup every f.interval until ctx ends or Ctrl-C, and
// prints what each answer adds to prev. A lookup that fails for the
// moment is a one-line notice on stderr; one that cannot succeed by
// trying again (a directory that breaks tg1, a request the gateway
// refuses) ends the watch with its error.
func watch(ctx context.Context, e env, f trackFlags, lang string, lookup func(context.Context) (*client.Result, error), prev *client.Result) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-e.wait(f.interval):
		}
		res, err := lookup(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			if !worthRetrying(err) {
				return err
			}
			fmt.Fprintf(e.stderr, "Could not refresh at %s: %s Trying again in %s.\n", e.now().In(e.location).Format("15:04:05"), sentence(err), seconds(f.interval))
			continue
		}
		ch := diffResults(prev, res)
		prev = res
		switch {
		case ch.empty():
		case f.json:
			if err := printResultLine(e.stdout, res, lang); err != nil {
				return err
			}
		default:
			printChanges(e.stdout, res, ch, e.location, lang)
		}
	}
}

// worthRetrying tells a failure that may pass (a courier or the gateway
// unavailable, rate limited, unreachable, or the parcel not found for the
// moment) from one that will not.
func worthRetrying(err error) bool {
	var gwErr *client.GatewayError
	switch {
	case errors.Is(err, client.ErrInvalidDirectory):
		return false
	case errors.As(err, &gwErr):
		s := gwErr.StatusCode
		return s >= 500 || s == http.StatusTooManyRequests || s == http.StatusRequestTimeout
	}
	return true
}

// seconds writes d as people read it: "60s", "90s", "2.5s".
func seconds(d time.Duration) string {
	return fmt.Sprintf("%gs", d.Seconds())
}
