package declarative

import (
	"regexp"
	"slices"
	"strings"

	"github.com/trackgate/trackgate/adapters"
)

// eventStatus is the status an event says and its substatus, given the
// parcel's status before it (prev, prevSub):
//
//   - a code in status.codes gives its status, or keeps prev for keep;
//     the event's text, classified by phrases, may turn it into one of
//     the statuses status.refine lists for the code;
//   - a code the table lacks gives status.other, its substatus with the
//     code in it (when the code reads as one);
//   - an event without a code follows status.uncoded: its text's
//     phrases (else prev), prev, or a fixed status.
func (st *statusSpec) eventStatus(code, text string, prev adapters.Status, prevSub string) (adapters.Status, string) {
	code = strings.ToLower(strings.TrimSpace(code))
	if code == "" {
		switch st.Uncoded {
		case phrases:
			if s, sub, ok := classifyPhrase(text); ok {
				return s, sub
			}
			return prev, prevSub
		case keep:
			return prev, prevSub
		}
		return adapters.Status(st.Uncoded), ""
	}
	mapped, known := st.byCode[code]
	if !known {
		return adapters.Status(st.Other.Status), strings.ReplaceAll(st.Other.Substatus, "{code}", plainCode(code))
	}
	if allowed, ok := st.refineByCode[code]; ok {
		if s, sub, ok := classifyPhrase(text); ok && slices.Contains(allowed, s) {
			return s, sub
		}
	}
	if mapped == keep {
		return prev, prevSub
	}
	return adapters.Status(mapped), ""
}

// codeShape is a carrier's status code that may be echoed into a
// substatus, which must never carry more than a code.
var codeShape = regexp.MustCompile(`^[a-z0-9]+([_-][a-z0-9]+)*$`)

func plainCode(code string) string {
	if len(code) > 24 || !codeShape.MatchString(code) {
		return "unrecognized"
	}
	return code
}

// settle is the parcel's status after an event that says next, when it
// was prev: the whole history decides, not the last line. A final parcel
// (delivered, returned, expired) stays final through the informational
// lines that follow (an SF route "view the signer online" after the
// delivery scan), and a parcel under way never goes back to pending or
// info_received.
func settle(prev, next adapters.Status) (adapters.Status, bool) {
	switch {
	case prev.Final() && !next.Final():
		return prev, false
	case progress(next) < progress(prev):
		return prev, false
	}
	return next, true
}

// progress orders the statuses a parcel must not return to.
func progress(s adapters.Status) int {
	switch s {
	case adapters.StatusPending:
		return 0
	case adapters.StatusInfoReceived:
		return 1
	}
	return 2
}
