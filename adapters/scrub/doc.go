// Package scrub removes personal data from the free text that couriers
// put in tracking events (descriptions, remarks, places), before it
// enters a tracking view. Every adapter passes every free-text field
// through Text; a conformance kit can check a view with Has. Known
// masks, before Text, the names and phones a courier gives in fields of
// their own wherever its text repeats them; PlainCode tells a courier's
// code that may be echoed into an error or a substatus from one that
// could hold anything.
//
// Text masks, in Chinese and English text:
//
//   - phone numbers ([phone]): mainland mobiles (1[3-9] and 9 digits,
//     also in groups of 3-4-4 joined by a space or dash, after +86, 0086
//     or (86), and masked like 138****5678); landlines with an area code
//     in brackets or before a space or dash (010-12345678, (021) 1234
//     5678, 0755-1234567 转 123); international numbers (+44 20 7946 0958,
//     +1 (415) 555-0100) and American ones ((415) 555-0100,
//     415-555-0100, but not toll-free or 400 service numbers, which belong
//     to businesses); any number after a phone label (电话, 手机, tel, …);
//     the last four digits after 尾号 or "ending in";
//   - e-mail addresses ([email]);
//   - Chinese ID-card numbers ([id]): 18 characters whose birth date and
//     check digit are right, any 15 or 18 after an ID label, and masked
//     ones (110101********1234);
//   - names ([name]) after 签收人, 收件人, 收货人, 寄件人, 联系人, 快递员,
//     派件员, 收派员, 姓名 and similar labels (1 to 4 Chinese characters,
//     or 1 to 3 capitalized words), and after "signed by", "signed for
//     by", "received by", "delivered to", "left with", "handed (over) to",
//     "collected by", "accepted by", "courier", "contact" (in any case,
//     maybe with a role between: "Left with neighbour Mary Jones"), and
//     after "receiver:", "recipient:", "name:", "signed:", "signature:",
//     "POD:" and the like. English names may be initials and a surname
//     ("J. SMITH", "J SMITH", "J.SMITH"), a surname alone, Mc, Mac, O' and
//     hyphenated names; after "POD:", "signature:", "signed by" and the
//     like a name in lower case ("POD: jsmith") is one too. A Chinese name
//     ends before a character no name holds (张三已签收). Without a colon
//     after the label it must start with a common family name, or 小, 老 or
//     阿 ("快递员李四", but not "收件人不在"), and so must one after 签收：,
//     签字： or 代收： ("本人签收：李四", not "已签收：感谢使用"); after 交给
//     or 交由 it must also be a phrase of its own ("快件交给王五，"). Roles
//     are not names (本人, 门卫, 丰巢智能柜, "Front Desk", "Customer
//     Service", "LEFT WITH NEIGHBOUR"), and a phrase with a place or an
//     organisation in it ("Shenzhen Hub", "Swift Express", "Canada Post")
//     is left alone;
//   - names without a label before 签收, 代收, 签字 or 签名 (maybe after 已
//     or 本人): a family name and one or two characters, or with an
//     honorific, or 小 or 老 and a family name, standing as a phrase of its
//     own or after 由, 被, 邻居, 前台 and the like ("李四签收", "张三 已签收",
//     "已由王小明代收"; "邻居张女士代收" becomes "邻居[name]代收": the
//     honorific goes with the name). Who is no one in particular stays
//     ("家人代收", "由 快递柜 代收", "菜鸟驿站代收", "本人签收");
//   - pickup codes ([code]) after 取件码 and similar labels: whoever
//     reads one can collect the parcel;
//   - house numbers ([addr]): the number after a road (世纪大道100号
//     becomes 世纪大道[addr]), building, unit and room (3栋2单元501室),
//     and English street addresses ("221B Baker Street").
//
// A mask never makes text longer: a span shorter than its mask becomes
// one '*' per character.
//
// What tracking needs stays: tracking numbers, times and dates, cities,
// hubs and stations ("第618号站"), flight numbers, weights, postal codes.
// The rule that keeps tracking numbers apart from phone and ID numbers is
// the token: a run of ASCII letters and digits. A phone or ID number must
// be a whole token (or whole tokens joined by its own spaces and dashes),
// so 11 digits inside "SF1381234567890" or a 13-digit number starting
// 138 are not a phone; a standalone 11-digit number of the mobile shape
// is one, unless it follows a tracking-number label (单号, 运单号,
// "tracking number", "waybill", AWB), after which any code stays as it
// is. A landline-shaped group continued by another digit group joined the
// same way ("0414 4176 0228 964") is part of a longer number, not a phone.
//
// Text does not find names that neither a phrase nor a verb of signing
// points at ("Thank you, Mary Jones"), names in lower case after other
// phrases, street names (only the house number), or numbers written with
// full-width digits.
package scrub
