package jdl

import (
	"strings"

	"github.com/trackgate/trackgate/adapters"
)

// mapping is a trace's place in the tg1 taxonomy.
type mapping struct {
	status    adapters.Status
	substatus string
}

// categories maps JDL's trace categories: 100 下单, 390 揽收中, 420 已揽收,
// 430 运输中, 440 派送中, 530 拒收, 690 已取消 and 700 退款 as a JDL client
// lists them (fuzui/aggregatelogistics, JingdongScanType), and 510 妥投 as
// JDL's sandbox pushes show it.
var categories = map[category]mapping{
	"100": {adapters.StatusInfoReceived, ""},
	"390": {adapters.StatusInfoReceived, "pickup_scheduled"},
	"420": {adapters.StatusInTransit, "picked_up"},
	"430": {adapters.StatusInTransit, ""},
	"440": {adapters.StatusOutForDelivery, ""},
	"510": {adapters.StatusDelivered, ""},
	"530": {adapters.StatusException, "refused"},
	"690": {adapters.StatusException, "cancelled"},
	// 退款, which the client above reads as the parcel going back.
	"700": {adapters.StatusException, "returning_to_sender"},
}

// titles maps JDL's operation titles (节点), as JDL's sandbox pushes and
// merchants' clients show them. They name the node exactly, so they come
// before the remark's words: 快递签收 is JD taking the parcel in from the
// sender (货物已交付京东物流), not a delivery.
var titles = map[string]mapping{
	"揽收任务分配":  {adapters.StatusInfoReceived, "pickup_scheduled"},
	"揽收":      {adapters.StatusInTransit, "picked_up"},
	"配送员完成揽收": {adapters.StatusInTransit, "picked_up"},
	"快递签收":    {adapters.StatusInTransit, "picked_up"},
	"分拣验收":    {adapters.StatusInTransit, "arrived_at_facility"},
	"分拣中心验货":  {adapters.StatusInTransit, "arrived_at_facility"},
	"站点验货":    {adapters.StatusInTransit, "arrived_at_facility"},
	"站点收货":    {adapters.StatusInTransit, "arrived_at_facility"},
	"封车":      {adapters.StatusInTransit, "departed_facility"},
	"分拣中心发货":  {adapters.StatusInTransit, "departed_facility"},
	"发货":      {adapters.StatusInTransit, "departed_facility"},
	"配送员收货":   {adapters.StatusOutForDelivery, ""},
	"派件":      {adapters.StatusOutForDelivery, ""},
	"妥投":      {adapters.StatusDelivered, ""},
	"拒收":      {adapters.StatusException, "refused"},
	"终止揽收":    {adapters.StatusException, "cancelled"},
}

// detailStatus maps a trace: by its category, refined by its title
// within the category's stage (430 is in transit; 封车 says it left a
// site); then by its title alone; then by the words of its remark and
// title (phrases.go). A delivery whose remark says the parcel was left
// at a station or locker (已由快递驿站代收) is available_for_pickup.
// informational is true for a trace that says nothing known: in transit
// with the raw category in the substatus, never moving the parcel's
// status backwards (see resolve).
func detailStatus(d detail) (m mapping, informational bool) {
	title := strings.TrimSpace(d.OperationTitle)
	byTitle, titled := titles[title]
	if byCategory, ok := categories[d.Category]; ok {
		m = byCategory
		if titled && byTitle.status == m.status && m.substatus == "" {
			m.substatus = byTitle.substatus
		}
	} else if titled {
		m = byTitle
	} else if byText, ok := classifyText(d.OperationRemark + " " + title); ok {
		m = byText
	} else {
		switch {
		case d.Category == "":
			return mapping{adapters.StatusInTransit, ""}, true
		case plainCode(string(d.Category)):
			return mapping{adapters.StatusInTransit, "jdl_category_" + string(d.Category)}, true
		default:
			return mapping{adapters.StatusInTransit, "jdl_category_unrecognized"}, true
		}
	}
	if m.status == adapters.StatusDelivered {
		if kind := pickupPoint(d.OperationRemark); kind != "" {
			m = mapping{adapters.StatusAvailableForPickup, kind}
		}
	}
	return m, false
}
