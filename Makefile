# walletwatch — see README.md. Objects go to build/, the sensor to ./walletwatch.
CC      ?= cc
PREFIX  ?= /usr/local
PKGS    := libpcap libpcre2-8 json-c libcrypto libhs zlib
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
WARN    := -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
DEPCFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
DEPLIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lnids
ALL_CFLAGS = $(WARN) $(CFLAGS) $(SAN) $(DEPCFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SAN)

BUILD   ?= build
LIB_SRC := $(sort $(wildcard plugin/util/*.c plugin/decode/*.c plugin/stream/*.c plugin/app/*.c plugin/detect/*.c plugin/detectors/*.c \
                              plugin/output/*.c plugin/engine/*.c plugin/capture/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
SENSOR_SRC := $(wildcard plugin/sensor/*.c)
SENSOR_OBJ := $(SENSOR_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test-*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(wildcard tools/*.c)
TOOL_BIN := $(TOOL_SRC:tools/%.c=$(BUILD)/tools/%)

.PHONY: all test unit test-golden test-pcaps test-live test-workers test-corpus sanitize deps install clean bench fmt

all: walletwatch $(TOOL_BIN)

$(BUILD)/plugin/%.o: plugin/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fvisibility=hidden -fPIC -MMD -MP -c $< -o $@

$(BUILD)/libwalletwatch.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libwalletwatch.so: $(LIB_OBJ)
	$(CC) -shared $(ALL_LDFLAGS) -o $@ $^ $(DEPLIBS)

# The sensor sees only the public header.
$(BUILD)/plugin/sensor/%.o: plugin/sensor/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iplugin/include -DWW_SIGDIR=\"$(PREFIX)/share/walletwatch/signatures\" -MMD -MP -c $< -o $@

walletwatch: $(SENSOR_OBJ) $(BUILD)/libwalletwatch.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(SENSOR_OBJ) $(BUILD)/libwalletwatch.a $(DEPLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libwalletwatch.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iplugin -MMD -MP -o $@ $< $(BUILD)/libwalletwatch.a $(DEPLIBS) -lcmocka $(ALL_LDFLAGS)

# The sensor's ring is not in the library: its test links the object.
$(BUILD)/tests/test-ring: tests/unit/test-ring.c $(BUILD)/plugin/sensor/ring.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iplugin -MMD -MP -o $@ $< $(BUILD)/plugin/sensor/ring.o -lcmocka $(ALL_LDFLAGS)

$(BUILD)/tools/%: tools/%.c $(BUILD)/libwalletwatch.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iplugin -MMD -MP -o $@ $< $(BUILD)/libwalletwatch.a $(DEPLIBS) $(ALL_LDFLAGS)

# Debian packages the build and the tests need (run as root on a fresh machine).
deps:
	tools/install-deps.sh

unit: $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)

test-pcaps: all
	@/usr/bin/python3 tests/run-pcaps.py --bin ./walletwatch pcaps

test-golden: all
	@tests/run-golden.sh ./walletwatch

# Live capture on lo (skipped unless root).
test-live: all
	@/usr/bin/python3 tests/run-live.py ./walletwatch

# --workers 2, then 3, against --workers 1 on every scenario and corpus capture (~8 s).
test-workers: all
	@/usr/bin/python3 tests/run-workers.py --bin ./walletwatch --corpus $(CORPUS) pcaps
	@/usr/bin/python3 tests/run-workers.py --bin ./walletwatch --workers 3 --no-live --corpus $(CORPUS) pcaps
	@tests/run-workers-stress.sh ./walletwatch $(CORPUS)

test: all unit test-golden test-pcaps test-live test-workers
	@echo "make test: all suites passed"

CORPUS ?= ../shared/corpus
test-corpus: all
	@/usr/bin/python3 tests/run-corpus.py --bin ./walletwatch $(CORPUS)

# Alerts expected and raised (true positives, false positives, misses) for every
# pcaps/ scenario, and for each capture of CORPUS when it is given on the command
# line or in the environment (make scorecard CORPUS=../shared/corpus). Exits 0
# whatever the score; fails only when a run crashes.
.PHONY: scorecard
scorecard: all
	@/usr/bin/python3 tools/scorecard.py --bin ./walletwatch \
	    $(if $(filter command line environment,$(origin CORPUS)),--corpus $(CORPUS)) pcaps

# The same tests under AddressSanitizer + UndefinedBehaviorSanitizer, in their own build dir.
sanitize:
	$(MAKE) BUILD=build/san OPT=-O1 SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    WW_BIN=build/san/walletwatch sanitize-run

sanitize-run: $(BUILD)/walletwatch-bin $(UNIT_BIN) $(BUILD)/tools/ww-owner
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 tests/run-unit.sh $(UNIT_BIN)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    tests/run-golden.sh $(BUILD)/walletwatch
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    /usr/bin/python3 tests/run-pcaps.py --bin $(BUILD)/walletwatch pcaps
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    /usr/bin/python3 tests/run-live.py $(BUILD)/walletwatch
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    /usr/bin/python3 tests/run-workers.py --bin $(BUILD)/walletwatch --owner-tool $(BUILD)/tools/ww-owner \
	    --no-live --corpus $(CORPUS) pcaps

$(BUILD)/walletwatch-bin: $(SENSOR_OBJ) $(BUILD)/libwalletwatch.a
	$(CC) $(ALL_LDFLAGS) -o $(BUILD)/walletwatch $(SENSOR_OBJ) $(BUILD)/libwalletwatch.a $(DEPLIBS)
	@touch $@

bench: all
	@tools/bench.sh

install: all $(BUILD)/libwalletwatch.so
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include \
	    $(DESTDIR)$(PREFIX)/share/walletwatch/signatures
	install -m 755 walletwatch $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(BUILD)/libwalletwatch.so $(BUILD)/libwalletwatch.a $(DESTDIR)$(PREFIX)/lib/
	install -m 644 plugin/include/walletwatch.h $(DESTDIR)$(PREFIX)/include/
	cp -r signatures/. $(DESTDIR)$(PREFIX)/share/walletwatch/signatures/

fmt:
	clang-format -i $(LIB_SRC) $(SENSOR_SRC) $(UNIT_SRC) plugin/*/*.h

clean:
	rm -rf build walletwatch

# ---- fuzzing (libFuzzer, clang; see tests/fuzz/README.md) ------------------
# Every library source is compiled again, instrumented, under build/fuzz/obj;
# each harness links against that archive. `make fuzz` runs every target for
# FUZZ_SECONDS from its seed corpus tests/fuzz/corpus/<name>/, writing new
# inputs and crashes under FUZZ_OUT (outside the repo); `make fuzz-regress`
# runs each target once over tests/fuzz/regress/<name>/* and its seeds.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_OUT     ?= /tmp/walletwatch-fuzz
FUZZ_DIR     := build/fuzz
FUZZ_SAN     := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Wshadow $(FUZZ_SAN) $(DEPCFLAGS)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_LIB     := $(FUZZ_DIR)/libwalletwatch-fuzz.a
# one target per parser of app-detect.c's table (chat rides on HTTP: see chat-http)
FUZZ_APP     := http dns-udp dns-tcp tls smtp telnet ftp jsonrpc xmpp irc mqtt websocket
FUZZ_NAMES   := $(FUZZ_APP) wallet-http chat-http decode rule
FUZZ_BIN     := $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz-%)

.PHONY: fuzz fuzz-build fuzz-regress

fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_NAMES:%=fuzz-run-%)

fuzz-regress: $(FUZZ_NAMES:%=fuzz-regress-%)

fuzz-run-%: $(FUZZ_DIR)/fuzz-%
	@tests/fuzz/run.sh fuzz $* $(FUZZ_SECONDS) $(FUZZ_OUT)

fuzz-regress-%: $(FUZZ_DIR)/fuzz-%
	@tests/fuzz/run.sh regress $*

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_APP:%=$(FUZZ_DIR)/fuzz-%): $(FUZZ_DIR)/fuzz-%: tests/fuzz/fuzz-app.c $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iplugin -DFUZZ_PARSER=$(subst -,_,$*)_parser -o $@ $< $(FUZZ_LIB) $(DEPLIBS)

$(FUZZ_DIR)/fuzz-wallet-http: tests/fuzz/fuzz-app.c $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iplugin -DFUZZ_PARSER=http_parser -DFUZZ_HTTP_JSON=1 -o $@ $< $(FUZZ_LIB) $(DEPLIBS)

$(FUZZ_DIR)/fuzz-chat-http: tests/fuzz/fuzz-app.c $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iplugin -DFUZZ_PARSER=http_parser -DFUZZ_HTTP_JSON=2 -o $@ $< $(FUZZ_LIB) $(DEPLIBS)

$(FUZZ_DIR)/fuzz-decode $(FUZZ_DIR)/fuzz-rule: $(FUZZ_DIR)/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iplugin -o $@ $< $(FUZZ_LIB) $(DEPLIBS)

# 1,000,000 concurrent TCP flows against small and default memcaps (~40 s, not
# in `make test`); live capture on a veth pair in a namespace at rising
# tcpreplay rates (root, ~45 s; figures printed, not asserted).
.PHONY: test-memcap bench-live
test-memcap: all
	@/usr/bin/python3 tests/run-memcap.py --bin ./walletwatch

bench-live: all
	@tests/run-live-load.sh

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
