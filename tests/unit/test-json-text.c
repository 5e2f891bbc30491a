/* test-json-text.c — the text builder (json-text.h) against what it stands
 * for: the json-c tree that the same calls would build, serialised by
 * json_write() (itself checked against json-c in test-json-write.c). Wire
 * strings against eve_string(), on awkward and random bytes; random
 * documents of every call; long lines through eve_end(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output/eve.h"
#include "output/json-text.h"
#include "test-rng.h"

static uint64_t rng_state = 0x2545f4914f6cdd1du;

static uint64_t next_random(void)
{
    return test_rng_next(&rng_state);
}

/* w's text must be json_write's text of o; releases o and w's heap. */
static void check_same(struct json_text *w, struct json_object *o)
{
    struct text_buf want;
    text_buf_init(&want, NULL, 0);
    assert_true(json_write(&want, o));
    assert_false(w->buf.failed);
    if (w->buf.len != want.len || memcmp(w->buf.data, want.data, want.len) != 0)
        fail_msg("json-c: %.*s\n  text: %.*s", (int)want.len, want.data, (int)w->buf.len,
                 w->buf.data);
    text_buf_release(&want);
    text_buf_release(&w->buf);
    json_object_put(o);
}

/* ---- wire strings --------------------------------------------------------- */

/* jt_wire(s) is the text of eve_string(s), as a value and as a member;
 * storage of 8 bytes makes every string grow the buffer. */
static void check_wire(const void *s, size_t len)
{
    char storage[8];
    struct json_text w;
    jt_init(&w, storage, sizeof(storage));
    jt_wire(&w, NULL, s, len);
    check_same(&w, eve_string(s, len));

    jt_init(&w, storage, sizeof(storage));
    jt_object(&w, NULL);
    jt_wire(&w, "k", s, len);
    jt_wire(&w, "k2", s, len);
    jt_end_object(&w);
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "k", eve_string(s, len));
    json_object_object_add(o, "k2", eve_string(s, len));
    check_same(&w, o);
}

#define CHECK_WIRE(lit) check_wire(lit, sizeof(lit) - 1)

static void test_wire_awkward(void **state)
{
    (void)state;
    check_wire(NULL, 0);
    CHECK_WIRE("");
    CHECK_WIRE("plain ascii, long enough for a word or two");
    CHECK_WIRE("\"quoted\" back\\slash /slash");
    CHECK_WIRE("\b\f\n\r\t\x01\x1f\x7f");                       /* controls: JSON escapes */
    CHECK_WIRE("a\0b\0");                                        /* NUL: \x00 text, escaped */
    CHECK_WIRE("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");     /* valid UTF-8 passes */
    CHECK_WIRE("\xff\xfe\x80\xbf");                              /* invalid bytes */
    CHECK_WIRE("\xc3");                                          /* cut at the end */
    CHECK_WIRE("\xe2\x82\"");                                    /* cut by a quote */
    CHECK_WIRE("\xc0\xaf\xe0\x80\xaf\xed\xa0\x80\xf4\x90\x80\x80"); /* overlong, surrogate, range */
    CHECK_WIRE("\\x41\xff\\");                                   /* text that looks escaped */
    CHECK_WIRE("\xf0\x9d\x84\n\xc3\xa9\x80\t");                  /* mixed in one string */
}

/* Every byte alone and every pair of bytes. */
static void test_wire_all_bytes_and_pairs(void **state)
{
    (void)state;
    uint8_t s[2];
    for (unsigned a = 0; a < 256; a++) {
        s[0] = (uint8_t)a;
        check_wire(s, 1);
        for (unsigned b = 0; b < 256; b++) {
            s[1] = (uint8_t)b;
            check_wire(s, 2);
        }
    }
}

/* Bytes from pieces that matter to the sanitiser and the escaper. */
static size_t random_bytes(uint8_t *out, size_t max)
{
    static const char *const pieces[] = {
        "abcdefgh", "x", "\"", "\\", "/", "\n", "\t", "\x01", "\x1f", "\x7f", "",
        "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc3", "\xe2\x82", "\xf0\x9f\x98",
        "\x80", "\xbf", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff", "\xfe",
    };
    size_t n = 0, want = next_random() % max;
    while (n < want) {
        if (next_random() % 8 == 0) {
            out[n++] = next_random() % 5 == 0 ? 0 : (uint8_t)next_random();
            continue;
        }
        const char *p = pieces[next_random() % (sizeof(pieces) / sizeof(pieces[0]))];
        size_t len = strlen(p);
        if (len > max - n)
            break;
        memcpy(out + n, p, len);
        n += len;
    }
    return n;
}

static void test_wire_random(void **state)
{
    (void)state;
    uint8_t s[300];
    for (int i = 0; i < 20000; i++)
        check_wire(s, random_bytes(s, sizeof(s)));
}

/* Longer than any storage: the buffer grows inside the string. */
static void test_wire_long(void **state)
{
    (void)state;
    size_t len = 3 * EVE_LINE_STORAGE + 7;
    uint8_t *s = malloc(len);
    assert_non_null(s);
    for (size_t i = 0; i < len; i++)
        s[i] = (uint8_t)('a' + i % 26);
    check_wire(s, len);
    for (size_t i = 0; i < len; i += 97)
        s[i] = (uint8_t)(i % 3 == 0 ? 0xff : i % 3 == 1 ? '"' : 0x01);
    check_wire(s, len);
    free(s);
}

/* ---- documents ------------------------------------------------------------ */

/* Keys are literals: each member of one object takes the next. */
static const char *const keys[] = {"a", "bb", "timestamp", "x_y", "n0", "dest_port", "k"};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static void add_to(struct json_object *parent, const char *key, struct json_object *v)
{
    if (key != NULL)
        json_object_object_add(parent, key, v);
    else
        json_object_array_add(parent, v);
}

/* A small json-c subtree, doubles included, for jt_json. */
static struct json_object *random_json_c(void)
{
    switch (next_random() % 4) {
    case 0:
        return json_object_new_double((double)(int64_t)next_random() / 1e6);
    case 1:
        return NULL;
    case 2: {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "d", json_object_new_double(0.5));
        json_object_object_add(o, "s\"q", json_object_new_string("v\n"));
        return o;
    }
    default: {
        struct json_object *a = json_object_new_array();
        json_object_array_add(a, json_object_new_int(-3));
        json_object_array_add(a, json_object_new_object());
        return a;
    }
    }
}

static void random_members(struct json_text *w, struct json_object *parent, bool object,
                           int depth);

/* One random call on w and the json-c node it stands for, added to parent. */
static void random_call(struct json_text *w, struct json_object *parent, const char *key,
                        int depth)
{
    uint8_t s[64];
    size_t n = random_bytes(s, sizeof(s));
    uint64_t op = next_random() % (depth > 0 ? 10 : 7);
    switch (op) {
    case 0: {
        char c[sizeof(s) + 1];
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (s[i] != 0)
                c[k++] = (char)s[i];
        c[k] = '\0';
        jt_string(w, key, c);
        add_to(parent, key, json_object_new_string(c));
        break;
    }
    case 1:
        jt_string_len(w, key, (const char *)s, n); /* NULs included */
        add_to(parent, key, json_object_new_string_len((const char *)s, (int)n));
        break;
    case 2:
        jt_wire(w, key, s, n);
        add_to(parent, key, eve_string(s, n));
        break;
    case 3: {
        uint64_t v = next_random() >> (next_random() % 64);
        jt_u64(w, key, v);
        add_to(parent, key, json_object_new_uint64(v));
        break;
    }
    case 4: {
        int64_t v = (int64_t)next_random() >> (next_random() % 64);
        if (next_random() % 16 == 0)
            v = next_random() & 1 ? INT64_MIN : INT64_MAX;
        jt_i64(w, key, v);
        add_to(parent, key, json_object_new_int64(v));
        break;
    }
    case 5: {
        bool v = next_random() & 1;
        jt_bool(w, key, v);
        add_to(parent, key, json_object_new_boolean(v));
        break;
    }
    case 6: {
        struct json_object *sub = random_json_c();
        jt_json(w, key, sub);
        add_to(parent, key, sub);
        break;
    }
    case 7:
    case 8: {
        bool object = op == 7;
        struct json_object *c = object ? json_object_new_object() : json_object_new_array();
        if (object)
            jt_object(w, key);
        else
            jt_array(w, key);
        random_members(w, c, object, depth - 1);
        if (object)
            jt_end_object(w);
        else
            jt_end_array(w);
        add_to(parent, key, c);
        break;
    }
    default: {
        /* members of a json-c object become members here: in an array
         * they would not be valid, so an object is opened for them */
        struct json_object *src = json_object_new_object();
        json_object_object_add(src, "m\x01", json_object_new_int(1)); /* an escaped key */
        json_object_object_add(src, "m2", random_json_c());
        struct json_object *o = json_object_new_object();
        jt_object(w, key);
        jt_json_members(w, src);
        jt_end_object(w);
        json_object_object_add(o, "m\x01", json_object_new_int(1));
        json_object_object_add(o, "m2", json_object_get(json_object_object_get(src, "m2")));
        json_object_put(src);
        add_to(parent, key, o);
        break;
    }
    }
}

static void random_members(struct json_text *w, struct json_object *parent, bool object,
                           int depth)
{
    size_t count = next_random() % (NKEYS + 1); /* empty containers too */
    for (size_t i = 0; i < count; i++)
        random_call(w, parent, object ? keys[i] : NULL, depth);
}

static void test_random_documents(void **state)
{
    (void)state;
    char storage[16];
    for (int i = 0; i < 5000; i++) {
        struct json_text w;
        jt_init(&w, storage, sizeof(storage));
        struct json_object *root = json_object_new_object();
        jt_object(&w, NULL);
        random_members(&w, root, true, 4);
        jt_end_object(&w);
        check_same(&w, root);
    }
}

static void test_empty_and_nested(void **state)
{
    (void)state;
    char storage[64];
    struct json_text w;
    jt_init(&w, storage, sizeof(storage));
    jt_object(&w, NULL);
    jt_object(&w, "e");
    jt_end_object(&w);
    jt_array(&w, "a");
    jt_array(&w, NULL);
    jt_end_array(&w);
    jt_object(&w, NULL);
    jt_end_object(&w);
    jt_end_array(&w);
    jt_json_members(&w, NULL); /* nothing, no comma */
    jt_json(&w, "n", NULL);
    jt_end_object(&w);
    assert_int_equal(w.buf.len, strlen("{\"e\":{},\"a\":[[],{}],\"n\":null}"));
    assert_memory_equal(w.buf.data, "{\"e\":{},\"a\":[[],{}],\"n\":null}", w.buf.len);
    text_buf_release(&w.buf);
}

/* ---- eve_end hands over the whole line, NUL-terminated, even when long ---- */

static char got[4 * EVE_LINE_STORAGE];
static size_t got_len;

static void on_event(const char *line, size_t len, void *user)
{
    (void)user;
    assert_true(len < sizeof(got));
    assert_int_equal(line[len], '\0');
    memcpy(got, line, len);
    got_len = len;
}

static void test_eve_end_long_lines(void **state)
{
    (void)state;
    static struct eve e;
    e.cb = on_event;
    struct timeval ts = {1717150522, 0};
    size_t sizes[] = {10, EVE_LINE_STORAGE - 90, EVE_LINE_STORAGE - 89, EVE_LINE_STORAGE - 88,
                      EVE_LINE_STORAGE, 3 * EVE_LINE_STORAGE, 100};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        char *s = malloc(sizes[i]);
        memset(s, 'x', sizes[i]);
        s[0] = '\n'; /* one escape: the line grows past the storage inside a string */
        struct json_text *w = eve_begin_bare(&e, "stats", &ts);
        jt_string_len(w, "s", s, sizes[i]);
        uint64_t lines = e.lines;
        eve_end(&e);
        assert_int_equal(e.lines, lines + 1);
        assert_ptr_equal(e.text.buf.data, e.line); /* the heap copy is gone */

        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "timestamp",
                               json_object_new_string("2024-05-31T10:15:22.000000+0000"));
        json_object_object_add(o, "event_type", json_object_new_string("stats"));
        json_object_object_add(o, "s", json_object_new_string_len(s, (int)sizes[i]));
        size_t want_len = 0;
        const char *text = json_object_to_json_string_length(
            o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &want_len);
        assert_int_equal(got_len, want_len);
        assert_memory_equal(got, text, want_len);
        json_object_put(o);
        free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wire_awkward),
        cmocka_unit_test(test_wire_all_bytes_and_pairs),
        cmocka_unit_test(test_wire_random),
        cmocka_unit_test(test_wire_long),
        cmocka_unit_test(test_random_documents),
        cmocka_unit_test(test_empty_and_nested),
        cmocka_unit_test(test_eve_end_long_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
