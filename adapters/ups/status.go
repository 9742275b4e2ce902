package ups

import (
	"regexp"
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
)

// statusTypes maps UPS's status type (from its Tracking API
// documentation). U (unknown), and no type at all — currentStatus comes
// without one — leave the status to its text and code.
var statusTypes = map[string]phrases.Class{
	"D":  {Status: adapters.StatusDelivered},
	"I":  {Status: adapters.StatusInTransit},
	"M":  {Status: adapters.StatusInfoReceived},
	"MV": {Status: adapters.StatusInfoReceived},
	"X":  {Status: adapters.StatusException},
	"P":  {Status: adapters.StatusInTransit, Substatus: phrases.PickedUp},
}

// refinements are the classes of a status's text that may refine each
// type: the text says more than the type, within its stage. X covers
// UPS's informational messages too — "Your package has cleared customs
// and is on the way" is no exception — so its text may say in_transit.
var refinements = map[string][]adapters.Status{
	"D": {adapters.StatusReturned, adapters.StatusAvailableForPickup},
	"I": {adapters.StatusInTransit, adapters.StatusOutForDelivery, adapters.StatusAvailableForPickup},
	"X": {adapters.StatusException, adapters.StatusAttemptFailed, adapters.StatusReturned,
		adapters.StatusAvailableForPickup, adapters.StatusInTransit},
}

// statusCodes are UPS's three-digit status codes (statusCode, or code
// where currentStatus puts it), for a status whose type and text say
// nothing: the codes of the answers UPS and others published.
var statusCodes = map[string]phrases.Class{
	"003": {Status: adapters.StatusInfoReceived},
	"005": {Status: adapters.StatusInTransit},
	"011": {Status: adapters.StatusDelivered},
	"021": {Status: adapters.StatusOutForDelivery},
	"038": {Status: adapters.StatusInTransit, Substatus: phrases.PickedUp},
}

// upsPhrases are UPS's own wordings, before the common ones.
var upsPhrases = append(phrases.Table{
	{Class: phrases.Class{Status: adapters.StatusInfoReceived}, Phrases: []string{"ready for ups"}},
	{Class: phrases.Class{Status: adapters.StatusInTransit, Substatus: phrases.CustomsCleared}, Phrases: []string{
		"released by the customs agency", "released by the government agency",
	}},
}, phrases.Common...)

// statusOf maps a UPS status to a class: by its type, refined by its
// text where the type allows it; by its text, then its code, where it has
// no type or U (informational, with no status, when neither says
// anything). An unknown type is in transit with the type in the
// substatus.
func statusOf(s *status) phrases.Class {
	if s == nil {
		return phrases.Class{}
	}
	typ := strings.ToUpper(strings.TrimSpace(s.Type))
	if typ == "" || typ == "U" {
		if c, known := upsPhrases.Classify(s.Description); known {
			return c
		}
		for _, c := range []string{s.StatusCode, s.Code} {
			if m, ok := statusCodes[strings.TrimSpace(c)]; ok {
				return m
			}
		}
		return phrases.Class{}
	}
	m, ok := statusTypes[typ]
	if !ok {
		return phrases.Class{Status: adapters.StatusInTransit, Substatus: "ups_type_" + plainType(typ)}
	}
	return upsPhrases.Refine(m, s.Description, refinements[typ]...)
}

// upsType is the shape of a status type: one to three capitals.
var upsType = regexp.MustCompile(`^[A-Z]{1,3}$`)

func plainType(t string) string {
	if !upsType.MatchString(t) {
		return "unrecognized"
	}
	return t
}
