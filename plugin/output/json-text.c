/* json-text.c — see json-text.h. tests/unit/test-json-text.c checks every
 * call against the json-c tree it stands for, serialised by json-write.c. */
#include "json-text.h"

#include <string.h>

void jt_init(struct json_text *w, char *storage, size_t size)
{
    text_buf_init(&w->buf, storage, size);
    w->comma = false;
}

static void open_container(struct json_text *w, const char *key, const char *bracket)
{
    jt_key(w, key);
    text_buf_put(&w->buf, bracket, 1);
    w->comma = false;
}

static void close_container(struct json_text *w, const char *bracket)
{
    text_buf_put(&w->buf, bracket, 1);
    w->comma = true;
}

void jt_object(struct json_text *w, const char *key)
{
    open_container(w, key, "{");
}

void jt_end_object(struct json_text *w)
{
    close_container(w, "}");
}

void jt_array(struct json_text *w, const char *key)
{
    open_container(w, key, "[");
}

void jt_end_array(struct json_text *w)
{
    close_container(w, "]");
}

void jt_string(struct json_text *w, const char *key, const char *s)
{
    jt_string_len(w, key, s, strlen(s));
}

void jt_string_len(struct json_text *w, const char *key, const char *s, size_t len)
{
    jt_key(w, key);
    json_write_string(&w->buf, s, len);
}

void jt_u64(struct json_text *w, const char *key, uint64_t v)
{
    char d[20];
    jt_key(w, key);
    text_buf_put(&w->buf, d, u64_digits(v, d));
}

void jt_i64(struct json_text *w, const char *key, int64_t v)
{
    char d[21];
    size_t n = 0;
    jt_key(w, key);
    if (v < 0)
        d[n++] = '-';
    n += u64_digits(v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, d + n);
    text_buf_put(&w->buf, d, n);
}

void jt_bool(struct json_text *w, const char *key, bool v)
{
    jt_key(w, key);
    if (v)
        text_buf_put(&w->buf, "true", 4);
    else
        text_buf_put(&w->buf, "false", 5);
}

void jt_json(struct json_text *w, const char *key, struct json_object *o)
{
    jt_key(w, key);
    json_write(&w->buf, o);
}

void jt_json_members(struct json_text *w, struct json_object *o)
{
    if (o == NULL || !json_object_is_type(o, json_type_object))
        return;
    for (struct lh_entry *e = lh_table_head(json_object_get_object(o)); e != NULL;
         e = lh_entry_next(e)) {
        jt_key(w, NULL);
        json_write_key(&w->buf, lh_entry_k(e));
        json_write(&w->buf, lh_entry_v(e));
    }
}

/* ---- untrusted bytes ------------------------------------------------------ */

/* Length of the well-formed UTF-8 sequence at s, or 0. NUL counts as
 * ill-formed so that it is written as text rather than cut a C string. */
static size_t utf8_seq_len(const uint8_t *s, size_t left)
{
    uint8_t c = s[0], lo = 0x80, hi = 0xbf;
    size_t n;

    if (c >= 0x01 && c <= 0x7f)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0; /* overlong */
        else if (c == 0xed)
            hi = 0x9f; /* surrogates D800..DFFF */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90; /* overlong */
        else if (c == 0xf4)
            hi = 0x8f; /* above U+10FFFF */
    } else {
        return 0; /* NUL, continuation byte, C0, C1, F5..FF */
    }
    if (n > left || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    }
    return n;
}

/* True when the 8 bytes of w are all ASCII and none is NUL: each is then
 * a whole well-formed sequence, so a string can be checked a word at a time. */
static bool word_is_plain_ascii(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    return ((w | ((w - ones) & ~w)) & highs) == 0;
}

size_t utf8_valid_prefix(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint64_t w;
        if (len - i >= sizeof(w) && (memcpy(&w, s + i, sizeof(w)), word_is_plain_ascii(w))) {
            i += sizeof(w);
            continue;
        }
        size_t n = utf8_seq_len(s + i, len - i);
        if (n == 0)
            break;
        i += n;
    }
    return i;
}

void wire_text_append(struct text_buf *b, const uint8_t *s, size_t len, bool json)
{
    static const char hex[] = "0123456789abcdef";

    for (;;) {
        size_t n = utf8_valid_prefix(s, len);
        if (!json)
            text_buf_put(b, s, n);
        else if (n > 0)
            json_write_escaped(b, (const char *)s, n);
        if (n == len)
            return;
        /* one byte at a time: the next byte may start a valid sequence */
        char x[5] = {'\\', '\\', 'x', hex[s[n] >> 4], hex[s[n] & 0x0f]};
        if (json)
            text_buf_put(b, x, 5); /* the backslash itself escaped */
        else
            text_buf_put(b, x + 1, 4);
        s += n + 1;
        len -= n + 1;
    }
}

void jt_wire(struct json_text *w, const char *key, const uint8_t *s, size_t len)
{
    jt_key(w, key);
    if (s == NULL) {
        s = (const uint8_t *)"";
        len = 0;
    }
    if (len > WIRE_STRING_MAX)
        len = WIRE_STRING_MAX;
    if (!text_buf_reserve(&w->buf, len + 2))
        return;
    w->buf.data[w->buf.len++] = '"';
    wire_text_append(&w->buf, s, len, true);
    text_buf_put(&w->buf, "\"", 1);
}
