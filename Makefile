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
LIB_SRC := $(sort $(wildcard plugin/util/*.c plugin/decode/*.c plugin/stream/*.c plugin/app/*.c plugin/detect/*.c \
                              plugin/output/*.c plugin/engine/*.c plugin/capture/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
SENSOR_SRC := $(wildcard plugin/sensor/*.c)
SENSOR_OBJ := $(SENSOR_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test-*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(wildcard tools/*.c)
TOOL_BIN := $(TOOL_SRC:tools/%.c=$(BUILD)/tools/%)

.PHONY: all test unit test-golden test-pcaps test-live test-corpus sanitize deps install clean bench fmt

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

test: all unit test-golden test-pcaps test-live
	@echo "make test: all suites passed"

CORPUS ?= ../shared/corpus
test-corpus: all
	@/usr/bin/python3 tests/run-corpus.py --bin ./walletwatch $(CORPUS)

# The same tests under AddressSanitizer + UndefinedBehaviorSanitizer, in their own build dir.
sanitize:
	$(MAKE) BUILD=build/san OPT=-O1 SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    WW_BIN=build/san/walletwatch sanitize-run

sanitize-run: $(BUILD)/walletwatch-bin $(UNIT_BIN)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 tests/run-unit.sh $(UNIT_BIN)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    tests/run-golden.sh $(BUILD)/walletwatch
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    /usr/bin/python3 tests/run-pcaps.py --bin $(BUILD)/walletwatch pcaps
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    /usr/bin/python3 tests/run-live.py $(BUILD)/walletwatch

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

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
