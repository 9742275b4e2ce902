package signing

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/problem"
)

// TestSignAnswersSignsEveryAnswer: whatever answers, a handler, a
// middleware's problem, a missing route or a panic turned into a 500,
// the answer leaves signed over its status, body and the request's nonce.
func TestSignAnswersSignsEveryAnswer(t *testing.T) {
	pub, priv := newKey(t)
	e := gin.New()
	e.Use(SignAnswers(testAudience, priv), gin.CustomRecovery(func(c *gin.Context, _ any) {
		problem.Abort(c, http.StatusInternalServerError, "failed")
	}))
	e.NoRoute(func(c *gin.Context) { problem.Abort(c, http.StatusNotFound, "There is no such resource.") })
	e.GET("/ok", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"keys": []int{}}) })
	e.GET("/refused", func(c *gin.Context) { problem.Abort(c, http.StatusUnauthorized, "no") })
	e.GET("/empty", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	e.GET("/panic", func(*gin.Context) { panic("boom") })
	e.GET("/status-after-body", func(c *gin.Context) {
		c.String(http.StatusOK, "a")
		c.Status(http.StatusTeapot) // too late: the 200 stands, as without signing
	})
	srv := httptest.NewServer(e)
	defer srv.Close()

	for _, tt := range []struct {
		path   string
		status int
	}{{"/ok", 200}, {"/refused", 401}, {"/empty", 204}, {"/panic", 500}, {"/nowhere", 404}, {"/status-after-body", 200}} {
		t.Run(tt.path, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+tt.path, nil)
			nonce := crypto.EncodeB64([]byte("0123456789abcdef"))
			req.Header.Set(crypto.HeaderNonce, nonce)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if err := VerifyAnswer(pub, testAudience, nonce, resp, body); err != nil {
				t.Errorf("answer does not verify: %v", err)
			}
			if err := VerifyAnswer(pub, testAudience, crypto.EncodeB64([]byte("fedcba9876543210")), resp, body); !errors.Is(err, crypto.ErrBadSignature) {
				t.Errorf("answer verifies for another request's nonce: %v", err)
			}
			if err := VerifyAnswer(pub, "sim-west", nonce, resp, body); !errors.Is(err, crypto.ErrBadSignature) {
				t.Errorf("answer verifies as another courier's: %v", err)
			}
			if tt.status == http.StatusOK {
				if err := VerifyAnswer(pub, testAudience, nonce, resp, append(body, ' ')); !errors.Is(err, crypto.ErrBadSignature) {
					t.Errorf("a changed body verifies: %v", err)
				}
			}
		})
	}
}

func TestVerifyAnswerRefusesAnUnsignedAnswer(t *testing.T) {
	pub, _ := newKey(t)
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}}
	if err := VerifyAnswer(pub, testAudience, "n", resp, []byte("{}")); !errors.Is(err, crypto.ErrBadSignature) {
		t.Errorf("unsigned answer: %v", err)
	}
}
