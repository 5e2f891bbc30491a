/* material.h — the wallet-material classifier (issue 5): finds seed phrases,
 * private keys, addresses, transfer requests and session credentials in any
 * cleartext buffer (a chat message, an HTTP body, a wallet RPC result).
 *
 * Only validated findings are reported: a BIP39 phrase whose checksum fails,
 * an address whose Base58Check/bech32/EIP-55/Keccak checksum fails, is not a
 * finding. A finding is a span into the caller's buffer; secret spans
 * (material_is_secret) may leave this module only through material_json(),
 * which fingerprints them with redact.h, never in full.
 *
 * Work is linear in the input: at most MAT_SCAN_MAX bytes are looked at and
 * at most MAT_MAX_FINDINGS findings are kept, the most severe first.
 *
 * A checksum is only as strong as its width: 12 random list words pass the
 * BIP39 checksum 1 time in 16 (24 words: 1 in 256), so prose that happens to
 * hold 12+ consecutive list words can still be reported. Runs longer than 48
 * words are searched one line at a time, which keeps a shipped word list (a
 * wallet's JS bundle, english.txt) quiet and still finds one phrase per line.
 *
 * Typical use, e.g. for a chat message body:
 *
 *     struct material_finding f[16];
 *     size_t n = material_scan(body, len, f, 16);
 *     int severity = material_severity(f, n);
 *     struct json_object *arr = material_json(body, len, f, n);  (redacted)
 */
#ifndef WW_MATERIAL_H
#define WW_MATERIAL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAT_SCAN_MAX (1u << 20) /* bytes of one buffer scanned; the rest is ignored */
#define MAT_MAX_FINDINGS 64     /* findings kept per scan; when full, less severe ones go */
#define MAT_AMOUNT_MAX 32       /* decimal amount and its NUL */
#define MAT_UNIT_MAX 8          /* canonical unit and its NUL */

enum material_kind {
    MAT_BIP39_MNEMONIC,   /* 12..24 English words, checksum valid */
    MAT_WIF_KEY,          /* Base58Check private key, 0x80/0xEF/0xB0/0x9E/0xF1 */
    MAT_XPRV,             /* BIP32 extended private key (xprv, tprv, yprv, zprv, ...) */
    MAT_XPUB,             /* BIP32 extended public key: not a secret */
    MAT_BTC_ADDRESS,      /* Base58Check P2PKH/P2SH (BTC, LTC, DOGE, testnets), segwit bech32/m */
    MAT_ETH_ADDRESS,      /* 0x + 40 hex, EIP-55 checked when mixed case */
    MAT_XMR_ADDRESS,      /* Monero standard, subaddress or integrated */
    MAT_HEX_PRIVKEY,      /* 64 hex digits after a private/secret/key/seed context word */
    MAT_TRANSFER_REQUEST, /* an amount with a unit within 64 bytes of an address */
    MAT_SESSION_COOKIE,   /* Cookie:/Set-Cookie: value, or a session-id name=value */
    MAT_BEARER_TOKEN,     /* "Bearer X", X at least 16 token characters */
    MAT_PASSWORD_ASSIGNMENT, /* password=, passphrase=, pass: ... and their value */
    MAT_KIND_COUNT
};

struct material_finding {
    enum material_kind kind;
    size_t offset, len; /* the span in the scanned buffer; for secrets, the secret itself */
    /* MAT_TRANSFER_REQUEST only (empty / 0 otherwise): */
    char amount[MAT_AMOUNT_MAX];  /* as written, thousands separators dropped: "1.5", "1000" */
    char unit[MAT_UNIT_MAX];      /* canonical: "BTC", "LTC", "ETH", "XMR", "sat", "gwei", ... */
    size_t addr_offset, addr_len; /* the destination address inside the buffer */
};

/* Scans data[0..min(len, MAT_SCAN_MAX)) and writes up to max findings, ordered by
 * offset, to out. Returns how many were written. */
size_t material_scan(const uint8_t *data, size_t len, struct material_finding *out, size_t max);
/* The same, for the transfer requests alone (what the tamper detector needs):
 * credentials are not looked for, and only MAT_TRANSFER_REQUEST findings come out. */
size_t material_scan_transfers(const uint8_t *data, size_t len, struct material_finding *out,
                               size_t max);

/* Returns the kind's stable name ("bip39-mnemonic", "wif-key", ...), "unknown" if out of range. */
const char *material_kind_name(enum material_kind kind);

/* Returns true for kinds that must never be logged in full. */
bool material_is_secret(enum material_kind kind);

/* Returns 0 none, 1 address / transfer request, 2 cookie / bearer / password,
 * 3 private key or seed phrase: the highest over f[0..n). */
int material_severity(const struct material_finding *f, size_t n);

/* Returns a new JSON array describing f[0..n) over the scanned data: secrets as
 * redact_json() objects, addresses in full, transfer requests with amount, unit and
 * address. Findings whose span lies outside data are skipped. Caller puts it. */
struct json_object *material_json(const uint8_t *data, size_t len, const struct material_finding *f,
                                  size_t n);

/* Writes Keccak-256 (the original Keccak padding Ethereum and Monero use, not SHA3-256). */
void material_keccak256(const uint8_t *data, size_t len, uint8_t out[32]);

/* The BIP39 English list, generated into bip39-english.c by tools/gen-bip39.py. */
#define BIP39_WORDS 2048
#define BIP39_WORD_MAX 8
extern const char bip39_english[BIP39_WORDS][BIP39_WORD_MAX + 1];

#endif
