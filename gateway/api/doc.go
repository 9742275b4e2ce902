// Package api holds the JSON documents that the gateway, courier hosts and
// clients exchange (docs/protocol.md §7–§9), and the CourierHost interface
// through which the gateway reaches a courier host, in process or over
// HTTP. openapi/tg1.yaml describes the same documents; a test keeps the
// two in step.
package api
