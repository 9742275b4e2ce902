package phrases

import "github.com/trackgate/trackgate/adapters"

// Substatuses of Common's classes.
const (
	PickedUp          = "picked_up"
	Customs           = "customs"
	CustomsCleared    = "customs_cleared"
	Held              = "held"
	Refused           = "refused"
	ReturningToSender = "returning_to_sender"
	Locker            = "locker"
	PickupPoint       = "pickup_point"
	Cancelled         = "cancelled"
)

// Common is the table of phrases carriers share, in the order that makes
// it right (see the package documentation). It was drawn from the real
// answers kept under the adapters' testdata/real and the carriers' own
// lists of event texts.
var Common = Table{
	// Lines that hold a word of status but announce nothing: SF's pointer
	// to the signer on its website after a delivery, a delivery date that
	// changed.
	{Class: Class{}, Phrases: []string{
		"签收图", "查看签收", "签收人信息", "签收底单",
		"delivery date has been updated", "delivery date updated", "delivery date has changed",
		"delivery change request", "a delivery change for this package",
	}},

	// On the way back, then back.
	{Class: Class{adapters.StatusException, ReturningToSender}, Phrases: []string{
		"being returned", "will be returned", "to be returned", "returning to sender", "returning to the sender",
		"returning to shipper", "returning to the shipper", "return to sender initiated", "return to sender requested",
		"return in progress", "on its way back to the sender", "on its way back to the shipper",
		"returning package to shipper", "returning package to sender",
		"退回中", "正在退回", "退回途中", "安排退回", "申请退回", "退件中", "退回处理中", "返回寄件人", "退回寄件人", "将退回",
	}, Unless: []string{"refused", "拒收", "拒签"}}, // a refusal is the news, the return its sequel
	{Class: Class{adapters.StatusReturned, ""}, Phrases: []string{
		"returned to sender", "returned to the sender", "returned to shipper", "returned to the shipper",
		"delivered to sender", "delivered to the sender", "delivered back to the sender", "delivered to the shipper",
		"delivered to shipper",
		"return to sender completed", "an den absender zurückgeschickt", "an den absender zurückgesendet",
		"已退回", "退回成功", "退件签收", "退回签收", "已退签", "退货签收", "已退还寄件人", "退回寄件人签收", "退回件已签收",
	}},

	// Collected by the recipient from where it waited, or signed for: a
	// delivery, even at a locker or a station.
	{Class: Class{adapters.StatusDelivered, ""}, Phrases: []string{
		"picked up by the recipient", "picked up by recipient", "picked up by the consignee", "picked up by consignee",
		"picked up by the customer", "picked up by customer", "collected by the recipient", "collected by recipient",
		"collected by the consignee", "collected by consignee", "collected by the customer", "collected by customer",
		"recipient has picked up", "consignee has picked up", "picked up from the packstation", "picked up from the parcel",
		"picked up from the retail", "picked up from the post",
		"已取出", "被取出", "已被取走", "已领取", "已取件", "凭取货码签收", "凭取件码签收", "已签收", "签收成功", "已妥投", "妥投成功",
	}, Unless: []string{"取出丰巢", "取出快递柜", "取消派件", "未签收"}},

	// Refused by the recipient.
	{Class: Class{adapters.StatusException, Refused}, Phrases: []string{
		"refused", "拒收", "拒签",
	}},

	// Cancelled before the carrier took the parcel (or by its sender):
	// before a pickup, which "终止揽收" also names.
	{Class: Class{adapters.StatusException, Cancelled}, Phrases: []string{
		"shipment cancelled", "shipment canceled", "order cancelled", "order canceled",
		"终止揽收", "取消寄件", "取消揽收", "订单已取消", "运单已取消", "取消下单",
	}},

	// Waiting to be collected: in a locker, or at a pickup point.
	{Class: Class{adapters.StatusAvailableForPickup, Locker}, Phrases: []string{
		"parcel locker", "packstation", "locker", "parcel box", "paketbox",
		"快递柜", "智能柜", "丰巢", "自提柜", "快件柜", "入柜", "柜子",
	}, Unless: []string{"取出", "取消派件"}},
	{Class: Class{adapters.StatusAvailableForPickup, PickupPoint}, Phrases: []string{
		"ready for pickup", "ready for pick up", "ready for collection", "available for pickup", "available for pick up",
		"available for collection", "awaiting collection", "awaiting pickup", "awaiting pick up", "held for pickup",
		"held for collection", "can be picked up", "can be collected", "access point", "service point", "parcelshop",
		"parcel shop", "pickup point", "pick up point", "collection point", "postfiliale", "retail location for pickup",
		"zur abholung bereit", "liegt zur abholung",
		"驿站", "自提", "代收点", "待取件", "请及时取件", "及时领取", "取件码", "取货码", "快递超市", "代办点",
		"便利店", "兔喜", "收发室",
	}},

	// A delivery that did not happen.
	{Class: Class{adapters.StatusAttemptFailed, ""}, Phrases: []string{
		"delivery attempt", "attempted delivery", "delivery was attempted", "attempt was made", "could not be delivered",
		"not delivered", "unable to deliver", "delivery failed", "failed delivery", "recipient not available",
		"recipient not at home", "receiver was not available", "receiver not available", "consignee not available",
		"not available for delivery", "nobody at home", "no one was available", "not at home", "first attempt",
		"second attempt", "final attempt", "notice left", "business closed", "closed on arrival",
		"konnte nicht zugestellt", "customer not available", "no one available", "nobody home", "delivery attempted",
		"未妥投", "妥投失败", "投递失败", "投递不成功", "派送失败", "派送不成功", "派件失败", "派件不成功", "无法派送", "无法投递",
		"无人签收", "无人接听", "联系不上", "联系不到", "无法联系", "客户不在", "收件人不在", "收件人外出", "改约",
	}},

	// On its way to the door.
	{Class: Class{adapters.StatusOutForDelivery, ""}, Phrases: []string{
		"out for delivery", "with delivery courier", "on vehicle for delivery", "loaded on delivery vehicle",
		"loaded onto delivery vehicle", "loaded on the delivery vehicle", "loaded onto the delivery vehicle",
		"on the delivery vehicle", "out with courier", "out with the courier", "zustellfahrzeug geladen",
		"派送中", "派件中", "正在派送", "正在派件", "派送途中", "安排派送", "开始派送", "为您派送", "为您派件", "派件员", "派送员", "派件",
		"配送中", "正在投递",
	}, Unless: []string{"派件网点", "派件点", "派件异常", "待派件", "取消派件"}},

	// Delivered.
	{Class: Class{adapters.StatusDelivered, ""}, Phrases: []string{
		"delivered", "delivery completed", "delivery successful", "successfully delivered", "zugestellt",
		"签收", "妥投", "投递成功", "派送成功", "已送达", "代收",
	}, Unless: []string{
		"be delivered", "not delivered", "not been delivered", "will be delivered", "scheduled to be delivered",
		"wird", "zugestellt werden", // German for a delivery to come
		"未签收", "待签收", "准备签收", "等待签收", "请签收", "代收货款", "代收款",
	}},

	// Stopped: by customs, or held.
	{Class: Class{adapters.StatusException, Customs}, Phrases: []string{
		"held by customs", "held in customs", "customs hold", "on hold at customs", "customs clearance delay",
		"clearance delay", "customs delay", "clearance information required", "information required for clearance",
		"扣关", "海关扣留", "海关扣押", "清关异常", "清关延误", "清关失败",
	}},
	{Class: Class{adapters.StatusException, Held}, Phrases: []string{
		"on hold", "held at", "shipment held", "held",
		"滞留", "扣留", "扣件", "问题件", "派件异常",
	}},
	{Class: Class{adapters.StatusException, ""}, Phrases: []string{
		"delayed", "delay", "damaged", "damage", "lost", "missing", "incorrect address", "address incorrect",
		"insufficient address", "address correction", "severe weather", "weather conditions", "emergency",
		"破损", "丢失", "遗失", "延误", "地址不详", "地址错误", "地址有误", "地址不全", "超区", "异常",
	}},

	// Customs.
	{Class: Class{adapters.StatusInTransit, CustomsCleared}, Phrases: []string{
		"cleared customs", "customs cleared", "customs clearance completed", "customs clearance complete",
		"clearance completed", "clearance complete", "clearance processing complete", "released by customs",
		"released from customs", "cleared through customs",
		"清关完成", "已清关", "清关放行", "海关放行", "已放行", "通关完成", "已通关",
	}},
	{Class: Class{adapters.StatusInTransit, Customs}, Phrases: []string{
		"customs", "clearance", "清关", "海关", "报关", "通关",
	}},

	// Before the carrier has the parcel, then when it gets it.
	{Class: Class{adapters.StatusInfoReceived, ""}, Phrases: []string{
		"shipment information received", "information received", "label created", "shipper created a label",
		"label has been created", "electronically notified", "order processed", "electronic information submitted",
		"data received", "pre advice", "elektronisch angekündigt",
		"已下单", "电子面单", "下单成功", "等待揽收", "待揽收", "待揽件", "等待揽件", "电子信息", "订单已提交",
	}},
	{Class: Class{adapters.StatusInTransit, PickedUp}, Phrases: []string{
		"picked up", "pickup scan", "pick up scan", "collected from the sender", "collected from sender", "shipment accepted",
		"已收取", "已收件", "收件成功", "揽收", "揽件", "已揽",
	}},

	// Everything else on the road.
	{Class: Class{adapters.StatusInTransit, ""}, Phrases: []string{
		"in transit", "arrived", "arrival", "departed", "departure", "processed", "processing", "transferred",
		"sorting", "sort facility", "facility", "hub", "on the way", "on its way", "forwarded", "dispatched",
		"export scan", "import scan", "origin scan", "destination scan", "transit",
		"到达", "到件", "离开", "发往", "已发出", "发出", "发件", "中转", "分拣", "运输中", "运送中", "在途", "装车", "发车", "已出发",
		"转运", "航班", "转寄",
	}},

	// Courtesies.
	{Class: Class{}, Phrases: []string{
		"thank you", "for more information", "感谢", "温馨提示", "如有疑问",
	}},
}
