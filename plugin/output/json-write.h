/* json-write.h — the compact JSON text of a json-c tree, byte for byte what
 * json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
 * JSON_C_TO_STRING_NOSLASHESCAPE) writes, appended to a caller's buffer
 * without json-c's printbuf, printf or per-object buffers.
 *
 * Same text as json-c: objects in insertion order, "/" and bytes >= 0x7f as
 * they are, \b \f \n \r \t " \ as two-character escapes, other bytes below
 * 0x20 as \u00xx (lower-case hex), a NULL value as null. A double, and any
 * node carrying json-c userdata (json_object_new_double_s, numbers parsed by
 * json_tokener), is written by json-c itself: its formats and custom
 * serializers stay json-c's. A custom serializer set with NULL userdata
 * cannot be seen through json-c's API and would be bypassed; nothing here
 * sets one. */
#ifndef WW_JSON_WRITE_H
#define WW_JSON_WRITE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Text built in caller-owned storage, moved to the heap only when it
 * outgrows it; text_buf_release() frees that heap copy. */
struct text_buf {
    char *data;
    size_t len;
    size_t cap;
    char *storage; /* the caller's array: data points here until it grows */
    size_t storage_size;
    bool failed; /* memory ran out: the text is incomplete */
};

void text_buf_init(struct text_buf *b, char *storage, size_t size);
/* Empties b and frees any heap growth; storage stays usable. */
void text_buf_release(struct text_buf *b);
/* Room for n more bytes; false (and b->failed) when memory ran out. */
bool text_buf_grow(struct text_buf *b, size_t n);

static inline bool text_buf_reserve(struct text_buf *b, size_t n)
{
    return b->cap - b->len >= n || text_buf_grow(b, n);
}

static inline void text_buf_put(struct text_buf *b, const void *p, size_t n)
{
    if (n == 0 || !text_buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

/* Decimal digits of v into out (at least 20 bytes, not terminated); returns their count. */
size_t u64_digits(uint64_t v, char *out);

/* Appends the JSON text of o (NULL is "null"); false when memory ran out. */
bool json_write(struct text_buf *b, struct json_object *o);

/* Appends a quoted, escaped JSON string of s[0..len). */
void json_write_string(struct text_buf *b, const char *s, size_t len);
/* The same without the quotes: the escaped text of s[0..len). */
void json_write_escaped(struct text_buf *b, const char *s, size_t len);
/* Appends "key": with key escaped as a string. */
void json_write_key(struct text_buf *b, const char *key);

#endif
