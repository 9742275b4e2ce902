package declarative

import (
	"encoding/json"
	"math/big"
	"strconv"
	"time"

	"github.com/itchyny/gojq"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
	"github.com/trackgate/trackgate/adapters/places"
	"github.com/trackgate/trackgate/crypto"
)

// trackgateFunctions are the jq functions trackgate adds for what the Go
// adapters do in Go:
//
//	locality, locality(country)   "LOS ANGELES, CA - USA" → {"city": "LOS ANGELES", "region": "CA", "country": "US"}
//	local_time(place)             "2021-04-26T11:42:00" in New York → "2021-04-26T11:42:00-04:00"
//	phrase_status                 "With delivery courier" → "out_for_delivery", or null
//	tracking_number               "12 3456 7890" or 1234567890 → "1234567890", or null
func trackgateFunctions() []gojq.CompilerOption {
	return []gojq.CompilerOption{
		gojq.WithFunction("locality", 0, 1, jqLocality),
		gojq.WithFunction("local_time", 1, 1, jqLocalTime),
		gojq.WithFunction("phrase_status", 0, 0, jqPhraseStatus),
		gojq.WithFunction("tracking_number", 0, 0, jqTrackingNumber),
	}
}

// jqLocality parses a locality string into a place object, null when it
// names no place. Its argument, when given, is the country the carrier
// gives apart.
func jqLocality(v any, args []any) any {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	hint := ""
	if len(args) == 1 {
		hint, _ = args[0].(string)
	}
	return placeObject(places.Parse(s, hint))
}

func placeObject(loc *adapters.Location) any {
	if loc == nil {
		return nil
	}
	obj := map[string]any{}
	for k, v := range map[string]string{"city": loc.City, "region": loc.Region, "country": loc.Country} {
		if v != "" {
			obj[k] = v
		}
	}
	if len(obj) == 0 {
		return nil
	}
	return obj
}

// jqLocalTime gives a time without an offset the offset its place had
// then; a time with one, or a place without a known zone, is returned as
// it is. The place is a place object or a locality string.
func jqLocalTime(v any, args []any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	at, hasOffset, ok := parseTime(s)
	if !ok || hasOffset {
		return v
	}
	loc := locationOf(args[0])
	zone, ok := places.Zone(&loc)
	if !ok {
		return v
	}
	return places.WallClockIn(at, zone).Format(time.RFC3339Nano)
}

func jqPhraseStatus(v any, _ []any) any {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	if c, ok := phrases.Classify(s); ok && !c.Informational() {
		return string(c.Status)
	}
	return nil
}

func jqTrackingNumber(v any, _ []any) any {
	s := scalarString(v)
	if s == "" {
		return nil
	}
	tn, err := crypto.NormalizeTrackingNumber(s)
	if err != nil {
		return nil
	}
	return tn
}

// scalarString is a jq string or number as text (a number keeps all its
// digits: carriers send long ids as numbers); "" for anything else.
func scalarString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case *big.Int:
		return v.String()
	}
	return ""
}

// locationOf reads a place object or a locality string (places.Parse).
func locationOf(v any) adapters.Location {
	switch v := v.(type) {
	case string:
		if loc := places.Parse(v, ""); loc != nil {
			return *loc
		}
	case map[string]any:
		get := func(k string) string { s, _ := v[k].(string); return s }
		country, _ := places.Country(get("country"))
		return adapters.Location{City: get("city"), Region: get("region"), Country: country}
	}
	return adapters.Location{}
}
