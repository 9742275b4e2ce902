package client

import "testing"

func TestDescriptionPicksTheLanguage(t *testing.T) {
	for _, tt := range loadDisplayCases(t).Description {
		t.Run(tt.Name, func(t *testing.T) {
			if got := Description(tt.Text, LangEnglish); got != tt.En {
				t.Errorf("en: %q, want %q", got, tt.En)
			}
			if got := Description(tt.Text, LangChinese); got != tt.ZhCN {
				t.Errorf("zh-CN: %q, want %q", got, tt.ZhCN)
			}
		})
	}
}
