package jdl

import (
	"testing"

	"github.com/trackgate/trackgate/adapters/scrub"
)

func TestRedactTakesOutCouriers(t *testing.T) {
	cases := []struct {
		name string
		d    detail
		want string
	}{
		{"assigned to, with a phone", detail{OperationRemark: "揽收任务已分配给张三（联系电话：13818888888）。"}, "揽收任务已分配给[name]（联系电话：[phone]）。"},
		{"assigned to, alone", detail{OperationRemark: "揽收任务已分配给邓洁"}, "揽收任务已分配给[name]"},
		{"a courier label", detail{OperationRemark: "您的快件正在派送中，请您准备签收（快递员：温鹏，联系电话：17815289082）"}, "您的快件正在派送中，请您准备签收（快递员：[name]，联系电话：[phone]）"},
		{"the courier's fields", detail{OperationRemark: "配送员欧阳娜娜正在为您派件，电话17815289082", Courier: "欧阳娜娜", CourierTel: "17815289082"},
			"配送员[name]正在为您派件，电话[phone]"},
		{"JD as the operator stays", detail{OperationRemark: "京东快递 已收取快件", OperatorName: "京东快递"}, "京东快递 已收取快件"},
		{"the signer's role stays", detail{OperationRemark: "您的快件已由本人签收"}, "您的快件已由本人签收"},
	}
	for _, tc := range cases {
		if got := scrub.Text(redact(tc.d)); got != tc.want {
			t.Errorf("%s: %q; want %q", tc.name, got, tc.want)
		}
	}
}
