package zto

import "testing"

// The vectors were computed with Python's hashlib and base64,
// independently of this package.
func TestDataDigest(t *testing.T) {
	cases := []struct{ body, secret, want string }{
		{`["358758561495"]`, "lxwsnhPmYlCUnWHIO8CykA==", "u0uloadOyMAp6EdEynPgGQ=="},
		{`{"billCode":"73100012345678","mobilePhone":"5678"}`, "ztotestSecret==", "j5JyWjrUPYB2v+QMBTZvsg=="},
		{`company_id=kfpttestCode&msg_type=NEW_TRACES&data=["73100012345678"]`, "kfpttestkey==", "mWTu0svCKacWpyNPk5LvGA=="},
	}
	for _, tc := range cases {
		if got := DataDigest(tc.body, tc.secret); got != tc.want {
			t.Errorf("DataDigest(%q) = %q; want %q", tc.body, got, tc.want)
		}
	}
}

// A form is digested as sent, in order and not URL-encoded, and sent
// URL-encoded.
func TestFormBodyDigestsThePlainForm(t *testing.T) {
	digested, encoded := formBody([]formParam{{"company_id", "kfpttestCode"}, {"msg_type", "NEW_TRACES"}, {"data", `["73100012345678"]`}})
	if want := `company_id=kfpttestCode&msg_type=NEW_TRACES&data=["73100012345678"]`; digested != want {
		t.Errorf("digested form %q; want %q", digested, want)
	}
	if want := `company_id=kfpttestCode&msg_type=NEW_TRACES&data=%5B%2273100012345678%22%5D`; encoded != want {
		t.Errorf("encoded form %q; want %q", encoded, want)
	}
}
