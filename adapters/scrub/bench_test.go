package scrub

import (
	"regexp"
	"testing"
)

var benchRemark = "快件已签收，签收人：张三，如有疑问请电联快递员李四，电话13812345678。【深圳南山科技园营业点】2026-11-20 14:03:11"

// benchRemarks are typical remarks: one with labels, names without one
// in both languages, and plain events, which most are.
var benchRemarks = []struct{ name, text string }{
	{"sf", benchRemark},
	{"sf-signer-before-verb", "【深圳市】快件已送达，已由邻居张女士代收，如有疑问请电联快递员，感谢使用顺丰，期待再次为您服务"},
	{"dhl-delivered", "Delivered - Signed for by: J.SMITH. Left with neighbour Mary Jones at No. 5, LEIPZIG - GERMANY"},
	{"plain-event", "Arrived at Sort Facility HONG KONG - HONGKONG; 快件已发往 北京转运中心"},
}

// BenchmarkText scrubs typical remarks; compare the sf one with
// BenchmarkBaselineOneRegexp, a single phone regexp over the same text.
func BenchmarkText(b *testing.B) {
	for _, r := range benchRemarks {
		b.Run(r.name, func(b *testing.B) {
			b.SetBytes(int64(len(r.text)))
			for b.Loop() {
				Text(r.text)
			}
		})
	}
}

func BenchmarkBaselineOneRegexp(b *testing.B) {
	phone := regexp.MustCompile(`1[3-9][0-9]{9}`)
	b.SetBytes(int64(len(benchRemark)))
	for b.Loop() {
		phone.ReplaceAllString(benchRemark, MaskPhone)
	}
}
