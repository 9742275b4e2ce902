package carrierhttp

import (
	"fmt"
	"net/http"

	"github.com/trackgate/trackgate/adapters"
)

// StatusError classifies an answer whose status is not 200 from a
// carrier that answers every call at one URL with 200 and puts its own
// errors in the body, as Chinese couriers' open platforms do (jdl, zto,
// sfexpress). Do has retried 429 and 5xx already. 401 and 403 refuse the
// credentials, and 404 and 405 say the URL is wrong — url names it in
// the error ("the service URL") — both adapters.ErrMisconfigured;
// anything else is adapters.ErrUnavailable.
func StatusError(status int, url string) error {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Errorf("%w: HTTP %d", adapters.ErrMisconfigured, status)
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		return fmt.Errorf("%w: HTTP %d from %s", adapters.ErrMisconfigured, status, url)
	default:
		return fmt.Errorf("%w: HTTP %d", adapters.ErrUnavailable, status)
	}
}
