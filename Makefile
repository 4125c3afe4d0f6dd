# Wattfolio. `make demo` runs the app on simulated vendors; `make test` runs the tests.
GO        ?= go
SQLC      := $(GO) tool -modfile=tools/go.mod sqlc
TEMPL     := $(GO) tool templ
DESKTOP_TAGS := desktop,production,webkit2_41

.PHONY: all build demo test fuzz vet generate check-generated bench bench-series desktop e2e e2e-desktop clean

all: build

build:
	$(GO) build -o wattfolio .

demo:
	$(GO) run . demo

# The README's test command: vet, then every test with the race detector.
test: vet
	$(GO) test -race -count=1 -timeout 25m ./...

# A short run of every fuzz test, FUZZTIME each (see .ci/fuzz). The
# committed corpora under testdata/fuzz also run in `make test`.
FUZZTIME ?= 8s
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) bash .ci/fuzz

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
# The epilot time-series table sizes itself by WATTFOLIO_BENCH_METERS (default 20;
# the issue's full size is 500).
bench:
	@mkdir -p out
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./sync/engine/... ./app/web/... ./sync/vendors/epilot/ . | tee out/bench.txt
	$(GO) test -run '^$$' -bench . -benchmem -count 3 ./app/tariff/... ./app/compare/ | tee -a out/bench.txt

# The time-series report (about 15 seconds on 2 cores at 20 meters; the
# issue's full size, BENCH_METERS=500, takes about 4.5 minutes).
BENCH_METERS ?= 100
bench-series:
	@mkdir -p out
	cd sync/vendors/epilot && WATTFOLIO_BENCH_METERS=$(BENCH_METERS) $(GO) test -run '^$$' -bench BenchmarkSeries -benchtime 1x -timeout 60m . | tee ../../../out/bench-series.txt

# The desktop build needs libgtk-3-dev and libwebkit2gtk-4.1-dev (see README).
# webkit2_41 is required: WebKitGTK's older path drops request bodies and headers.
desktop:
	$(GO) build -tags $(DESKTOP_TAGS) -o build/bin/wattfolio .

# Browser end-to-end test: wattfolio serve driven in Debian's /usr/bin/chromium
# through the DevTools protocol (chromedp, a Go module). Screenshots go to out/e2e/.
e2e: build
	cd e2e && WATTFOLIO_BIN=$(CURDIR)/wattfolio $(GO) test -tags e2e -count=1 -run TestBrowser -v .

# Desktop end-to-end test: the desktop build under Xvfb, driven with xdotool
# (needs xvfb, xdotool, imagemagick). Screenshots go to out/e2e/.
e2e-desktop: desktop
	cd e2e && WATTFOLIO_DESKTOP_BIN=$(CURDIR)/build/bin/wattfolio $(GO) test -tags e2e -count=1 -run TestDesktop -v .

clean:
	rm -rf build/bin out wattfolio

# Release artefacts in build/release/ (see README, "Releases and installing"):
# make release VERSION=x.y.z; without VERSION, the tag on HEAD or the VERSION file.
.PHONY: release
release:
	GO="$(GO)" VERSION="$(VERSION)" build/release.sh
