# Wattfolio. `make demo` runs the app on simulated vendors; `make test` runs the tests.
GO        ?= go
SQLC      := $(GO) tool -modfile=tools/go.mod sqlc
TEMPL     := $(GO) tool templ
DESKTOP_TAGS := desktop,production,webkit2_41

.PHONY: all build demo test vet generate check-generated bench desktop clean

all: build

build:
	$(GO) build -o wattfolio .

demo:
	$(GO) run . demo

# The README's test command: vet, then every test with the race detector.
test: vet
	$(GO) test -race -count=1 ./...

vet:
	$(GO) vet ./...

# Regenerate sqlc's queries and templ's views; the output is committed.
generate:
	$(SQLC) generate
	$(TEMPL) generate

# Fails when the committed generated code differs from what the generators make.
check-generated: generate
	@git diff --exit-code --stat -- db/internal frontend || \
	  (echo "generated code is stale: run 'make generate' and commit the result" >&2; exit 1)
	@test -z "$$(git status --porcelain --untracked-files=all -- db/internal frontend)" || \
	  (git status --porcelain -- db/internal frontend; echo "generate produced untracked files: commit them" >&2; exit 1)

# Benchmarks: a report of sync throughput and page server time (see README).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./sync/engine/... ./app/web/... . | tee out/bench.txt

# The desktop build needs libgtk-3-dev and libwebkit2gtk-4.1-dev (see README).
desktop:
	$(GO) build -tags $(DESKTOP_TAGS) -o build/bin/wattfolio .

clean:
	rm -rf build/bin out wattfolio
