package simulator

import (
	"os"
	"strconv"

	"github.com/trackgate/trackgate/adapters"
)

// event is one step of a parcel's timeline, kept compact because a World
// holds tens of thousands; its text is rendered only when viewed.
type event struct {
	at   int64 // Unix seconds
	kind eventKind
	city cityID
	// aux is the next city of a departure, the partner courier of a
	// hand-over or the number of a pickup point, depending on kind.
	aux uint16
}

type eventKind uint8

const (
	kPending eventKind = iota
	kLabelCreated
	kPickedUp
	kReceivedFromPartner
	kArrivedHub
	kDepartedHub
	kDepartedForStation
	kArrivedStation
	kOutForDelivery
	kDelivered
	kAtPickupPoint
	kCollected
	kAttemptAbsent
	kAttemptNoAccess
	kDamaged
	kRepacked
	kWeather
	kWeatherCleared
	kAddressIssue
	kAddressFixed
	kRefused
	kUncollected
	kReturning
	kArrivedBack
	kReturned
	kExpired
	kArrivedGateway
	kExportCleared
	kDepartedFlight
	kArrivedDestCountry
	kImportCustoms
	kCustomsHold
	kCustomsReleased
	kCustomsRefused
	kReturnFlight
	kHandedToPartner
	kReturnedViaPartner
	kindCount
)

// kindInfo says what an event kind means and how it reads. Templates are
// bilingual and name places no finer than a city; they are expanded with
// os.Expand and the variables of (*World).describe.
type kindInfo struct {
	status    adapters.Status
	substatus string
	text      string
	// hidden events have a time zone but no location in views.
	hidden bool
	// abandonsDelivery events mean the parcel will not reach the recipient
	// as planned, so views stop showing an ETA.
	abandonsDelivery bool
}

var kinds = [kindCount]kindInfo{
	kPending:             {status: adapters.StatusPending, substatus: "awaiting_shipment", hidden: true, text: "寄件人已创建运单，快件尚未交寄 The sender has registered the shipment; the parcel has not been handed over yet"},
	kLabelCreated:        {status: adapters.StatusInfoReceived, substatus: "label_created", text: "${brand}已收到电子面单信息，等待揽收 Shipping label received by ${brand_en}; awaiting pickup"},
	kPickedUp:            {status: adapters.StatusInTransit, substatus: "picked_up", text: "【${city}】${brand}快递员已揽收 Picked up by ${brand_en} in ${city_en}"},
	kReceivedFromPartner: {status: adapters.StatusInfoReceived, substatus: "received_from_partner", text: "已接收【${partner}】交接的快件 Received from ${partner_en}"},
	kArrivedHub:          {status: adapters.StatusInTransit, substatus: "arrived_at_hub", text: "快件已到达【${city}转运中心】 Arrived at the ${city_en} hub"},
	kDepartedHub:         {status: adapters.StatusInTransit, substatus: "departed_hub", text: "快件已从【${city}转运中心】发出，下一站【${next}转运中心】 Departed the ${city_en} hub for the ${next_en} hub"},
	kDepartedForStation:  {status: adapters.StatusInTransit, substatus: "departed_hub", text: "快件已从【${city}转运中心】发出，发往派送站 Departed the ${city_en} hub for the delivery station"},
	kArrivedStation:      {status: adapters.StatusInTransit, substatus: "arrived_at_station", text: "快件已到达【${city}${brand}派送站】 Arrived at the ${brand_en} delivery station in ${city_en}"},
	kOutForDelivery:      {status: adapters.StatusOutForDelivery, substatus: "out_for_delivery", text: "快件正在派送中，派送员已出发 Out for delivery"},
	kDelivered:           {status: adapters.StatusDelivered, substatus: "delivered_to_recipient", text: "快件已签收，感谢使用${brand} Delivered. Thank you for choosing ${brand_en}"},
	kAtPickupPoint:       {status: adapters.StatusAvailableForPickup, substatus: "at_pickup_point", text: "快件已存放至【${station}】，请凭取件码领取 Ready for pickup at ${station_en}; bring your pickup code"},
	kCollected:           {status: adapters.StatusDelivered, substatus: "collected_from_pickup_point", text: "快件已从【${station}】取出 Collected from ${station_en}"},
	kAttemptAbsent:       {status: adapters.StatusAttemptFailed, substatus: "recipient_absent", text: "派送未成功：收件人不在，将再次派送 Delivery attempt failed: recipient not available; we will try again"},
	kAttemptNoAccess:     {status: adapters.StatusAttemptFailed, substatus: "no_access", text: "派送未成功：无法进入小区或楼宇 Delivery attempt failed: no access to the building"},
	kDamaged:             {status: adapters.StatusException, substatus: "damaged", text: "快件外包装破损，正在【${city}转运中心】核查 Packaging damaged; being inspected at the ${city_en} hub"},
	kRepacked:            {status: adapters.StatusInTransit, substatus: "repacked", text: "快件已重新包装，继续转运 Parcel repacked; back in transit"},
	kWeather:             {status: adapters.StatusException, substatus: "weather_delay", text: "受恶劣天气影响，【${city}】发运延误 Delayed in ${city_en} by severe weather"},
	kWeatherCleared:      {status: adapters.StatusInTransit, substatus: "delay_cleared", text: "天气好转，快件恢复转运 Weather has cleared; back in transit"},
	kAddressIssue:        {status: adapters.StatusException, substatus: "address_issue", text: "收件地址不详，正在联系收件人核实 Address incomplete; contacting the recipient"},
	kAddressFixed:        {status: adapters.StatusInTransit, substatus: "address_corrected", text: "收件地址已核实，安排派送 Address confirmed; delivery rescheduled"},
	kRefused:             {status: adapters.StatusException, substatus: "refused_by_recipient", abandonsDelivery: true, text: "收件人拒收快件 Refused by the recipient"},
	kUncollected:         {status: adapters.StatusException, substatus: "uncollected", abandonsDelivery: true, text: "快件超过保管期未取 Not collected within the holding period"},
	kReturning:           {status: adapters.StatusInTransit, substatus: "return_to_sender", abandonsDelivery: true, text: "快件正在退回寄件人 Returning to the sender"},
	kArrivedBack:         {status: adapters.StatusInTransit, substatus: "return_to_sender", text: "退件已到达【${city}转运中心】 Return arrived at the ${city_en} hub"},
	kReturned:            {status: adapters.StatusReturned, substatus: "returned_to_sender", text: "快件已退回寄件人签收 Returned to the sender"},
	kExpired:             {status: adapters.StatusExpired, substatus: "no_updates_30_days", hidden: true, text: "超过30天无物流更新，跟踪结束 No updates for 30 days; tracking closed"},
	kArrivedGateway:      {status: adapters.StatusInTransit, substatus: "arrived_at_gateway", text: "快件已到达【${city}国际转运中心】 Arrived at the ${city_en} international gateway"},
	kExportCleared:       {status: adapters.StatusInTransit, substatus: "export_cleared", text: "出口清关完成 Export customs clearance completed"},
	kDepartedFlight:      {status: adapters.StatusInTransit, substatus: "departed_origin_country", text: "快件已从【${city}】启运，航班飞往【${next}】 Departed ${city_en} on a flight to ${next_en}"},
	kArrivedDestCountry:  {status: adapters.StatusInTransit, substatus: "arrived_destination_country", text: "航班已抵达【${city}】 Flight arrived in ${city_en}"},
	kImportCustoms:       {status: adapters.StatusInTransit, substatus: "customs_clearance", text: "进口清关中 Import customs clearance in progress"},
	kCustomsHold:         {status: adapters.StatusException, substatus: "customs_hold", text: "海关查验扣留，等待补充资料 Held by customs; additional documents requested"},
	kCustomsReleased:     {status: adapters.StatusInTransit, substatus: "customs_released", text: "海关已放行 Released by customs"},
	kCustomsRefused:      {status: adapters.StatusException, substatus: "customs_refused", abandonsDelivery: true, text: "海关不予放行，将退回始发国 Refused entry by customs; returning to the origin country"},
	kReturnFlight:        {status: adapters.StatusInTransit, substatus: "return_to_sender", abandonsDelivery: true, text: "退件已从【${city}】启运，飞往【${next}】 Return shipment departed ${city_en} for ${next_en}"},
	kHandedToPartner:     {status: adapters.StatusInTransit, substatus: "handed_to_partner", text: "快件已交由【${partner}】继续承运，单号 ${partner_tn} Handed over to ${partner_en} for the next leg (${partner_tn})"},
	kReturnedViaPartner:  {status: adapters.StatusReturned, substatus: "returned_to_origin_country", text: "快件已退回始发国，交由【${partner}】退回寄件人，单号 ${partner_tn} Returned to the origin country; ${partner_en} takes it back to the sender (${partner_tn})"},
}

func (k eventKind) info() *kindInfo { return &kinds[k] }

// describe renders the bilingual description of e, an event of a parcel
// of courier c whose onward leg (if any) has the number partnerTN.
func describe(c courier, e event, partnerTN string) string {
	b := c.brand()
	here := e.city.city()
	return os.Expand(e.kind.info().text, func(name string) string {
		switch name {
		case "brand":
			return b.zh
		case "brand_en":
			return b.en
		case "city":
			return here.zh
		case "city_en":
			return here.en
		case "next":
			return cityID(e.aux).city().zh
		case "next_en":
			return cityID(e.aux).city().en
		case "station":
			return here.zh + b.stationZh + "第" + strconv.Itoa(int(e.aux)) + "号站"
		case "station_en":
			return b.stationEn + " #" + strconv.Itoa(int(e.aux)) + ", " + here.en
		case "partner":
			return courier(e.aux).brand().zh
		case "partner_en":
			return courier(e.aux).brand().en
		case "partner_tn":
			return partnerTN
		}
		return "" // unreachable: every template variable is listed above
	})
}
