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
	latinNameLabels = labels{"signed for by", "signed by", "received by", "delivered to", "left with", "handed over to",
		"handed to", "collected by", "accepted by", "courier", "contact", "driver"}
	// fieldLabels name a person only when a colon follows.
	fieldLabels = labels{"receiver", "recipient", "consignee", "signatory", "addressee", "name"}
	// signatureLabels too need a colon ("Signed: J. SMITH", "POD: jsmith",
	// not "Signature required"); what follows them must look like a name
	// in Chinese as well ("签收：李四", not "已签收：感谢使用").
	signatureLabels = labels{"signed", "signature", "signer", "pod name", "pod", "proof of delivery"}
	hanSignLabels   = labels{"签收", "签字", "签名", "代收"}
	// lowerCaseLabels announce a name so surely that one written in lower
	// case ("signed by jsmith") is taken too.
	lowerCaseLabels = labels{"signed for by", "signed by"}
)

// latinRole is a role that may stand between a label and the name it
// announces: "Left with neighbour Mary Jones", "Delivered to the
// concierge, J. SMITH". Alone ("LEFT WITH NEIGHBOUR") it names no one.
const latinRole = `(?i:(?:(?:the|my|your|a|next[ \-]door)\s+)?(?:neighbou?rs?|concierge|receptionist|reception|security|` +
	`doorman|porter|colleague|relative|family\s+member|housemate|flatmate|roommate|resident|tenant|manager|` +
	`wife|husband|spouse|son|daughter|mother|father))\s*[,:]?\s+`

// latinLowerName is a name in lower case: one or two words of letters,
// nothing else, so that its mask always has fewer letters (see Text).
const latinLowerName = `[a-z]{2,}(?:\s[a-z]{2,})?`

// latinWord is one word of a name: capitalized or in capitals, maybe an
// initial ("J."), maybe initials run into the name ("J.SMITH", as FedEx
// writes it).
const latinWord = `[A-Z](?:\.[A-Z])*[A-Za-z'’\-]*\.?`

// hanStops are characters that do not belong to a name, so a name taken
// from "签收人张三已签收" ends before 已.
var hanStops = []rune("已在请如凭为是的您你我他她将正被派送收取代到由给了电手号码站点柜件包裹快递签并及等")

// hanRoles begin what is written where a name would be but names no one:
// "签收人：本人", "交给丰巢智能柜", "房东代收". Many start with a family
// name (门卫, 司机, 房东, 老公), so they are checked before it.
var hanRoles = strings.Fields(`本人 他人 家人 亲属 家属 亲友 朋友 同事 邻居 门卫 前台 物业 保安 公司 单位 快递柜 智能柜 丰巢
	驿站 菜鸟 代收点 收发室 传达室 超市 便利店 宿舍 学校 小区 门岗 管家 客服 业主 商家 卖家 买家
	司机 师傅 师父 师姐 师兄 师哥 老师 老公 老人 老板 房东 母亲 宿管 安保 文员 路人 楼下 楼上 楼管 门店 门房
	商铺 商店 商场 商户 车库 管理 公寓 云柜 信箱 信报箱 全家 罗森 熊猫 申通 安能 苏宁 客户 用户 帅哥`)

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

// latinName narrows a span of capitalized words (or of words in lower
// case, for lowerCaseLabels) to the name it begins with, or refuses it: a
// phrase with a place or an organisation in it ("Shenzhen Hub", "Swift
// Express", "Canada Post"), or one that starts with a word no name starts
// with, or a lone initial ("Signature: X").
func latinName(s string, lo, hi int) (int, int, bool) {
	words := strings.Fields(s[lo:hi])
	for _, w := range words {
		if latinPlaces[normalizeWord(w)] || latinOrganisations[normalizeWord(w)] {
			return lo, hi, false
		}
	}
	span, end := s[lo:hi], 0
	for _, w := range words {
		initial := len(w) == 2 && w[1] == '.' // "A." is no article
		if latinStops[normalizeWord(w)] && !initial {
			break
		}
		end += strings.Index(span[end:], w) + len(w)
	}
	if end > 3 && span[end-1] == '.' && span[end-3] != ' ' {
		end-- // a full stop, not the dot of an initial like "J."
	}
	if len(strings.TrimRight(span[:end], ".")) == 1 {
		return lo, hi, false // an initial alone, or the X of a signature
	}
	return lo, lo + end, end > 0
}

func normalizeWord(w string) string { return strings.ToLower(strings.TrimRight(w, ".")) }
