package verify

import (
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
)

func TestCheckpointTextRoundTrips(t *testing.T) {
	c := Checkpoint{Origin: "trackgate.example/log", Size: 20852163, Hash: sha256.Sum256([]byte("root"))}
	text := c.Text()
	if want := "trackgate.example/log\n20852163\n" + c.Hash.String() + "\n"; text != want {
		t.Errorf("Text = %q, want %q", text, want)
	}
	got, err := ParseCheckpoint(text)
	if err != nil || got != c {
		t.Errorf("ParseCheckpoint = %+v, %v; want %+v", got, err, c)
	}
	// C2SP allows extension lines after the three; they change nothing
	// this package reads.
	got, err = ParseCheckpoint(text + "ext one\next two\n")
	if err != nil || got != c {
		t.Errorf("with extension lines: %+v, %v", got, err)
	}
	// The C2SP example.
	ex, err := ParseCheckpoint("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")
	if err != nil || ex.Origin != "example.com/behind-the-sofa" || ex.Size != 20852163 || ex.Hash.String() != "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=" {
		t.Errorf("C2SP example: %+v, %v", ex, err)
	}
}

func TestParseCheckpointRefusesOtherEncodings(t *testing.T) {
	hash := Checkpoint{Hash: sha256.Sum256([]byte("root"))}.Hash.String()
	// The hash with its two spare bits set: the same bytes to a lenient
	// decoder.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	last := strings.IndexByte(alphabet, hash[42])
	spare := hash[:42] + string(alphabet[last|1]) + "="
	if last&1 == 1 {
		spare = hash[:42] + string(alphabet[last|2]) + "="
	}
	for _, tt := range []struct{ name, text string }{
		{"no final line feed", "o\n1\n" + hash},
		{"two lines", "o\n1\n"},
		{"no origin", "\n1\n" + hash + "\n"},
		{"size with a leading zero", "o\n01\n" + hash + "\n"},
		{"size signed", "o\n+1\n" + hash + "\n"},
		{"size negative", "o\n-1\n" + hash + "\n"},
		{"size with a space", "o\n 1\n" + hash + "\n"},
		{"size too large", "o\n9223372036854775808\n" + hash + "\n"},
		{"hash of 31 bytes", "o\n1\n" + Checkpoint{}.Hash.String()[:40] + "==\n"},
		{"hash unpadded", "o\n1\n" + strings.TrimSuffix(hash, "=") + "\n"},
		{"hash in base64url", "o\n1\n" + strings.NewReplacer("+", "-", "/", "_").Replace(hash) + "\n"},
		{"hash with spare bits set", "o\n1\n" + spare + "\n"},
		{"an empty extension line", "o\n1\n" + hash + "\n\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "hash in base64url" && !strings.ContainsAny(hash, "+/") {
				t.Fatalf("hash %s has neither + nor /", hash)
			}
			if _, err := ParseCheckpoint(tt.text); !errors.Is(err, ErrMalformed) {
				t.Errorf("ParseCheckpoint(%q) = %v, want ErrMalformed", tt.text, err)
			}
		})
	}
}

func FuzzParseCheckpoint(f *testing.F) {
	f.Add("trackgate.example/log\n3\n" + Checkpoint{}.Hash.String() + "\n")
	f.Add("o\n0\n" + Checkpoint{}.Hash.String() + "\next\n")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := ParseCheckpoint(text)
		if err != nil {
			return
		}
		if !strings.HasPrefix(text, c.Text()) {
			t.Fatalf("accepted %q, which does not begin with its own text %q", text, c.Text())
		}
	})
}
