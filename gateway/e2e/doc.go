// Package e2e holds the end-to-end tests of tg1: a gateway, push- and
// pull-mode courier hosts and the Go SDK, each behind its own HTTP server
// on loopback, talking exactly as separate deployments would. It has no
// code of its own besides these tests.
package e2e
