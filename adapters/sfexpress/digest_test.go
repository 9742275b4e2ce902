package sfexpress

import (
	"testing"

	"github.com/trackgate/trackgate/adapters/carrierhttp"
)

// The vectors were computed apart from this code, with Python's
// urllib.parse.quote_plus(s, safe="*") (then "~" → "%7E", which Java
// encodes and Python keeps), hashlib.md5 and base64.b64encode.
func TestMsgDigestKnownVectors(t *testing.T) {
	cases := []struct {
		msgData, timestamp, checkword, encoded, digest string
	}{
		{
			msgData:   `{"language":"0","trackingType":"1","trackingNumber":["SF1234567890123"],"methodType":"1","checkPhoneNo":"5678"}`,
			timestamp: "1763618591000",
			checkword: "c5e1b2a4d3f6CHECKWORD",
			encoded:   "%7B%22language%22%3A%220%22%2C%22trackingType%22%3A%221%22%2C%22trackingNumber%22%3A%5B%22SF1234567890123%22%5D%2C%22methodType%22%3A%221%22%2C%22checkPhoneNo%22%3A%225678%22%7D1763618591000c5e1b2a4d3f6CHECKWORD",
			digest:    "s5p/T5CsO1AsoexQGM9Vtg==",
		},
		{
			// Non-ASCII, a space, and the characters on which URL encoders differ.
			msgData:   `{"remark":"顺丰 速运*~!"}`,
			timestamp: "1700000000000",
			checkword: "ab+/=",
			encoded:   "%7B%22remark%22%3A%22%E9%A1%BA%E4%B8%B0+%E9%80%9F%E8%BF%90*%7E%21%22%7D1700000000000ab%2B%2F%3D",
			digest:    "H4uU8zinZtheef1eliMcGQ==",
		},
	}
	for _, tc := range cases {
		if got := carrierhttp.JavaURLEncode(tc.msgData + tc.timestamp + tc.checkword); got != tc.encoded {
			t.Errorf("JavaURLEncode\n got %s\nwant %s", got, tc.encoded)
		}
		if got := MsgDigest(tc.msgData, tc.timestamp, tc.checkword); got != tc.digest {
			t.Errorf("MsgDigest(%s) = %s; want %s", tc.msgData, got, tc.digest)
		}
	}
}
