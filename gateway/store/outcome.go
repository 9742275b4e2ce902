package store

// Outcome of one item of a publish batch.
type Outcome int

// The outcomes of an item (see Store).
const (
	Stored Outcome = iota + 1
	Stale
	Refused
)

// String is the outcome as the publish answer names it: "stored", "stale"
// or "refused" (docs/protocol.md §7).
func (o Outcome) String() string {
	switch o {
	case Stored:
		return "stored"
	case Stale:
		return "stale"
	case Refused:
		return "refused"
	}
	return "invalid outcome"
}

// Result is the outcome of one item; Limit and Detail are set only when Refused.
type Result struct {
	Outcome Outcome
	Limit   string // one of the Limit… constants
	Detail  string // a sentence for the courier, naming the limit and its value
}
