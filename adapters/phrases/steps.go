package phrases

import "github.com/trackgate/trackgate/adapters"

// Substatuses of Steps, as SF's opCodes and JD's and ZTO's scan types
// name them.
const (
	ArrivedAtFacility = "arrived_at_facility"
	DepartedFacility  = "departed_facility"
)

// Steps tells where a parcel in transit is on its road: at a site (one
// that reached a site and is to leave it is still there), or leaving one.
// It is for carriers whose codes say so, that their texts say it alike
// when a code is missing; it refines an in-transit class (Step) and is no
// table to classify with: "已到达【菜鸟驿站】" is a parcel waiting for its
// recipient, which Common tells first.
var Steps = Table{
	{Class: Class{adapters.StatusInTransit, ArrivedAtFacility}, Phrases: []string{
		"arrived at", "arrival at", "到达", "到件",
	}},
	{Class: Class{adapters.StatusInTransit, DepartedFacility}, Phrases: []string{
		"departed", "departure", "left the facility", "发往", "已发出", "离开", "发车", "发件",
	}},
}

// Step refines c, when it is a plain in-transit class, with the step of
// the road text names (Steps); any other class is returned as it is.
func Step(c Class, text string) Class {
	if c != (Class{Status: adapters.StatusInTransit}) {
		return c
	}
	return Steps.Refine(c, text, adapters.StatusInTransit)
}
