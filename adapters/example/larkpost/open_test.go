package larkpost

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/adapters"
)

func TestOpenFromTheHostsOptions(t *testing.T) {
	list := filepath.Join(t.TempDir(), "parcels.jsonl")
	if err := os.WriteFile(list, []byte(`{"tracking_number":"LP2026060100017","factors":["8000"]}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		options map[string]string
		wantErr string // "" for success
		lists   bool   // the source is a Lister (wrapped in a watchlist)
	}{
		{"query only", map[string]string{"api_key": "k"}, "", false},
		{"with a watchlist", map[string]string{"api_key": "k", "watchlist": list, "poll": "30m"}, "", true},
		{"no api key", map[string]string{"courier": "lark-post"}, `"api_key" is required`, false},
		{"unknown option", map[string]string{"api_key": "k", "apikey": "k"}, `unknown option "apikey"`, false},
		{"bad base URL", map[string]string{"api_key": "k", "base_url": "ftp://x"}, `"base_url"`, false},
		{"bad courier id", map[string]string{"api_key": "k", "courier": "Lark Post"}, `"courier"`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := adapters.Open("larkpost", tc.options)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one with %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c, ok := src.(adapters.Closer); ok {
				defer c.Close()
			}
			if _, lists := src.(adapters.Lister); lists != tc.lists {
				t.Fatalf("%T: Lister %v, want %v", src, lists, tc.lists)
			}
		})
	}
}
