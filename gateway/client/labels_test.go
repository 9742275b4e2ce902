package client

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"

	"github.com/trackgate/trackgate/adapters"
)

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

func TestLabelsHaveEveryLanguageAndTheSamePlaceholders(t *testing.T) {
	// Decoded loosely, so that a misspelt or missing language key shows.
	var raw map[string]map[string]map[string]string
	if err := json.Unmarshal(labelsJSON, &raw); err != nil {
		t.Fatalf("labels.json: %v", err)
	}
	if len(raw) == 0 {
		t.Fatal("labels.json has no section")
	}
	for section, labels := range raw {
		for key, texts := range labels {
			if len(texts) != len(Languages) {
				t.Errorf("%s.%s has languages %v, want exactly %v", section, key, keysOf(texts), Languages)
			}
			want := placeholder.FindAllString(texts[LangEnglish], -1)
			slices.Sort(want)
			for _, lang := range Languages {
				if texts[lang] == "" {
					t.Errorf("%s.%s has no %s text", section, key, lang)
				}
				got := placeholder.FindAllString(texts[lang], -1)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("%s.%s in %s has placeholders %v, want %v as in English", section, key, lang, got, want)
				}
			}
		}
	}
}

func keysOf(m map[string]string) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestEveryHeadlineCodeAndStatusHasALabel(t *testing.T) {
	codes := []string{
		HeadlinePending, HeadlineInfoReceived, HeadlineInTransit, HeadlineOutForDelivery,
		HeadlineAvailableForPickup, HeadlineAttemptFailed, HeadlineDelivered, HeadlineException,
		HeadlineExpired, HeadlineCustomsHold, HeadlineReturningToSender, HeadlineReturned,
	}
	for _, lang := range Languages {
		for _, c := range codes {
			if l, ok := HeadlineLabel(c, lang); !ok || l == "" {
				t.Errorf("headline %q has no %s label", c, lang)
			}
		}
		for _, s := range adapters.Statuses {
			if l, ok := StatusLabel(s, lang); !ok || l == "" {
				t.Errorf("status %q has no %s label", s, lang)
			}
		}
	}
	if _, ok := ReasonLabel("picked_up", LangEnglish); ok {
		t.Error("ReasonLabel(picked_up) has a label; only codes worth a word after the headline should")
	}
}

func TestLabelsPickTheLanguage(t *testing.T) {
	tests := []struct{ got, want string }{
		{must(HeadlineLabel(HeadlineCustomsHold, LangEnglish)), "Held by customs"},
		{must(HeadlineLabel(HeadlineCustomsHold, LangChinese)), "海关扣留"},
		{must(HeadlineLabel(HeadlineCustomsHold, "fr")), "Held by customs"},
		{must(ReasonLabel("refused_by_recipient", LangChinese)), "收件人拒收"},
		{ExpectedLabel(LangChinese), "预计送达"},
		{NoEventsLabel(LangEnglish), "No events yet."},
		{HandedOffLabel("sim-last", "LM0000000002", LangEnglish), "handed off to sim-last as LM0000000002"},
		{HandedOffLabel("sim-last", "LM0000000002", LangChinese), "已转交 sim-last，单号 LM0000000002"},
		// A value is never read as a placeholder.
		{HandedOffLabel("{number}", "X1", LangEnglish), "handed off to {number} as X1"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func must(s string, ok bool) string {
	if !ok {
		return "<missing>"
	}
	return s
}
