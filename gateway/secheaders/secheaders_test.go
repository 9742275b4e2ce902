package secheaders

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestPolicyWith(t *testing.T) {
	tests := []struct {
		name      string
		directive string
		sources   []string
		want      string
	}{
		{"adds to an existing directive", "style-src", []string{"'unsafe-inline'"}, "style-src 'self' 'unsafe-inline'"},
		{"adds a new directive", "worker-src", []string{"blob:"}, "worker-src blob:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Strict.With(tt.directive, tt.sources...)
			found := false
			for _, d := range got {
				if d == tt.want {
					found = true
				}
			}
			if !found {
				t.Errorf("With(%q) = %q, want a directive %q", tt.directive, got, tt.want)
			}
			if Strict[2] != "style-src 'self'" {
				t.Errorf("With changed Strict: %q", Strict)
			}
		})
	}
}

func TestHTMLSetsHeadersOnErrorsToo(t *testing.T) {
	gin.SetMode(gin.TestMode)
	e := gin.New()
	e.GET("/", HTML(Strict), func(c *gin.Context) { c.String(http.StatusInternalServerError, "failed") })
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	want := map[string]string{
		"Content-Security-Policy": Strict.String(),
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
	}
	for name, value := range want {
		if got := rec.Header().Get(name); got != value {
			t.Errorf("%s: %q, want %q", name, got, value)
		}
	}
}
