package zto

import (
	"testing"

	"github.com/trackgate/trackgate/adapters/scrub"
)

func TestRedactTakesOutWhatZTOGivesInFields(t *testing.T) {
	cases := []struct {
		name string
		t    trace
		want string
	}{
		{"courier and phone in fields",
			trace{Desc: "【郑州市】  【郑州鑫泰】（0371-55290615） 的 李坤 （13598328971） 已揽收", DispOrRecMan: "李坤", DispOrRecManPhone: "13598328971"},
			"【郑州市】  【郑州鑫泰】（[phone]） 的 [name] （[phone]） 已揽收"},
		{"a name field holding the phone",
			trace{Desc: "闸北二部 的 罗金林15801857648 正在派件", DispOrRecMan: "罗金林15801857648", DispOrRecManPhone: "15801857648"},
			"闸北二部 的 [name] 正在派件"},
		{"a signer who is a role stays",
			trace{Desc: "快件已在 【潍坊青州】 签收,签收人: 本人", SignMan: "本人"},
			"快件已在 【潍坊青州】 签收,签收人: 本人"},
		{"a station as the contact stays",
			trace{Desc: "快件已被【菜鸟驿站】代收", Contacts: "菜鸟驿站"},
			"快件已被【菜鸟驿站】代收"},
		{"a name the template puts in without a field",
			trace{Desc: "【萧山钱江世纪城】 的 杨晓慧 已进行【异常件】上报"},
			"【萧山钱江世纪城】 的 [name] 已进行【异常件】上报"},
		{"before a phone in brackets",
			trace{Desc: "【常熟天下淘宝四】 的王翔（13776284974） 正在第1次派件"},
			"【常熟天下淘宝四】 的[name]（[phone]） 正在第1次派件"},
		{"words after 的 that are no name",
			trace{Desc: "闸北二部 的派件已签收，您的快件（运单）已到达"},
			"闸北二部 的派件已签收，您的快件（运单）已到达"},
	}
	for _, tc := range cases {
		if got := scrub.Text(redact(tc.t)); got != tc.want {
			t.Errorf("%s: %q; want %q", tc.name, got, tc.want)
		}
	}
}
