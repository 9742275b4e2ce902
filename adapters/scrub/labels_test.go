package scrub

import "testing"

// TestLabelsNextRemembersWithoutChangingAnswers: where labels next occur
// is the same with what an earlier search remembered as without, for
// positions that go forward and, after a new pass, back.
func TestLabelsNextRemembersWithoutChangingAnswers(t *testing.T) {
	l := labels{"签收", "signed by", "pod"}
	lower := asciiLower("快件已签收，Signed by J. SMITH；签收人：本人 POD: x 签收")
	var seen labelsSeen
	froms := []int{0, 1, 9, 9, 10, 30, 31, len(lower) - 6, len(lower) - 5, len(lower), 0, 12, len(lower) - 1}
	for _, from := range froms {
		want := l.next(lower, from, nil)
		if got := l.next(lower, from, &seen); got != want {
			t.Errorf("next(%d) = %d with what was seen, %d without", from, got, want)
		}
	}
}
