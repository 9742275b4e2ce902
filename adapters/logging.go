package adapters

import (
	"context"
	"log/slog"
	"sync/atomic"
)

// LoggerSetter is an optional ability of a Source that logs. Its courier
// host calls SetLogger once, before it calls anything else of the Source,
// with the host's own logger, so that the adapter's lines come out in the
// host's format (text or JSON), at its level and with its attributes,
// beside the host's. A Factory is given no logger: an adapter that logs
// while it opens, or from goroutines it starts then, can log through a
// LogSwitch and point it at the host's logger in SetLogger.
//
// Like every line of a courier host, an adapter's lines hold counts,
// durations and classes of errors: never a tracking number, a factor, an
// event or an error text that may name a parcel.
type LoggerSetter interface {
	SetLogger(l *slog.Logger)
}

// LogSwitch is a logger whose lines go to whichever logger was set last:
// an adapter hands Logger to what it starts at open, and Set redirects
// every line from then on, those of loggers derived with With included.
// It is safe for concurrent use.
type LogSwitch struct {
	target atomic.Pointer[slog.Logger]
}

// NewLogSwitch returns a switch that logs to initial (nil: nowhere) until
// Set is called.
func NewLogSwitch(initial *slog.Logger) *LogSwitch {
	s := &LogSwitch{}
	s.Set(initial)
	return s
}

// Set sends every later line to l (nil: nowhere).
func (s *LogSwitch) Set(l *slog.Logger) {
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	s.target.Store(l)
}

// Logger returns a logger that follows the switch.
func (s *LogSwitch) Logger() *slog.Logger { return slog.New(switchHandler{s: s}) }

// switchHandler passes records to the switch's current logger, applying
// the attributes and groups it was derived with there.
type switchHandler struct {
	s *LogSwitch
	// derive replays With and WithGroup, in order, on the current handler.
	derive []func(slog.Handler) slog.Handler
}

func (h switchHandler) current() slog.Handler {
	out := h.s.target.Load().Handler()
	for _, d := range h.derive {
		out = d(out)
	}
	return out
}

func (h switchHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.s.target.Load().Handler().Enabled(ctx, level)
}

func (h switchHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.current().Handle(ctx, r)
}

func (h switchHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return h.with(func(t slog.Handler) slog.Handler { return t.WithAttrs(attrs) })
}

func (h switchHandler) WithGroup(name string) slog.Handler {
	return h.with(func(t slog.Handler) slog.Handler { return t.WithGroup(name) })
}

func (h switchHandler) with(d func(slog.Handler) slog.Handler) slog.Handler {
	derive := make([]func(slog.Handler) slog.Handler, len(h.derive), len(h.derive)+1)
	copy(derive, h.derive)
	return switchHandler{s: h.s, derive: append(derive, d)}
}
