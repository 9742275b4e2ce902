// Package jdl is the adapter for JD Logistics (京东物流): it looks
// parcels up with the trace query of JDL's open platform (cloud.jdl.com,
// the express API "ECAP", 物流轨迹查询) and turns the traces into a
// tracking view.
//
// The request is
//
//	POST {base}/ecap/v1/orders/trace/query?LOP-DN=ECAP&app_key=…&access_token=…
//	     &timestamp=yyyy-MM-dd HH:mm:ss&v=2.0&sign=…&algorithm=md5-salt
//	lop-tz: 8
//
//	[{"waybillCode": "JDVA…", "orderOrigin": 1, "customerCode": "…"}]
//
// signed with JDL's md5-salt algorithm (Sign): the lower-case hex MD5 of
// secret + "access_token" + token + "app_key" + key + "method" + path +
// "param_json" + body + "timestamp" + timestamp + "v" + "2.0" + secret, as
// JDL's own Java and Python demos sign (quoted in merchants' code:
// fuzui/aggregatelogistics JingdongRequest; a JDL test report, 京东开放平台
// 接口测试结果). The timestamp is China time, which lop-tz says. The answer
// is {"code": 0, "msg": "成功", "data": {"waybillCode": …, "traceDetails":
// [detail…]}, "requestId": …, "success": true}; each detail has
// operationTitle (the node, 揽收, 封车, 妥投…), operationRemark (the text),
// operationTime, category (420, 430, 440, 510…) and categoryName, and
// routeProvinceName, routeCityName beside a district and street address.
//
// The query takes no phone: the factors the courier's systems hold are the
// parcel's (Parcel.Factors). No traces, or no data, is adapters.ErrNotFound.
// JDL's gateway error codes were not found in any public source: HTTP 401
// and 403 are ErrMisconfigured, and an answer with a code other than 0 is
// ErrUnavailable, retried with backoff; only the code goes into the error.
//
// Mapping (status.go): the category first (100 下单, 390 揽收中, 420
// 已揽收, 430 运输中, 440 派送中, 510 妥投, 530 拒收, 690 已取消, 700
// 退款), refined by the operation title within its stage; then the title
// alone (快递签收 is JD taking the parcel in, not a delivery); then the
// words of the remark (JD's own phrases, then phrases.Common, a plain
// in-transit class told a site reached or left by phrases.Steps). A
// delivery whose remark says it was left at a station or locker
// (已由快递驿站代收, 由【…柜子】代收) is available_for_pickup, substatus
// pickup_point or locker (phrases.Common.Refine); left with the
// recipient, a doorman or a named place it is delivered. A trace that
// says nothing known is in transit with the raw category in the
// substatus. The status comes from the whole history (phrases.History):
// a delivered or returned parcel is not moved back by a late trace, and a
// trace that says nothing known moves a parcel on to in transit but never
// back to it.
//
// Times: operationTime is China time without an offset (UTC+8, no daylight
// saving), given +08:00; a time in milliseconds is an instant. Places: the
// province and city JDL files the trace under, read by places.Parse as
// every Chinese place ("广东", "深圳" is 深圳市 in 广东省; "北京", "北京市"
// is 北京市, a city of its own); never the district, the street address
// or a site's name. The remark goes through scrub.Text after the
// courier's name and phone JDL gives in fields of their own are taken
// out, and after the name JDL's templates put after 分配给. Dropped:
// couriers, operators, phones, street addresses, districts, sites. The
// answer carries no ETA (JDL has another API for the promised date,
// which the adapter does not call).
//
// The adapter is registered as "jdl" with the options app_key, app_secret
// and access_token (required), customer_code (required for order origins
// 1 and 4), order_origin (default 1, B2C), base_url (default
// ProductionURL; the sandbox is https://uat-api.jdl.com), courier
// (default jd) and timeout (per attempt, default 10s); with "watchlist"
// and "poll" it comes wrapped in a watchlist.Watchlist.
//
// No published answer of this trace query was found; the adapter's reading
// rests on JDL's sandbox pushes of the same trace records (see
// sandbox_test.go), on real JD trace texts relayed by aggregators (two
// whole histories in relayed_test.go; more in the tests of
// adapters/phrases) and on its fake (fake_test.go).
package jdl
