package scrub

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Known is personal data a courier gives in fields of its own beside a
// text that may repeat it — the courier's, the operator's or the
// signer's name and phone — where Text has no label to find it by
// ("的 李坤 （135…） 已揽收", "配送员欧阳娜娜正在为您派件").
type Known struct {
	Names, Phones []string
	// Roles are words that make a name field no one in particular or a
	// place (本人, 门卫, 驿站): a name that holds one is kept, as Text
	// keeps such words.
	Roles []string
}

// Mask returns s with k's names masked as MaskName and its phones as
// MaskPhone, the longest first: a name field may hold the phone too. A
// value shorter than two characters is left alone, as it would mask
// parts of words. What is left is Text's to find.
func (k Known) Mask(s string) string {
	type value struct{ text, mask string }
	values := make([]value, 0, len(k.Names)+len(k.Phones))
	for _, n := range k.Names {
		values = append(values, value{n, MaskName})
	}
	for _, p := range k.Phones {
		values = append(values, value{p, MaskPhone})
	}
	slices.SortStableFunc(values, func(a, b value) int { return len(b.text) - len(a.text) })
	for _, v := range values {
		text := strings.TrimSpace(v.text)
		if utf8.RuneCountInString(text) < 2 || v.mask == MaskName && k.isRole(text) {
			continue
		}
		s = strings.ReplaceAll(s, text, v.mask)
	}
	return s
}

func (k Known) isRole(name string) bool {
	return slices.ContainsFunc(k.Roles, func(w string) bool { return strings.Contains(name, w) })
}
