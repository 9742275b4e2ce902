# The few verbs people type. `make test` is the whole suite, as CI runs it.
GO      ?= go
PKGS    ?= ./...
FUZZTIME ?= 20s
# Where the tests' artifacts (the browser tests' screenshots) are kept.
ARTIFACTS ?= $(or $(TMPDIR),/tmp)/trackgate-test-artifacts

.PHONY: test web-test openapi-test tools bench fuzz lint run

## test: install missing tools, vet, then every test with the race detector, and the JavaScript client's (what .ci/run calls)
test: tools web-test openapi-test
	$(GO) vet $(PKGS)
	@mkdir -p $(ARTIFACTS)
	$(GO) test -race -count=1 -timeout 20m -artifacts -outputdir $(ARTIFACTS) $(PKGS)
	@echo "screenshots and other test artifacts: $(ARTIFACTS)"

## web-test: the JavaScript tg1 client in gateway/web: locked dependencies, its tests (vectors, end to end against `go run ./cmd/trackgate serve`), and the committed bundle rebuilt from its sources
web-test: tools
	cd gateway/web && npm ci --no-audit --no-fund
	cd gateway/web && node --test test/*.test.js
	cd gateway/web && node build.mjs --check

## openapi-test: tg1.yaml against Redocly CLI's recommended rules (warnings fail too: openapi/viewer/redocly.yaml), and the committed /docs viewer rebuilt from its sources
openapi-test: tools
	cd openapi/viewer && npm ci --no-audit --no-fund --ignore-scripts
	cd openapi/viewer && REDOCLY_TELEMETRY=off npx --no-install redocly lint ../tg1.yaml
	cd openapi/viewer && node build.mjs --check

## tools: install what the suite needs (redis-server, node and npm, chromium) when it is missing
tools:
	@.ci/ensure-tools

## bench: the benchmarks of the crypto core, the courier host and the gateway
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./crypto/... ./gateway/...

## fuzz: each fuzz target for FUZZTIME
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$f"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

## lint: formatting and vet
lint:
	@test -z "$$(gofmt -l .)" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) vet $(PKGS)

## run: the embedded default gateway on 127.0.0.1:8080
run:
	$(GO) run ./cmd/trackgate serve
