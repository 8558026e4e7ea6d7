# The two commands of the README:
#   make notebook   set up what is missing, then start Jupyter on notebooks/
#   make test       set up, then build, vet, cross-check, unit tests and every
#                   notebook executed headless in quick mode
# and:
#   make reproduce  set up, then execute every notebook in full mode; the
#                   executed notebooks and their HTML go to build/reproduce/
#
# Each target's set-up is idempotent (notebooks/setup.sh). Variables: GO,
# PORT and TOKEN (make notebook), NOTEBOOK_TIMEOUT (per notebook).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
PORT ?= 8888
NOTEBOOK_TIMEOUT ?= 10m
REPRODUCE_TIMEOUT ?= 6h
TEST_TIMEOUT ?= 60m

# Never download another toolchain; build GoMLX's pure-Go backend with SIMD.
export GOTOOLCHAIN := local
SIMD := GOEXPERIMENT=simd
# Prints how long a step took.
TIMED := TIMEFORMAT='    (%0Rs)'; time

.PHONY: help setup notebook test build vet crosscheck crosscheck-host unit fuzz reproduce notebooks-quick clean

help:
	@echo "make notebook    set up, then start Jupyter on notebooks/ (prints the URL)"
	@echo "make test        set up, build, vet, GOOS=darwin vet, go test (notebooks in quick mode)"
	@echo "make reproduce   set up, then run every notebook in full mode into build/reproduce/"
	@echo "make setup       only the set-up (packages, Go tools, kernel spec)"

setup:
	@GO=$(GO) notebooks/setup.sh

notebook: setup
	@PORT=$(PORT) notebooks/serve.sh

test: setup
	@$(MAKE) --no-print-directory build vet crosscheck-host unit fuzz

build:
	@echo "==> go build ./..."
	@$(TIMED) $(SIMD) $(GO) build ./...

vet:
	@echo "==> go vet ./..."
	@$(TIMED) $(SIMD) $(GO) vet ./...

# GAN-30: the code also type-checks for macOS. Cross-compiling turns cgo off,
# as on a Mac without Xcode's command line tools: cgo-only imports (go-xla's
# PJRT) must sit behind //go:build cgo. make test runs the host architecture
# only (a cold cross build of GoMLX costs minutes); crosscheck adds arm64.
CROSSCHECK_HINT := { echo "crosscheck failed: if the errors are in go-xla's pjrt, a package imports XLA without //go:build cgo" >&2; exit 1; }

crosscheck-host:
	@echo "==> GOOS=darwin go vet ./..."
	@$(TIMED) GOOS=darwin $(SIMD) $(GO) vet ./... || $(CROSSCHECK_HINT)

crosscheck: crosscheck-host
	@echo "==> GOOS=darwin GOARCH=arm64 go vet ./..."
	@$(TIMED) GOOS=darwin GOARCH=arm64 $(GO) vet ./... || $(CROSSCHECK_HINT)

# Unit tests of every package, plus notebooks/ executing each notebook in
# quick mode (outputs and logs in build/test-notebooks/).
unit:
	@echo "==> go test ./... (notebooks in quick mode)"
	@$(TIMED) GAN_NOTEBOOK_REQUIRE=1 GAN_NOTEBOOK_MODE=quick GAN_NOTEBOOK_TIMEOUT=$(NOTEBOOK_TIMEOUT) \
		GAN_NOTEBOOK_OUT=$(CURDIR)/build/test-notebooks $(SIMD) $(GO) test -timeout $(TEST_TIMEOUT) ./...

# The IDX reader's fuzz target, for a short fixed time (FUZZTIME), on top of
# its seed corpus (data/testdata/fuzz), which go test above already ran.
FUZZTIME ?= 20s
fuzz:
	@echo "==> go test -fuzz FuzzReadIDX ./data ($(FUZZTIME))"
	@$(TIMED) $(SIMD) $(GO) test -run '^$$' -fuzz '^FuzzReadIDX$$' -fuzztime $(FUZZTIME) ./data

reproduce: setup
	@echo "==> every notebook in full mode -> build/reproduce/"
	@$(TIMED) $(SIMD) $(GO) run ./notebooks/cmd/nbrun -mode full -html -strip=false \
		-timeout $(REPRODUCE_TIMEOUT) -out build/reproduce notebooks/*.ipynb

# The notebooks alone, in quick mode, one line per notebook.
notebooks-quick: setup
	@$(TIMED) $(SIMD) $(GO) run ./notebooks/cmd/nbrun -mode quick -timeout $(NOTEBOOK_TIMEOUT) \
		-out build/notebooks-quick notebooks/*.ipynb

clean:
	rm -rf build
