package scrub

import (
	"strings"
	"testing"
)

// maskCases are realistic remarks with personal data, and what Text
// makes of them; FuzzText starts from them too.
var maskCases = []struct {
	name, in, want string
}{
	{"SF remark with names and a mobile",
		"快件已签收，签收人：张三，如有疑问请电联快递员李四，电话13812345678",
		"快件已签收，签收人：[name]，如有疑问请电联快递员[name]，电话[phone]"},
	{"SF out for delivery",
		"快件交给王五，正在派送途中（联系电话：13912345678）",
		"快件交给[name]，正在派送途中（联系电话：[phone]）"},
	{"courier and a dashed mobile",
		"正在派件（深圳南山营业点，派件员：赵六，电话：138-1234-5678）",
		"正在派件（深圳南山营业点，派件员：[name]，电话：[phone]）"},
	{"Latin name after a Chinese label, +86 mobile in groups",
		"收件人：Zhang Wei，手机 +86 138 1234 5678",
		"收件人：[name]，手机 [phone]"},
	{"landline with an extension",
		"联系人：刘洋 0755-12345678转801",
		"联系人：[name] [phone]"},
	{"masked mobile", "寄件人：陈七 电话138****5678", "寄件人：[name] 电话[phone]"},
	{"masked mobile with full-width stars", "电联 138＊＊＊＊5678", "电联 [phone]"},
	{"mobile after 0086", "致电0086-13812345678", "致电[phone]"},
	{"standalone mobile", "请联系 13812345678 改约", "请联系 [phone] 改约"},
	{"two mobiles side by side", "13812345678 13912345678", "[phone] [phone]"},
	{"landline in brackets", "(021) 1234 5678", "[phone]"},
	{"landline in full-width brackets", "电话（021）12345678", "电话[phone]"},
	{"Beijing landline", "客服 010-12345678", "客服 [phone]"},
	{"local number after a label", "门店电话：88886666", "门店电话：[phone]"},
	{"last four digits of a phone and a pickup code",
		"收件人手机尾号5678，请凭取件码8-2-3021取件",
		"收件人手机尾号****，请凭取件码[code]取件"},
	{"pickup code at a locker",
		"您的快件已由【丰巢智能柜】代收，取件码12345678，请及时取件",
		"您的快件已由【丰巢智能柜】代收，取件码[code]，请及时取件"},
	{"ID card number with its label", "证件号码：11010519491231002X", "证件号码：[id]"},
	{"ID card number alone", "实名 11010519491231002X 已核验", "实名 [id] 已核验"},
	{"old 15-digit ID card after a label", "身份证：110105491231002", "身份证：[id]"},
	{"masked ID card", "身份证110101********4514", "身份证[id]"},
	{"e-mail", "如需帮助请发邮件至 help.desk+cn@sf-express.com。", "如需帮助请发邮件至 [email]。"},
	{"house number, building, unit and room",
		"派送地址：浦东新区世纪大道100号3栋2单元501室",
		"派送地址：浦东新区世纪大道[addr]"},
	{"signed by, in capitals", "Delivered, signed by: ZHANG SAN.", "Delivered, signed by: [name]."},
	{"received by an initial and a surname", "Received by J. Smith at 14:03", "Received by [name] at 14:03"},
	{"left with", "Left with Mary Jones (neighbour)", "Left with [name] (neighbour)"},
	{"signed for by, then a place", "DELIVERED - Signed for by: JOHNSON FRONT DESK", "DELIVERED - Signed for by: [name] FRONT DESK"},
	{"courier name and international mobile",
		"Courier Li Wei will call you on +86 138 1234 5678",
		"Courier [name] will call you on [phone]"},
	{"contact block",
		"Contact: Jane Doe, jane.doe@example.com, +44 20 7946 0958",
		"Contact: [name], [email], [phone]"},
	{"European mobiles", "Driver: tel +31 6 12345678 or +49 171 1234567", "Driver: tel [phone] or [phone]"},
	{"American numbers", "Call (415) 555-0100 or 415-555-0100 today", "Call [phone] or [phone] today"},
	{"Chinese name after an English label", "signed by 张三已签收", "signed by [name]已签收"},
	{"receiver field", "DELIVERED. Receiver: ZHANG SAN", "DELIVERED. Receiver: [name]"},
	{"name field in Chinese", "Recipient：王小明", "Recipient：[name]"},
	{"street address", "221B Baker Street, London", "[addr], London"},
	{"short name becomes stars", "Signed by Li", "Signed by **"},
	{"one-character name becomes a star", "签收人：张", "签收人：*"},
	{"informal name", "快递员小王，电话 138 1234 5678", "快递员[name]，电话 [phone]"},
	{"compound family name", "派件员欧阳娜娜正在派件", "派件员[name]正在派件"},
	{"name after its own label", "收件人姓名：李雷", "收件人姓名：[name]"},
	{"name after a colon need not start with a family name", "签收人：蒂娜", "签收人：[name]"},
	{"QQ mail with a phone number as its name", "13812345678@qq.com", "[email]"},
}

func TestTextMasksPersonalData(t *testing.T) {
	for _, tt := range maskCases {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if !Has(tt.in) {
				t.Errorf("Has(%q) = false", tt.in)
			}
		})
	}
}

// keepCases are texts that Text leaves as they are: what tracking needs,
// and tracking numbers that look like personal data.
var keepCases = []string{
	"快件到达【广州白云集散中心】，准备发往【深圳南山第618号站】",
	"2026-11-20 14:03:11 已从深圳发出，航班CA1234，重1.38kg，邮编518000",
	"【深圳市】快件已签收，签收人是本人，感谢使用顺丰",
	"快件已由门卫代收", "快件已交给丰巢智能柜", "签收人：前台",
	// Name labels followed by what is not a name.
	"收件人不在，快件暂存驿站", "收件人申请退回", "快递员正在派件", "快递员于14:00到达",
	"快件已交给苏州转运中心处理", "收件人地址：广东省深圳市南山区", "寄件人取消寄件", "快递员安排派送",
	// Tracking numbers, including those that start like a mobile number.
	"运单号：SF1381234567890", "运单1381234567890已揽收", "包裹1381234567890已发出",
	"单号13812345678已揽收", "Tracking number 13812345678", "waybill no. 110105194912310021",
	"1Z999AA10123456784", "7700012345678", "JDVA13812345678", "YT1381234567890",
	"EE138123456CN", "138123456789012345", "13812345678SF",
	// Numbers in groups that are not phones.
	"FedEx 0414 4176 0228 964", "IMpb 9400 1112 0108 0805 4830 16",
	"Departed from Facility, LOS ANGELES, CA 90001 US",
	"Arrived at Sort Facility HONG KONG - HONGKONG",
	"Delivered to Front Desk", "Delivered to Shenzhen Hub", "Contact Customer Service",
	"Delivered to: RESIDENTIAL FRONT DOOR", "Driver Out For Delivery", "Left with Neighbour",
	"Courier Pick Up scheduled", "Recipient Unavailable", "Contact: 400-811-1111", "call 1-800-555-0199", "Weight 2.5 kg, 3 pieces, flight CX 889",
	"Processed at 03:15, 2026-11-21", "Your parcel is at Station 618, pickup point 3",
	"清关中，预计2026-11-22送达", "快件在【上海浦东转运中心】完成分拣，准备发往下一站",
	"", "   ",
}

func TestTextKeepsWhatTrackingNeeds(t *testing.T) {
	for _, in := range keepCases {
		if got := Text(in); got != in {
			t.Errorf("Text(%q) = %q, want it unchanged", in, got)
		}
		if Has(in) {
			t.Errorf("Has(%q) = true", in)
		}
	}
}

func TestMasksNeverGrowText(t *testing.T) {
	for _, in := range []string{"签收人：张", "Signed by Li", "尾号1234", "a@b.cc", "取件码1234", "里1号"} {
		got := Text(in)
		if len(got) > len(in) || got == in {
			t.Errorf("Text(%q) = %q: want it masked and no longer", in, got)
		}
		if strings.Contains(got, "[") {
			t.Errorf("Text(%q) = %q: a mask longer than what it hides", in, got)
		}
	}
}
