package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/trackgate/trackgate/crypto"
)

// publicAnswer is a bucket answer of n records of blocks blocks.
func publicAnswer(t testing.TB, n, blocks int) []byte {
	t.Helper()
	doc := PublicRecords{Records: []crypto.PublicRecord{}, Missing: []string{"sim-panda"}}
	for i := range n {
		r := crypto.PublicRecord{Locator: bytes.Repeat([]byte{byte(i), 0xfb}, 8), Nonce: bytes.Repeat([]byte{0xbf}, crypto.NonceSize),
			Ciphertext: bytes.Repeat([]byte{byte(i), 0x3e, 0xff}, blocks*crypto.BlockSize/3)}
		doc.Records = append(doc.Records, r)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// DecodePublicRecords reads what encoding/json reads, and refuses what it
// refuses.
func TestDecodePublicRecordsIsEncodingJSON(t *testing.T) {
	answer := publicAnswer(t, 3, 1)
	bodies := map[string][]byte{
		"an answer":          answer,
		"empty":              []byte(`{"records":[],"missing":[]}`),
		"white space":        []byte(" {\n\"records\" : [ { \"locator\" : \"AAAAAAAAAAAAAAAAAAAAAA\" , \"nonce\":\"\" } ] , \"missing\" : [ \"a\" ] }\t"),
		"nulls":              []byte(`{"records":[null,{"locator":null}],"missing":null}`),
		"null":               []byte(`null`),
		"unknown members":    []byte(`{"x":[{"y":-1.5e3}],"records":[{"z":true,"nonce":"AA"}],"w":"\u00e9"}`),
		"names in any case":  []byte(`{"RECORDS":[{"Nonce":"AA"}],"Missing":["b"]}`),
		"repeated members":   []byte(`{"records":[{"nonce":"AA"}],"records":[{"nonce":"AAA"}]}`),
		"escapes":            []byte(`{"records":[{"nonce":"\u0041A"}],"missing":["\u0073im"]}`),
		"padding":            []byte(`{"records":[{"nonce":"AA=="}]}`),
		"a line break":       []byte(`{"records":[{"nonce":"AA\nAA"}]}`),
		"a raw line break":   []byte("{\"records\":[{\"nonce\":\"AA\nAA\"}]}"),
		"standard alphabet":  []byte(`{"records":[{"nonce":"+/8"}]}`),
		"a number":           []byte(`{"records":[{"nonce":1}]}`),
		"records an object":  []byte(`{"records":{}}`),
		"trailing data":      append(bytes.Clone(answer), '1'),
		"truncated":          answer[:len(answer)/2],
		"nothing":            nil,
		"not an object":      []byte(`[]`),
		"missing not string": []byte(`{"missing":[1]}`),
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			fast, fastErr := DecodePublicRecords(body)
			var slow PublicRecords
			slowErr := json.Unmarshal(body, &slow)
			if (fastErr == nil) != (slowErr == nil) {
				t.Fatalf("DecodePublicRecords: %v; encoding/json: %v", fastErr, slowErr)
			}
			if fastErr != nil && !errors.Is(fastErr, ErrMalformed) {
				t.Fatalf("an error that is not ErrMalformed: %v", fastErr)
			}
			if fastErr == nil && !reflect.DeepEqual(fast, slow) {
				t.Fatalf("DecodePublicRecords read\n%+v\nencoding/json read\n%+v", fast, slow)
			}
		})
	}
}

func FuzzDecodePublicRecords(f *testing.F) {
	f.Add(publicAnswer(f, 2, 1))
	f.Add([]byte(`{"records":[null,{"locator":null,"Nonce":"AA"}],"missing":["\u0041"]}`))
	f.Add([]byte("{\"missing\":[\"\x92\x92\"]}")) // one U+FFFD per invalid byte, as encoding/json
	f.Fuzz(func(t *testing.T, body []byte) {
		fast, fastErr := DecodePublicRecords(body)
		var slow PublicRecords
		slowErr := json.Unmarshal(body, &slow)
		if (fastErr == nil) != (slowErr == nil) {
			t.Fatalf("DecodePublicRecords: %v; encoding/json: %v", fastErr, slowErr)
		}
		if fastErr == nil && !reflect.DeepEqual(fast, slow) {
			t.Fatalf("DecodePublicRecords read\n%+v\nencoding/json read\n%+v", fast, slow)
		}
	})
}

func BenchmarkDecodePublicRecords(b *testing.B) {
	body := publicAnswer(b, 8, 16)
	b.Run("DecodePublicRecords", func(b *testing.B) {
		for b.Loop() {
			if _, err := DecodePublicRecords(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			var r PublicRecords
			if err := json.Unmarshal(body, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
