package sfexpress

import (
	"crypto/md5"
	"encoding/base64"

	"github.com/trackgate/trackgate/adapters/carrierhttp"
)

// MsgDigest signs a request: base64(md5(urlencode(msgData + timestamp +
// checkword))), with urlencode as Java's URLEncoder.encode(s, "UTF-8")
// (carrierhttp.JavaURLEncode).
func MsgDigest(msgData, timestamp, checkword string) string {
	sum := md5.Sum([]byte(carrierhttp.JavaURLEncode(msgData + timestamp + checkword)))
	return base64.StdEncoding.EncodeToString(sum[:])
}
