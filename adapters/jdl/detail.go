package jdl

import "github.com/trackgate/trackgate/adapters/chinatrace"

// detail is one trace of a parcel, as the trace query's traceDetails and
// JDL's trace pushes carry it (JDL's sandbox pushes, quoted in a test
// report, show every field; fuzui/aggregatelogistics reads operationTime,
// operationTitle and category). Every field of personal data is listed so
// that its value can be taken out of the remark (see redact); the street
// address (routeAddress) and district are left unread.
type detail struct {
	WaybillCode       string          `json:"waybillCode"`
	OperationTitle    string          `json:"operationTitle"`
	OperationRemark   string          `json:"operationRemark"`
	OperationTime     chinatrace.Time `json:"operationTime"`
	Category          category        `json:"category"`
	CategoryName      string          `json:"categoryName"`
	RouteProvinceName string          `json:"routeProvinceName"`
	RouteCityName     string          `json:"routeCityName"`

	// Personal data: couriers and operators, and their phones.
	Courier       string `json:"courier"`
	CourierTel    string `json:"courierTel"`
	OperatorName  string `json:"operatorName"`
	OperatorPhone string `json:"operatorPhone"`
}

// category is JDL's trace category (420, 440, 510, …), a number or a
// string of digits; "" when there is none.
type category = chinatrace.Code
