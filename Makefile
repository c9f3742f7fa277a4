# fieldvault build and test tasks. `make test` is what CI runs.

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS  := -s -w -X main.version=$(VERSION)
BUILD    := CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)'
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

# A count, not a duration: Go 1.26's fuzz coordinator can fail a target with
# "context deadline exceeded" when a duration ends mid-run (go.dev/issue/75804).
FUZZEXECS ?= 100000x

.PHONY: all build test lint bench fuzz stress mutate cross man completion clean

all: build

## build: the fieldvault binary for this machine, in bin/
build:
	$(BUILD) -o bin/fieldvault ./cmd/fieldvault

## man: the man pages, in man/man1 (English) and man/id/man1 (Bahasa
## Indonesia), dated by the last commit so the same source gives the same pages
man:
	rm -rf man
	SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct 2>/dev/null || echo 0) \
	  $(GO) run -ldflags '-X main.version=$(VERSION)' ./cmd/fieldvault gen-man man

## completion: shell completion scripts for bash, zsh, fish and PowerShell, in completion/
completion:
	mkdir -p completion
	for sh in bash zsh fish powershell; do $(GO) run ./cmd/fieldvault completion $$sh > completion/fieldvault.$$sh; done

## test: every unit and end-to-end test
test:
	$(GO) test -count=1 -timeout 30m ./...

## lint: formatting, go vet (for Linux, Windows and macOS), staticcheck, and a tidy go.mod
lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	GOOS=windows $(GO) vet ./...
	GOOS=darwin $(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	$(GO) mod tidy -diff

## bench: every speed and memory budget, measured, in one table
bench:
	@{ $(GO) test -run '^$$' -bench 'PutRecord|List100k' -benchtime 20x ./vault; \
	   $(GO) test -run '^$$' -bench Rekey10k -benchtime 3x ./vault; \
	   $(GO) test -run '^$$' -bench Erase100k -benchtime 3x ./vault; \
	   $(GO) test -run '^$$' -bench . -benchtime 3x ./intake; \
	   $(GO) test -run '^$$' -bench ExportImport10k -benchtime 8x ./sync; \
	   $(GO) test -run '^$$' -bench Memory100k -benchtime 1x -timeout 30m ./sync; \
	   $(GO) run ./testdata/bench/bulkbench; \
	 } | grep '^Benchmark' | awk -f .ci/benchtable.awk

## fuzz: every decoder, FUZZEXECS inputs each (the seed corpus runs in `make test`).
## Minimizing is capped: a large seed otherwise spends the whole run shrinking one input.
FUZZ = $(GO) test -run '^$$' -fuzztime $(FUZZEXECS) -fuzzminimizetime 1000x -fuzz
fuzz:
	$(FUZZ) '^FuzzParse$$' ./schema
	$(FUZZ) '^FuzzExpression$$' ./schema/xlsform
	$(FUZZ) '^FuzzApplyAnswers$$' ./intake
	$(FUZZ) '^FuzzTable$$' ./intake
	$(FUZZ) '^FuzzBodyAnswers$$' ./intake
	$(FUZZ) '^FuzzParseManifest$$' ./sync
	$(FUZZ) '^FuzzParseCard$$' ./sync
	$(FUZZ) '^FuzzCheck$$' ./sync
	$(FUZZ) '^FuzzFastSummary$$' ./vault
	$(FUZZ) '^FuzzMayLeave$$' ./vault
	$(FUZZ) '^FuzzDecryptSmall$$' ./vault

## stress: 300 SIGKILLs of real fieldvault processes (CI runs 30 in make test)
stress:
	FIELDVAULT_KILLS=300 $(GO) test -count=1 -run TestCrashSafety -timeout 90m -v ./cmd/fieldvault

## mutate: mutation testing of the library packages with their own tests
## (gremlins; slow: about half an hour a package on two cores, so not in CI)
GREMLINS := github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
mutate:
	for p in vault sync intake schema; do \
	  $(GO) run $(GREMLINS) unleash --workers 1 --timeout-coefficient 5 ./$$p || exit 1; \
	done

## cross: release builds for the laptops fieldvault runs on
cross:
	GOOS=linux   GOARCH=amd64 $(BUILD) -o bin/fieldvault-linux-amd64 ./cmd/fieldvault
	GOOS=windows GOARCH=amd64 $(BUILD) -o bin/fieldvault-windows-amd64.exe ./cmd/fieldvault
	GOOS=darwin  GOARCH=arm64 $(BUILD) -o bin/fieldvault-darwin-arm64 ./cmd/fieldvault

clean:
	rm -rf bin man completion
