package scrub

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Chinese remarks name who took a parcel before the verb, with no label:
// "李四签收", "张三 已签收", "已由王小明代收", "邻居张女士代收". The same
// place holds who is no one in particular ("本人签收", "家人代收",
// "由 快递柜 代收") and words that are no one ("快件已签收", "正常签收").
//
// A name there is a family name and one or two characters, or a family
// name with an honorific (张女士, 王小明先生), or 小 or 老 and a family name
// (小王). It must stand as a phrase of its own: after something that is
// not a Chinese character ("，李四签收"), or after a word that introduces
// who took the parcel (由, 被, 邻居, 前台, …). The honorific is masked with
// the name ("邻居[name]代收"): what a view needs is that someone took the
// parcel, and 张 alone would become "*女士".

// hanSignVerb follows the name: 签收, 代收, 代签收, 签字 or 签名, maybe
// after 已 or 已经, and 本人 or 亲自 ("王先生本人签收").
const hanSignVerb = `(?:本人|亲自)?(?:已经|已)?(?:代签收|签收|代收|签字|签名)`

func hasSignVerb(s string) bool {
	return strings.Contains(s, "签收") || strings.Contains(s, "代收") ||
		strings.Contains(s, "签字") || strings.Contains(s, "签名")
}

// maxHanSigner is the most characters a name before a verb has: a
// compound family name, two more, and a two-character honorific.
const maxHanSigner = 6

// hanIntroducers come right before the name of who took a parcel.
var hanIntroducers = strings.Fields(`由 被 请 让 经 给 交给 交由 委托 邻居 同事 朋友 家人 室友 舍友 前台 门卫 保安 物业
	客户 本人 亲属 家属`)

// hanHonorifics follow a family name, alone or with a given name.
var hanHonorifics = strings.Fields(`女士 先生 小姐 师傅 老师 阿姨 经理 太太 同学 大爷 大妈 大姐 大哥 总 姐 哥 叔 姨`)

// notGiven are characters that end words, not names: "柜" of 快递柜, "日"
// of 于今日, "店" of 便利店. With hanStops, a given name holds none.
var notGiven = []rune("人们家处室店部区楼层栋号日时今昨后里内外边侧旁门台库箱格机员式物货款费于与和或也都还就才再又没不未无这那哪个些位次种样么什啥谁")

// signerBeforeVerb narrows [lo, hi), a run of Chinese characters right
// before a verb of signing, to the name it ends with, or refuses it.
func signerBeforeVerb(s string, lo, hi int) (int, int, bool) {
	// starts are where a name ending at hi may start, nearest first.
	var starts []int
	runStart, whole := hi, false
	for len(starts) < maxHanSigner {
		r, size := utf8.DecodeLastRuneInString(s[:runStart])
		if runStart == 0 || !unicode.Is(unicode.Han, r) {
			whole = true
			break
		}
		runStart -= size
		starts = append(starts, runStart)
	}
	if !whole {
		r, _ := utf8.DecodeLastRuneInString(s[:runStart])
		whole = runStart == 0 || !unicode.Is(unicode.Han, r)
	}
	// The longest name after an introducer ("已由王小明"), else the whole
	// run when it begins the phrase ("，李四").
	for i := len(starts) - 1; i >= 0; i-- {
		p := starts[i]
		if p >= lo && hasSuffixIn(s[:p], hanIntroducers) && isHanSigner(s[p:hi]) {
			return p, hi, true
		}
	}
	if whole && runStart >= lo && runStart < hi && isHanSigner(s[runStart:hi]) {
		return runStart, hi, true
	}
	return lo, hi, false
}

// isHanSigner reports whether name is a person's name as written before
// a verb of signing: see the top of this file.
func isHanSigner(name string) bool {
	if hasPrefixIn(name, hanRoles) || hasPrefixIn(name, notNames) {
		return false
	}
	core, honorific := name, false
	for _, h := range hanHonorifics {
		if len(core) > len(h) && strings.HasSuffix(core, h) {
			core, honorific = strings.TrimSuffix(core, h), true
			break
		}
	}
	runes := []rune(core)
	if len(runes) == 2 && (runes[0] == '小' || runes[0] == '老') && surnames[runes[1]] {
		return true // 小王, 老李
	}
	var given []rune
	switch {
	case hasPrefixIn(core, compoundSurnames):
		given = runes[2:]
	case surnames[runes[0]]:
		given = runes[1:]
	default:
		return false
	}
	if len(given) > 2 || len(given) == 0 && !honorific {
		return false
	}
	for _, r := range given {
		if !unicode.Is(unicode.Han, r) || containsRune(hanStops, r) || containsRune(notGiven, r) {
			return false
		}
	}
	return true
}

// hanSignerAfterColon is hanName for what follows 签收：, 签字： and the
// like, where a name must start like one: "本人签收：李四", but not
// "已签收：感谢使用".
func hanSignerAfterColon(s string, lo, hi int) (int, int, bool) {
	if !startsLikeName(s[lo:hi]) {
		return lo, hi, false
	}
	return hanName(s, lo, hi)
}

func hasSuffixIn(s string, suffixes []string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}
