package phrases

import "testing"

func BenchmarkClassify(b *testing.B) {
	texts := []string{"快件交给徐少华，正在派送途中（联系电话：13810624535）", "Customs clearance status updated. Note - The Customs clearance process may start while the shipment is in transit to the destination.", "Warehouse Scan"}
	for b.Loop() {
		for _, s := range texts {
			Classify(s)
		}
	}
}
