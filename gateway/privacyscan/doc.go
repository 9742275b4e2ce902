// Package privacyscan finds secrets in what trackgate leaves behind — logs,
// Redis dumps, recorded traffic — for the privacy tests.
//
// Tracking numbers are long and are looked for as plain substrings. A phone
// factor is four digits, and four given digits turn up by chance in any
// long enough run of base64, timestamps, ports or byte counts. So a factor
// counts as found only as a whole token (not inside a longer run of letters
// and digits), and log fields that hold counts, sizes and times are taken
// out before the search.
package privacyscan
