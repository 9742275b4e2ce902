package simulator

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/gateway/client"
)

// forEachView calls f with every view any parcel of w ever shows: each
// parcel after each of its events.
func forEachView(w *World, f func(c courier, p *parcel, k int, v adapters.View)) {
	for c := range courierCount {
		for i := range w.fleets[c].parcels {
			p := &w.fleets[c].parcels[i]
			for k := 1; k <= len(p.events); k++ {
				f(c, p, k, w.view(c, p, k))
			}
		}
	}
}

func TestEveryViewIsWellFormed(t *testing.T) {
	w, _ := newTestWorld(t, 5, 800)
	forEachView(w, func(c courier, p *parcel, k int, v adapters.View) {
		if err := v.Check(); err != nil {
			t.Fatalf("%s after %d events: %v", p.number, k, err)
		}
		if v.Courier != c.profile().ID || v.TrackingNumber != p.number {
			t.Fatalf("%s: view names %s %s", p.number, v.Courier, v.TrackingNumber)
		}
		if len(v.Events) != k {
			t.Fatalf("%s: view after %d events shows %d", p.number, k, len(v.Events))
		}
		last := v.Events[k-1]
		if v.Status != last.Status || !v.UpdatedAt.Equal(last.Time) {
			t.Fatalf("%s: view says %s at %v, its last event %s at %v", p.number, v.Status, v.UpdatedAt, last.Status, last.Time)
		}
		for i := 1; i < k; i++ {
			if !v.Events[i].Time.After(v.Events[i-1].Time) {
				t.Fatalf("%s: event %d (%v) is not after event %d (%v)", p.number, i, v.Events[i].Time, i-1, v.Events[i-1].Time)
			}
		}
		for i, e := range v.Events {
			if e.Description == "" || strings.Contains(e.Description, "$") {
				t.Fatalf("%s: event %d has description %q", p.number, i, e.Description)
			}
			if l := e.Location; l != nil && (l.City == "" || l.Region == "" || len(l.Country) != 2) {
				t.Fatalf("%s: event %d has location %+v", p.number, i, *l)
			}
		}
		if v.ETA != nil && v.ETA.To.Sub(v.ETA.From) > 4*24*time.Hour {
			t.Fatalf("%s: ETA window %v–%v is wider than 4 days", p.number, v.ETA.From, v.ETA.To)
		}
	})
}

func TestEveryStatusOccursAtEveryCourier(t *testing.T) {
	w, _ := newTestWorld(t, 6, 500)
	seen := map[courier]map[adapters.Status]bool{}
	forEachView(w, func(c courier, _ *parcel, _ int, v adapters.View) {
		if seen[c] == nil {
			seen[c] = map[adapters.Status]bool{}
		}
		seen[c][v.Status] = true
	})
	for c := range courierCount {
		for _, s := range adapters.Statuses {
			if !seen[c][s] {
				t.Errorf("%s: no view ever has status %s", c.profile().ID, s)
			}
		}
	}
}

// statusesAt counts the statuses of all visible parcels of w at now.
func statusesAt(w *World, now time.Time) map[adapters.Status]int {
	count := map[adapters.Status]int{}
	for c := range courierCount {
		for i := range w.fleets[c].parcels {
			p := &w.fleets[c].parcels[i]
			if k := p.visible(now); k > 0 {
				count[p.events[k-1].kind.info().status]++
			}
		}
	}
	return count
}

func TestEveryStageIsPresentThroughoutTheActiveWindow(t *testing.T) {
	w, _ := newTestWorld(t, 7, 0)
	// Different days and hours of the Chinese day (DefaultStart is 10:00):
	// at night nobody in China is out for delivery, as in real life.
	for _, offset := range []time.Duration{
		0, 3*24*time.Hour + 4*time.Hour, 20*24*time.Hour + 7*time.Hour,
		45*24*time.Hour + 1*time.Hour, 70*24*time.Hour + 8*time.Hour,
	} {
		now := DefaultStart().Add(offset)
		count := statusesAt(w, now)
		for _, s := range adapters.Statuses {
			if count[s] == 0 {
				t.Errorf("at %v no parcel is %s (counts %v)", now, s, count)
			}
		}
	}
}

// digitLeaks returns the runs of 4 or more digits in the strings of a
// decoded JSON document, other than in times and tracking numbers: the only
// places a view may carry them.
func digitLeaks(doc any) []string {
	var leaks []string
	var walk func(any)
	check := func(s string) {
		if _, err := time.Parse(time.RFC3339, s); err == nil {
			return
		}
		tokens := strings.FieldsFunc(s, func(r rune) bool { return !('0' <= r && r <= '9' || 'A' <= r && r <= 'Z') })
		for _, tok := range tokens {
			if trackingNumber.MatchString(tok) {
				continue
			}
			if run := longDigits.FindString(tok); run != "" {
				leaks = append(leaks, run)
			}
		}
	}
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			check(v)
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for k, e := range v {
				check(k)
				walk(e)
			}
		}
	}
	walk(doc)
	return leaks
}

var (
	trackingNumber = regexp.MustCompile(`^(SW[0-9]{12}|77[0-9]{11}|GP[0-9]{9}[A-Z]{2})$`)
	longDigits     = regexp.MustCompile(`[0-9]{4,}`)
)

func TestViewsCarryNoPhoneDigits(t *testing.T) {
	w, _ := newTestWorld(t, 8, 300)
	forEachView(w, func(_ courier, p *parcel, k int, v adapters.View) {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		if leaks := digitLeaks(doc); len(leaks) > 0 {
			// Phone digits, factors included, could only hide in such runs.
			t.Fatalf("%s after %d events: view carries the digits %q outside times and tracking numbers", p.number, k, leaks)
		}
		if lower := strings.ToLower(string(raw)); strings.Contains(lower, "phone") || strings.Contains(lower, "factor") {
			t.Fatalf("%s: view mentions phones or factors: %s", p.number, raw)
		}
	})
}

func TestDigitLeaksFindsPhoneDigitsOnly(t *testing.T) {
	// The privacy test above is only as good as this detector.
	doc := map[string]any{
		"time": "2026-06-01T10:00:00+08:00",
		"list": []any{"单号 7700012345678 (GP123456785CN)", "SW123456789012", "驿站第123号站"},
		"a":    "请联系 13812345678",
		"b":    "尾号4321",
	}
	leaks := digitLeaks(doc)
	slices.Sort(leaks)
	if !slices.Equal(leaks, []string{"13812345678", "4321"}) {
		t.Fatalf("digitLeaks found %q, want the phone number and the last four digits", leaks)
	}
}

func TestDescriptionsUseOnlyKnownVariables(t *testing.T) {
	known := []string{"brand", "brand_en", "city", "city_en", "next", "next_en",
		"station", "station_en", "partner", "partner_en", "partner_tn"}
	hasHan := regexp.MustCompile(`\p{Han}`)
	hasLatin := regexp.MustCompile(`[A-Za-z]{3,}`)
	for k, info := range kinds {
		if !info.status.Valid() || info.substatus == "" {
			t.Errorf("kind %d: status %q substatus %q", k, info.status, info.substatus)
		}
		if !hasHan.MatchString(info.text) || !hasLatin.MatchString(info.text) {
			t.Errorf("kind %d: description %q is not bilingual", k, info.text)
		}
		os.Expand(info.text, func(name string) string {
			if !slices.Contains(known, name) {
				t.Errorf("kind %d: description uses unknown variable %q", k, name)
			}
			return ""
		})
	}
}

func TestChineseEventsAreInChinaTime(t *testing.T) {
	w, _ := newTestWorld(t, 9, 300)
	forEachView(w, func(_ courier, p *parcel, k int, v adapters.View) {
		e := v.Events[k-1]
		if e.Location == nil || e.Location.Country != "CN" {
			return
		}
		if _, offset := e.Time.Zone(); offset != 8*3600 {
			t.Fatalf("%s: event in %s at %v is not at +08:00", p.number, e.Location.City, e.Time)
		}
	})
}

func TestDeliveriesHappenByDay(t *testing.T) {
	w, _ := newTestWorld(t, 10, 600)
	for c := range courierCount {
		for _, p := range w.fleets[c].parcels {
			for _, e := range p.events {
				switch e.kind {
				case kOutForDelivery, kDelivered, kAttemptAbsent, kAttemptNoAccess:
					if h := e.time().Hour(); h < 7 || h >= 21 {
						t.Fatalf("%s: %s at %v local time", p.number, e.kind.info().substatus, e.time())
					}
				}
			}
		}
	}
}

func TestDomesticDeliveriesTakeDays(t *testing.T) {
	w, _ := newTestWorld(t, 11, 1000)
	var durations []time.Duration
	for _, c := range []courier{swift, panda} {
		for _, p := range w.fleets[c].parcels {
			first, last := p.events[0], p.events[len(p.events)-1]
			if first.kind == kLabelCreated && last.kind == kDelivered && len(p.events) <= 12 {
				durations = append(durations, time.Duration(last.at-first.at)*time.Second)
			}
		}
	}
	if len(durations) < 100 {
		t.Fatalf("only %d plain domestic deliveries", len(durations))
	}
	slices.Sort(durations)
	median := durations[len(durations)/2]
	if median < 24*time.Hour || median > 5*24*time.Hour || durations[0] < 6*time.Hour || durations[len(durations)-1] > 10*24*time.Hour {
		t.Fatalf("domestic label-to-delivery times: min %v, median %v, max %v; want days", durations[0], median, durations[len(durations)-1])
	}
}

func TestETAWhereARealCourierWouldGiveOne(t *testing.T) {
	w, _ := newTestWorld(t, 19, 400)
	var domestic, international, beforeHandOver int
	forEachView(w, func(c courier, p *parcel, k int, v adapters.View) {
		if v.ETA == nil {
			return
		}
		switch v.Status {
		case adapters.StatusInfoReceived, adapters.StatusInTransit, adapters.StatusOutForDelivery, adapters.StatusAttemptFailed:
		default:
			t.Fatalf("%s is %s and shows an ETA", p.number, v.Status)
		}
		if v.Substatus == "return_to_sender" || len(v.Handoffs) > 0 {
			t.Fatalf("%s (%s, handoffs %v) shows an ETA", p.number, v.Substatus, v.Handoffs)
		}
		if v.ETA.To.Sub(v.ETA.From) > 24*time.Hour {
			international++
		} else {
			domestic++
		}
		if p.onward != nil {
			beforeHandOver++
		}
	})
	if domestic == 0 || international == 0 || beforeHandOver == 0 {
		t.Errorf("ETAs: %d domestic, %d international, %d before a hand-over; want some of each", domestic, international, beforeHandOver)
	}
}

// TestDescriptionsSplitIntoTheirTwoLanguages guards the rule
// client.Description reads bilingual descriptions by: every event kind,
// in every city, parts into a Chinese and an English text.
func TestDescriptionsSplitIntoTheirTwoLanguages(t *testing.T) {
	w, _ := newTestWorld(t, 3, 300)
	seen := map[eventKind]bool{}
	forEachView(w, func(c courier, p *parcel, k int, v adapters.View) {
		e := p.events[k-1]
		if seen[e.kind] {
			return
		}
		seen[e.kind] = true
		text := v.Events[k-1].Description
		zh, en := client.Description(text, client.LangChinese), client.Description(text, client.LangEnglish)
		if zh == text || en == text || zh+" "+en != text || !hasHan(zh) || hasHan(en) {
			t.Errorf("%q splits into %q and %q", text, zh, en)
		}
	})
	if len(seen) != int(kindCount) {
		t.Errorf("saw %d event kinds of %d", len(seen), kindCount)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
