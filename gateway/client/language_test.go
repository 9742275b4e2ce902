package client

import "testing"

func TestDescriptionPicksTheLanguage(t *testing.T) {
	tests := []struct {
		name, text, en, zh string
	}{
		{"simulator pickup",
			"【深圳】迅达快递快递员已揽收 Picked up by Swift Express in Shenzhen",
			"Picked up by Swift Express in Shenzhen", "【深圳】迅达快递快递员已揽收"},
		{"a number stays with the Chinese part",
			"快件已交由【环球包裹专线】继续承运，单号 GP000000014CN Handed over to Global Parcel Line for the next leg (GP000000014CN)",
			"Handed over to Global Parcel Line for the next leg (GP000000014CN)", "快件已交由【环球包裹专线】继续承运，单号 GP000000014CN"},
		{"digits inside the Chinese part",
			"超过30天无物流更新，跟踪结束 No updates for 30 days; tracking closed",
			"No updates for 30 days; tracking closed", "超过30天无物流更新，跟踪结束"},
		{"pickup point with its number",
			"快件已存放至【成都熊猫驿站第123号站】，请凭取件码领取 Ready for pickup at Panda Station #123, Chengdu; bring your pickup code",
			"Ready for pickup at Panda Station #123, Chengdu; bring your pickup code", "快件已存放至【成都熊猫驿站第123号站】，请凭取件码领取"},
		{"English only", "Out for delivery", "Out for delivery", "Out for delivery"},
		{"Chinese only", "快件已签收，感谢使用迅达快递", "快件已签收，感谢使用迅达快递", "快件已签收，感谢使用迅达快递"},
		{"one English word is not a translation", "已签收，签收人：本人 OK", "已签收，签收人：本人 OK", "已签收，签收人：本人 OK"},
		{"English first is left alone", "Delivered 已签收", "Delivered 已签收", "Delivered 已签收"},
		{"a code after Chinese is not English", "派送中 SW100000000001", "派送中 SW100000000001", "派送中 SW100000000001"},
		{"empty", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Description(tt.text, LangEnglish); got != tt.en {
				t.Errorf("en: %q, want %q", got, tt.en)
			}
			if got := Description(tt.text, LangChinese); got != tt.zh {
				t.Errorf("zh-CN: %q, want %q", got, tt.zh)
			}
		})
	}
}
