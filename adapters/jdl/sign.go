package jdl

import (
	"crypto/md5"
	"encoding/hex"
)

// signVersion is the v parameter of JDL's gateway.
const signVersion = "2.0"

// Sign signs a call of JDL's open-platform gateway with its md5-salt
// algorithm, as JDL's own sample code does (the Java and Python demos of
// the open platform): the lower-case hex MD5 of
//
//	secret + "access_token" + token + "app_key" + key + "method" + path +
//	"param_json" + body + "timestamp" + timestamp + "v" + "2.0" + secret
//
// where path is the API's path ("/ecap/v1/orders/trace/query"), body the
// JSON body exactly as sent and timestamp "yyyy-MM-dd HH:mm:ss".
func Sign(secret, accessToken, appKey, path, body, timestamp string) string {
	content := secret +
		"access_token" + accessToken +
		"app_key" + appKey +
		"method" + path +
		"param_json" + body +
		"timestamp" + timestamp +
		"v" + signVersion +
		secret
	sum := md5.Sum([]byte(content))
	return hex.EncodeToString(sum[:])
}
