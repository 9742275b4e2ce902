package main

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/gateway/client"
)

// languages are the values of track --lang: those of the labels.
var languages = client.Languages

// parseLang accepts a --lang value, case-insensitively ("zh" for zh-CN).
func parseLang(s string) (string, error) {
	switch strings.ToLower(s) {
	case "en":
		return client.LangEnglish, nil
	case "zh-cn", "zh", "zh-hans":
		return client.LangChinese, nil
	}
	return "", usageErrorf("--lang %q must be %s", s, strings.Join(languages, " or "))
}

// statusLabel names a status in lang; one outside the taxonomy in its
// own words.
func statusLabel(s adapters.Status, lang string) string {
	if l, ok := client.StatusLabel(s, lang); ok {
		return l
	}
	return humanStatus(s)
}

// statusCell is statusLabel padded for the timeline's column: tabwriter
// counts runes, and a Chinese character takes two cells on a terminal, so
// Chinese labels are padded with ideographic spaces (two cells each) to
// one rune count, which keeps the next column aligned.
func statusCell(s adapters.Status, lang string) string {
	text := statusLabel(s, lang)
	if lang != client.LangChinese {
		return text
	}
	widest := 0
	for _, st := range adapters.Statuses {
		widest = max(widest, utf8.RuneCountInString(statusLabel(st, lang)))
	}
	if n := utf8.RuneCountInString(text); n < widest {
		text += strings.Repeat("\u3000", widest-n)
	}
	return text
}

// headlineText is the first line of the timeline: the headline, the
// reason when the substatus gives one, and the courier and number that
// decided it when that is an onward leg, e.g. "Held by customs (Global
// Parcel Line, GP000000014CN)".
func headlineText(res *client.Result, h client.Headline, lang string) string {
	text, ok := client.HeadlineLabel(h.Code, lang)
	if !ok {
		text = h.Code
	}
	if r, ok := client.ReasonLabel(h.Substatus, lang); ok {
		text += " — " + r
	}
	if h.TrackingNumber != res.TrackingNumber {
		name := h.Courier
		for _, l := range res.Legs {
			if l.Courier == h.Courier && l.CourierName != "" {
				name = l.CourierName
			}
		}
		text += fmt.Sprintf(" (%s, %s)", printable(name), printable(h.TrackingNumber))
	}
	return text
}
