package scrub

import (
	"testing"
	"unicode/utf8"
)

func FuzzText(f *testing.F) {
	for _, s := range []string{
		"快件已签收，签收人：张三，如有疑问请电联快递员李四，电话13812345678",
		"您的快件已由【丰巢智能柜】代收，取件码12345678",
		"Contact: Jane Doe, jane.doe@example.com, +44 20 7946 0958",
		"a@b.com13812345678", "Contact John@x.com", "+1 (415) 555-0100 010-12345678转8",
		"运单1381234567890 SF1381234567890 单号13812345678", "身份证110101********4514",
		"世纪大道100号3栋2单元501室", "Signed by Li", "签收人：张", "\xff13812345678\xfe",
		// Names without a label, and masks next to the words that find them.
		"POD: jsmith: bob", "POD: [name] signed by ab", "signed by jo smi", "Signed: J.R.R. TOLKIEN",
		"LEFT WITH NEIGHBOUR NEIGHBOUR MARY", "李四签收张三代收", "[name]签收", "由由王明代收", "签收：签收：李四",
		"邻居张女士代签收本人签收", "张三\xff签收", "已由 欧阳娜娜女士 代收",
	} {
		f.Add(s)
	}
	for _, c := range maskCases {
		f.Add(c.in)
	}
	for _, cases := range [][]nameCase{attackNames, latinNames, hanSigners} {
		for _, c := range cases {
			f.Add(c.in)
		}
	}
	for _, s := range append(keepCases, everydayEvents...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s)
		if len(got) > len(s) {
			t.Fatalf("Text grew %q (%d bytes) to %q (%d bytes)", s, len(s), got, len(got))
		}
		if again := Text(got); again != got {
			t.Fatalf("Text is not idempotent on %q:\n once  %q\n twice %q", s, got, again)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Text(%q) = %q is not valid UTF-8", s, got)
		}
		if Has(got) {
			t.Fatalf("Has(Text(%q)) = true", s)
		}
		if slow := textSearchingEverywhere(s); slow != got {
			t.Fatalf("Text(%q) = %q, but searching every rule everywhere gives %q", s, got, slow)
		}
	})
}

// textSearchingEverywhere is Text without the shortcuts (where a match
// may start, what the text needs): each rule's regex searched for from
// every position. Text must give the same result, only faster.
func textSearchingEverywhere(s string) string {
	plain := make([]rule, len(rules))
	for i, r := range rules {
		plain[i] = rule{mask: r.mask, re: r.re, accept: r.accept, lowerCase: r.lowerCase, anchored: r.anchored}
	}
	for range len(s) + 1 {
		next, changed := scrubOnce(s, plain)
		if !changed {
			break
		}
		s = next
	}
	return s
}
