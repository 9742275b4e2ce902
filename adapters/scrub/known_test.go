package scrub

import "testing"

func TestKnownMasksWhatACourierGivesInFields(t *testing.T) {
	roles := []string{"本人", "驿站"}
	cases := []struct {
		name  string
		known Known
		in    string
		want  string
	}{
		{"a name and a phone", Known{Names: []string{"李坤"}, Phones: []string{"13598328971"}},
			"的 李坤 （13598328971） 已揽收", "的 [name] （[phone]） 已揽收"},
		{"a name field holding the phone goes first",
			Known{Names: []string{"罗金林15801857648"}, Phones: []string{"15801857648"}},
			"的 罗金林15801857648 正在派件", "的 [name] 正在派件"},
		{"values are trimmed", Known{Names: []string{" 欧阳娜娜 "}}, "配送员欧阳娜娜正在为您派件", "配送员[name]正在为您派件"},
		{"a role stays", Known{Names: []string{"本人"}, Roles: roles}, "签收人: 本人", "签收人: 本人"},
		{"a place stays", Known{Names: []string{"菜鸟驿站"}, Roles: roles}, "快件已被【菜鸟驿站】代收", "快件已被【菜鸟驿站】代收"},
		{"a role word does not keep a phone", Known{Phones: []string{"本人13598328971"}, Roles: roles}, "电话本人13598328971", "电话[phone]"},
		{"one character is too short", Known{Names: []string{"李", ""}}, "李先生", "李先生"},
	}
	for _, tc := range cases {
		if got := tc.known.Mask(tc.in); got != tc.want {
			t.Errorf("%s: %q; want %q", tc.name, got, tc.want)
		}
	}
}

func TestPlainCode(t *testing.T) {
	for c, want := range map[string]bool{
		"S02": true, "A1006": true, "1000": true, "abcdEF12": true,
		"": false, "-1": false, "13812345678": false, "张三": false, "S 02": false, "ABCDEFGHI": false,
	} {
		if got := PlainCode(c); got != want {
			t.Errorf("PlainCode(%q) = %v; want %v", c, got, want)
		}
	}
}
