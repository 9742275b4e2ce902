// Package detect tells which couriers may carry a tracking number, from
// built-in rules: a regular expression per format and, where the courier
// publishes one, a check-digit algorithm. It answers `trackgate detect`
// when no gateway is named, gives courier hosts the patterns to publish in
// the directory (docs/protocol.md §7), and registers its check-digit algorithms
// with the Go SDK (gateway/client), so a directory pattern naming one of
// them is evaluated the same way everywhere.
//
// Every rule's regex is anchored ^…$, runs over the normalized number
// (crypto.NormalizeTrackingNumber: upper case, no spaces, '-' or '.'), and
// uses only syntax that JavaScript's RegExp and Go's RE2 read alike, so a
// browser can evaluate the same rules. A number whose check digit is wrong
// does not match a rule that names a checksum.
//
// # Check digits
//
//   - ups-mod10: UPS 1Z numbers. The 15 characters after "1Z", letters
//     mapped to (ASCII − 3) mod 10, every second one (from the second)
//     doubled; check = (10 − sum mod 10) mod 10.
//   - fedex-mod11: FedEx Express 12 digits. Weights 3,1,7 repeating from
//     the left over the first 11 digits; check = (sum mod 11) mod 10.
//   - gs1-mod10: the GS1 check digit: weights 3,1 alternating from the
//     right of the body; check = (10 − sum mod 10) mod 10. USPS IMpb (20
//     and 22 digits, USPS Publication 199) and FedEx Ground 15 digits.
//   - fedex-ground96: FedEx Ground "96" barcodes of 22 digits: gs1-mod10
//     over the last 15 digits (the 15-digit tracking number inside).
//   - fedex-smartpost: FedEx SmartPost 20 digits: gs1-mod10 over the
//     number with its implied application identifier "92" put in front.
//   - dhl-mod7: DHL Express 10 digits; check = first 9 digits mod 7.
//   - s10: UPU S10 (postal items, EMS): weights 8,6,4,2,3,5,9,7 over the
//     8 serial digits; r = 11 − (sum mod 11), 10 → 0, 11 → 5.
//
// Postal items (UPU S10) go to ems when they end in CN, China Post's
// country code (E… is EMS proper, the rest China Post's registered mail
// and parcels), and to upu when they end in any other ISO 3166-1 code.
//
// Sources: the carriers' published tracking-number formats; UPU standard
// S10; USPS Publication 199; the FedEx Ground label layout specification; and the public test data of
// github.com/jkeen/tracking_number_data, whose valid and invalid numbers
// the tests reuse. The USPS formats with a routing prefix (420 + ZIP),
// FedEx's 34-digit barcodes and EMS's domestic 13-digit numbers are left
// out.
//
// # Chinese couriers
//
// SF Express, JD, YTO, ZTO, STO and Yunda publish no check digits.
// Aggregators match their numbers by prefix and length alone, which is
// ambiguous: a 12-digit number from 77 fits STO and ZTO, and one Chinese
// 12- or 15-digit number in ten happens to satisfy a FedEx check digit
// (and is then ranked FedEx first). Detect returns every candidate,
// ranked, and the user pins the courier. The shapes are those in common
// use (the carriers' published formats; the patterns of open-source
// aggregators): SF + 12–13 digits; JD + 2 letters or digits + 11 digits
// (JDVA…, JDX0…, JD00…), or JD's older V + a letter + 11 digits
// (VB44006699225 in a JD merchant's client, VA45306123456 in a JD SDK's
// example); YT + 13 digits; ZTO 14 digits from 73–76 or 78, or 12
// digits from 2–9 (the prefixes of an aggregator's list,
// chinagoods' UDFLogisticNoValid, run from 2x to 9x; real ZTO answers
// carry 358…, 633… and 778…); STO 77 + 10–13 digits, or 12 digits from
// 3; Yunda 13 digits from 43 or 46 or from 5, or 15 digits from 3 or 4.
//
// # Ranking
//
// Matches come best first: a verified check digit beats a shape alone;
// then the rule that fixes more literal characters (the "1Z" of a UPS
// number, see LiteralRunes); then the longer regex; then the order of
// Rules. gateway/client ranks directory patterns the same way, so a
// directory built from these rules gives the same order.
package detect
