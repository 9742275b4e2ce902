// Package remotehost reaches a courier host over HTTP: Client implements
// api.CourierHost against a host's signed /tg1 API (docs/protocol.md §8,
// §9), so the gateway takes the same path for a remote host as for one in
// its own process (package courierhost).
//
// The client carries nothing of a shopper's request: a courier host
// receives the kid and the blinded elements (or a bucket or locator), a
// fixed User-Agent and the signature headers, never a client address,
// header or cookie. Every answer must carry the courier's signature over
// its status, its body and the request's nonce, or nothing of it is used
// (api.ErrUnavailable): the key list, evaluations and pull buckets are
// authenticated end to end, whatever the transport. A signed answer is
// then checked before use (element counts and encodings, proof size,
// record shapes) and bounded in size; what a host answers is mapped back
// to the api errors.
//
// Replicas is one courier served by several hosts with the same keys:
// it checks that their key lists agree, sends each call to the
// least-loaded replica whose breaker is not open (every replica has its
// own) and retries a failed call once on another.
package remotehost
