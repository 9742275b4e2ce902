package declarative

import (
	"strings"

	"github.com/trackgate/trackgate/adapters"
)

// This file is a minimal stand-in for adapters/phrases (event texts to
// statuses, in English and Chinese), which is being written in parallel:
// once it is merged, classifyPhrase should call it and the table below
// goes. It knows the phrases of DHL's English and German texts and a few
// Chinese ones.

// phraseRule is a status, and the phrases that say it.
type phraseRule struct {
	status    adapters.Status
	substatus string
	phrases   []string
}

// phraseRules are tried in order, so that a more telling phrase wins
// ("could not be delivered" before "delivered", "being returned" before
// "returned to sender"). Phrases are in lower case.
var phraseRules = []phraseRule{
	{adapters.StatusException, "returning_to_sender", []string{"being returned", "will be returned", "to be returned", "return to sender initiated", "退回中", "正在退回"}},
	{adapters.StatusReturned, "", []string{"returned to sender", "returned to the sender", "returned to shipper", "returned to the shipper", "an den absender zurückgeschickt", "已退回", "退件签收"}},
	{adapters.StatusAttemptFailed, "", []string{"delivery attempt", "attempted delivery", "could not be delivered", "not delivered", "unable to deliver", "recipient not", "consignee not available", "nobody at home", "not at home", "konnte nicht zugestellt", "派送不成功", "无法派送"}},
	{adapters.StatusAvailableForPickup, "", []string{"ready for pickup", "ready for pick up", "ready for pick-up", "available for pickup", "available for pick up", "ready for collection", "awaiting collection", "can be picked up", "zur abholung bereit", "待取件", "已到达自提点", "已放入快递柜"}},
	{adapters.StatusException, "", []string{"shipment is on hold", "shipment on hold"}},
	{adapters.StatusOutForDelivery, "", []string{"out for delivery", "out with courier for delivery", "with delivery courier", "on the delivery vehicle", "loaded onto the delivery vehicle", "zustellfahrzeug geladen", "派送中", "正在派送", "派件中"}},
	{adapters.StatusDelivered, "", []string{"delivered", "zugestellt", "已签收", "签收成功"}},
	{adapters.StatusInfoReceived, "", []string{"label created", "shipment information received", "elektronisch angekündigt", "已下单", "电子面单"}},
	{adapters.StatusInTransit, "", []string{"shipment picked up", "shipment accepted", "picked up", "arrived at", "departed", "processed at", "processed for clearance", "clearance processing complete", "clearance event", "customs clearance status updated", "已揽收", "已收取快件"}},
}

// classifyPhrase reads the status an event's text says, if it says one.
func classifyPhrase(text string) (adapters.Status, string, bool) {
	lower := strings.ToLower(text)
	for _, r := range phraseRules {
		for _, p := range r.phrases {
			if strings.Contains(lower, p) {
				return r.status, r.substatus, true
			}
		}
	}
	return "", "", false
}
