// Package zto is the adapter for ZTO Express (中通快递): it looks parcels
// up with a trace query of ZTO's open platform (ZOP, open.zto.com) and
// turns the traces into a tracking view.
//
// Two trace services are supported (option "service"):
//
//   - track (default): POST {base}/zto.merchant.waybill.track.query with
//     the JSON body {"billCode": "…", "mobilePhone": "1234"}, where
//     mobilePhone, the last four digits of the sender's or recipient's
//     phone, lets a merchant see parcels not its own. The answer is
//     {"status": true, "statusCode": …, "message": …, "result": [trace…]},
//     each trace with scanType, scanDate (milliseconds), desc, and
//     scanSite {name, city, prov, …}.
//   - new_traces: POST {base}/traceInterfaceNewTraces with the form
//     company_id, msg_type=NEW_TRACES, data=["…"], the older query many
//     merchants still use. The answer is {"status": true, "msg": "",
//     "data": [{"billCode": "…", "traces": [trace…]}]}, scanSite a name,
//     scanCity and scanProv beside it, scanDate China time.
//
// Both are signed as ZTO's own SDK signs (github.com/ZTO-Express/
// zopsdk-java, ZopClient and ZopDigestUtil):
//
//	x-companyid:  the app key (also sent as x-appKey)
//	x-datadigest: base64(md5(body + app secret))
//
// where body is the JSON body, or for the form "k=v&k=v" in the order
// sent and not URL-encoded. The answer's shape, not the service called,
// decides how it is read, so either service's answers are read alike.
//
// With the track service Lookup tries each phone_last4 factor of the
// ParcelRef as mobilePhone until one brings traces, and reports that
// factor in Parcel.Factors (no factor at all queries without one). The
// new_traces service takes no phone: the factors the courier's systems
// hold are the parcel's. No traces is adapters.ErrNotFound. An answer
// with status false is ErrMisconfigured for ZOP's request codes S01–S05,
// S10–S12 (a bad digest, key, message type or parameter) and
// ErrUnavailable otherwise; only the code, never ZTO's message, goes into
// the error.
//
// Mapping (status.go): the trace's scanType first (收件, 发件, 到件, 派件,
// 签收, 问题件, 退件, 退件签收, 第三方签收, ARRIVAL, SIGNED; a parcel
// left with a third party is at a pickup point, substatus pickup_point,
// or locker when desc names one); a scan type not in the table is read
// from the words of desc by phrases.Common (驿站 and 快递柜 are
// available_for_pickup, 已签收 delivered, 派件 out for delivery, 揽收
// picked up, 问题件 and 异常 exceptions, 拒收 refused, 退回 on the way
// back, 退件签收 returned), a plain in-transit class told a site reached
// or left by phrases.Steps. A trace that says nothing known is in
// transit with the raw scan type in the substatus. The parcel's status
// comes from the whole history (phrases.History): a delivered or
// returned parcel is not moved back by a late scan (real answers hold
// arrival and delivery scans after the signature), and a trace that says
// nothing known moves a parcel on to in transit but never back to it.
//
// Times: scanDate in milliseconds is an instant; as text it is China time
// without an offset (UTC+8, no daylight saving), and is given +08:00.
// Places: the province and city ZTO files the scan under (scanProv and
// scanCity, or scanSite's prov and city), read by places.Parse as every
// Chinese place ("山东", "潍坊市" is 潍坊市 in 山东省, the name ZTO itself
// writes elsewhere); where an older answer gives only the site's name,
// the city places.Parse reads in it ("成都中转" is 成都市) or nothing;
// never the site itself, a street or a phone. desc
// goes through scrub.Text after the names and phones ZTO gives in fields
// of their own (dispOrRecMan, signMan, operateUser, their phones) are
// taken out of it, and after the names ZTO's templates put after 的
// ("的 李坤 （…）"). Dropped: couriers, signers, phones, site phones,
// previous and next sites, weights. The answers carry no ETA.
//
// The adapter is registered as "zto" with the options app_key and
// app_secret (required), service (track or new_traces), base_url
// (default ProductionURL; the sandbox is https://japi-test.zto.com),
// courier (default zto) and timeout (per attempt, default 10s); with
// "watchlist" and "poll" it comes wrapped in a watchlist.Watchlist.
//
// Sources: ZOP's SDK (above); ZTO clients that call the track query (a
// C# client's ZtoRouteSearchRequest, namespace
// Com.Scm.Express.My.Shipper.ZTO.RouteSearch.V2: billCode, mobilePhone;
// PHP clients reading status, message and result) and
// traceInterfaceNewTraces (sytpb/XExpressDemo src/ZTO/nodejs/demo2.js);
// the real answers in testdata/real, cited in their README. No published
// answer of the track query and no published error answer were found.
package zto
