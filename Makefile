# spinlog: the two promises are `make demo` and `make test`.
PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 30

.PHONY: all deps build demo test test-asan check-asan fuzz install clean bench

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD) --prefix=$(PREFIX)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: build
	scripts/demo

# Both engines: the whole suite on SQLite, then again on a private
# PostgreSQL cluster (issue 12); SPINLOG_TEST_STORE=sqlite for SQLite alone.
test: build
	BUILD_DIR=$(BUILD) SPINLOG_TEST_STORE=$${SPINLOG_TEST_STORE:-both} scripts/run-tests

# The same tests on an AddressSanitizer + UBSan build, SQLite only: the
# PostgreSQL engine's code still runs under ASan in t1201 (which always
# uses a private cluster), and a second sanitized pass would add ~10 min.
$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

test-asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	BUILD_DIR=$(ASAN_BUILD) SPINLOG_ASAN=1 SPINLOG_TEST_STORE=sqlite scripts/run-tests

# libFuzzer targets (tests/fuzz) on a clang ASan+UBSan build, each run for
# FUZZ_SECONDS; fails on any crash (scripts/run-fuzz says where it is kept).
$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debugoptimized

fuzz: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)
	FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/run-fuzz

bench: build
	BUILD_DIR=$(BUILD) scripts/run-bench

install: build
	meson configure $(BUILD) --prefix=$(PREFIX) >/dev/null
	ninja -C $(BUILD)
	DESTDIR=$(DESTDIR) meson install -C $(BUILD) --no-rebuild

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
