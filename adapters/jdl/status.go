package jdl

import (
	"strings"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/phrases"
)

// pickupScheduled is a pickup given to a courier, before the pickup.
const pickupScheduled = "pickup_scheduled"

// categories maps JDL's trace categories: 100 下单, 390 揽收中, 420 已揽收,
// 430 运输中, 440 派送中, 530 拒收, 690 已取消 and 700 退款 as a JDL client
// lists them (fuzui/aggregatelogistics, JingdongScanType), and 510 妥投 as
// JDL's sandbox pushes show it.
var categories = map[category]phrases.Class{
	"100": {Status: adapters.StatusInfoReceived},
	"390": {Status: adapters.StatusInfoReceived, Substatus: pickupScheduled},
	"420": {Status: adapters.StatusInTransit, Substatus: phrases.PickedUp},
	"430": {Status: adapters.StatusInTransit},
	"440": {Status: adapters.StatusOutForDelivery},
	"510": {Status: adapters.StatusDelivered},
	"530": {Status: adapters.StatusException, Substatus: phrases.Refused},
	"690": {Status: adapters.StatusException, Substatus: phrases.Cancelled},
	// 退款, which the client above reads as the parcel going back.
	"700": {Status: adapters.StatusException, Substatus: phrases.ReturningToSender},
}

// titles maps JDL's operation titles (节点), as JDL's sandbox pushes and
// merchants' clients show them. They name the node exactly, so they come
// before the remark's words: 快递签收 is JD taking the parcel in from the
// sender (货物已交付京东物流), not a delivery.
var titles = map[string]phrases.Class{
	"揽收任务分配":  {Status: adapters.StatusInfoReceived, Substatus: pickupScheduled},
	"揽收":      {Status: adapters.StatusInTransit, Substatus: phrases.PickedUp},
	"配送员完成揽收": {Status: adapters.StatusInTransit, Substatus: phrases.PickedUp},
	"快递签收":    {Status: adapters.StatusInTransit, Substatus: phrases.PickedUp},
	"分拣验收":    {Status: adapters.StatusInTransit, Substatus: phrases.ArrivedAtFacility},
	"分拣中心验货":  {Status: adapters.StatusInTransit, Substatus: phrases.ArrivedAtFacility},
	"站点验货":    {Status: adapters.StatusInTransit, Substatus: phrases.ArrivedAtFacility},
	"站点收货":    {Status: adapters.StatusInTransit, Substatus: phrases.ArrivedAtFacility},
	"封车":      {Status: adapters.StatusInTransit, Substatus: phrases.DepartedFacility},
	"分拣中心发货":  {Status: adapters.StatusInTransit, Substatus: phrases.DepartedFacility},
	"发货":      {Status: adapters.StatusInTransit, Substatus: phrases.DepartedFacility},
	"配送员收货":   {Status: adapters.StatusOutForDelivery},
	"派件":      {Status: adapters.StatusOutForDelivery},
	"妥投":      {Status: adapters.StatusDelivered},
	"拒收":      {Status: adapters.StatusException, Substatus: phrases.Refused},
	"终止揽收":    {Status: adapters.StatusException, Substatus: phrases.Cancelled},
}

// jdlPhrases are JD's own texts, then the phrases carriers share: a
// pickup given to a courier (揽收任务已分配给…) is not yet the pickup
// Common reads in 揽收.
var jdlPhrases = append(phrases.Table{
	{Class: phrases.Class{Status: adapters.StatusInfoReceived, Substatus: pickupScheduled}, Phrases: []string{"揽收任务"}},
}, phrases.Common...)

// detailStatus maps a trace: by its category, refined by its title
// within the category's stage (430 is in transit; 封车 says it left a
// site); then by its title alone; then by the words of its remark and
// title (jdlPhrases, a plain in-transit class refined by phrases.Steps).
// A delivery whose remark says the parcel was left at a station or
// locker (已由快递驿站代收) is available_for_pickup, substatus
// pickup_point or locker. unknown is true for a trace that says nothing
// known: in transit with the raw category in the substatus, which never
// moves the parcel's status back (phrases.History.AddUnknown).
func detailStatus(d detail) (c phrases.Class, unknown bool) {
	title := strings.TrimSpace(d.OperationTitle)
	byTitle, titled := titles[title]
	byCategory, categorized := categories[d.Category]
	switch {
	case categorized:
		c = byCategory
		if titled && byTitle.Status == c.Status && c.Substatus == "" {
			c.Substatus = byTitle.Substatus
		}
	case titled:
		c = byTitle
	default:
		text := d.OperationRemark + " " + title
		byText, ok := jdlPhrases.Classify(text)
		if !ok || byText.Informational() { // a thank-you says nothing either
			return unknownCategory(d.Category), true
		}
		c = phrases.Step(byText, text)
	}
	if c.Status == adapters.StatusDelivered {
		c = phrases.Common.Refine(c, d.OperationRemark, adapters.StatusAvailableForPickup)
	}
	return c, false
}

// unknownCategory is the class of a trace that says nothing known: in
// transit, with its category in the substatus when it reads as a code.
func unknownCategory(c category) phrases.Class {
	switch {
	case c == "":
		return phrases.Class{Status: adapters.StatusInTransit}
	case plainCode(string(c)):
		return phrases.Class{Status: adapters.StatusInTransit, Substatus: "jdl_category_" + string(c)}
	}
	return phrases.Class{Status: adapters.StatusInTransit, Substatus: "jdl_category_unrecognized"}
}
