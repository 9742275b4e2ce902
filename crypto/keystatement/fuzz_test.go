package keystatement

import (
	"bytes"
	"testing"
)

// FuzzOpen checks that no input panics Open, and that what it accepts is
// the one encoding of what it returns.
func FuzzOpen(f *testing.F) {
	sk, next := signingKey("swift 1"), signingKey("swift 2")
	f.Add(signedKey(f, sampleKey(f, "k1", sk), sk))
	first, _ := SignSigningKey(SigningKey{Courier: "sim-swift", Key: public(sk)}, sk, nil)
	f.Add(first)
	change, _ := SignSigningKey(SigningKey{Courier: "sim-swift", Key: public(next), Previous: public(sk)}, next, sk)
	f.Add(change)
	f.Add([]byte("tg1 key statement\n\n— x AAAA\n"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		k, s, err := Open(msg)
		if err != nil {
			return
		}
		var text string
		if k != nil {
			text, err = k.Text()
		} else {
			text, err = s.Text()
		}
		if err != nil || !bytes.HasPrefix(msg, []byte(text+"\n— ")) {
			t.Fatalf("opened %q, which does not begin with its own text %q (%v)", msg, text, err)
		}
	})
}
