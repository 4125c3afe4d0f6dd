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

# Benchmarks, side by side in one run, printed as one table of every figure
# and ratio with the issue's targets (internal/benchtable; the raw output goes
# to out/bench.txt, the table to out/bench-table.md): contract sync, the
# portfolio, meter and compare pages (p50/p95 of at least 200 requests), the
# contracts export against the sqlite3 shell at 5,000 and 50,000 contracts,
# the time series of BENCH_METERS meters × a year (default 20) against the
# floor and the shell, the meter-year read, the tariff engine. About
# 7 minutes on 2 shared cores.
BENCH_METERS ?= 20
bench:
	@mkdir -p out
	WATTFOLIO_BENCH_METERS=$(BENCH_METERS) $(GO) test -run '^$$' -bench . -benchtime 3x -timeout 60m ./app/web/ ./sync/vendors/epilot/ . | tee out/bench.txt
	$(GO) test -run '^$$' -bench . -count 3 -timeout 30m ./app/tariff/... ./app/compare/ ./db/ | tee -a out/bench.txt
	$(GO) run ./internal/benchtable < out/bench.txt | tee out/bench-table.md

# The time-series benchmark alone at a size of its own (about 15 seconds at
# 20 meters; the issue's full size, BENCH_METERS=500, about 6 minutes on 2
# cores), printed as the same table.
bench-series:
	@mkdir -p out
	cd sync/vendors/epilot && WATTFOLIO_BENCH_METERS=$(BENCH_METERS) $(GO) test -run '^$$' -bench BenchmarkSeries -benchtime 1x -timeout 60m . | tee ../../../out/bench-series.txt
	$(GO) run ./internal/benchtable < out/bench-series.txt | tee out/bench-series-table.md

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
