package carrierhttp

import "testing"

func TestJavaURLEncodeKeepsOnlyJavasUnreservedCharacters(t *testing.T) {
	cases := map[string]string{
		"azAZ09.-*_": "azAZ09.-*_",
		" ":          "+",
		"~'()!":      "%7E%27%28%29%21",
		"\n":         "%0A",
		"é":          "%C3%A9",
		"":           "",
	}
	for in, want := range cases {
		if got := JavaURLEncode(in); got != want {
			t.Errorf("JavaURLEncode(%q) = %q; want %q", in, got, want)
		}
	}
}
