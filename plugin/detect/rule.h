/* rule.h — a parsed Suricata-syntax rule: the contract between the rule
 * parser (rule-parse.c), the match functions (detect-content.c and friends)
 * and the detection engine (detect-engine.c).
 *
 * A rule's payload keywords are kept per buffer, in rule order: buffer 0 is
 * the packet payload or reassembled stream (pkt_data); every other buffer is
 * a sticky buffer an app-layer parser registered (detect-buffer.h). */
#ifndef WW_RULE_H
#define WW_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../decode/decode.h"

struct addr_group;   /* detect-addr.h */
struct port_group;
struct dataset;      /* detect-dataset.h */
struct pcre2_real_code_8;

enum rule_action { RULE_ALERT, RULE_PASS };

enum rule_proto {
    RULE_PROTO_IP,   /* any IP protocol */
    RULE_PROTO_TCP,
    RULE_PROTO_UDP,
    RULE_PROTO_ICMP, /* ICMPv4 and ICMPv6 */
    RULE_PROTO_APP,  /* an app-layer name: rule.app_proto */
};

/* ---- payload keywords (sigmatches) ---------------------------------------- */

enum sm_type {
    SM_CONTENT,
    SM_PCRE,
    SM_BYTE_TEST,
    SM_BYTE_JUMP,
    SM_ISDATAAT,
    SM_BSIZE,
    SM_DATASET,
};

/* Flags of a content (and of the other relative-capable keywords). */
#define SMF_NEGATED 0x0001
#define SMF_NOCASE 0x0002
#define SMF_RELATIVE 0x0004     /* distance/within given, or pcre R, or ",relative" */
#define SMF_OFFSET 0x0008       /* offset given */
#define SMF_DEPTH 0x0010
#define SMF_DISTANCE 0x0020
#define SMF_WITHIN 0x0040
#define SMF_STARTSWITH 0x0080
#define SMF_ENDSWITH 0x0100
#define SMF_FAST_PATTERN 0x0200 /* chosen (explicitly or by the engine) for the prefilter */
#define SMF_FAST_EXPLICIT 0x0400

struct sm_content {
    uint8_t *pat;               /* decoded bytes (|hex| and escapes resolved); lower-cased if NOCASE */
    uint32_t len;
    int32_t offset, depth;      /* absolute limits, as given */
    int32_t distance, within;   /* relative to the previous match end, as given */
};

enum byte_op { BOP_LT, BOP_GT, BOP_LE, BOP_GE, BOP_EQ, BOP_AND, BOP_OR, BOP_XOR_NZ /* '^' */ };

#define BYTE_STRING 0x01   /* value is text in base: */
#define BYTE_BIG 0x02      /* default big endian */
#define BYTE_LITTLE 0x04
#define BYTE_NEGATE 0x08   /* op preceded by '!' */
#define BYTE_FROM_BEGINNING 0x10
#define BYTE_FROM_END 0x20
#define BYTE_ALIGN 0x40

struct sm_byte {               /* byte_test and byte_jump */
    uint8_t nbytes;             /* 1..8 (binary), 1..23 (string) */
    uint8_t base;               /* 8, 10, 16 with BYTE_STRING */
    uint8_t op;                 /* enum byte_op, byte_test only */
    uint16_t flags;             /* BYTE_* */
    uint64_t value;             /* byte_test: compare value */
    int32_t offset;
    uint32_t multiplier;        /* byte_jump; 0 = 1 */
    int32_t post_offset;        /* byte_jump */
    uint64_t bitmask;           /* 0 = none */
};

struct sm_isdataat {
    int32_t n;
};

enum bsize_op { BSIZE_EQ, BSIZE_LT, BSIZE_GT, BSIZE_RANGE /* lo < size < hi */ };

struct sm_size {               /* bsize (and the rule's dsize) */
    uint8_t op;
    uint32_t lo, hi;
};

struct sm_pcre {
    struct pcre2_real_code_8 *re; /* compiled with JIT where available */
    uint32_t opts;              /* PCRE2 compile options used */
};

enum dataset_op { DATASET_ISSET, DATASET_ISNOTSET };

struct sm_dataset {
    struct dataset *set;
    uint8_t op;
};

struct sigmatch {
    uint8_t type;               /* enum sm_type */
    uint16_t flags;             /* SMF_* (content / pcre / isdataat / byte_*) */
    union {
        struct sm_content content;
        struct sm_pcre pcre;
        struct sm_byte byte;
        struct sm_isdataat isdataat;
        struct sm_size bsize;
        struct sm_dataset dataset;
    } u;
};

/* The keywords that inspect one buffer, in rule order. */
struct rule_buffer {
    int id;                     /* 0 = pkt_data; else detect_buffer_id() */
    struct sigmatch *sm;
    uint32_t nsm;
};

/* ---- flow, flowbits, thresholds -------------------------------------------- */

#define RFLOW_ESTABLISHED 0x01
#define RFLOW_NOT_ESTABLISHED 0x02
#define RFLOW_TO_SERVER 0x04
#define RFLOW_TO_CLIENT 0x08
#define RFLOW_ONLY_STREAM 0x10
#define RFLOW_NO_STREAM 0x20

enum flowbit_op { FB_SET, FB_ISSET, FB_ISNOTSET, FB_UNSET, FB_TOGGLE, FB_NOALERT };

struct rule_flowbit {
    uint8_t op;                 /* enum flowbit_op */
    uint8_t nnames;             /* isset/isnotset accept a|b (any of) */
    uint16_t ids[8];            /* flowbit ids (detect-flowbits.h) */
};

enum threshold_type { THR_NONE, THR_THRESHOLD, THR_LIMIT, THR_BOTH, THR_DETECTION_FILTER };
enum threshold_track { TRACK_BY_SRC, TRACK_BY_DST, TRACK_BY_RULE, TRACK_BY_BOTH, TRACK_BY_FLOW };

struct rule_threshold {
    uint8_t type;               /* enum threshold_type */
    uint8_t track;              /* enum threshold_track */
    uint32_t count;
    uint32_t seconds;
};

/* ---- the rule ---------------------------------------------------------------- */

struct rule_meta {             /* one metadata key with its values, in rule order */
    char *key;
    char **values;
    uint32_t nvalues;
};

struct rule {
    uint8_t action;             /* enum rule_action */
    uint8_t proto;              /* enum rule_proto */
    char *app_proto;            /* with RULE_PROTO_APP: "http", "dns", "tls", "wallet"... */
    struct addr_group *src, *dst;
    struct port_group *sport, *dport;
    bool bidirectional;         /* <> */
    uint8_t buffer_dirs;        /* BUF_TOSERVER | BUF_TOCLIENT: the sides its app-layer
                                 * buffers come from (set when the groups are built) */

    uint32_t gid, sid, rev;
    char *msg;
    char *classtype;            /* NULL if none */
    char *category;             /* classification.config text, "" if none */
    uint8_t priority;           /* severity: priority:, else the classtype's, else 3 */
    char **references;          /* "url,example.com/x" as given; rendered by reference.config */
    uint32_t nreferences;
    struct rule_meta *meta;
    uint32_t nmeta;

    uint8_t flow;               /* RFLOW_* */
    struct rule_flowbit *flowbits;
    uint32_t nflowbits;
    bool noalert;               /* noalert, or flowbits:noalert */
    struct rule_threshold threshold;        /* threshold: or detection_filter: */
    bool has_dsize;
    struct sm_size dsize;

    struct rule_buffer *buffers;            /* at most one entry per buffer id */
    uint32_t nbuffers;
    const struct sigmatch *fast;            /* the prefilter pattern, or NULL (no content) */
    int fast_buffer;                        /* buffer id of fast */

    char *file;                 /* where it was read, for errors and reloads */
    uint32_t line;
    char *raw;                  /* the rule text */
};

#endif
