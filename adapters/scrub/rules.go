package scrub

import (
	"regexp"
	"slices"
	"strings"
)

// Pieces of the rules' regular expressions.
const (
	// tokenEnd follows a span that must end a run of ASCII letters and
	// digits: 11 digits inside "1381234567890" are no phone number.
	tokenEnd = `(?:[^0-9A-Za-z]|$)`
	// sep joins the groups of a phone number: one space or dash.
	sep = `[ \-]`
	// areaCode is a mainland area code: 010, 02x, or 0 and three digits.
	areaCode = `0(?:10|2[0-9]|[3-9][0-9]{2})`
)

// Labels that introduce a value.
var (
	trackingLabels = labels{"快递单号", "运单号码", "运单号", "单号", "运单", "tracking number", "tracking no.", "tracking no",
		"tracking #", "tracking", "waybill number", "waybill no.", "waybill no", "waybill", "awb"}
	phoneLabels = labels{"联系电话", "电话号码", "电话", "手机号码", "手机号", "手机", "座机", "电联", "致电",
		"tel", "phone", "mobile", "mob"}
	lastDigitsLabels = labels{"尾号", "后四位", "后4位", "ending in", "ending with"}
	idLabels         = labels{"身份证号码", "身份证号", "身份证", "证件号码", "证件号", "id card no.", "id card no",
		"id card number", "id no.", "id no", "id number"}
	codeLabels = labels{"取件码", "取货码", "提货码", "取件密码", "开箱码", "开柜码", "pickup code", "collection code"}
	roads      = labels{"路", "街", "大道", "大街", "巷", "弄", "胡同", "里"}
)

// rules are tried together at every position; see scrubOnce for which
// wins when several match.
var rules = []rule{
	// A number after a tracking-number label is a tracking number, even
	// one shaped like a mobile number or an ID card: keep it.
	{starts: trackingLabels, re: regexp.MustCompile(
		`(` + trackingLabels.regex() + `\s*(?:[:：#]\s*)?[0-9A-Za-z]{6,40})` + tokenEnd)},

	// Mainland mobile numbers, whole or masked (138****5678), with an
	// optional +86, 0086 or (86) in front and groups of 3-4-4.
	{mask: MaskPhone, needs: hasDigits, at: atNumber, re: regexp.MustCompile(
		`((?:(?:\+|00)86` + sep + `?|\(\+?86\)` + sep + `?|86` + sep + `)?` +
			`1[3-9][0-9]` + sep + `?(?:[0-9]{4}|[*＊xX]{4})` + sep + `?[0-9]{4})` + tokenEnd)},

	// Mainland landlines: an area code in brackets or followed by a space
	// or dash, 7 or 8 digits, an optional extension.
	{mask: MaskPhone, needs: hasDigits, at: atNumber, re: regexp.MustCompile(
		`((?:\(` + areaCode + `\)\s?|（` + areaCode + `）\s?|` + areaCode + sep + `)` +
			`[0-9]{3,4}` + sep + `?[0-9]{4}(?:(?:-|转|\s?` + labels{"ext.", "ext", "x"}.regex() + `\s?)[0-9]{1,6})?)` + tokenEnd),
		accept: notPartOfLongerNumber},

	// International numbers: +country code and 7 to 15 digits in groups.
	{mask: MaskPhone, starts: labels{"+"}, re: regexp.MustCompile(
		`(\+[1-9][0-9]{0,3}(?:` + sep + `?(?:\([0-9]{1,4}\)|[0-9]{1,12}))` +
			`(?:[ \-.](?:\([0-9]{1,4}\)|[0-9]{1,8})){0,4})` + tokenEnd),
		accept: digitsBetween(7, 15)},

	// North American numbers written the American way: (415) 555-0100,
	// 415-555-0100, 415.555.0100.
	{mask: MaskPhone, needs: hasDigits, at: atNumber, re: regexp.MustCompile(
		`(\([2-9][0-9]{2}\)\s?[2-9][0-9]{2}[ \-.][0-9]{4}|[2-9][0-9]{2}-[2-9][0-9]{2}-[0-9]{4}|[2-9][0-9]{2}\.[2-9][0-9]{2}\.[0-9]{4})` + tokenEnd),
		accept: personalNANP},

	// Any number after a phone label, including local numbers without an
	// area code.
	{mask: MaskPhone, starts: phoneLabels, re: regexp.MustCompile(
		phoneLabels.regex() + `\s*(?:[:：.]\s*)?` +
			`([0-9]{7,12}|[0-9]{3,4}` + sep + `[0-9]{4}(?:` + sep + `?[0-9]{4})?)` + tokenEnd)},

	// The last four digits of a phone (the second factor of some couriers).
	{mask: MaskPhone, starts: lastDigitsLabels, re: regexp.MustCompile(
		lastDigitsLabels.regex() + `\s*(?:[:：是为]\s*)?([0-9]{4})` + tokenEnd)},

	// E-mail addresses.
	{mask: MaskEmail, needs: hasAt, re: regexp.MustCompile(
		`([A-Za-z0-9._%+\-]+[@＠][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)`)},

	// Chinese ID-card numbers: 18 characters whose date and check digit
	// are right; any 15 or 18 after an ID label; masked ones like
	// 110101********1234.
	{mask: MaskID, needs: hasDigits, at: atDigit, re: regexp.MustCompile(
		`([1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx])` + tokenEnd),
		accept: idCheckDigitRight},
	{mask: MaskID, starts: idLabels, re: regexp.MustCompile(
		idLabels.regex() + `\s*(?:[:：]\s*)?([0-9]{17}[0-9Xx]|[0-9]{15})` + tokenEnd)},
	{mask: MaskID, needs: hasStars, at: atDigit, re: regexp.MustCompile(`([0-9]{1,6}[*＊]{6,12}[0-9]{1,3}[0-9Xx])` + tokenEnd)},

	// Pickup codes: whoever reads one can collect the parcel.
	{mask: MaskCode, starts: codeLabels, re: regexp.MustCompile(
		codeLabels.regex() + `\s*(?:[:：是为]\s*)?([0-9A-Za-z]{1,10}(?:-[0-9A-Za-z]{1,10}){0,3})` + tokenEnd),
		accept: hasDigit},

	// House numbers: the number after a road (世纪大道100号), a building,
	// unit and room (3栋2单元501室), and "221B Baker Street".
	{mask: MaskAddress, starts: roads, re: regexp.MustCompile(
		roads.regex() + `([0-9]+(?:-[0-9]+)?号(?:院|楼)?(?:[0-9A-Za-z]+(?:栋|幢|座|号楼|单元|层|楼|室|房))*)`)},
	{mask: MaskAddress, needs: hasBuilding, at: atToken, re: regexp.MustCompile(
		`([0-9A-Za-z]+(?:栋|幢|号楼)(?:[0-9]+单元)?(?:[0-9]+(?:层|楼))?[0-9]+(?:室|房|号))`)},
	{mask: MaskAddress, needs: hasDigits, at: atDigit, re: regexp.MustCompile(
		`([0-9]{1,5}[A-Za-z]?(?: [A-Z][a-z]+){1,3} (?:Street|St|Road|Rd|Avenue|Ave|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Terrace|Close|Crescent|Highway|Hwy)\.?)` + tokenEnd)},

	// Names after a label.
	{mask: MaskName, starts: hanNameLabels, re: regexp.MustCompile(
		hanNameLabels.regex() + `\s*(?:[:：]|是|为)?\s*[【（(]?(\p{Han}{1,4})`),
		accept: hanName},
	// "快件交给王五，正在派送途中": after 交给 only a short phrase of its
	// own is a name, not "交给苏州转运中心处理".
	{mask: MaskName, starts: handedTo, re: regexp.MustCompile(handedTo.regex() + `(\p{Han}{1,4})(?:[，,。；;、\s（(]|$)`),
		accept: hanName},
	// "Left with neighbour Mary Jones": a role may stand before the name.
	{mask: MaskName, starts: slices.Concat(hanNameLabels, latinNameLabels), re: regexp.MustCompile(
		`(?:` + hanNameLabels.regex() + `|` + latinNameLabels.regex() + `)\s*[:：]?\s*[【（(]?(?:` + latinRole + `)?` +
			`(` + latinWord + `(?:\s` + latinWord + `){0,2})` + `(?:[^0-9A-Za-z@]|$)`),
		accept: latinName},
	{mask: MaskName, starts: latinNameLabels, re: regexp.MustCompile(latinNameLabels.regex() + `\s*[:：]?\s*(\p{Han}{1,4})`),
		accept: hanName},
	// Field-like labels name a person only before a colon: "Receiver:
	// ZHANG SAN", "Signed: J. SMITH", not "Recipient Unavailable".
	{mask: MaskName, starts: slices.Concat(fieldLabels, signatureLabels), re: regexp.MustCompile(
		`(?:` + fieldLabels.regex() + `|` + signatureLabels.regex() + `)\s*[:：]\s*` +
			`(` + latinWord + `(?:\s` + latinWord + `){0,2})` + `(?:[^0-9A-Za-z@]|$)`),
		accept: latinName},
	{mask: MaskName, starts: fieldLabels, re: regexp.MustCompile(fieldLabels.regex() + `\s*[:：]\s*(\p{Han}{1,4})`),
		accept: hanName},
	{mask: MaskName, starts: slices.Concat(hanSignLabels, signatureLabels), re: regexp.MustCompile(
		`(?:` + hanSignLabels.regex() + `|` + signatureLabels.regex() + `)\s*[:：]\s*[【（(]?(\p{Han}{1,4})`),
		accept: hanSignerAfterColon},
	// A name in lower case where only a name can be: "POD: jsmith",
	// "signed by john smith".
	{mask: MaskName, lowerCase: true, starts: slices.Concat(signatureLabels, lowerCaseLabels), re: regexp.MustCompile(
		`(?:` + signatureLabels.regex() + `\s*[:：]|` + lowerCaseLabels.regex() + `\s*[:：]?)\s*(?:` + latinRole + `)?` +
			`(` + latinLowerName + `)(?:[^0-9A-Za-z@]|$)`),
		accept: latinName},

	// Names without a label, before a verb of signing: "李四签收",
	// "已由王小明代收".
	{mask: MaskName, needs: hasSignVerb, re: regexp.MustCompile(`(\p{Han}{1,8}?)\s*` + hanSignVerb),
		accept: signerBeforeVerb},
}

// Quick tests that let a pass skip a rule that cannot match.
func hasDigits(s string) bool { return strings.ContainsAny(s, "0123456789") }
func hasAt(s string) bool     { return strings.ContainsAny(s, "@＠") }
func hasStars(s string) bool  { return strings.ContainsAny(s, "*＊") }
func hasBuilding(s string) bool {
	return strings.ContainsAny(s, "栋幢") || strings.Contains(s, "号楼")
}

// Where matches may start: a digit, or a bracket or plus before one, that
// does not continue a token.
func atNumber(s string, i int) bool {
	switch s[i] {
	case '(', '+':
		return true
	case 0xEF: // the first byte of （
		return strings.HasPrefix(s[i:], "（")
	}
	return atDigit(s, i)
}

func atDigit(s string, i int) bool { return isDigit(s[i]) && !splitsToken(s, i) }
func atToken(s string, i int) bool { return isAlnum(s[i]) && !splitsToken(s, i) }

// notPartOfLongerNumber refuses a phone-shaped span that a digit group
// continues with the separator it uses itself: "0414 4176 0228 964" is a
// FedEx number in groups, not a landline and 964.
func notPartOfLongerNumber(s string, lo, hi int) (int, int, bool) {
	span := s[lo:hi]
	for _, c := range []byte{' ', '-', '.'} {
		if strings.IndexByte(span, c) < 0 {
			continue
		}
		if hi+1 < len(s) && s[hi] == c && isDigit(s[hi+1]) {
			return lo, hi, false
		}
		if lo >= 2 && s[lo-1] == c && isDigit(s[lo-2]) {
			return lo, hi, false
		}
	}
	return lo, hi, true
}

// personalNANP refuses toll-free and service numbers (800-…, 400-…):
// they belong to businesses, like a courier's hotline.
func personalNANP(s string, lo, hi int) (int, int, bool) {
	switch strings.TrimLeft(s[lo:hi], "(")[:3] {
	case "400", "800", "833", "844", "855", "866", "877", "888":
		return lo, hi, false
	}
	return notPartOfLongerNumber(s, lo, hi)
}

func digitsBetween(min, max int) func(s string, lo, hi int) (int, int, bool) {
	return func(s string, lo, hi int) (int, int, bool) {
		n := 0
		for i := lo; i < hi; i++ {
			if isDigit(s[i]) {
				n++
			}
		}
		return lo, hi, n >= min && n <= max
	}
}

func hasDigit(s string, lo, hi int) (int, int, bool) {
	return lo, hi, hasDigits(s[lo:hi])
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// idCheckDigitRight checks the ISO 7064 MOD 11-2 check digit of an
// 18-character ID-card number, so that an 18-digit code of another kind
// stays.
func idCheckDigitRight(s string, lo, hi int) (int, int, bool) {
	id := s[lo:hi]
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(id[i]-'0') * w
	}
	want := "10X98765432"[sum%11]
	got := id[17]
	if got == 'x' {
		got = 'X'
	}
	return lo, hi, got == want
}
