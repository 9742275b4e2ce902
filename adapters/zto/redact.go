package zto

import (
	"regexp"
	"slices"
	"strings"

	"github.com/trackgate/trackgate/adapters/scrub"
)

// redact returns t's description with the personal data ZTO also gives
// in fields of its own taken out: the courier's, operator's or signer's
// name and phone, which ZTO writes into the text ("的 李坤 （135…） 已揽收",
// "的 罗金林15801857648 正在派件"). It then masks the names ZTO's text
// templates put in without such a field (courierName). scrub.Text does
// the rest.
func redact(t trace) string {
	d := scrub.Known{
		Names:  []string{t.DispOrRecMan, t.OperateUser, t.SignMan, t.Contacts},
		Phones: []string{t.DispOrRecManPhone, t.OperateUserPhone, t.ContactsTel},
		Roles:  roleWords,
	}.Mask(strings.TrimSpace(t.Desc))
	return courierName.ReplaceAllStringFunc(d, func(m string) string {
		sub := courierName.FindStringSubmatchIndex(m)
		lo, hi := sub[2], sub[3]
		if lo < 0 {
			lo, hi = sub[4], sub[5]
		}
		name := m[lo:hi]
		if slices.ContainsFunc(notNames, func(w string) bool { return strings.HasPrefix(name, w) }) {
			return m
		}
		return m[:lo] + scrub.MaskName + m[hi:]
	})
}

// courierName is a person in ZTO's text templates: "【site】 的 NAME
// （phone）", "的NAME（phone）", "的 NAME 已进行…", "的 NAME13812345678 正在派件".
var courierName = regexp.MustCompile(`的\s*(\p{Han}{2,4})\s*(?:[（(]|\d)|的\s+(\p{Han}{2,4})\s+(?:已|正在)`)

// notNames start words that follow 的 in ZTO's texts without being a name.
var notNames = []string{"快件", "包裹", "派件", "订单", "货物", "快递", "运单"}

// roleWords mark a signer that is no one in particular (本人, 门卫) or a
// place (丰巢柜, 菜鸟驿站): kept, as scrub keeps them (scrub.Known.Roles).
var roleWords = []string{"本人", "他人", "家人", "门卫", "前台", "物业", "保安", "同事", "邻居", "签收", "代收",
	"快递柜", "智能柜", "丰巢", "驿站", "公司", "超市", "店", "柜", "室", "点", "站"}
