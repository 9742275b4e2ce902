package jdl

import "testing"

// The vector was computed with Python's hashlib, independently of this
// package, from JDL's md5-salt recipe.
func TestSign(t *testing.T) {
	got := Sign("0c2c8b6b7c10481ea639f6daa09ac02e", "78c246c0ab564e67add6296a9eaf04a1", "62d07644754843cc882fca7c01476c4f",
		"/ecap/v1/orders/trace/query", `[{"waybillCode":"JDVB20261118001","orderOrigin":1,"customerCode":"010K1234567"}]`, "2026-11-19 12:00:00")
	if want := "bb03a753cd31d11b1122278c56ef8345"; got != want {
		t.Errorf("Sign = %s; want %s", got, want)
	}
}
