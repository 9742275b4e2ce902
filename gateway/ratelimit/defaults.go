package ratelimit

import "github.com/trackgate/trackgate/crypto"

// The gateway's default limits per client (docs/protocol.md §12). A
// lookup (§11) of 3 couriers with the default handoff depth of 2 makes 3
// rounds: 9 elements evaluated and 9 fetches.
const (
	// DefaultEvaluateRate (elements a second) serves two such lookups a
	// second, far above a person's pace, while an enumerator of weak
	// tracking numbers gets 20 guesses a second per address.
	DefaultEvaluateRate = 20
	// MinEvaluateBurst is the largest valid evaluation request: 16
	// couriers × 8 elements. A smaller burst would refuse that request
	// forever, so the gateway never uses one below it.
	MinEvaluateBurst = crypto.MaxCouriers * crypto.MaxBatch
	// DefaultEvaluateBurst is MinEvaluateBurst: one largest request, or
	// 14 lookups of 9 elements at once.
	DefaultEvaluateBurst = MinEvaluateBurst
	// DefaultFetchRate (bucket and record GETs a second) is three times
	// the evaluation rate: a lookup costs as many fetches as elements,
	// and clients retry a fetch more readily than an evaluation, while a
	// fetch reads the store and, through the pull cache, a pull courier.
	DefaultFetchRate = 60
	// DefaultFetchBurst admits 26 lookups of 9 fetches at once, or a
	// full-directory round (16 couriers) fifteen times over.
	DefaultFetchBurst = 240
)
