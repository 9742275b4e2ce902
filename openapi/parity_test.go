package openapi

import (
	"fmt"
	"maps"

	"github.com/gin-gonic/gin"

	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/crypto/keystatement"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/delivery"
	"github.com/trackgate/trackgate/gateway/keylog"
	"github.com/trackgate/trackgate/gateway/keylog/verify"
	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/store"
)

// The schemas must name exactly the JSON fields of the Go documents, and
// require exactly those the Go side always writes (no omitempty).
func TestSchemasMatchTheGoDocuments(t *testing.T) {
	doc := mustLoad(t)
	tests := []struct {
		schema string
		goType any
	}{
		{"Directory", api.Directory{}},
		{"CourierEntry", api.CourierEntry{}},
		{"Key", api.Key{}},
		{"Pattern", api.Pattern{}},
		{"KeyLog", api.KeyLog{}},
		{"CourierLog", api.CourierLog{}},
		{"ProvenStatement", api.ProvenStatement{}},
		{"LogProof", api.LogProof{}},
		{"KeysResponse", api.KeysResponse{}},
		{"EvaluateRequest", api.EvaluateRequest{}},
		{"CourierEvaluation", api.CourierEvaluation{}},
		{"EvaluateResponse", api.EvaluateResponse{}},
		{"EvaluateResult", api.EvaluateResult{}},
		{"HostEvaluateRequest", api.HostEvaluateRequest{}},
		{"HostEvaluateResponse", api.HostEvaluateResponse{}},
		{"Records", api.Records{}},
		{"PublishRequest", api.Records{}},
		{"PublishResponse", api.PublishResponse{}},
		{"ItemResult", api.ItemResult{}},
		{"Extension", api.Extension{}},
		{"Withdrawal", api.Withdrawal{}},
		{"PublicRecords", api.PublicRecords{}},
		{"PublicRecord", crypto.PublicRecord{}},
		{"DemoParcels", api.DemoParcels{}},
		{"DemoParcel", api.DemoParcel{}},
		{"LogEntries", api.LogEntries{}},
		{"SealedRecord", crypto.SealedRecord{}},
		{"Problem", problem.Details{}},
		{"TrackingView", adapters.View{}},
		{"TrackingEvent", adapters.Event{}},
		{"SubscriptionRequest", api.SubscriptionRequest{}},
		{"SecretRequest", api.SecretRequest{}},
		{"Subscription", api.Subscription{}},
		{"SubscriptionCounts", api.SubscriptionCounts{}},
		{"SubscriptionList", api.SubscriptionList{}},
		{"DeadLetter", api.DeadLetter{}},
		{"DeadLetters", api.DeadLetters{}},
		{"ReplayRequest", api.ReplayRequest{}},
		{"ReplayResponse", api.ReplayResponse{}},
		{"WebhookDelivery", api.WebhookDelivery{}},
	}
	for _, tt := range tests {
		t.Run(tt.schema, func(t *testing.T) {
			ref := doc.Components.Schemas[tt.schema]
			if ref == nil {
				t.Fatalf("no schema %s", tt.schema)
			}
			var goFields, goRequired []string
			typ := reflect.TypeOf(tt.goType)
			for i := range typ.NumField() {
				name, opts, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
				goFields = append(goFields, name)
				if !strings.Contains(opts, "omitempty") {
					goRequired = append(goRequired, name)
				}
			}
			schemaFields := slices.Sorted(maps.Keys(ref.Value.Properties))
			slices.Sort(goFields)
			if !slices.Equal(schemaFields, goFields) {
				t.Errorf("schema properties %v, Go fields %v", schemaFields, goFields)
			}
			required := slices.Sorted(slices.Values(ref.Value.Required))
			if tt.schema == "PublishRequest" {
				// Any of the three arrays may be left out of a publish.
				goRequired = nil
			}
			slices.Sort(goRequired)
			if !slices.Equal(required, goRequired) {
				t.Errorf("schema requires %v, Go always writes %v", required, goRequired)
			}
		})
	}
}

// The enums must list exactly the values the Go code knows.
func TestEnumsMatchTheGoConstants(t *testing.T) {
	doc := mustLoad(t)
	schemas := doc.Components.Schemas
	var statuses []string
	for _, s := range adapters.Statuses {
		statuses = append(statuses, string(s))
	}
	tests := []struct {
		name string
		enum []any
		want []string
	}{
		{"evaluate result status", schemas["EvaluateResult"].Value.Properties["status"].Value.Enum,
			[]string{api.StatusOK, api.StatusTimeout, api.StatusUnavailable, api.StatusRateLimited, api.StatusInvalid}},
		{"factor", schemas["CourierEntry"].Value.Properties["factor"].Value.Enum, []string{crypto.FactorNone, crypto.FactorPhoneLast4}},
		{"mode", schemas["CourierEntry"].Value.Properties["mode"].Value.Enum, []string{api.ModePush, api.ModePull}},
		{"protocol", schemas["Directory"].Value.Properties["protocol"].Value.Enum, []string{api.Protocol}},
		{"revision", schemas["Directory"].Value.Properties["revision"].Value.Enum, []string{fmt.Sprint(api.Revision)}},
		{"publish item status", schemas["ItemResult"].Value.Properties["status"].Value.Enum, []string{api.ItemStored, api.ItemStale, api.ItemRefused}},
		{"publish limit", schemas["ItemResult"].Value.Properties["limit"].Value.Enum,
			[]string{store.LimitCiphertextBytes, store.LimitCourierRecords, store.LimitCourierBytes, store.LimitCourierBucketBytes}},
		{"suite", schemas["Directory"].Value.Properties["suite"].Value.Enum, []string{crypto.Suite}},
		{"parcel status", schemas["ParcelStatus"].Value.Enum, statuses},
		{"subscription state", schemas["Subscription"].Value.Properties["state"].Value.Enum, []string{delivery.StateActive, delivery.StateEnded}},
		{"subscription end", schemas["Subscription"].Value.Properties["ended_reason"].Value.Enum, []string{delivery.EndedExpired, delivery.EndedDeleted}},
		{"delivery type", schemas["WebhookDelivery"].Value.Properties["type"].Value.Enum, []string{api.DeliveryUpdated, api.DeliveryWithdrawn}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, v := range tt.enum {
				got = append(got, fmt.Sprint(v))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("enum %v, want %v", got, tt.want)
			}
		})
	}
}

// The caps in the document must be the ones the crypto package enforces.
func TestCapsMatchTheCryptoPackage(t *testing.T) {
	doc := mustLoad(t)
	schemas := doc.Components.Schemas
	tests := []struct {
		name string
		max  *uint64
		want int
	}{
		{"couriers per evaluation", schemas["EvaluateRequest"].Value.Properties["requests"].Value.MaxItems, crypto.MaxCouriers},
		{"elements per courier", schemas["CourierEvaluation"].Value.Properties["blinded"].Value.MaxItems, crypto.MaxBatch},
		{"elements per host evaluation", schemas["HostEvaluateRequest"].Value.Properties["blinded"].Value.MaxItems, crypto.MaxBatch},
		{"records per publish", schemas["PublishRequest"].Value.Properties["records"].Value.MaxItems, crypto.MaxPublishSize},
		{"extensions per publish", schemas["PublishRequest"].Value.Properties["extend"].Value.MaxItems, crypto.MaxPublishSize},
		{"withdrawals per publish", schemas["PublishRequest"].Value.Properties["withdraw"].Value.MaxItems, crypto.MaxPublishSize},
		{"dead letters per replay", schemas["ReplayRequest"].Value.Properties["ids"].Value.MaxItems, delivery.MaxDeadLetters},
		{"key log entries per answer", schemas["LogEntries"].Value.Properties["entries"].Value.MaxItems, keylog.MaxEntries},
	}
	for _, tt := range tests {
		if tt.max == nil || *tt.max != uint64(tt.want) {
			t.Errorf("%s: maxItems %v, want %d", tt.name, tt.max, tt.want)
		}
	}
	for name, want := range map[string]int{"Statement": keystatement.MaxSize, "SignedCheckpoint": verify.MaxCheckpointSize} {
		if got := schemas[name].Value.MaxLength; got == nil || *got != uint64(want) {
			t.Errorf("%s: maxLength %v, want %d", name, got, want)
		}
	}
	bits := schemas["Directory"].Value.Properties["bucket_bits"].Value.Max
	if bits == nil || *bits != crypto.MaxBucketBits {
		t.Errorf("bucket_bits maximum %v, want %d", bits, crypto.MaxBucketBits)
	}
	size := schemas["Directory"].Value.Properties["record_size"].Value
	if size.Min == nil || *size.Min != crypto.MinRecordSize || size.Max == nil || *size.Max != crypto.MaxRecordSize ||
		size.MultipleOf == nil || *size.MultipleOf != crypto.BlockSize {
		t.Errorf("record_size: minimum %v, maximum %v, multipleOf %v, want %d, %d, %d",
			size.Min, size.Max, size.MultipleOf, crypto.MinRecordSize, crypto.MaxRecordSize, crypto.BlockSize)
	}
}

func TestRouteDiffFindsBothKindsOfMismatch(t *testing.T) {
	doc, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	served := gin.RoutesInfo{{Method: "GET", Path: "/v1/couriers"}, {Method: "GET", Path: "/v1/secret"}}
	undocumented, unserved := RouteDiff(doc, "gateway", served)
	if len(undocumented) != 1 || undocumented[0] != "GET /v1/secret" {
		t.Fatalf("undocumented %v, want [GET /v1/secret]", undocumented)
	}
	if len(unserved) != len(Operations(doc, "gateway"))-1 {
		t.Fatalf("unserved %v misses documented operations", unserved)
	}
}
