# ckpt: `make demo` and `make test` both start by installing the Debian packages the build needs.
# chromium: the report tests open `ckpt report`'s pages in a real headless browser (Tests/CkptCLITests/ReportBrowserTests).
APT_PACKAGES := libhdf5-dev zlib1g-dev libopenblas-dev pkg-config chromium
SWIFT ?= swift
CKPT := .build/release/ckpt

.PHONY: deps build demo test bench screenshots clean fuzz fuzz-build sanitize

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --product ckpt

demo: build
	@CKPT=$(CKPT) sh scripts/demo.sh

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) build --product ckpt
	$(SWIFT) test --skip-build --parallel --num-workers 2

# Every side-by-side benchmark against PyTorch and cp, one Markdown table of ratios (Benchmarks/README.md). The
# reference side: python3 -m pip install -r Benchmarks/requirements.txt (rows needing it are skipped without it).
bench: deps
	bash Benchmarks/run.sh

# In-process fuzzing (Fuzz/README.md): libFuzzer + AddressSanitizer, every target for FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
fuzz-build: deps
	$(SWIFT) build --package-path Fuzz -c release --sanitize=address -Xswiftc -sanitize=fuzzer -Xcc -fsanitize=fuzzer-no-link

fuzz: fuzz-build
	@python3 Fuzz/seeds.py > /dev/null
	python3 Fuzz/run.py --seconds $(FUZZ_SECONDS)

# The test suite under AddressSanitizer (Swift and C) and UndefinedBehaviorSanitizer (the C targets: swiftc has no
# -sanitize=undefined on Linux; Swift traps on overflow by itself), in a build folder of its own; the CLI tests run
# the sanitized ckpt binary, with Fuzz/lsan.supp (what it lists lives for the process); print_suppressions=0 keeps
# LeakSanitizer's table of suppressed allocations out of the stderr the CLI tests compare.
SANITIZE_FLAGS := --scratch-path .build-sanitize --sanitize=address -Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=undefined
sanitize: deps
	$(SWIFT) build --build-tests $(SANITIZE_FLAGS)
	$(SWIFT) build --product ckpt $(SANITIZE_FLAGS)
	LSAN_OPTIONS=suppressions=$(CURDIR)/Fuzz/lsan.supp:print_suppressions=0 CKPT_TEST_BINARY=$(CURDIR)/.build-sanitize/debug/ckpt \
	  $(SWIFT) test --skip-build $(SANITIZE_FLAGS) --parallel --num-workers 2

# The README's two report screenshots (docs/report.png, docs/diff.png), taken by the browser tests themselves.
screenshots: deps
	$(SWIFT) build --build-tests
	$(SWIFT) build --product ckpt
	CKPT_SCREENSHOTS=docs $(SWIFT) test --skip-build --filter ReportBrowserTests

clean:
	rm -rf .build .build-sanitize Fuzz/.build
