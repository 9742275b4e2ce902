package zto

import (
	"strings"

	"github.com/trackgate/trackgate/adapters"
)

// This file is a local phrase table for Chinese tracking text. It stands
// in for the shared adapters/phrases package being written in parallel
// (issue 11); the lead swaps one for the other when both are merged. The
// jdl adapter keeps the same table.

// phraseRule is a few phrases of Chinese tracking text and what they say
// about a parcel.
type phraseRule struct {
	phrases   []string
	status    adapters.Status
	substatus string
}

// Where a parcel waits for its recipient: parcel stations and lockers.
var (
	lockerWords  = []string{"快递柜", "智能柜", "丰巢", "柜子", "自提柜", "入柜"}
	stationWords = []string{"驿站", "代收点", "自提点", "服务站", "便利店", "快递超市", "菜鸟", "兔喜", "收发室"}
	// holdingWords say the parcel is there, waiting.
	holdingWords = []string{"代收", "待取", "取件", "放入", "已到达", "存放", "入柜", "暂存", "已投"}
)

// classifyText tries earlyRules, then whether the parcel waits at a
// station or locker (pickupPoint), then laterRules: the first rule with a
// phrase in the text wins.
var earlyRules = []phraseRule{
	{[]string{"退件签收", "退回签收", "已退回", "退回成功", "退回件已签收", "退还寄件人"}, adapters.StatusReturned, ""},
	{[]string{"拒收"}, adapters.StatusException, "refused"},
	{[]string{"退回", "退件", "返回寄件人", "退货"}, adapters.StatusException, "returning_to_sender"},
	{[]string{"终止揽收", "取消寄件", "已取消"}, adapters.StatusException, "cancelled"},
	{[]string{"派送失败", "投递失败", "未妥投", "无人签收", "联系不上", "无法联系", "改约"}, adapters.StatusAttemptFailed, ""},
	{[]string{"问题件", "异常", "滞留", "破损", "丢失", "无法派送", "地址不详"}, adapters.StatusException, ""},
	// Collected from a station or locker: delivered, whatever the place.
	{[]string{"领取", "取出", "已取件", "取走"}, adapters.StatusDelivered, ""},
}

// laterRules come after the station and locker check.
var laterRules = []phraseRule{
	{[]string{"已签收", "签收人", "本人签收", "妥投", "代签收", "代收"}, adapters.StatusDelivered, ""},
	{[]string{"派件", "派送", "配送中", "正在投递"}, adapters.StatusOutForDelivery, ""},
	{[]string{"揽收任务", "待揽收", "等待揽收", "已下单"}, adapters.StatusInfoReceived, "pickup_scheduled"},
	{[]string{"揽收", "揽件", "已收件", "已收取", "收件"}, adapters.StatusInTransit, "picked_up"},
	{[]string{"到达", "到件"}, adapters.StatusInTransit, "arrived_at_facility"},
	{[]string{"发往", "已发出", "离开", "发车", "发件"}, adapters.StatusInTransit, "departed_facility"},
	{[]string{"运输中", "在途", "中转", "分拣"}, adapters.StatusInTransit, ""},
}

// classifyText reads a parcel's state from Chinese tracking text; ok is
// false when no phrase says anything.
func classifyText(text string) (m mapping, ok bool) {
	for _, r := range earlyRules {
		if containsAny(text, r.phrases) {
			return mapping{r.status, r.substatus}, true
		}
	}
	if kind := pickupPoint(text); kind != "" {
		return mapping{adapters.StatusAvailableForPickup, kind}, true
	}
	for _, r := range laterRules {
		if containsAny(text, r.phrases) {
			return mapping{r.status, r.substatus}, true
		}
	}
	return mapping{}, false
}

// pickupPoint returns the substatus of a text that says the parcel waits
// at a locker or a station, or "".
func pickupPoint(text string) string {
	if !containsAny(text, holdingWords) {
		return ""
	}
	return pickupKind(text)
}

// pickupKind names the kind of pickup point a text speaks of:
// available_for_pickup:locker or :station, or "" for neither.
func pickupKind(text string) string {
	switch {
	case containsAny(text, lockerWords):
		return "available_for_pickup:locker"
	case containsAny(text, stationWords):
		return "available_for_pickup:station"
	}
	return ""
}

func containsAny(s string, phrases []string) bool {
	for _, p := range phrases {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}
