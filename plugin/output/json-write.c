/* json-write.c — see json-write.h. The rules mirror json-c 0.16's
 * json_escape_str and *_to_json_string functions (json_object.c);
 * tests/unit/test-json-write.c checks them against json-c itself. */
#include "json-write.h"

#include <stdlib.h>

/* The flags whose output this file reproduces (and hands to json-c for
 * the nodes it writes itself). */
#define JSON_WRITE_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

void text_buf_init(struct text_buf *b, char *storage, size_t size)
{
    b->data = storage;
    b->len = 0;
    b->cap = size;
    b->storage = storage;
    b->storage_size = size;
    b->failed = false;
}

void text_buf_release(struct text_buf *b)
{
    if (b->data != b->storage)
        free(b->data);
    b->data = b->storage;
    b->len = 0;
    b->cap = b->storage_size;
    b->failed = false;
}

bool text_buf_grow(struct text_buf *b, size_t n)
{
    if (b->failed)
        return false;
    size_t cap = b->cap > 0 ? b->cap : 256;
    while (cap - b->len < n) {
        if (cap > SIZE_MAX / 2) {
            b->failed = true;
            return false;
        }
        cap *= 2;
    }
    char *p;
    if (b->data == b->storage) {
        p = malloc(cap);
        if (p != NULL && b->len > 0)
            memcpy(p, b->data, b->len);
    } else {
        p = realloc(b->data, cap);
    }
    if (p == NULL) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

size_t u64_digits(uint64_t v, char *out)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    char tmp[20];
    size_t i = sizeof(tmp);

    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        tmp[--i] = pairs[2 * r + 1];
        tmp[--i] = pairs[2 * r];
    }
    if (v >= 10) {
        tmp[--i] = pairs[2 * v + 1];
        tmp[--i] = pairs[2 * v];
    } else {
        tmp[--i] = (char)('0' + v);
    }
    size_t n = sizeof(tmp) - i;
    memcpy(out, tmp + i, n);
    return n;
}

/* For each byte: 0 to copy it, else the letter after the backslash
 * ('u' for the \u00xx form). */
static const char escape_letter[256] = {
    ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f',  ['\r'] = 'r', [0x00] = 'u',
    [0x01] = 'u', [0x02] = 'u', [0x03] = 'u', [0x04] = 'u',  [0x05] = 'u', [0x06] = 'u',
    [0x07] = 'u', [0x0b] = 'u', [0x0e] = 'u', [0x0f] = 'u',  [0x10] = 'u', [0x11] = 'u',
    [0x12] = 'u', [0x13] = 'u', [0x14] = 'u', [0x15] = 'u',  [0x16] = 'u', [0x17] = 'u',
    [0x18] = 'u', [0x19] = 'u', [0x1a] = 'u', [0x1b] = 'u',  [0x1c] = 'u', [0x1d] = 'u',
    [0x1e] = 'u', [0x1f] = 'u', ['"'] = '"',  ['\\'] = '\\',
};

static void put_escape(struct text_buf *b, unsigned char c, char letter)
{
    static const char hex[] = "0123456789abcdef";
    char e[6] = {'\\', letter, '0', '0', hex[c >> 4], hex[c & 0x0f]};
    text_buf_put(b, e, letter == 'u' ? 6 : 2);
}

/* Non-zero when one of the 8 bytes of w is below 0x20, '"' or '\\' (the
 * classic "has a byte less than n / equal to n" word tests: exact as to
 * whether such a byte exists, which is all that is asked here). */
static inline uint64_t word_needs_escape(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
    return (((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) |
            ((backslash - ones) & ~backslash)) &
           highs;
}

void json_write_escaped(struct text_buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0; /* start of the bytes not yet copied */
    size_t i = 0;

    if (!text_buf_reserve(b, len))
        return;
    while (i < len) {
        uint64_t w;
        while (len - i >= sizeof(w) && (memcpy(&w, p + i, sizeof(w)), !word_needs_escape(w)))
            i += sizeof(w);
        while (i < len && escape_letter[p[i]] == 0)
            i++;
        if (i == len)
            break;
        text_buf_put(b, s + run, i - run);
        put_escape(b, p[i], escape_letter[p[i]]);
        run = ++i;
    }
    text_buf_put(b, s + run, len - run);
}

void json_write_string(struct text_buf *b, const char *s, size_t len)
{
    if (!text_buf_reserve(b, len + 2))
        return;
    b->data[b->len++] = '"';
    json_write_escaped(b, s, len);
    text_buf_put(b, "\"", 1);
}

/* "key": in one pass over the key in the usual case of nothing to escape
 * (the scan stops at the NUL, which escape_letter marks too). */
void json_write_key(struct text_buf *b, const char *key)
{
    size_t n = 0;
    while (escape_letter[(unsigned char)key[n]] == 0)
        n++;
    if (key[n] != '\0') {
        json_write_string(b, key, n + strlen(key + n));
        text_buf_put(b, ":", 1);
        return;
    }
    if (!text_buf_reserve(b, n + 3))
        return;
    char *out = b->data + b->len;
    out[0] = '"';
    memcpy(out + 1, key, n);
    out[n + 1] = '"';
    out[n + 2] = ':';
    b->len += n + 3;
}

static void write_int(struct text_buf *b, struct json_object *o)
{
    char d[21];
    size_t n;
    int64_t v = json_object_get_int64(o);

    if (v == INT64_MAX) {
        /* json-c clamps a uint64 above INT64_MAX to INT64_MAX here */
        n = u64_digits(json_object_get_uint64(o), d);
    } else if (v < 0) {
        d[0] = '-';
        n = 1 + u64_digits((uint64_t)0 - (uint64_t)v, d + 1);
    } else {
        n = u64_digits((uint64_t)v, d);
    }
    text_buf_put(b, d, n);
}

/* json-c's own text for one node: doubles and custom serializers. */
static bool write_by_json_c(struct text_buf *b, struct json_object *o)
{
    size_t n = 0;
    const char *t = json_object_to_json_string_length(o, JSON_WRITE_FLAGS, &n);
    if (t == NULL) {
        b->failed = true;
        return false;
    }
    text_buf_put(b, t, n);
    return !b->failed;
}

static bool write_value(struct text_buf *b, struct json_object *o);

static bool write_object(struct text_buf *b, struct json_object *o)
{
    struct lh_entry *first = lh_table_head(json_object_get_object(o));

    text_buf_put(b, "{", 1);
    for (struct lh_entry *e = first; e != NULL; e = lh_entry_next(e)) {
        if (e != first)
            text_buf_put(b, ",", 1);
        json_write_key(b, lh_entry_k(e));
        if (!write_value(b, lh_entry_v(e)))
            return false;
    }
    text_buf_put(b, "}", 1);
    return !b->failed;
}

static bool write_array(struct text_buf *b, struct json_object *o)
{
    struct array_list *a = json_object_get_array(o);
    size_t n = array_list_length(a);

    text_buf_put(b, "[", 1);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            text_buf_put(b, ",", 1);
        if (!write_value(b, array_list_get_idx(a, i)))
            return false;
    }
    text_buf_put(b, "]", 1);
    return !b->failed;
}

static bool write_value(struct text_buf *b, struct json_object *o)
{
    if (o == NULL) {
        text_buf_put(b, "null", 4);
        return !b->failed;
    }
    if (json_object_get_userdata(o) != NULL)
        return write_by_json_c(b, o);
    switch (json_object_get_type(o)) {
    case json_type_object:
        return write_object(b, o);
    case json_type_array:
        return write_array(b, o);
    case json_type_string:
        json_write_string(b, json_object_get_string(o), (size_t)json_object_get_string_len(o));
        break;
    case json_type_int:
        write_int(b, o);
        break;
    case json_type_boolean:
        if (json_object_get_boolean(o))
            text_buf_put(b, "true", 4);
        else
            text_buf_put(b, "false", 5);
        break;
    case json_type_double:
        return write_by_json_c(b, o);
    case json_type_null:
    default:
        text_buf_put(b, "null", 4);
        break;
    }
    return !b->failed;
}

bool json_write(struct text_buf *b, struct json_object *o)
{
    return write_value(b, o);
}
