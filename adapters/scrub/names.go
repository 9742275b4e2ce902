package scrub

import (
	"strings"
	"unicode/utf8"
)

// Labels after which couriers write a person's name.
var (
	hanNameLabels = labels{"签收人", "收件人", "收货人", "寄件人", "发件人", "联系人", "代收人", "取件人", "快递员", "派件员",
		"派件人", "派送员", "收派员", "配送员", "投递员", "业务员", "姓名"}
	handedTo        = labels{"交给", "交由"}
	latinNameLabels = labels{"signed for by", "signed by", "received by", "delivered to", "left with", "courier",
		"contact", "driver"}
	// fieldLabels name a person only when a colon follows.
	fieldLabels = labels{"receiver", "recipient", "consignee", "signatory", "addressee", "name"}
)

// latinWord is one word of a name: capitalized or in capitals, maybe an
// initial ("J.").
const latinWord = `[A-Z][A-Za-z'’\-]*\.?`

// hanStops are characters that do not belong to a name, so a name taken
// from "签收人张三已签收" ends before 已.
var hanStops = []rune("已在请如凭为是的您你我他她将正被派送收取代到由给了电手号码站点柜件包裹快递签并及等")

// hanRoles begin what is written where a name would be but names no one:
// "签收人：本人", "交给丰巢智能柜".
var hanRoles = strings.Fields(`本人 他人 家人 亲属 家属 亲友 朋友 同事 邻居 门卫 前台 物业 保安 公司 单位 快递柜 智能柜 丰巢
	驿站 菜鸟 代收点 收发室 传达室 超市 便利店 宿舍 学校 小区 门岗 管家 客服 业主 商家 卖家 买家`)

// hanName narrows a span of Chinese characters to the name it begins
// with, or refuses it. After a colon (or 是, 为) anything is a name;
// without one it must start like a name (startsLikeName).
func hanName(s string, lo, hi int) (int, int, bool) {
	span := s[lo:hi]
	if hasPrefixIn(span, hanRoles) || hasPrefixIn(span, notNames) {
		return lo, hi, false
	}
	if !afterColon(s[:lo]) && !startsLikeName(span) {
		return lo, hi, false
	}
	_, end := utf8.DecodeRuneInString(span) // a family name is no stop
	for end < len(span) {
		r, size := utf8.DecodeRuneInString(span[end:])
		if containsRune(hanStops, r) {
			break
		}
		end += size
	}
	if utf8.RuneCountInString(span[:end]) == 1 && lo+end < len(s) && isDigit(s[lo+end]) {
		return lo, hi, false // "快递员于14:00到达": a word before a time
	}
	return lo, lo + end, true
}

// afterColon reports whether before ends with a colon, 是 or 为,
// followed maybe by spaces and an opening bracket.
func afterColon(before string) bool {
	before = strings.TrimRight(before, " \t【（(")
	for _, c := range []string{"：", ":", "是", "为"} {
		if strings.HasSuffix(before, c) {
			return true
		}
	}
	return false
}

func hasPrefixIn(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func containsRune(set []rune, r rune) bool {
	for _, c := range set {
		if c == r {
			return true
		}
	}
	return false
}

// latinStops are words (compared in lower case) that a name does not
// start with: "Delivered to Front Desk", "Contact Customer Service".
var latinStops = wordSet(`front back side rear main mail mailroom mailbox post postbox reception receptionist
	neighbor neighbour neighbors neighbours porch garage parcel parcels package security concierge residence
	doorman door guard building agent customer customers recipient resident household family member
	authorized authorised signature the a an access pickup pick dock shipping receiving inside outside
	driver service services desk lobby management manager leasing apartment delivery safe place left
	company us you your our sender shipper consignee owner tenant staff team department dept unit room
	floor gate yard box bin slot ups dhl fedex usps ems express logistics courier contact not no none
	on at for in by to from with and or of mon tue wed thu fri sat sun monday tuesday wednesday thursday
	friday saturday sunday today tomorrow yesterday receiver residential out delivered delivering arrived
	departed attempted picked collected scheduled returned exception held hold ready awaiting available
	pending transit en route`)

// latinPlaces are words that make the phrase a place, not a person:
// "Delivered to Shenzhen Hub".
var latinPlaces = wordSet(`hub center centre facility facilities station depot terminal airport office warehouse
	branch point locker lockers store shop gateway city district province county port sorting
	distribution processing street road avenue`)

func wordSet(words string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(words) {
		set[w] = true
	}
	return set
}

// latinName narrows a span of capitalized words to the name it begins
// with, or refuses it.
func latinName(s string, lo, hi int) (int, int, bool) {
	words := strings.Fields(s[lo:hi])
	for _, w := range words {
		if latinPlaces[normalizeWord(w)] {
			return lo, hi, false
		}
	}
	span, end := s[lo:hi], 0
	for _, w := range words {
		if latinStops[normalizeWord(w)] {
			break
		}
		end += strings.Index(span[end:], w) + len(w)
	}
	if end > 3 && span[end-1] == '.' && span[end-3] != ' ' {
		end-- // a full stop, not the dot of an initial like "J."
	}
	return lo, lo + end, end > 0
}

func normalizeWord(w string) string { return strings.ToLower(strings.TrimRight(w, ".")) }
