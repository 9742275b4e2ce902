package client

import (
	"encoding/json"
	"os"
	"testing"
)

// displayCases are the cases of testdata/display-cases.json, which the
// web widget's tests (gateway/web/test/display.test.js) run too: the two
// ports of the display rules must read every parcel the same way.
type displayCases struct {
	Headline []struct {
		Name string `json:"name"`
		Legs []Leg  `json:"legs"`
		Want struct {
			Code           string `json:"code"`
			Status         string `json:"status"`
			Substatus      string `json:"substatus"`
			Courier        string `json:"courier"`
			TrackingNumber string `json:"tracking_number"`
			ETA            bool   `json:"eta"`
		} `json:"want"`
	} `json:"headline"`
	Description []struct {
		Name string `json:"name"`
		Text string `json:"text"`
		En   string `json:"en"`
		ZhCN string `json:"zh-CN"`
	} `json:"description"`
}

func loadDisplayCases(t *testing.T) displayCases {
	t.Helper()
	b, err := os.ReadFile("testdata/display-cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var c displayCases
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("testdata/display-cases.json: %v", err)
	}
	if len(c.Headline) == 0 || len(c.Description) == 0 {
		t.Fatal("testdata/display-cases.json has no cases")
	}
	return c
}

func TestHeadlineTellsTheTruthAcrossLegs(t *testing.T) {
	for _, tt := range loadDisplayCases(t).Headline {
		t.Run(tt.Name, func(t *testing.T) {
			for _, l := range tt.Legs {
				if err := l.View.Check(); err != nil && len(l.View.Events) > 0 {
					t.Fatalf("leg %s: the case's view is not valid: %v", l.Courier, err)
				}
			}
			r := &Result{Legs: tt.Legs}
			h := r.Headline()
			w := tt.Want
			if h.Code != w.Code || string(h.Status) != w.Status || h.Substatus != w.Substatus {
				t.Errorf("Headline() = %q (status %q, substatus %q), want %q (%q, %q)", h.Code, h.Status, h.Substatus, w.Code, w.Status, w.Substatus)
			}
			if h.Courier != w.Courier || h.TrackingNumber != w.TrackingNumber {
				t.Errorf("decided by %s %s, want %s %s", h.Courier, h.TrackingNumber, w.Courier, w.TrackingNumber)
			}
			if (h.ETA != nil) != w.ETA {
				t.Errorf("Headline().ETA = %v, want one: %v", h.ETA, w.ETA)
			}
		})
	}
}
