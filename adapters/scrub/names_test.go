package scrub

import "testing"

// nameCase is a carrier remark with a name in it, and what Text makes of
// it.
type nameCase struct{ name, in, want string }

// attackNames are the review's examples of names that no label announces
// (issue 7, item 9), the first three being the attack's.
var attackNames = []nameCase{
	{"neighbour before the name", "Left with neighbour Mary Jones", "Left with neighbour [name]"},
	{"name before 已签收", "张三 已签收", "[name] 已签收"},
	{"initial and surname in capitals after Signed:", "Signed: J. SMITH", "Signed: [name]"},
	{"given name before a place", "Delivered to John at front door", "Delivered to **** at front door"},
	{"initial and O' surname", "Received by M. O'Brien", "Received by [name]"},
	{"name after 本人签收：", "本人签收：李四", "本人签收：[name]"},
	{"name right before 签收", "李四签收", "[name]签收"},
	{"name after 已由, before 代收", "已由王小明代收", "已由[name]代收"},
	{"family name and honorific after 邻居", "邻居张女士代收", "邻居[name]代收"},
	{"surname alone in capitals", "Signed for by SMITH", "Signed for by *****"},
	{"login-like name in lower case after POD:", "POD: jsmith", "POD: [name]"},
}

func TestAttackNamesSurviveScrubbing(t *testing.T) {
	checkNames(t, attackNames)
}

// latinNames are English remarks where a name follows a phrase.
var latinNames = []nameCase{
	{"neighbor, American spelling, in capitals", "LEFT WITH NEIGHBOR MARY JONES", "LEFT WITH NEIGHBOR [name]"},
	{"next-door neighbour and a comma", "Left with next door neighbour, Mary Jones at No. 5", "Left with next door neighbour, [name] at No. 5"},
	{"initial without a dot", "SIGNED BY J SMITH", "SIGNED BY [name]"},
	{"FedEx initial run into the name", "Delivered - Signed for by: J.SMITH", "Delivered - Signed for by: [name]"},
	{"shouting, then a place", "DELIVERED TO MARY JONES AT FRONT DOOR", "DELIVERED TO [name] AT FRONT DOOR"},
	{"handed to a Mc surname", "Handed to McDonald", "Handed to [name]"},
	{"handed over to", "Handed over to Mrs Patel at reception", "Handed over to [name] at reception"},
	{"collected by a hyphenated and a Mac name", "collected by Anne-Marie MacLeod", "collected by [name]"},
	{"accepted by", "ACCEPTED BY T. NGUYEN", "ACCEPTED BY [name]"},
	{"concierge before the name", "Delivered to the concierge, Peter Novak", "Delivered to the concierge, [name]"},
	{"signature field", "Signature: R WILLIAMS", "Signature: [name]"},
	{"POD name field", "POD name: KOWALSKI", "POD name: [name]"},
	{"POD field in capitals", "POD: JSMITH", "POD: [name]"},
	{"initial that is also an article", "Signed: A. SMITH", "Signed: [name]"},
	{"signed by, all in lower case", "signed by john smith", "signed by [name]"},
	{"signed for by, lower case, then a place", "signed for by jones at door", "signed for by ***** at door"},
	{"Chinese name after Signature:", "Signature: 张三", "Signature: [name]"},
	{"wife before the name", "Left with wife, Sarah O'Neil", "Left with wife, [name]"},
	{"lower-case name after a role", "signed by neighbour jsmith", "signed by neighbour [name]"},
}

func TestTextMasksNamesAfterEnglishPhrases(t *testing.T) {
	checkNames(t, latinNames)
}

// hanSigners are Chinese remarks where a name stands before the verb of
// signing, or after 签收：.
var hanSigners = []nameCase{
	{"name before 已签收 without a space", "快件已送达，张三已签收", "快件已送达，[name]已签收"},
	{"name after 被", "您的快件已被李小红签收，感谢使用", "您的快件已被[name]签收，感谢使用"},
	{"name after 由 and spaces", "已由 王小明 代收", "已由 [name] 代收"},
	{"honorific and 本人", "派送成功，王先生本人签收", "派送成功，[name]本人签收"},
	{"customer and honorific", "派送成功，客户陈小姐签收", "派送成功，客户[name]签收"},
	{"role before the name", "门卫李师傅代收", "门卫[name]代收"},
	{"compound family name", "由欧阳娜娜代收", "由[name]代收"},
	{"compound family name before 签字", "诸葛亮签字", "[name]签字"},
	{"informal name", "小王代收，请及时取件", "[name]代收，请及时取件"},
	{"代签收", "邻居赵敏代签收", "邻居[name]代签收"},
	{"name after 签字：", "签字：王五", "签字：[name]"},
	{"name after 代收：", "代收：刘女士", "代收：[name]"},
	{"name after 签收人： still", "已签收，签收人：张女士", "已签收，签收人：[name]"},
	{"two names", "李四签收，张三代收", "[name]签收，[name]代收"},
}

func TestTextMasksNamesBeforeChineseVerbs(t *testing.T) {
	checkNames(t, hanSigners)
}

func checkNames(t *testing.T, cases []nameCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if !Has(tt.in) {
				t.Errorf("Has(%q) = false", tt.in)
			}
			if Has(tt.want) {
				t.Errorf("Has(%q) = true: the masked text still holds a name", tt.want)
			}
		})
	}
}

// everydayEvents are what carriers write every day, with the phrases
// and verbs that announce names but no name after them.
var everydayEvents = []string{
	// The review's negatives.
	"由 快递柜 代收", "家人代收", "LEFT WITH NEIGHBOUR", "Left with neighbour",
	// Events with no name at all.
	"Delivered", "Out for delivery", "Arrived at Shenzhen hub", "Left at front door",
	"快件已发往 北京转运中心", "已签收，签收人：本人", "快件已签收", "Delivered, In/At Mailbox",
	"Shipping label received by Swift Express; awaiting pickup", "Handed over to Panda Logistics for the next leg",
	"Handed over to Global Parcel Line", "快件已退回寄件人签收",
	// English phrases followed by who is no one in particular.
	"Delivered, Left with Individual", "Left with neighbour at No. 5", "LEFT WITH NEIGHBOUR AT 12",
	"Left with neighbour, see card", "Delivered to Neighbour No. 12", "Left with reception", "LEFT WITH SECURITY",
	"Delivered to mailroom", "Delivered to Porch", "Delivered to parcel locker", "DELIVERED TO PARCEL SHOP",
	"Signed by: the customer", "Signed by The Customer", "signed by recipient", "Received by resident",
	"Received by Resident", "Received by Customs", "Received by Post Office", "Handed to carrier",
	"Handed over to Royal Mail", "Handed to Canada Post", "Handed to local delivery partner", "Collected by courier",
	"COLLECTED BY DPD DRIVER", "Collected by customer from parcel shop", "Accepted by USPS", "ACCEPTED BY CARRIER",
	"Accepted by Airline", "Signature: Not Required", "Signature: Obtained", "SIGNATURE: YES", "Signature: X",
	"POD: Available", "POD: n/a", "POD: image captured", "Signed for by: DRIVER RELEASE", "Delivered to U.S. Mail",
	"POD: attached", "Signature: Attached", "signed by his wife", "signed by customer's wife", "Left with Wife",
	"signed by security guard", "Handed over to the Courier",
	// Chinese verbs of signing after who is no one in particular.
	"快件已由门卫代收", "由前台代收", "物业代收", "同事代收", "丰巢代收", "菜鸟驿站代收", "您的包裹已被菜鸟驿站代收",
	"前台签收", "本人签收", "他人代收", "快件已送达，本人签收", "快件已送达【前台】，由前台代收", "您的快件已由小区门卫代收",
	"快件已由学校收发室代收", "快件已由代收点代收", "由本人亲自签收", "由便利店代收", "老公代收", "师傅代收", "司机代收",
	"房东代收", "帅哥代收", "已签收，他人代收，如有疑问请电联快递员", "京东快递：您的订单已签收。签收人：本人签收。",
	// Words before 签收 that start with a family name.
	"正常签收", "马上签收", "全部签收", "周一签收", "请于今日签收", "平安签收", "包裹已完成签收", "正在派送途中，请您准备签收",
	"东方明珠签收", "由顺丰速运代收货款", "付款方式：到付，代收货款：100元", "货款已代收", "电子签名已上传",
	"收件人签字确认", "已签收：感谢使用", "客户拒收，原因：不想要了",
}

func TestTextKeepsEverydayEvents(t *testing.T) {
	for _, in := range everydayEvents {
		if got := Text(in); got != in {
			t.Errorf("Text(%q) = %q, want it unchanged", in, got)
		}
	}
}

func TestIsHanSignerTakesNamesNotWords(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"张三", true}, {"王小明", true}, {"张女士", true}, {"王先生", true}, {"李小姐", true}, {"王小明先生", true},
		{"欧阳娜娜", true}, {"司马光", true}, {"小王", true}, {"老李", true}, {"刘总", true},
		{"张", false}, {"女士", false}, {"小姐", false}, {"快递柜", false}, {"丰巢", false}, {"驿站", false},
		{"前台", false}, {"门卫", false}, {"物业", false}, {"家人", false}, {"本人", false}, {"同事", false},
		{"菜鸟驿站", false}, {"王小明三", false}, {"文件", false}, {"于今日", false}, {"老师", false}, {"小区", false},
	} {
		if got := isHanSigner(tt.in); got != tt.want {
			t.Errorf("isHanSigner(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
