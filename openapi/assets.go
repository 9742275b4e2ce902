package openapi

import (
	"embed"
	"fmt"
	"sync"
	"time"

	"github.com/trackgate/trackgate/gateway/static"
)

// viewerDist is openapi/viewer/dist: Swagger UI and our files around it,
// built by openapi/viewer/build.mjs and committed.
//
//go:embed viewer/dist
var viewerDist embed.FS

// viewerCaching: the viewer changes only with the gateway's version, so
// caches keep its files for an hour and revalidate them by ETag after.
var viewerCaching = static.Policy{MaxAge: time.Hour}

// viewerAssets reads, hashes and compresses viewerDist once per process,
// on the first request for one of its files. It panics when viewerDist
// holds a file of an unknown kind, which the tests would catch first.
var viewerAssets = sync.OnceValue(func() static.Set {
	set, err := static.Load(viewerDist, "viewer/dist")
	if err != nil {
		panic(fmt.Sprintf("openapi: %v", err))
	}
	return set
})
