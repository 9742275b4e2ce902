package larkpost

import (
	"os"
	"strings"
	"testing"
)

// TestDocsShowThisPackageVerbatim keeps docs/adapters.md from drifting
// away from the code it teaches: each file of the worked example must
// appear there, whole, as a Go code block.
func TestDocsShowThisPackageVerbatim(t *testing.T) {
	doc, err := os.ReadFile("../../../docs/adapters.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"larkpost.go", "conformance_test.go", "fake_test.go"} {
		code, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(doc), "```go\n"+string(code)+"```\n") {
			t.Errorf("docs/adapters.md does not show %s as it is; copy the file into its code block", name)
		}
	}
}
