/* json-text.h — an EVE line written as JSON text member by member, with no
 * json-c tree: each call appends one member (key given) or one array
 * element (key NULL), with the comma before it when one is due. The text is
 * byte for byte what json-write.c writes for the json-c tree that the same
 * calls would have built:
 *
 *   jt_string(w, k, s)          json_object_new_string(s)
 *   jt_string_len(w, k, s, n)   json_object_new_string_len(s, n)
 *   jt_wire(w, k, s, n)         eve_string(s, n): untrusted bytes
 *   jt_u64 / jt_i64 / jt_bool   json_object_new_uint64 / _int64 / _boolean
 *   jt_object / jt_array ... jt_end_object / jt_end_array
 *   jt_json(w, k, o)            o itself: a json-c subtree kept as it is
 *
 * Keys are string literals with nothing to escape, written as they are
 * (jt_json_members escapes the keys it takes from json-c). Out of memory,
 * the text is marked failed (w->buf.failed) and the line is dropped. */
#ifndef WW_JSON_TEXT_H
#define WW_JSON_TEXT_H

#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "json-write.h"

/* eve_string's cap on its input: json-c takes an int length and the
 * sanitised text may be four times the input. */
#define WIRE_STRING_MAX ((size_t)(INT_MAX - 1) / 4)

struct json_text {
    struct text_buf buf;
    bool comma; /* a member or element precedes in the open object or array */
};

/* Starts empty text in caller-owned storage (see text_buf_init). */
void jt_init(struct json_text *w, char *storage, size_t size);

/* The comma due and "key": (nothing for key NULL); then the value follows. */
static inline void jt_key(struct json_text *w, const char *key)
{
    size_t n = key != NULL ? strlen(key) : 0;
    if (!text_buf_reserve(&w->buf, n + 4))
        return;
    char *out = w->buf.data + w->buf.len;
    size_t i = 0;
    if (w->comma)
        out[i++] = ',';
    w->comma = true;
    if (key != NULL) {
        out[i++] = '"';
        memcpy(out + i, key, n);
        i += n;
        out[i++] = '"';
        out[i++] = ':';
    }
    w->buf.len += i;
}

void jt_object(struct json_text *w, const char *key);
void jt_end_object(struct json_text *w);
void jt_array(struct json_text *w, const char *key);
void jt_end_array(struct json_text *w);

void jt_string(struct json_text *w, const char *key, const char *s);
void jt_string_len(struct json_text *w, const char *key, const char *s, size_t len);
void jt_wire(struct json_text *w, const char *key, const uint8_t *s, size_t len);
void jt_u64(struct json_text *w, const char *key, uint64_t v);
void jt_i64(struct json_text *w, const char *key, int64_t v);
void jt_bool(struct json_text *w, const char *key, bool v);
void jt_json(struct json_text *w, const char *key, struct json_object *o);
/* Every member of the json-c object o, in its order, as members here. */
void jt_json_members(struct json_text *w, struct json_object *o);

/* Length of the longest prefix of s that is well-formed UTF-8 without NUL
 * (Unicode §3.9, Table 3-7: no overlongs, no surrogates, nothing above
 * U+10FFFF); eve_string keeps exactly that and escapes the byte after it. */
size_t utf8_valid_prefix(const uint8_t *s, size_t len);

/* Appends eve_string's text of s: well-formed UTF-8 as it is, each byte of
 * an ill-formed sequence as the four characters \xNN. With json, the result
 * is also escaped as the inside of a JSON string (no quotes added). */
void wire_text_append(struct text_buf *b, const uint8_t *s, size_t len, bool json);

#endif
