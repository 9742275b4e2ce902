package main

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/gateway/client"
)

// languages are the values of track --lang.
var languages = []string{client.LangEnglish, client.LangChinese}

// parseLang accepts a --lang value, case-insensitively ("zh" for zh-CN).
func parseLang(s string) (string, error) {
	switch strings.ToLower(s) {
	case "en":
		return client.LangEnglish, nil
	case "zh-cn", "zh", "zh-hans":
		return client.LangChinese, nil
	}
	return "", usageErrorf("--lang %q must be %s", s, strings.Join(languages, " or "))
}

// label is one text in English and Chinese.
type label struct{ en, zh string }

func (l label) in(lang string) string {
	if lang == client.LangChinese {
		return l.zh
	}
	return l.en
}

// headlineLabels name the client.Headline codes for shoppers.
var headlineLabels = map[string]label{
	client.HeadlinePending:            {"Not shipped yet", "待发货"},
	client.HeadlineInfoReceived:       {"Label created, awaiting pickup", "待揽收"},
	client.HeadlineInTransit:          {"In transit", "运输中"},
	client.HeadlineOutForDelivery:     {"Out for delivery", "派送中"},
	client.HeadlineAvailableForPickup: {"Ready for pickup", "待取件"},
	client.HeadlineAttemptFailed:      {"Delivery attempt failed", "派送未成功"},
	client.HeadlineDelivered:          {"Delivered", "已签收"},
	client.HeadlineException:          {"Delivery problem", "物流异常"},
	client.HeadlineExpired:            {"No recent updates; tracking closed", "长时间无更新，跟踪已结束"},
	client.HeadlineCustomsHold:        {"Held by customs", "海关扣留"},
	client.HeadlineReturningToSender:  {"Returning to sender", "退回中"},
	client.HeadlineReturned:           {"Returned to sender", "已退回"},
}

// statusLabels name the statuses of events and legs (docs/protocol.md §6).
var statusLabels = map[adapters.Status]label{
	adapters.StatusPending:            {"pending", "待发货"},
	adapters.StatusInfoReceived:       {"info received", "待揽收"},
	adapters.StatusInTransit:          {"in transit", "运输中"},
	adapters.StatusOutForDelivery:     {"out for delivery", "派送中"},
	adapters.StatusAvailableForPickup: {"ready for pickup", "待取件"},
	adapters.StatusAttemptFailed:      {"attempt failed", "派送未成功"},
	adapters.StatusDelivered:          {"delivered", "已签收"},
	adapters.StatusException:          {"exception", "异常"},
	adapters.StatusReturned:           {"returned", "已退回"},
	adapters.StatusExpired:            {"expired", "已失效"},
}

// reasonLabels explain the substatus codes worth a word after the
// headline; other codes are not shown (they are in --json).
var reasonLabels = map[string]label{
	"refused_by_recipient":        {"refused by the recipient", "收件人拒收"},
	"uncollected":                 {"not collected in time", "超期未取"},
	"customs_refused":             {"refused entry by customs", "海关不予放行"},
	"returned_to_origin_country":  {"back in the origin country", "已退回始发国"},
	"address_issue":               {"address incomplete", "地址不详"},
	"damaged":                     {"packaging damaged", "外包装破损"},
	"weather_delay":               {"delayed by weather", "天气原因延误"},
	"recipient_absent":            {"recipient not available", "收件人不在"},
	"no_access":                   {"no access to the building", "无法进入小区或楼宇"},
	"collected_from_pickup_point": {"collected from the pickup point", "已从取件点取出"},
}

// Texts of the timeline.
var (
	expectedLabel = label{"Expected", "预计送达"}
	handedOffText = label{"→ handed off to %s as %s", "→ 已转交 %s，单号 %s"}
	noEventsText  = label{"No events yet.", "暂无物流信息。"}
)

func statusLabel(s adapters.Status, lang string) string {
	if l, ok := statusLabels[s]; ok {
		return l.in(lang)
	}
	return humanStatus(s)
}

// statusCell is statusLabel padded for the timeline's column: tabwriter
// counts runes, and a Chinese character takes two cells on a terminal, so
// Chinese labels are padded with ideographic spaces (two cells each) to
// one rune count, which keeps the next column aligned.
func statusCell(s adapters.Status, lang string) string {
	text := statusLabel(s, lang)
	if lang != client.LangChinese {
		return text
	}
	widest := 0
	for _, l := range statusLabels {
		widest = max(widest, utf8.RuneCountInString(l.zh))
	}
	if n := utf8.RuneCountInString(text); n < widest {
		text += strings.Repeat("\u3000", widest-n)
	}
	return text
}

// headlineText is the first line of the timeline: the headline, the
// reason when the substatus gives one, and the courier and number that
// decided it when that is an onward leg, e.g. "Held by customs (Global
// Parcel Line, GP000000014CN)".
func headlineText(res *client.Result, h client.Headline, lang string) string {
	text := h.Code
	if l, ok := headlineLabels[h.Code]; ok {
		text = l.in(lang)
	}
	if r, ok := reasonLabels[h.Substatus]; ok {
		text += " — " + r.in(lang)
	}
	if h.TrackingNumber != res.TrackingNumber {
		name := h.Courier
		for _, l := range res.Legs {
			if l.Courier == h.Courier && l.CourierName != "" {
				name = l.CourierName
			}
		}
		text += fmt.Sprintf(" (%s, %s)", printable(name), printable(h.TrackingNumber))
	}
	return text
}
