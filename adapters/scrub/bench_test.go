package scrub

import (
	"regexp"
	"testing"
)

var benchRemark = "快件已签收，签收人：张三，如有疑问请电联快递员李四，电话13812345678。【深圳南山科技园营业点】2026-11-20 14:03:11"

// BenchmarkText scrubs a typical SF remark; compare it with
// BenchmarkBaselineOneRegexp, a single phone regexp over the same text.
func BenchmarkText(b *testing.B) {
	b.SetBytes(int64(len(benchRemark)))
	for b.Loop() {
		Text(benchRemark)
	}
}

func BenchmarkBaselineOneRegexp(b *testing.B) {
	phone := regexp.MustCompile(`1[3-9][0-9]{9}`)
	b.SetBytes(int64(len(benchRemark)))
	for b.Loop() {
		phone.ReplaceAllString(benchRemark, MaskPhone)
	}
}
