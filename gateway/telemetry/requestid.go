package telemetry

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"regexp"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/trace"
)

// RequestIDHeader carries a request's id: answered on every response, and
// taken from a request only when it comes from a trusted proxy.
const RequestIDHeader = "X-Request-Id"

// safeRequestID is what a trusted proxy's id must look like to be kept: a
// short token (a UUID fits), nothing a log reader could mistake for a
// field or that could smuggle a line break.
var safeRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// SafeRequestID reports whether id may be kept as a request id.
func SafeRequestID(id string) bool { return safeRequestID.MatchString(id) }

// NewRequestID returns a fresh random id: 96 bits, 24 hex digits. It is
// random, so it says nothing of the client or the request.
func NewRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

type requestIDKey struct{}

// ContextWithRequestID returns ctx carrying id.
func ContextWithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID is the request id ctx carries, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// RequestIDs is gin middleware giving every request an id: the one a
// trusted proxy sent in X-Request-Id when it is SafeRequestID, else a new
// one. It answers the id in X-Request-Id and puts it in the request's
// context, where the log handler of WithRequestIDs finds it. trusted
// tells whether a request comes from a trusted proxy; nil trusts none.
func RequestIDs(trusted func(*http.Request) bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := ""
		if trusted != nil && trusted(c.Request) {
			if sent := c.GetHeader(RequestIDHeader); SafeRequestID(sent) {
				id = sent
			}
		}
		if id == "" {
			id = NewRequestID()
		}
		c.Header(RequestIDHeader, id)
		c.Request = c.Request.WithContext(ContextWithRequestID(c.Request.Context(), id))
		c.Next()
	}
}

// TrustedPeers returns whether a request's immediate peer is one of
// proxies (IP addresses or CIDRs, as the gateway's trusted_proxies).
func TrustedPeers(proxies []string) (func(*http.Request) bool, error) {
	var prefixes []netip.Prefix
	for _, p := range proxies {
		if prefix, err := netip.ParsePrefix(p); err == nil {
			prefixes = append(prefixes, prefix.Masked())
			continue
		}
		addr, err := netip.ParseAddr(p)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is neither an IP address nor a CIDR", p)
		}
		prefixes = append(prefixes, netip.PrefixFrom(addr, addr.BitLen()))
	}
	return func(r *http.Request) bool {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			return false
		}
		addr, err := netip.ParseAddr(host)
		if err != nil {
			return false
		}
		addr = addr.Unmap()
		for _, p := range prefixes {
			if p.Contains(addr) {
				return true
			}
		}
		return false
	}, nil
}

// WithRequestIDs returns a logger that adds request_id, and trace_id
// while a trace is recorded, to every line logged with a context that
// carries them (InfoContext and the like). A logger already wrapped is
// returned as it is.
func WithRequestIDs(l *slog.Logger) *slog.Logger {
	if _, ok := l.Handler().(contextHandler); ok {
		return l
	}
	return slog.New(contextHandler{l.Handler()})
}

type contextHandler struct{ slog.Handler }

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	id := RequestID(ctx)
	sc := trace.SpanContextFromContext(ctx)
	if id != "" || sc.IsValid() {
		r = r.Clone() // a Record's copies share their attributes
		if id != "" {
			r.AddAttrs(slog.String("request_id", id))
		}
		if sc.IsValid() {
			r.AddAttrs(slog.String("trace_id", sc.TraceID().String()))
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(attrs)}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(name)}
}
