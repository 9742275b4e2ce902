package dhl

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"

	"github.com/trackgate/trackgate/adapters/phrases"
	"github.com/trackgate/trackgate/adapters/scrub"
)

// signerNames are the parts of proofOfDelivery.signed, longest first:
// DHL repeats them in the delivery event ("Signed for by: JESSICA
// MILLER") where no label may announce them.
func signerNames(sh *shipment) []string {
	if sh.Details == nil || sh.Details.ProofOfDelivery == nil {
		return nil
	}
	var names []string
	var collect func(v any)
	collect = func(v any) {
		switch v := v.(type) {
		case string:
			if allNotNames(v) {
				return
			}
			for _, n := range append([]string{v}, strings.Fields(v)...) {
				// One letter is an initial, which the text has everywhere;
				// a word of DHL's own is no one's name.
				if len([]rune(n)) > 1 && !notNames[strings.ToLower(n)] && !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
		case map[string]any:
			for k, f := range v {
				if k != "type" && k != "@type" {
					collect(f)
				}
			}
		}
	}
	var signed any
	if json.Unmarshal(sh.Details.ProofOfDelivery.Signed, &signed) == nil {
		collect(signed)
	}
	slices.SortFunc(names, func(a, b string) int { return len(b) - len(a) })
	return names
}

// notNames are words DHL puts where a signer's name goes that are not
// names — a place or a role — and the words of its own event texts: a
// signer recorded as "FRONT DOOR" or "DELIVERED" must not rewrite the
// event that says where and that it was delivered.
var notNames = map[string]bool{
	"delivered": true, "delivery": true, "signed": true, "for": true, "by": true, "dhl": true, "express": true,
	"front": true, "back": true, "side": true, "door": true, "porch": true, "garage": true, "mailbox": true,
	"mailroom": true, "reception": true, "receptionist": true, "office": true, "desk": true, "security": true,
	"neighbour": true, "neighbor": true, "customer": true, "recipient": true, "consignee": true, "person": true,
	"the": true, "and": true, "at": true, "to": true, "with": true,
}

func allNotNames(s string) bool {
	for _, w := range strings.Fields(strings.ToLower(s)) {
		if !notNames[w] {
			return false
		}
	}
	return true
}

// maskNames masks every whole-word occurrence of names in s, in any case,
// except words of the event's own status text.
func maskNames(s string, names []string, status string) string {
	own := strings.Fields(strings.ToLower(status))
	for _, n := range names {
		if slices.Contains(own, strings.ToLower(n)) {
			continue
		}
		re := regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(n) + `\b`)
		s = re.ReplaceAllStringFunc(s, func(m string) string {
			if len(m) < len(scrub.MaskName) {
				return strings.Repeat("*", len([]rune(m)))
			}
			return scrub.MaskName
		})
	}
	return s
}

// nameShape is one to three words of letters, as a name is written.
var nameShape = regexp.MustCompile(`^\p{L}[\p{L}.'’-]*( \p{L}[\p{L}.'’-]*){0,2}$`)

// bareName reports whether description is nothing but a name: one of the
// signer's, or — on an event DHL calls delivered — words of a name's
// shape that say nothing of the parcel (DHL Express puts who signed in
// the description of its delivery: "JESSICA").
func bareName(description, status string, signer []string) bool {
	d := strings.TrimSpace(description)
	if d == "" {
		return false
	}
	for _, n := range signer {
		if strings.EqualFold(d, n) {
			return true
		}
	}
	if !strings.Contains(strings.ToLower(status), "deliver") || !nameShape.MatchString(d) {
		return false
	}
	_, known := phrases.Classify(d)
	return !known && !strings.EqualFold(d, strings.TrimSpace(status))
}
