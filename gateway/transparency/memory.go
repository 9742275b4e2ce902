package transparency

import (
	"context"
	"sync"
	"time"
)

// Memory is the Recorder of the embedded default and of a gateway without
// Redis: the counts live in this process and are lost when it stops. Days
// older than Retention are dropped.
type Memory struct {
	mu   sync.Mutex
	days map[string]map[string]int64 // date -> field -> count
	// oldest is the earliest date kept, checked once a day.
	oldest string
}

var _ Recorder = (*Memory)(nil)

// NewMemory returns an empty Memory.
func NewMemory() *Memory {
	return &Memory{days: map[string]map[string]int64{}}
}

// Add implements Recorder.
func (m *Memory) Add(_ context.Context, day time.Time, scope Scope, metric string, n int64) {
	f := field(scope, metric)
	if f == "" || n <= 0 {
		return
	}
	date := dayOf(day).Format(DateLayout)
	m.mu.Lock()
	defer m.mu.Unlock()
	counts := m.days[date]
	if counts == nil {
		counts = map[string]int64{}
		m.days[date] = counts
		m.forget(day)
	}
	counts[f] += n
}

// forget drops the days past Retention before day; called when a new day
// starts being counted.
func (m *Memory) forget(day time.Time) {
	oldest := dayOf(day).Add(-Retention).Format(DateLayout)
	if oldest <= m.oldest {
		return
	}
	m.oldest = oldest
	for date := range m.days {
		if date < oldest {
			delete(m.days, date)
		}
	}
}

// Report implements Recorder.
func (m *Memory) Report(_ context.Context, from, to time.Time) (Report, error) {
	if err := CheckRange(from, to); err != nil {
		return Report{}, err
	}
	names := dates(from, to)
	counts := make([]map[string]int64, len(names))
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, date := range names {
		counts[i] = m.days[date] // newReport only reads it
	}
	return newReport(names, counts), nil
}
