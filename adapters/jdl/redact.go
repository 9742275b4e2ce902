package jdl

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/trackgate/trackgate/adapters/scrub"
)

// redact returns d's remark with the personal data JDL also gives in
// fields of its own taken out (the courier's or operator's name and
// phone), and the courier's name JDL's templates put after 分配给
// ("揽收任务已分配给张三（联系电话：…）"), which scrub has no label for.
// scrub.Text does the rest: 快递员：…, 联系电话：…, 签收人 and the like.
func redact(d detail) string {
	r := strings.TrimSpace(d.OperationRemark)
	type value struct{ text, mask string }
	values := []value{
		{d.Courier, scrub.MaskName}, {d.OperatorName, scrub.MaskName},
		{d.CourierTel, scrub.MaskPhone}, {d.OperatorPhone, scrub.MaskPhone},
	}
	// The longest first: a name field may hold the phone too.
	slices.SortStableFunc(values, func(a, b value) int { return len(b.text) - len(a.text) })
	for _, v := range values {
		text := strings.TrimSpace(v.text)
		if utf8.RuneCountInString(text) < 2 || v.mask == scrub.MaskName && isRole(text) {
			continue
		}
		r = strings.ReplaceAll(r, text, v.mask)
	}
	return assignedTo.ReplaceAllString(r, "${1}"+scrub.MaskName)
}

// assignedTo is the courier a pickup is given to: "分配给邓洁",
// "分配给张三（联系电话：…）".
var assignedTo = regexp.MustCompile(`(分配给\s*)\p{Han}{2,4}`)

// roleWords mark an operator that is no one in particular or JD itself
// (京东快递): kept.
var roleWords = []string{"京东", "快递", "物流", "本人", "门卫", "前台", "物业", "驿站", "营业部", "站", "店", "柜"}

func isRole(s string) bool {
	return slices.ContainsFunc(roleWords, func(w string) bool { return strings.Contains(s, w) })
}
