package carrierhttp

import (
	"errors"
	"testing"

	"github.com/trackgate/trackgate/adapters"
)

func TestStatusError(t *testing.T) {
	cases := []struct {
		status int
		want   error
		text   string
	}{
		{401, adapters.ErrMisconfigured, "HTTP 401"},
		{403, adapters.ErrMisconfigured, "HTTP 403"},
		{404, adapters.ErrMisconfigured, "HTTP 404 from the service URL"},
		{405, adapters.ErrMisconfigured, "HTTP 405 from the service URL"},
		{400, adapters.ErrUnavailable, "HTTP 400"},
		{302, adapters.ErrUnavailable, "HTTP 302"},
	}
	for _, tc := range cases {
		err := StatusError(tc.status, "the service URL")
		if !errors.Is(err, tc.want) || err.Error() != tc.want.Error()+": "+tc.text {
			t.Errorf("StatusError(%d) = %v; want %v: %s", tc.status, err, tc.want, tc.text)
		}
	}
}
