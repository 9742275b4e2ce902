package jdl

import (
	"regexp"
	"strings"

	"github.com/trackgate/trackgate/adapters/scrub"
)

// redact returns d's remark with the personal data JDL also gives in
// fields of its own taken out (the courier's or operator's name and
// phone), and the courier's name JDL's templates put after 分配给
// ("揽收任务已分配给张三（联系电话：…）"), which scrub has no label for.
// scrub.Text does the rest: 快递员：…, 联系电话：…, 签收人 and the like.
func redact(d detail) string {
	r := scrub.Known{
		Names:  []string{d.Courier, d.OperatorName},
		Phones: []string{d.CourierTel, d.OperatorPhone},
		Roles:  roleWords,
	}.Mask(strings.TrimSpace(d.OperationRemark))
	return assignedTo.ReplaceAllString(r, "${1}"+scrub.MaskName)
}

// assignedTo is the courier a pickup is given to: "分配给邓洁",
// "分配给张三（联系电话：…）".
var assignedTo = regexp.MustCompile(`(分配给\s*)\p{Han}{2,4}`)

// roleWords mark an operator that is no one in particular or JD itself
// (京东快递): kept (scrub.Known.Roles).
var roleWords = []string{"京东", "快递", "物流", "本人", "门卫", "前台", "物业", "驿站", "营业部", "站", "店", "柜"}
