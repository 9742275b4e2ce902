package declarative

import (
	"regexp"
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
)

// eventStatus is the class of an event: what it says of the parcel, or
// nothing (informational) for keep, which phrases.History never lets
// move a parcel:
//
//   - a code in status.codes gives its status, or nothing for keep; the
//     event's text, classified by phrases.Common, may turn it into one
//     of the statuses status.refine lists for the code (with the text's
//     substatus);
//   - a code the table lacks gives status.other, its substatus with the
//     code in it (when the code reads as one);
//   - an event without a code follows status.uncoded: its text's class
//     (phrases.Common; informational when it says nothing known),
//     nothing (keep), or a fixed status.
func (st *statusSpec) eventStatus(code, text string) phrases.Class {
	code = strings.ToLower(strings.TrimSpace(code))
	if code == "" {
		switch st.Uncoded {
		case byPhrases:
			c, _ := phrases.Classify(text)
			return c
		case keep:
			return phrases.Class{}
		}
		return phrases.Class{Status: adapters.Status(st.Uncoded)}
	}
	mapped, known := st.byCode[code]
	if !known {
		return phrases.Class{Status: adapters.Status(st.Other.Status), Substatus: strings.ReplaceAll(st.Other.Substatus, "{code}", plainCode(code))}
	}
	base := phrases.Class{Status: adapters.Status(mapped)}
	if mapped == keep {
		base = phrases.Class{}
	}
	return phrases.Common.Refine(base, text, st.refineByCode[code]...)
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
