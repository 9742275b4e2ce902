package crypto

// The seeds and inputs of the tg1 vectors; everything else in the file is
// computed from them.

import (
	"strconv"
	"testing"
)

// Which signed request a case demonstrates; its path and body come from
// the case's other values.
const (
	callPublish  = "publish"  // courier → gateway: PUT /v1/couriers/{id}/records
	callEvaluate = "evaluate" // gateway → courier: POST /tg1/evaluate
	callBucket   = "bucket"   // gateway → courier: GET /tg1/buckets/{bucket}
	callRecord   = "record"   // gateway → courier: GET /tg1/records/{locator}
)

type tg1CaseSpec struct {
	name, description string
	seeds             tg1Seeds
	inputs            tg1Inputs
	call              string
}

var tg1CaseSpecs = []tg1CaseSpec{
	{
		name:        "factor-none-bucket-bits-0",
		description: "Courier without a second factor; the typed number has lower case, spaces, '-' and '.'; bucket_bits 0, so every record is in bucket 0; signed request: the courier publishes the record.",
		seeds: tg1Seeds{
			OPRFKeySeedHex: "910276eca51020c5c8badec8e55565945bbf2fe0a46a6d5b799b6b6391cda62e",
			BlindHex:       "f948ffc034e3216cbaaad913d62e9bda638a103e3bccb423d678ae285d60590f",
			ProofRHex:      "21339ea4286ab22218f963fdb0fe26b1df5def522b5a38ddbf245ed45031b403",
			NonceHex:       "9ff6449f43eb28ae4003c951",
			Ed25519SeedHex: "c086b95d3acd8236d6ed14d57487c3a44825031a4aad01016715ed736636e060",
		},
		inputs: tg1Inputs{
			CourierID:      "sim-east",
			TrackingNumber: "se 1234-5678.90",
			FactorKind:     FactorNone,
			BucketBits:     0,
			RecordSize:     1536,
			Version:        1,
			ExpiresAt:      "2030-01-01T00:00:00Z",
			ViewJSON:       `{"courier":"sim-east","tracking_number":"SE1234567890","status":"info_received","events":[{"time":"2029-12-01T08:00:00Z","status":"info_received","description":"Shipment information received"}],"updated_at":"2029-12-01T08:00:00Z"}`,
			SignedAtUnix:   1893456000,
		},
		call: callPublish,
	},
	{
		name:        "factor-phone-last4-bucket-bits-12",
		description: "Courier requiring phone_last4 (a factor with a leading zero); bucket_bits 12; expires_at with a +08:00 offset, kept as written; signed request: the gateway asks the courier host to evaluate the blinded element.",
		seeds: tg1Seeds{
			OPRFKeySeedHex: "502f90d16e7fc9250b108748df700b78a209e649cac3bda205e51f7e686d6c6a",
			BlindHex:       "e190f7b6b0ec850732adefd65fcf7979e0cf5656259b32fa42f374720645c804",
			ProofRHex:      "3cfc945d918cb52027de1a06a30125d5326d899ade7dc0758e91eb21df022e03",
			NonceHex:       "6013dd2969d75b4a7cb0c66d",
			Ed25519SeedHex: "aa94e0352b2b7a5d80a821268a34b23be9283710d9a9aa2f059c30483d7b0410",
		},
		inputs: tg1Inputs{
			CourierID:      "kuai-post",
			TrackingNumber: "kp-2024.0815.7731",
			FactorKind:     FactorPhoneLast4,
			Factor:         "0042",
			BucketBits:     12,
			RecordSize:     1536,
			Version:        7,
			ExpiresAt:      "2030-06-30T23:59:59+08:00",
			ViewJSON:       `{"courier":"kuai-post","tracking_number":"KP202408157731","status":"in_transit","eta":{"from":"2030-06-02T09:00:00+08:00","to":"2030-06-02T18:00:00+08:00"},"events":[{"time":"2030-06-01T10:15:00+08:00","status":"in_transit","description":"Departed sorting centre","location":{"city":"Hangzhou","region":"Zhejiang","country":"CN"}}],"updated_at":"2030-06-01T10:15:00+08:00"}`,
			SignedAtUnix:   1906000000,
		},
		call: callEvaluate,
	},
	{
		name:        "factor-phone-last4-bucket-bits-24",
		description: "Courier requiring phone_last4; bucket_bits 24 (the maximum); version 2^53-1, the largest integer a JavaScript number holds exactly; signed request: the gateway fetches the record's bucket from a pull-mode courier host (GET, empty body).",
		seeds: tg1Seeds{
			OPRFKeySeedHex: "33eb64e6025eeda255be751797beea00576cb7c4575926c6092301421192c69f",
			BlindHex:       "3edc929285d3979c12afc9b5de2faafd19525135f410d75b361800d9e1d07109",
			ProofRHex:      "35c182523a969471889fc901383d370597488fc688a19ffa38296062ad274502",
			NonceHex:       "6181923329fe0616b9a9e5a8",
			Ed25519SeedHex: "04265848ec5138bdf76198aa40b2da2a8618cd7d5fcbbc7cd62a7a91239a31dc",
		},
		inputs: tg1Inputs{
			CourierID:      "nordpost",
			TrackingNumber: "NP 000 000 001",
			FactorKind:     FactorPhoneLast4,
			Factor:         "9310",
			BucketBits:     24,
			RecordSize:     1536,
			Version:        1<<53 - 1,
			ExpiresAt:      "2031-03-15T12:00:00+01:00",
			ViewJSON:       `{"courier":"nordpost","tracking_number":"NP000000001","status":"delivered","events":[{"time":"2031-02-01T09:00:00+01:00","status":"out_for_delivery","description":"Out for delivery"},{"time":"2031-02-01T13:42:00+01:00","status":"delivered","description":"Delivered to a parcel locker","location":{"city":"Malmö","country":"SE"}}],"updated_at":"2031-02-01T13:42:00+01:00"}`,
			SignedAtUnix:   1927000000,
		},
		call: callBucket,
	},
	{
		name:        "long-number-40-chars",
		description: "A 40-character number (the maximum) typed in lower case with separators; factor none; bucket_bits 24; a view over 512 bytes, padded like the others to the case's record_size; signed request: the gateway fetches one record by locator (GET, empty body).",
		seeds: tg1Seeds{
			OPRFKeySeedHex: "1cfe9ae0ceb349b70bb6bcb93ea5d5ee18d7fe1f80474d3218030a069553b507",
			BlindHex:       "3dd3944f8de5eff52840d091662f41db35853b929c4eb5a146f7acd099cee10f",
			ProofRHex:      "ec748c86e50480d63466a979d668565649d8263f3550b5ae11f656364442a501",
			NonceHex:       "5a7fac165669b7aede0fb5f6",
			Ed25519SeedHex: "57b3856378ae683e2755ac9cfec135d1bdba8152b36839905aa385176a13efff",
		},
		inputs: tg1Inputs{
			CourierID:      "sim-west",
			TrackingNumber: "1z 999 aa1 0123 4567 84-abcdefghij.klmnopqrst-uv",
			FactorKind:     FactorNone,
			BucketBits:     24,
			RecordSize:     1536,
			Version:        42,
			ExpiresAt:      "2030-12-31T23:59:59-05:00",
			ViewJSON: `{"courier":"sim-west","tracking_number":"1Z999AA10123456784ABCDEFGHIJKLMNOPQRSTUV","status":"out_for_delivery","substatus":"on_vehicle",` +
				`"events":[{"time":"2030-12-01T06:00:00-05:00","status":"info_received","description":"Label created"},` +
				`{"time":"2030-12-01T19:30:00-05:00","status":"in_transit","description":"Picked up","location":{"city":"Louisville","region":"KY","country":"US"}},` +
				`{"time":"2030-12-02T03:10:00-05:00","status":"in_transit","description":"Arrived at facility","location":{"city":"Chicago","region":"IL","country":"US"}},` +
				`{"time":"2030-12-03T07:45:00-05:00","status":"out_for_delivery","description":"Out for delivery","location":{"city":"Madison","region":"WI","country":"US"}}],` +
				`"handoffs":[{"courier":"sim-east","tracking_number":"SE1234567890"}],"updated_at":"2030-12-03T07:45:00-05:00"}`,
			SignedAtUnix: 1922000000,
		},
		call: callRecord,
	},
}

func TestTG1VectorSpecsCoverRequiredCases(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range tg1CaseSpecs {
		seen["factor "+s.inputs.FactorKind] = true
		seen["bits "+strconv.Itoa(s.inputs.BucketBits)] = true
		if tn, err := NormalizeTrackingNumber(s.inputs.TrackingNumber); err == nil && len(tn) == 40 {
			seen["40-char number"] = true
		}
	}
	for _, want := range []string{"factor none", "factor phone_last4", "bits 0", "bits 12", "bits 24", "40-char number"} {
		if !seen[want] {
			t.Errorf("no vector case with %s", want)
		}
	}
}
