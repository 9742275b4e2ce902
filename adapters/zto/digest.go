package zto

import (
	"crypto/md5"
	"encoding/base64"
	"net/url"
	"strings"
)

// DataDigest signs a request as ZOP does: base64(md5(body + secret)),
// where body is the JSON body, or for a form the parameters as
// "k=v&k=v" in the order sent and not URL-encoded (ZTO's zopsdk-java,
// ZopClient.execute and ZopDigestUtil.digest with the default MD5).
func DataDigest(body, secret string) string {
	sum := md5.Sum([]byte(body + secret))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// formParam is one parameter of a form body, in the order sent.
type formParam struct{ key, value string }

// formBody returns the form in the two forms ZOP wants: as digested
// ("k=v&k=v", plain) and as sent (URL-encoded).
func formBody(params []formParam) (digested, encoded string) {
	var d, e strings.Builder
	for i, p := range params {
		if i > 0 {
			d.WriteByte('&')
			e.WriteByte('&')
		}
		d.WriteString(p.key + "=" + p.value)
		e.WriteString(url.QueryEscape(p.key) + "=" + url.QueryEscape(p.value))
	}
	return d.String(), e.String()
}
