# ckpt: `make demo` and `make test` both start by installing the Debian packages the build needs.
APT_PACKAGES := libhdf5-dev zlib1g-dev libopenblas-dev pkg-config
SWIFT ?= swift
CKPT := .build/release/ckpt

.PHONY: deps build demo test clean

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

clean:
	rm -rf .build
