package client

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/trackgate/trackgate/adapters"
)

// labelsJSON holds every text trackgate shows shoppers, in each language:
// the CLI reads it through the functions below and the web widget
// (gateway/web) imports the same file, so the two cannot drift apart.
// Sections: headline (Headline codes), status (adapters.Status), reason
// (substatus codes worth a word after the headline), timeline, and widget
// (the web widget's own texts). Texts may hold {placeholders}.
//
//go:embed labels.json
var labelsJSON []byte

// Languages lists the languages of every label.
var Languages = []string{LangEnglish, LangChinese}

// Label is one text in every language of Languages.
type Label struct {
	En   string `json:"en"`
	ZhCN string `json:"zh-CN"`
}

// In returns the text in lang, English for a language it does not have.
func (l Label) In(lang string) string {
	if lang == LangChinese {
		return l.ZhCN
	}
	return l.En
}

// labelSections are the sections of labels.json by name, each a table of
// labels by key.
var labelSections = mustParseLabels(labelsJSON)

func mustParseLabels(b []byte) map[string]map[string]Label {
	var sections map[string]map[string]Label
	if err := json.Unmarshal(b, &sections); err != nil {
		panic(fmt.Sprintf("client: labels.json: %v", err))
	}
	return sections
}

// HeadlineLabel names a Headline code for shoppers in lang.
func HeadlineLabel(code, lang string) (string, bool) {
	return lookupLabel("headline", code, lang)
}

// StatusLabel names a status of an event or a leg in lang.
func StatusLabel(s adapters.Status, lang string) (string, bool) {
	return lookupLabel("status", string(s), lang)
}

// ReasonLabel explains a substatus code worth a word after the headline;
// other codes have none.
func ReasonLabel(substatus, lang string) (string, bool) {
	return lookupLabel("reason", substatus, lang)
}

// ExpectedLabel introduces the delivery window.
func ExpectedLabel(lang string) string {
	return labelSections["timeline"]["expected"].In(lang)
}

// NoEventsLabel says that a parcel has no events yet.
func NoEventsLabel(lang string) string {
	return labelSections["timeline"]["no_events"].In(lang)
}

// UpdatedLabel says that a leg has a new version that shows nothing new.
func UpdatedLabel(lang string) string {
	return labelSections["timeline"]["updated"].In(lang)
}

// WithdrawnLabel says that the courier withdrew a leg's record.
func WithdrawnLabel(lang string) string {
	return labelSections["timeline"]["withdrawn"].In(lang)
}

// HandedOffLabel says that a leg handed the parcel to courier as number.
func HandedOffLabel(courier, number, lang string) string {
	return fillLabel(labelSections["timeline"]["handed_off"].In(lang), "courier", courier, "number", number)
}

func lookupLabel(section, key, lang string) (string, bool) {
	l, ok := labelSections[section][key]
	if !ok {
		return "", false
	}
	return l.In(lang), true
}

// fillLabel replaces {name} by its value, in one pass, so that a value
// holding "{number}" stays as it is.
func fillLabel(text string, namesAndValues ...string) string {
	pairs := make([]string, 0, len(namesAndValues))
	for i := 0; i+1 < len(namesAndValues); i += 2 {
		pairs = append(pairs, "{"+namesAndValues[i]+"}", namesAndValues[i+1])
	}
	return strings.NewReplacer(pairs...).Replace(text)
}
