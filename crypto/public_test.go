package crypto

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"
)

// Every vector's public record opens with the record key and the courier
// of its case, and with no other courier.
func TestVectorPublicRecordsOpenWithTheirCourierOnly(t *testing.T) {
	for _, c := range loadTG1Vectors(t).Cases {
		var r PublicRecord
		if err := json.Unmarshal([]byte(c.Record.PublicJSON), &r); err != nil {
			t.Fatalf("%s: public_json: %v", c.Name, err)
		}
		key := mustHex(t, c.Derived.RecordKeyHex)
		view, err := OpenPublic(key, c.Inputs.CourierID, &r)
		if err != nil || string(view) != c.Inputs.ViewJSON {
			t.Errorf("%s: OpenPublic = %q, %v; want the view", c.Name, view, err)
		}
		if _, err := OpenPublic(key, c.Inputs.CourierID+"x", &r); !errors.Is(err, ErrOpenRecord) {
			t.Errorf("%s: opened under another courier: %v", c.Name, err)
		}
	}
}

func FuzzOpenPublic(f *testing.F) {
	c := loadTG1Vectors(f).Cases[0]
	key, _ := hex.DecodeString(c.Derived.RecordKeyHex)
	f.Add([]byte(c.Record.PublicJSON), c.Inputs.CourierID)
	f.Add([]byte(`{"locator":"AAAAAAAAAAAAAAAAAAAAAA","nonce":"AAAAAAAAAAAAAAAA","ciphertext":""}`), "sim-east")
	f.Add([]byte(`{"records":[]}`), "")
	f.Fuzz(func(t *testing.T, raw []byte, courier string) {
		var r PublicRecord
		if json.Unmarshal(raw, &r) != nil {
			return
		}
		checkErr := r.Check()
		view, err := OpenPublic(key, courier, &r)
		switch {
		case checkErr != nil && !errors.Is(err, ErrInvalidRecord):
			t.Fatalf("OpenPublic of a record failing Check: %v, want ErrInvalidRecord", err)
		case checkErr == nil && err != nil && !errors.Is(err, ErrOpenRecord):
			t.Fatalf("OpenPublic of a well-formed record: %v, want nil or ErrOpenRecord", err)
		case err == nil && (courier != c.Inputs.CourierID || !bytes.Equal(view, []byte(c.Inputs.ViewJSON))):
			t.Fatalf("opened something other than the vector's record under %q: %q", courier, view)
		}
	})
}

// The wire form built by concatenation is what encoding/json writes for
// the record, byte for byte, and of the length PublicJSONSize says.
func TestAppendJSONIsTheJSONEncoding(t *testing.T) {
	for _, c := range loadTG1Vectors(t).Cases {
		var r PublicRecord
		if err := json.Unmarshal([]byte(c.Record.PublicJSON), &r); err != nil {
			t.Fatalf("%s: public_json: %v", c.Name, err)
		}
		got := r.AppendJSON([]byte("prefix"))
		if string(got) != "prefix"+c.Record.PublicJSON {
			t.Errorf("%s: AppendJSON = %s, want the vector's public_json %s", c.Name, got[6:], c.Record.PublicJSON)
		}
	}
	for _, blocks := range []int{1, 2, 16, 64} {
		r := PublicRecord{Locator: bytes.Repeat([]byte{0xfb}, LocatorSize), Nonce: bytes.Repeat([]byte{0xff}, NonceSize),
			Ciphertext: bytes.Repeat([]byte{0x3e, 0x00, 0xbf}, blocks*BlockSize/3)}
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		got := r.AppendJSON(nil)
		if !bytes.Equal(got, want) {
			t.Errorf("%d blocks: AppendJSON = %.80s…, json.Marshal = %.80s…", blocks, got, want)
		}
		if n := PublicJSONSize(len(r.Ciphertext)); n != len(got) {
			t.Errorf("%d blocks: PublicJSONSize = %d, the wire form is %d bytes", blocks, n, len(got))
		}
	}
}
