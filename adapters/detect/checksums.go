package detect

import "sort"

// checksums are the check-digit algorithms by the name rules and
// directory patterns give them. Each receives a normalized tracking number
// and reports whether its check digit is right; any other shape is false.
var checksums = map[string]func(tn string) bool{
	"ups-mod10":       upsMod10,
	"fedex-mod11":     fedexMod11,
	"gs1-mod10":       gs1Mod10,
	"fedex-ground96":  fedexGround96,
	"fedex-smartpost": fedexSmartPost,
	"dhl-mod7":        dhlMod7,
	"s10":             s10,
}

// Checksum returns the check-digit algorithm called name. The function
// takes a normalized tracking number and reports whether its check digit
// is right; a number of another shape is simply not right.
func Checksum(name string) (func(tn string) bool, bool) {
	check, ok := checksums[name]
	return check, ok
}

// ChecksumNames lists the names Checksum knows, sorted.
func ChecksumNames() []string {
	names := make([]string, 0, len(checksums))
	for name := range checksums {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// upsMod10 checks "1Z" + 15 characters + a check digit.
func upsMod10(tn string) bool {
	if len(tn) != 18 || tn[:2] != "1Z" || !isDigit(tn[17]) {
		return false
	}
	sum := 0
	for i := 0; i < 15; i++ {
		c := tn[2+i]
		var v int
		switch {
		case isDigit(c):
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-3) % 10 // A→2, B→3, …, as UPS maps letters
		default:
			return false
		}
		if i%2 == 1 {
			v *= 2
		}
		sum += v
	}
	return (10-sum%10)%10 == int(tn[17]-'0')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// fedexMod11 checks a FedEx Express 12-digit number.
func fedexMod11(tn string) bool {
	if len(tn) != 12 || !allDigits(tn) {
		return false
	}
	weights := [3]int{3, 1, 7}
	sum := 0
	for i := 0; i < 11; i++ {
		sum += int(tn[i]-'0') * weights[i%3]
	}
	return sum%11%10 == int(tn[11]-'0')
}

// gs1CheckDigit is the GS1 check digit of body: weights 3 and 1
// alternating from its rightmost digit (which weighs 3).
func gs1CheckDigit(body string) int {
	sum := 0
	for i := 0; i < len(body); i++ {
		v := int(body[len(body)-1-i] - '0')
		if i%2 == 0 {
			v *= 3
		}
		sum += v
	}
	return (10 - sum%10) % 10
}

// gs1Mod10 checks a digit string whose last digit is the GS1 check digit
// of the others.
func gs1Mod10(tn string) bool {
	if len(tn) < 2 || !allDigits(tn) {
		return false
	}
	return gs1CheckDigit(tn[:len(tn)-1]) == int(tn[len(tn)-1]-'0')
}

// fedexGround96 checks a 22-digit FedEx Ground barcode: "96", a service
// code, then the 15-digit tracking number that carries the check digit.
func fedexGround96(tn string) bool {
	return len(tn) == 22 && allDigits(tn) && gs1Mod10(tn[7:])
}

// fedexSmartPost checks a 20-digit FedEx SmartPost number, whose check
// digit covers the application identifier "92" printed only in the
// barcode.
func fedexSmartPost(tn string) bool {
	return len(tn) == 20 && allDigits(tn) && gs1Mod10("92"+tn)
}

// dhlMod7 checks a DHL Express number: the body as a number, mod 7.
func dhlMod7(tn string) bool {
	if len(tn) < 2 || !allDigits(tn) {
		return false
	}
	rem := 0
	for i := 0; i < len(tn)-1; i++ {
		rem = (rem*10 + int(tn[i]-'0')) % 7
	}
	return rem == int(tn[len(tn)-1]-'0')
}

// s10 checks a UPU S10 identifier: 2 letters, 8 serial digits, the check
// digit, 2 letters. The country code is the rule's business.
func s10(tn string) bool {
	if len(tn) != 13 || !isLetters(tn[:2]) || !allDigits(tn[2:11]) || !isLetters(tn[11:]) {
		return false
	}
	weights := [8]int{8, 6, 4, 2, 3, 5, 9, 7}
	sum := 0
	for i, w := range weights {
		sum += int(tn[2+i]-'0') * w
	}
	check := 11 - sum%11
	switch check {
	case 10:
		check = 0
	case 11:
		check = 5
	}
	return check == int(tn[10]-'0')
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
