package sfexpress

import (
	"testing"

	"github.com/trackgate/trackgate/adapters"
)

func TestRouteStatus(t *testing.T) {
	cases := []struct {
		name string
		r    route
		want mapping
	}{
		{"picked up by opCode", route{OpCode: "50"}, mapping{adapters.StatusInTransit, "picked_up"}},
		{"picked up by status code", route{SecondaryStatusCode: "101", OpCode: "54"}, mapping{adapters.StatusInTransit, "picked_up"}},
		{"sorted", route{OpCode: "30"}, mapping{adapters.StatusInTransit, "sorted"}},
		{"arrived", route{OpCode: "31"}, mapping{adapters.StatusInTransit, "arrived_at_facility"}},
		{"departed", route{OpCode: "36"}, mapping{adapters.StatusInTransit, "departed_facility"}},
		{"arrived in the destination city", route{OpCode: "106"}, mapping{adapters.StatusInTransit, "arrived_at_destination_city"}},
		{"customs released", route{OpCode: "310"}, mapping{adapters.StatusInTransit, "customs_released"}},
		{"customs in progress by opCode", route{OpCode: "605"}, mapping{adapters.StatusInTransit, "customs"}},
		{"customs by status code and name", route{SecondaryStatusCode: "204", SecondaryStatusName: "清关中", OpCode: "204"}, mapping{adapters.StatusInTransit, "customs"}},
		{"status 204 is not out for delivery", route{SecondaryStatusCode: "204", OpCode: "204"}, mapping{adapters.StatusInTransit, ""}},
		{"out for delivery by opCode 44", route{OpCode: "44"}, mapping{adapters.StatusOutForDelivery, ""}},
		{"out for delivery by opCode 204", route{OpCode: "204"}, mapping{adapters.StatusOutForDelivery, ""}},
		{"out for delivery by status code", route{FirstStatusCode: "3", SecondaryStatusCode: "301", OpCode: "9999"}, mapping{adapters.StatusOutForDelivery, ""}},
		{"a failed delivery by opCode", route{OpCode: "70"}, mapping{adapters.StatusAttemptFailed, ""}},
		{"a delivery problem by opCode", route{OpCode: "33"}, mapping{adapters.StatusException, ""}},
		{"the signer on the website is informational", route{OpCode: "8000", Remark: `在官网"运单资料&签收图",可查看签收人信息`}, mapping{}},
		{"an unknown opCode read from its remark", route{OpCode: "125", Remark: "快递员派件至丰巢"}, mapping{adapters.StatusAvailableForPickup, "locker"}},
		{"an unknown opCode read from its status name", route{OpCode: "9999", SecondaryStatusName: "派送中"}, mapping{adapters.StatusOutForDelivery, ""}},
		{"a partner point awaiting SF's pickup", route{SecondaryStatusCode: "701", OpCode: "655", Remark: "顺丰合作点【名居广场驿站店】已代收"}, mapping{adapters.StatusInfoReceived, ""}},
		{"at a station by status code", route{SecondaryStatusCode: "1301", OpCode: "31"}, mapping{adapters.StatusAvailableForPickup, ""}},
		{"delivered by opCode", route{OpCode: "80"}, mapping{adapters.StatusDelivered, ""}},
		{"delivered by status code", route{SecondaryStatusCode: "401"}, mapping{adapters.StatusDelivered, ""}},
		{"firstStatusCode when it is all there is", route{FirstStatusCode: "401"}, mapping{adapters.StatusDelivered, ""}},
		{"status code before opCode", route{SecondaryStatusCode: "201", OpCode: "80"}, mapping{adapters.StatusInTransit, ""}},
		{"unknown status code falls to opCode", route{SecondaryStatusCode: "777", OpCode: "31"}, mapping{adapters.StatusInTransit, "arrived_at_facility"}},
		{"unknown opCode keeps the code", route{OpCode: "8888"}, mapping{adapters.StatusInTransit, "sf_opcode_8888"}},
		{"unknown status code keeps the code", route{SecondaryStatusCode: "9401"}, mapping{adapters.StatusInTransit, "sf_status_9401"}},
		{"unknown first status code keeps the code", route{FirstStatusCode: "4"}, mapping{adapters.StatusInTransit, "sf_status_4"}},
		{"a code that is not a code is not echoed", route{OpCode: "签收人张三"}, mapping{adapters.StatusInTransit, "sf_opcode_unrecognized"}},
		{"a phone number is not a code", route{OpCode: "13812345678"}, mapping{adapters.StatusInTransit, "sf_opcode_unrecognized"}},
		{"no codes at all", route{}, mapping{adapters.StatusInTransit, ""}},
	}
	for _, tc := range cases {
		if got := routeStatus(tc.r); got != tc.want {
			t.Errorf("%s: routeStatus(%+v) = %+v; want %+v", tc.name, tc.r, got, tc.want)
		}
	}
}

// Delivered is final: no code outside SF's delivered ones may produce it.
func TestOnlyDeliveredCodesMapToDelivered(t *testing.T) {
	for c, m := range statusCodes {
		if m.status == adapters.StatusDelivered && c != "401" {
			t.Errorf("status code %s maps to delivered", c)
		}
	}
	for c, m := range opCodes {
		if m.status == adapters.StatusDelivered && c != "80" {
			t.Errorf("opCode %s maps to delivered", c)
		}
	}
}
