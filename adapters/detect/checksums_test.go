package detect

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The generators below compute check digits straight from the published
// descriptions (the carriers' published formats, UPU S10, USPS Publication 199, the FedEx
// label specifications), independently of checksums.go, so the two
// implementations check each other.

const digitChars = "0123456789"

func randomString(rng *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// weighted returns the sum of digit·weight, weights repeating from the
// left.
func weighted(digits string, weights ...int) int {
	sum := 0
	for i, c := range digits {
		sum += int(c-'0') * weights[i%len(weights)]
	}
	return sum
}

// gs1Reference weighs the body 3,1,3,… from its rightmost digit.
func gs1Reference(body string) byte {
	reversed := []byte(body)
	slices.Reverse(reversed)
	return byte('0' + (10-weighted(string(reversed), 3, 1)%10)%10)
}

// generators make a valid number of each check-digit format, and name the
// courier and format Detect must report for it.
var generators = []struct {
	courier, format string
	make            func(rng *rand.Rand) string
}{
	{"ups", "1Z", func(rng *rand.Rand) string {
		body := randomString(rng, digitChars+"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 15)
		sum := 0
		for i, c := range body {
			v := int(c - '0')
			if c >= 'A' {
				v = (int(c) - 3) % 10
			}
			if i%2 == 1 { // every second character, from the second, doubled
				v *= 2
			}
			sum += v
		}
		return "1Z" + body + string(rune('0'+(10-sum%10)%10))
	}},
	{"fedex", "Express 12-digit", func(rng *rand.Rand) string {
		body := randomString(rng, digitChars, 11)
		return body + string(rune('0'+weighted(body, 3, 1, 7)%11%10))
	}},
	{"fedex", "Ground 15-digit", func(rng *rand.Rand) string {
		body := randomString(rng, digitChars, 14)
		return body + string(gs1Reference(body))
	}},
	{"fedex", "SmartPost 20-digit", func(rng *rand.Rand) string {
		body := randomString(rng, digitChars, 19)
		return body + string(gs1Reference("92"+body))
	}},
	{"fedex", "Ground 96 22-digit", func(rng *rand.Rand) string {
		head := "96" + randomString(rng, digitChars, 5) // application id, SCNC and service
		serial := randomString(rng, digitChars, 14)
		return head + serial + string(gs1Reference(serial))
	}},
	{"usps", "IMpb 22-digit", func(rng *rand.Rand) string {
		body := "9" + randomString(rng, "12345", 1) + randomString(rng, digitChars, 19)
		return body + string(gs1Reference(body))
	}},
	{"usps", "20-digit", func(rng *rand.Rand) string {
		body := randomString(rng, digitChars, 19)
		return body + string(gs1Reference(body))
	}},
	{"dhl", "Express 10-digit", func(rng *rand.Rand) string {
		body := rng.IntN(1_000_000_000)
		return fmt.Sprintf("%09d%d", body, body%7)
	}},
	{"ems", "EMS S10", func(rng *rand.Rand) string {
		return s10Reference("E"+randomString(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1), randomString(rng, digitChars, 8), "CN")
	}},
	{"ems", "China Post S10", func(rng *rand.Rand) string {
		return s10Reference(randomString(rng, "ABCDFGHIJKLMNOPQRSTUVWXYZ", 1)+randomString(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1), randomString(rng, digitChars, 8), "CN")
	}},
	{"upu", "S10", func(rng *rand.Rand) string {
		country := "CN"
		for country == "CN" {
			country = countries[rng.IntN(len(countries))]
		}
		return s10Reference(randomString(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 2), randomString(rng, digitChars, 8), country)
	}},
}

func s10Reference(service, serial, country string) string {
	r := 11 - weighted(serial, 8, 6, 4, 2, 3, 5, 9, 7)%11
	switch r {
	case 10:
		r = 0
	case 11:
		r = 5
	}
	return fmt.Sprintf("%s%s%d%s", service, serial, r, country)
}

func TestDetectAcceptsGeneratedNumbersAndRefusesAWrongCheckDigit(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2026))
	for _, g := range generators {
		t.Run(g.courier+" "+g.format, func(t *testing.T) {
			for range 300 {
				n := g.make(rng)
				got, err := Detect(n)
				if err != nil {
					t.Fatalf("%s: %v", n, err)
				}
				if m, ok := find(got, g.courier); !ok || m.Format != g.format || !m.Verified {
					t.Fatalf("Detect(%s) = %v, want %s %q verified", n, got, g.courier, g.format)
				}
				at := checkDigitAt(g.courier, n)
				for d := byte('0'); d <= '9'; d++ {
					if d == n[at] {
						continue
					}
					wrong := n[:at] + string(d) + n[at+1:]
					got, _ := Detect(wrong)
					if m, ok := find(got, g.courier); ok {
						t.Fatalf("Detect(%s), a wrong check digit, = %s %q", wrong, m.Courier, m.Format)
					}
				}
			}
		})
	}
}

// checkDigitAt is where the check digit sits: third from last in S10, last
// elsewhere.
func checkDigitAt(courier, n string) int {
	if courier == "ems" || courier == "upu" {
		return len(n) - 3
	}
	return len(n) - 1
}

func find(ms []Match, courier string) (Match, bool) {
	for _, m := range ms {
		if m.Courier == courier {
			return m, true
		}
	}
	return Match{}, false
}

// Published examples: the UPU's and the carriers', and the valid and invalid
// test numbers of github.com/jkeen/tracking_number_data.
func TestChecksumsOnPublishedNumbers(t *testing.T) {
	tests := []struct {
		checksum string
		valid    []string
		invalid  []string
	}{
		{"ups-mod10",
			[]string{"1Z999AA10123456784", "1Z5R89390357567127", "1Z879E930346834440", "1Z410E7W0392751591", "1Z8V92A70367203024"},
			[]string{"1Z999AA10123456785", "1Z1111111111111111", "1A5R89390357567127"}},
		{"fedex-mod11",
			[]string{"986578788855", "477179081230", "799531274483", "790535312317", "974367662710"},
			[]string{"996578788855"}},
		{"gs1-mod10",
			[]string{"041441760228964", "568283610012000", "568283610012734", // FedEx Ground 15
				"03071790000523483741", "71123456789123456787", // USPS 20
				"9505511069605048600624", "9101123456789000000013", "9400111201080805483016", "9361289878700317633795", "9405803699300124287899"}, // USPS 22
			[]string{"568283610012732", "03071790000523483742", "9200000000000000000000"}},
		{"fedex-ground96", []string{"9611020987654312345672"}, []string{"9600000000000000000001"}},
		{"fedex-smartpost", []string{"61299998820821171811"}, []string{"61299998820821171810"}},
		{"dhl-mod7",
			[]string{"3318810025", "8487135506", "1099255990", "3821724944", "3318810036", "3318810014"},
			[]string{"3318810010", "3318810034", "3318810011"}},
		{"s10",
			[]string{"RA123456785CN", "RB123456785GB", "RB123456785US", "EE123456785CN"},
			[]string{"RB123456786US", "RA12345678CN", "R1123456785CN"}},
	}
	for _, tt := range tests {
		check, ok := Checksum(tt.checksum)
		if !ok {
			t.Fatalf("checksum %q is not known", tt.checksum)
		}
		for _, n := range tt.valid {
			if !check(n) {
				t.Errorf("%s(%s) = false, want true", tt.checksum, n)
			}
		}
		for _, n := range tt.invalid {
			if check(n) {
				t.Errorf("%s(%s) = true, want false", tt.checksum, n)
			}
		}
	}
}

func TestChecksumsRefuseOtherShapes(t *testing.T) {
	shapes := []string{"", "1", "Z", "1Z", strings.Repeat("A", 40), "1Z999AA1012345678A", "1z999aa10123456784",
		"98657878885A", "RA123456785C1", "ra123456785cn", "33188100２5"}
	for _, name := range ChecksumNames() {
		check, _ := Checksum(name)
		for _, s := range shapes {
			if check(s) {
				t.Errorf("%s(%q) = true", name, s)
			}
		}
	}
	if _, ok := Checksum("luhn"); ok {
		t.Error(`Checksum("luhn") is known`)
	}
}

func TestSmartPostAndUSPS20NeverBothVerify(t *testing.T) {
	// The implied "92" adds 29 to the SmartPost sum, so the two check
	// digits of a 20-digit body always differ: one number, one courier.
	rng := rand.New(rand.NewPCG(20, 20))
	smartPost, _ := Checksum("fedex-smartpost")
	gs1, _ := Checksum("gs1-mod10")
	for range 2000 {
		n := randomString(rng, digitChars, 20)
		if smartPost(n) && gs1(n) {
			t.Fatalf("%s verifies as both FedEx SmartPost and USPS 20", n)
		}
	}
}
