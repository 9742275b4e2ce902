// Package sfexpress is the adapter for SF Express (顺丰速运): it looks
// parcels up with the route query EXP_RECE_SEARCH_ROUTES of SF's open
// platform (丰桥) and turns the routes into a tracking view.
//
// The request is a form POST of partnerID, requestID, serviceCode,
// timestamp (milliseconds), msgDigest and msgData, where
//
//	msgDigest = base64(md5(urlencode(msgData + timestamp + checkword)))
//
// and urlencode is Java's URLEncoder.encode(…, "UTF-8"), as in SF's own
// Java sample (CallExpressServiceTools.getMsgDigest; its PHP and C#
// samples differ only on characters — * ~ ! ' ( ) — that msgData and
// timestamp never hold). The answer is SF's envelope
// {"apiResultCode":"A1000","apiResultData":"…"} whose apiResultData
// holds, as a JSON string, {"success":true,"errorCode":"S0000",
// "msgData":{"routeResps":[{"mailNo":…,"routes":[…]}]}}.
//
// SF answers only with the last four digits of the sender's or the
// recipient's phone (checkPhoneNo): Lookup tries each factor of the
// ParcelRef until one brings routes, and reports that factor in
// Parcel.Factors. No routes for any factor is adapters.ErrNotFound.
//
// Mapping of a route, in this order (see status.go): its
// secondaryStatusCode, then its firstStatusCode, then its opCode, then
// its text (remark, then the status names, read by phrases.Common); a
// route whose codes are in no table and whose text says nothing is
// in_transit with the raw code in the substatus. opCode 8000, which
// points to the signer on SF's website after a delivery, is
// informational. The parcel's status is decided from the whole route
// list with phrases.Advance, not from the last route: an informational
// route, or one of an earlier step that comes late, never undoes a
// delivery, so polling stops. acceptTime is China time without an
// offset and becomes RFC 3339 with +08:00; routes are shown oldest
// first, whichever way round SF lists them (its older interfaces list
// them newest first). acceptAddress gives the city
// (and province) only, through places.Parse: "广东省深圳市南山区" is
// 深圳市 in 广东省, and the depot names older answers carry
// ("北京海淀七街营业点") give their city or nothing, never a district or
// a street. remark goes through scrub.Text. The parcel's version is its
// number of routes, which grows as SF adds routes. testdata/real holds
// answers others published, each read as its want file says.
//
// The adapter is registered as "sfexpress" with the options partner_id
// and checkword (required), base_url (default ProductionURL; the sandbox
// is https://sfapi-sbox.sf-express.com/std/service), courier (default
// sf-express) and timeout (per attempt, default 10s). It answers lookups
// only; with the options "watchlist" (a JSON Lines file) and "poll" it
// comes wrapped in a watchlist.Watchlist, which a courier host can use.
package sfexpress
