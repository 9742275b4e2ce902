package client

import (
	"strings"
	"unicode"
)

// Languages a description can be read in (Description).
const (
	LangEnglish = "en"
	LangChinese = "zh-CN"
)

// Description returns the part of an event description in lang (LangEnglish
// or LangChinese) when the description carries both, and the description
// unchanged otherwise.
//
// Chinese couriers often write "中文 English": a Chinese sentence, then its
// English translation. The rule: the English part is the shortest tail
// that holds no Chinese character, begins with a word of Latin letters
// only (tracking numbers and other codes stay with the Chinese part) and
// has at least two such words; the Chinese part is everything before it,
// and must hold a Chinese character. A description that does not split
// this way, one language or another order, is returned as it is, in
// every language.
func Description(text, lang string) string {
	zh, en, ok := splitBilingual(text)
	if !ok {
		return text
	}
	if lang == LangChinese {
		return zh
	}
	return en
}

// splitBilingual splits "中文 English" as Description describes.
func splitBilingual(text string) (zh, en string, ok bool) {
	lastHan := -1
	for i, r := range text {
		if chinese(r) {
			lastHan = i
		}
	}
	if lastHan < 0 {
		return "", "", false
	}
	rest := text[lastHan:]
	_, size := firstRune(rest)
	start := lastHan + size
	// Walk the words after the last Chinese character; the first one made
	// of Latin letters only begins the English part.
	for i := start; i < len(text); {
		for i < len(text) && text[i] == ' ' {
			i++
		}
		j := i
		for j < len(text) && text[j] != ' ' {
			j++
		}
		if letterWord(text[i:j]) {
			tail := strings.TrimSpace(text[i:])
			if latinWords(tail) < 2 {
				return "", "", false
			}
			return strings.TrimSpace(text[:i]), tail, true
		}
		i = j
	}
	return "", "", false
}

// chinese reports whether r is a Han character or CJK punctuation such as
// 【】，。 (full-width forms included).
func chinese(r rune) bool {
	return unicode.Is(unicode.Han, r) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

// letterWord reports whether w is a word of Latin letters, allowing
// trailing punctuation ("Delivered." "hub;").
func letterWord(w string) bool {
	w = strings.TrimRight(w, ".,;:!?")
	if w == "" {
		return false
	}
	for _, r := range w {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func latinWords(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		if letterWord(w) {
			n++
		}
	}
	return n
}
