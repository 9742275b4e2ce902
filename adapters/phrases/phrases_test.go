package phrases

import (
	"testing"

	"github.com/trackgate/trackgate/adapters"
)

// Texts are carriers' own, most of them from the real answers under the
// adapters' testdata/real.
func TestClassifyReadsCarriersTexts(t *testing.T) {
	cases := []struct {
		text string
		want Class
	}{
		// SF Express.
		{"顺丰速运 已收取快件", Class{adapters.StatusInTransit, PickedUp}},
		{"快件在【深圳南山集散中心】完成分拣，准备发往【上海浦东集散中心】", Class{adapters.StatusInTransit, ""}},
		{"快件到达 【北京海淀北大营业点】", Class{adapters.StatusInTransit, ""}},
		{"快件交给徐少华，正在派送途中（联系电话：13810624535）", Class{adapters.StatusOutForDelivery, ""}},
		{"正在派送途中,请您准备签收(派件人:吕国平，电话:13945654460)", Class{adapters.StatusOutForDelivery, ""}},
		{"已签收,感谢使用顺丰,期待再次为您服务", Class{adapters.StatusDelivered, ""}},
		{"代签收(鸣翠园西区丰 ),感谢使用顺丰,期待再次为您服务（主单总件数：1件）", Class{adapters.StatusDelivered, ""}},
		{`在官网"运单资料&签收图",可查看签收人信息`, Class{}},
		{"快递员派件至丰巢", Class{adapters.StatusAvailableForPickup, Locker}},
		{"顺丰合作点【名居广场驿站店】已代收", Class{adapters.StatusAvailableForPickup, PickupPoint}},
		{"快件已退回/转寄,新单号为: 123", Class{adapters.StatusReturned, ""}},
		{"应客户要求,快件正在转寄中", Class{adapters.StatusInTransit, ""}},
		{"派件异常", Class{adapters.StatusException, Held}},
		// Couriers carrying Taobao's parcels.
		{"【苏州市】 快件已被【丰巢的索特传动设备西门丰巢柜2号柜(丰巢智能快递柜)】代收，如有问题请电联（4000633333）", Class{adapters.StatusAvailableForPickup, Locker}},
		{"【苏州市】 您的快递已签收, 签收人在【丰巢的索特传动设备西门丰巢柜2号柜(丰巢智能快递柜)】领取。", Class{adapters.StatusDelivered, ""}},
		{"您的快件已签收，签收人凭取货码签收。", Class{adapters.StatusDelivered, ""}},
		{"【常熟天下淘宝四】 的王翔 正在第1次派件, 请保持电话畅通", Class{adapters.StatusOutForDelivery, ""}},
		{"快件已由【菜鸟驿站】代收，请及时取件", Class{adapters.StatusAvailableForPickup, PickupPoint}},
		{"快件派送不成功，收件人不在", Class{adapters.StatusAttemptFailed, ""}},
		{"快件已在【深圳转运中心】清关完成", Class{adapters.StatusInTransit, CustomsCleared}},
		{"快件正在清关", Class{adapters.StatusInTransit, Customs}},
		{"海关扣留", Class{adapters.StatusException, Customs}},
		{"快件已退回中", Class{adapters.StatusException, ReturningToSender}},
		{"客户拒收", Class{adapters.StatusException, Refused}},
		{"商家已下单，等待揽收", Class{adapters.StatusInfoReceived, ""}},
		// ZTO: the zto adapter's real answers, and ZTO texts relayed in
		// CaniceZ/antd-vue3 examples/mock/api/tms2/king/waybill/trace/query.js.
		{"【苏州市】 快件已经到达 【常熟天下淘宝四】", Class{adapters.StatusInTransit, ""}},
		{"闸北二部 的派件已签收，感谢您使用中通快递！", Class{adapters.StatusDelivered, ""}},
		{"【萧山钱江世纪城】 的 杨晓慧 已进行【异常件】上报，异常原因：客户要求改地址", Class{adapters.StatusException, ""}},
		{"快件已到达【上海中转部】", Class{adapters.StatusInTransit, ""}},
		{"快件到件", Class{adapters.StatusInTransit, ""}},
		{"【上海中转部】 已发件", Class{adapters.StatusInTransit, ""}},
		// JD Logistics: JDL's sandbox pushes (adapters/jdl/testdata/sandbox),
		// and JD texts relayed by aggregators in public code (the rows of a
		// logistics_tbl dump for waybills JDVD00934676229 and
		// JDVD00934679583; kuaidi100 and fuqing pushes for JD0076810060555).
		{"您的快件已由快递驿站代收，感谢您使用京东物流，期待再次为您服务", Class{adapters.StatusAvailableForPickup, PickupPoint}},
		{"您的快件已由便利店代收，感谢您使用京东物流，期待再次为您服务", Class{adapters.StatusAvailableForPickup, PickupPoint}},
		{"您的快件已由【三和苑柜子】代收，感谢您使用京东物流，期待再次为您服务。", Class{adapters.StatusAvailableForPickup, Locker}},
		{"您的快件已由【客户指定地点】代收，感谢您使用京东物流，期待再次为您服务。", Class{adapters.StatusDelivered, ""}},
		{"您的快件已由本人签收，感谢您使用京东物流，期待再次为您服务", Class{adapters.StatusDelivered, ""}},
		{"您的快件正在派送中，请您准备签收（快递员：温鹏，联系电话：17815289082）", Class{adapters.StatusOutForDelivery, ""}},
		{"京东快递 已收取快件", Class{adapters.StatusInTransit, PickedUp}},
		{"您的快件已由【广元苍溪营业部】揽收完成", Class{adapters.StatusInTransit, PickedUp}},
		{"您的快件由【重庆分拣中心】准备发往【重庆渝北营业部】", Class{adapters.StatusInTransit, ""}},
		{"您的快件已发车", Class{adapters.StatusInTransit, ""}},
		{"您的快件在【成都祥福分拣中心】分拣完成", Class{adapters.StatusInTransit, ""}},
		{"终止揽收（已完结）：您的快件因【寄件人取消寄件】未揽收成功", Class{adapters.StatusException, Cancelled}},
		{"客户拒收，快件将退回寄件人", Class{adapters.StatusException, Refused}},
		{"快件将退回寄件人", Class{adapters.StatusException, ReturningToSender}},
		{"快件已退回，退件签收", Class{adapters.StatusReturned, ""}},
		{"退回件已签收", Class{adapters.StatusReturned, ""}},
		{"您的快件已取件，感谢使用", Class{adapters.StatusDelivered, ""}},
		{"快件已放入【兔喜生活】，请凭取件码领取", Class{adapters.StatusAvailableForPickup, PickupPoint}},
		{"快件已送至收发室", Class{adapters.StatusAvailableForPickup, PickupPoint}},
		{"快递员无法联系收件人", Class{adapters.StatusAttemptFailed, ""}},
		{"客户改约，明日派送", Class{adapters.StatusAttemptFailed, ""}},
		{"快件配送中", Class{adapters.StatusOutForDelivery, ""}},
		{"快件正在投递", Class{adapters.StatusOutForDelivery, ""}},
		{"代收货款已收取", Class{adapters.StatusInTransit, PickedUp}},
		// DHL.
		{"Shipment information received", Class{adapters.StatusInfoReceived, ""}},
		{"Shipment picked up", Class{adapters.StatusInTransit, PickedUp}},
		{"Arrived at DHL Sort Facility  LEIPZIG - GERMANY", Class{adapters.StatusInTransit, ""}},
		{"Customs status updated", Class{adapters.StatusInTransit, Customs}},
		{"Clearance processing complete at LEIPZIG - GERMANY", Class{adapters.StatusInTransit, CustomsCleared}},
		{"Shipment is on hold", Class{adapters.StatusException, Held}},
		{"Shipment is out with courier for delivery", Class{adapters.StatusOutForDelivery, ""}},
		{"The shipment has been loaded onto the delivery vehicle", Class{adapters.StatusOutForDelivery, ""}},
		{"Delivered - Signed for by: JESSICA MILLER", Class{adapters.StatusDelivered, ""}},
		{"The shipment has been delivered to the PACKSTATION", Class{adapters.StatusAvailableForPickup, Locker}},
		{"The recipient has picked up the shipment from the retail outlet", Class{adapters.StatusDelivered, ""}},
		{"The shipment could not be delivered", Class{adapters.StatusAttemptFailed, ""}},
		{"The shipment has been returned to the sender", Class{adapters.StatusReturned, ""}},
		{"The shipment is being returned to the sender", Class{adapters.StatusException, ReturningToSender}},
		// DHL Paket, in German (DHL's Unified API answers for parcel-de).
		{"Die Sendung wurde elektronisch angekündigt. Sobald die Sendung von uns bearbeitet wurde, erhalten Sie weitere Informationen.", Class{adapters.StatusInfoReceived, ""}},
		{"Die Sendung wurde in das Zustellfahrzeug geladen.", Class{adapters.StatusOutForDelivery, ""}},
		{"Die Sendung wurde erfolgreich zugestellt.", Class{adapters.StatusDelivered, ""}},
		{"Die Sendung konnte nicht zugestellt werden.", Class{adapters.StatusAttemptFailed, ""}},
		{"Die Sendung liegt zur Abholung bereit.", Class{adapters.StatusAvailableForPickup, PickupPoint}},
		{"Die Sendung wurde an den Absender zurückgeschickt.", Class{adapters.StatusReturned, ""}},
		{"电子面单已生成", Class{adapters.StatusInfoReceived, ""}},
		// FedEx (the fedex adapter's real answers and its documentation's
		// exception descriptions).
		{"Delivery exception Customer not available or business closed", Class{adapters.StatusAttemptFailed, ""}},
		{"Delivery attempted, no one available", Class{adapters.StatusAttemptFailed, ""}},
		{"Nobody home", Class{adapters.StatusAttemptFailed, ""}},
		{"Returning package to shipper", Class{adapters.StatusException, ReturningToSender}},
		{"Delivered to shipper", Class{adapters.StatusReturned, ""}},
		// UPS.
		{"Shipper created a label, UPS has not received the package yet. ", Class{adapters.StatusInfoReceived, ""}},
		{"Pickup Scan ", Class{adapters.StatusInTransit, PickedUp}},
		{"Loaded on Delivery Vehicle ", Class{adapters.StatusOutForDelivery, ""}},
		{"Out For Delivery Today", Class{adapters.StatusOutForDelivery, ""}},
		{"DELIVERED ", Class{adapters.StatusDelivered, ""}},
		{"Delivered to UPS Access Point™", Class{adapters.StatusAvailableForPickup, PickupPoint}},
		{"Your package has cleared customs and is on the way", Class{adapters.StatusInTransit, CustomsCleared}},
		{"The receiver was not available for delivery. We'll make a second attempt the next business day.", Class{adapters.StatusAttemptFailed, ""}},
		{"Severe weather conditions have delayed delivery.", Class{adapters.StatusException, ""}},
		{"A delivery change for this package is in progress.", Class{}},
		{"Order Processed: Ready for UPS", Class{adapters.StatusInfoReceived, ""}},
		{"Thank you for choosing us", Class{}},
	}
	for _, tc := range cases {
		got, ok := Classify(tc.text)
		if !ok || got != tc.want {
			t.Errorf("Classify(%q) = %+v, %v; want %+v", tc.text, got, ok, tc.want)
		}
	}
}

func TestClassifyMatchesWholeEnglishWordsOnly(t *testing.T) {
	cases := map[string]adapters.Status{
		"Undelivered mail":                          "",
		"Package withheld":                          "",
		"Not delivered":                             adapters.StatusAttemptFailed,
		"Will be delivered today":                   "",
		"Out-for-delivery":                          adapters.StatusOutForDelivery,
		"OUT   FOR\tDELIVERY":                       adapters.StatusOutForDelivery,
		"Ready for pick-up":                         adapters.StatusAvailableForPickup,
		"Holder of the parcel":                      "",
		"Shipment held at station":                  adapters.StatusException,
		"Die Sendung wird heute zugestellt":         "",
		"Die Sendung soll morgen zugestellt werden": "",
		"Zustellung: Sendung wurde zugestellt":      adapters.StatusDelivered,
	}
	for text, want := range cases {
		got, _ := Classify(text)
		if got.Status != want {
			t.Errorf("Classify(%q) = %s; want %q", text, got.Status, want)
		}
	}
}

func TestClassifyKnowsNothingOfUnknownText(t *testing.T) {
	for _, text := range []string{"", "   ", "Warehouse Scan", "xyz", "12345"} {
		if c, ok := Classify(text); ok {
			t.Errorf("Classify(%q) = %+v; want nothing", text, c)
		}
	}
}

func TestACarriersRulesComeFirst(t *testing.T) {
	table := append(Table{{Class: Class{adapters.StatusInTransit, "ups_warehouse"}, Phrases: []string{"warehouse scan"}}}, Common...)
	if got, ok := table.Classify("Warehouse Scan"); !ok || got.Substatus != "ups_warehouse" {
		t.Errorf("the carrier's own rule: %+v, %v", got, ok)
	}
	if got, _ := table.Classify("Delivered"); got.Status != adapters.StatusDelivered {
		t.Errorf("Common after it: %+v", got)
	}
}

func TestAdvanceNeverMovesAParcelBackwards(t *testing.T) {
	const (
		pending   = adapters.StatusPending
		info      = adapters.StatusInfoReceived
		transit   = adapters.StatusInTransit
		out       = adapters.StatusOutForDelivery
		pickup    = adapters.StatusAvailableForPickup
		failed    = adapters.StatusAttemptFailed
		delivered = adapters.StatusDelivered
		exception = adapters.StatusException
		returned  = adapters.StatusReturned
		expired   = adapters.StatusExpired
	)
	cases := []struct {
		current, next, want adapters.Status
	}{
		{"", pending, pending},
		{"", "", ""},
		{"", transit, transit},
		{transit, "", transit},
		{transit, pending, transit},
		{info, transit, transit},
		{transit, info, transit}, // the data arrives after the parcel
		{pending, info, info},
		{"", info, info},
		{out, transit, transit}, // back to the depot after a day out: news
		{out, failed, failed},
		{failed, out, out},
		{pickup, delivered, delivered},
		{delivered, "", delivered},
		{delivered, transit, delivered},
		{delivered, out, delivered},
		{delivered, pickup, delivered},
		{delivered, failed, delivered},
		{delivered, returned, returned},
		{delivered, exception, exception},
		{returned, delivered, returned},
		{returned, transit, returned},
		{expired, delivered, delivered},
		{expired, transit, expired},
		{delivered, expired, delivered},
		{exception, transit, transit},
		{exception, delivered, delivered},
	}
	for _, tc := range cases {
		if got := Advance(tc.current, tc.next); got != tc.want {
			t.Errorf("Advance(%q, %q) = %q; want %q", tc.current, tc.next, got, tc.want)
		}
		if moves := Moves(tc.current, tc.next); moves != (tc.want == tc.next && tc.next != "") {
			t.Errorf("Moves(%q, %q) = %v", tc.current, tc.next, moves)
		}
	}
}

// Every class of Common is a known status (or informational) with a
// plain substatus.
func TestCommonIsWellFormed(t *testing.T) {
	for i, r := range Common {
		if r.Class.Status != "" && !r.Class.Status.Valid() {
			t.Errorf("rule %d: status %q", i, r.Class.Status)
		}
		if len(r.Phrases) == 0 {
			t.Errorf("rule %d has no phrases", i)
		}
		for _, p := range append(r.Phrases, r.Unless...) {
			if p != normalize(p) {
				t.Errorf("rule %d: phrase %q is not in normal form %q", i, p, normalize(p))
			}
		}
	}
}

func FuzzClassify(f *testing.F) {
	f.Add("Delivered - Signed for by: JESSICA MILLER")
	f.Add("在官网\"运单资料&签收图\",可查看签收人信息")
	f.Fuzz(func(t *testing.T, text string) {
		c, ok := Classify(text)
		if ok && c.Status != "" && !c.Status.Valid() {
			t.Fatalf("Classify(%q) = %+v", text, c)
		}
	})
}

func TestHistoryKeepsTheLatestSubstatusThatSetTheStatus(t *testing.T) {
	var h History
	if st, sub := h.Status(); st != adapters.StatusPending || sub != "" {
		t.Errorf("no history: %s/%q", st, sub)
	}
	steps := []struct {
		c    Class
		want adapters.Status
	}{
		{Class{}, adapters.StatusPending}, // a courtesy before anything is known
		{Class{adapters.StatusInTransit, PickedUp}, adapters.StatusInTransit},
		{Class{adapters.StatusInTransit, Customs}, adapters.StatusInTransit},
		{Class{}, adapters.StatusInTransit},
		{Class{adapters.StatusDelivered, ""}, adapters.StatusDelivered},
		{Class{adapters.StatusInTransit, "sf_opcode_8888"}, adapters.StatusDelivered},
	}
	for i, s := range steps {
		if got := h.Add(s.c); got != s.want {
			t.Errorf("step %d: %s; want %s", i, got, s.want)
		}
		if i == 3 {
			if _, sub := h.Status(); sub != Customs {
				t.Errorf("after an informational line the substatus is %q; want customs", sub)
			}
		}
	}
	if st, sub := h.Status(); st != adapters.StatusDelivered || sub != "" {
		t.Errorf("at the end: %s/%q; want delivered", st, sub)
	}
}

func TestAddUnknownNeverMovesAParcelBack(t *testing.T) {
	cases := []struct {
		before  []Class
		want    adapters.Status
		wantSub string
	}{
		{nil, adapters.StatusInTransit, "x_code_9"},
		{[]Class{{adapters.StatusInfoReceived, ""}}, adapters.StatusInTransit, "x_code_9"},
		{[]Class{{adapters.StatusInTransit, PickedUp}}, adapters.StatusInTransit, "x_code_9"},
		{[]Class{{adapters.StatusOutForDelivery, ""}}, adapters.StatusOutForDelivery, ""},
		{[]Class{{adapters.StatusException, Held}}, adapters.StatusException, Held},
		{[]Class{{adapters.StatusDelivered, ""}}, adapters.StatusDelivered, ""},
	}
	for _, tc := range cases {
		var h History
		for _, c := range tc.before {
			h.Add(c)
		}
		if got := h.AddUnknown("x_code_9"); got != tc.want {
			t.Errorf("after %+v: AddUnknown = %s; want %s", tc.before, got, tc.want)
		}
		if st, sub := h.Status(); st != tc.want || sub != tc.wantSub {
			t.Errorf("after %+v: %s/%q; want %s/%q", tc.before, st, sub, tc.want, tc.wantSub)
		}
	}
}

func TestRefineStaysWithinTheCodesStage(t *testing.T) {
	base := Class{Status: adapters.StatusInTransit}
	if got := Common.Refine(base, "Out for delivery", adapters.StatusOutForDelivery); got.Status != adapters.StatusOutForDelivery {
		t.Errorf("an allowed refinement: %+v", got)
	}
	if got := Common.Refine(base, "Delivered", adapters.StatusOutForDelivery); got != base {
		t.Errorf("a refinement out of the stage: %+v", got)
	}
	if got := Common.Refine(base, "Warehouse scan", adapters.StatusOutForDelivery); got != base {
		t.Errorf("a text the table does not know: %+v", got)
	}
}

func TestNormalTellsPhrasesInNormalForm(t *testing.T) {
	for p, want := range map[string]bool{
		"out for delivery": true, "派送中": true, "": true, "Out for delivery": false, "pick-up": false,
		"two  spaces": false, " leading": false, "trailing ": false, "tab\there": false,
	} {
		if got := normal(p); got != want || want && normalize(p) != p {
			t.Errorf("normal(%q) = %v; want %v", p, got, want)
		}
	}
}

func TestStepNamesTheSiteOfAPlainInTransitClass(t *testing.T) {
	transit := Class{Status: adapters.StatusInTransit}
	cases := []struct {
		c    Class
		text string
		want Class
	}{
		{transit, "【苏州市】 快件已经到达 【常熟天下淘宝四】", Class{adapters.StatusInTransit, ArrivedAtFacility}},
		{transit, "快件到件", Class{adapters.StatusInTransit, ArrivedAtFacility}},
		{transit, "您的快件由【重庆分拣中心】准备发往【重庆渝北营业部】", Class{adapters.StatusInTransit, DepartedFacility}},
		{transit, "【郑州市】  快件离开 【郑州合盛】 发往 【潍坊中转部】", Class{adapters.StatusInTransit, DepartedFacility}},
		{transit, "您的快件已发车", Class{adapters.StatusInTransit, DepartedFacility}},
		{transit, "快件已到达【杭州中转部】，准备发往【萧山】", Class{adapters.StatusInTransit, ArrivedAtFacility}},
		{transit, "Arrived at DHL Sort Facility LEIPZIG - GERMANY", Class{adapters.StatusInTransit, ArrivedAtFacility}},
		{transit, "Departed Facility in LEIPZIG - GERMANY", Class{adapters.StatusInTransit, DepartedFacility}},
		{transit, "您的快件在【成都祥福分拣中心】分拣完成", transit},
		// Only a plain in-transit class is refined.
		{Class{adapters.StatusAvailableForPickup, PickupPoint}, "快件已到达【菜鸟驿站】", Class{adapters.StatusAvailableForPickup, PickupPoint}},
		{Class{adapters.StatusInTransit, PickedUp}, "已揽收，发往【上海】", Class{adapters.StatusInTransit, PickedUp}},
	}
	for _, tc := range cases {
		if got := Step(tc.c, tc.text); got != tc.want {
			t.Errorf("Step(%+v, %q) = %+v; want %+v", tc.c, tc.text, got, tc.want)
		}
	}
}
