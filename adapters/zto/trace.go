package zto

import (
	"encoding/json"

	"github.com/trackgate/trackgate/adapters/chinatrace"
)

// trace is one scan of a parcel. The two services share most names:
// the track query has scanSite as an object with the site's city and
// province and scanDate in milliseconds; traceInterfaceNewTraces has
// scanSite as the site's name, scanCity and scanProv beside it, and
// scanDate as China time. Every field of personal data is listed so
// that its value can be taken out of desc (see redact).
type trace struct {
	BillCode string          `json:"billCode"`
	ScanType string          `json:"scanType"`
	ScanDate chinatrace.Time `json:"scanDate"`
	Desc     string          `json:"desc"`
	ScanSite site            `json:"scanSite"`
	ScanCity string          `json:"scanCity"`
	ScanProv string          `json:"scanProv"`

	// Personal data: couriers, signers and their phones.
	SignMan           string `json:"signMan"`
	DispOrRecMan      string `json:"dispOrRecMan"`
	DispOrRecManPhone string `json:"dispOrRecManPhone"`
	OperateUser       string `json:"operateUser"`
	OperateUserPhone  string `json:"operateUserPhone"`
	Contacts          string `json:"contacts"`
	ContactsTel       string `json:"contactsTel"`
}

// site is a scan site: an object in the track query, a name in
// traceInterfaceNewTraces.
type site struct {
	Name  string `json:"name"`
	City  string `json:"city"`
	Prov  string `json:"prov"`
	Phone string `json:"phone"`
}

func (s *site) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err == nil {
		*s = site{Name: name}
		return nil
	}
	type plain site
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		*s = site{} // a site of another shape is no site
		return nil
	}
	*s = site(p)
	return nil
}
