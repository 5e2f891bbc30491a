/* material.c — the wallet-material classifier; see material.h.
 *
 * Specs: BIP39 (mnemonic checksum = first ENT/32 bits of SHA-256(entropy)),
 * Base58Check (Bitcoin wiki; checksum = SHA-256d prefix), BIP32 + SLIP-0132
 * (extended key versions), WIF (0x80/0xEF + 32 bytes [+ 0x01]), BIP173/BIP350
 * (bech32 constant 1, bech32m 0x2bc830a3; segwit program rules of BIP141),
 * EIP-55 (Keccak-256 of the lower-case hex), Monero base58 (8-byte blocks to
 * 11 characters) with its Keccak-256 4-byte checksum.
 *
 * Three linear passes over at most MAT_SCAN_MAX bytes:
 *   1. tokens: each maximal [A-Za-z0-9] run is tried as a key or an address
 *      by its length and alphabet, and letter-only runs feed the BIP39 word
 *      run (so a 12-word window is never rescanned from the text);
 *   2. credentials: Cookie/Set-Cookie lines, "Bearer X", password and
 *      session-id assignments, each value scanned once (the walk resumes
 *      after it, so "sid=sid=sid=..." costs one pass, not one per '=');
 *   3. transfer requests: an amount with a unit looked for only in a small
 *      window around each validated address.
 * Every look at a byte goes through at(), which returns -1 past the end: the
 * rd.h rule (a short read yields a sentinel and never passes end) applied to
 * a scanner that needs to look both ways. */
#include "material.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/ascii.h"
#include "../util/digest.h"
#include "../util/rd.h"
#include "../util/redact.h"

#define MAT_MAX_ADDRS 64   /* addresses kept per scan as transfer-request anchors */
#define BIP39_RUN_MAX 48   /* longer runs of list words are searched line by line */
#define BIP39_GAP_MAX 16   /* bytes between two words of one phrase */
#define HEX_CONTEXT 32     /* bytes before a 64-hex key searched for a context word */
#define TRANSFER_GAP 64    /* bytes between an amount and its address */
#define AMOUNT_SCAN_MAX 40 /* longest amount-with-unit text */
#define VALUE_MAX 4096     /* longest cookie, token or session value */
#define PASSWORD_MAX 256   /* longest password value */
#define BEARER_MIN 16
#define SESSION_VALUE_MIN 8
#define PASSWORD_MIN 4

struct text {
    const uint8_t *p;
    size_t n;
};

/* The byte at i, or -1 when i is past the end. */
static inline int at(const struct text *t, size_t i)
{
    return i < t->n ? t->p[i] : -1;
}

static inline bool is_blank(int c)
{
    return c == ' ' || c == '\t';
}

static inline bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Case-insensitive match of lower-case lit at i. */
static bool match_ci(const struct text *t, size_t i, const char *lit)
{
    for (size_t k = 0; lit[k]; k++)
        if (lower(at(t, i + k)) != lit[k])
            return false;
    return true;
}

/* ---- the findings kept ------------------------------------------------------ */

struct scan {
    struct text t;
    struct material_finding f[MAT_MAX_FINDINGS];
    size_t nf;
    struct span addr[MAT_MAX_ADDRS]; /* validated addresses, in text order */
    size_t naddr;
};

static int kind_severity(enum material_kind k)
{
    switch (k) {
    case MAT_BIP39_MNEMONIC:
    case MAT_WIF_KEY:
    case MAT_XPRV:
    case MAT_HEX_PRIVKEY:
        return 3;
    case MAT_SESSION_COOKIE:
    case MAT_BEARER_TOKEN:
    case MAT_PASSWORD_ASSIGNMENT:
        return 2;
    case MAT_XPUB:
    case MAT_BTC_ADDRESS:
    case MAT_ETH_ADDRESS:
    case MAT_XMR_ADDRESS:
    case MAT_TRANSFER_REQUEST:
        return 1;
    default:
        return 0;
    }
}

/* Keeps f; when full, it replaces the least severe, latest finding if f is more
 * severe, so a flood of addresses cannot hide a seed phrase behind it. */
static void keep(struct scan *s, const struct material_finding *f)
{
    if (s->nf < MAT_MAX_FINDINGS) {
        s->f[s->nf++] = *f;
        return;
    }
    size_t victim = 0;
    for (size_t i = 1; i < s->nf; i++) {
        int a = kind_severity(s->f[i].kind), b = kind_severity(s->f[victim].kind);
        if (a < b || (a == b && s->f[i].offset > s->f[victim].offset))
            victim = i;
    }
    if (kind_severity(f->kind) > kind_severity(s->f[victim].kind))
        s->f[victim] = *f;
}

static void report(struct scan *s, enum material_kind kind, size_t off, size_t len)
{
    struct material_finding f;
    memset(&f, 0, sizeof(f));
    f.kind = kind;
    f.offset = off;
    f.len = len;
    keep(s, &f);
    if ((kind == MAT_BTC_ADDRESS || kind == MAT_ETH_ADDRESS || kind == MAT_XMR_ADDRESS) &&
        s->naddr < MAT_MAX_ADDRS) {
        s->addr[s->naddr].p = s->t.p + off;
        s->addr[s->naddr].len = len;
        s->naddr++;
    }
}

/* ---- hashes ------------------------------------------------------------------- */

static const uint64_t keccak_rc[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};
/* rho rotation and pi lane order, walked along the pi permutation's single cycle */
static const uint8_t keccak_rot[24] = {1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                                       27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44};
static const uint8_t keccak_pi[24] = {10, 7,  11, 17, 18, 3, 5,  16, 8,  21, 24, 4,
                                      15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,  1};

static inline uint64_t rotl64(uint64_t x, unsigned n)
{
    return (x << n) | (x >> (64 - n));
}

static void keccak_f1600(uint64_t st[25])
{
    uint64_t bc[5], t;
    for (int round = 0; round < 24; round++) {
        for (int i = 0; i < 5; i++)
            bc[i] = st[i] ^ st[i + 5] ^ st[i + 10] ^ st[i + 15] ^ st[i + 20];
        for (int i = 0; i < 5; i++) {
            t = bc[(i + 4) % 5] ^ rotl64(bc[(i + 1) % 5], 1);
            for (int j = 0; j < 25; j += 5)
                st[j + i] ^= t;
        }
        t = st[1];
        for (int i = 0; i < 24; i++) {
            int j = keccak_pi[i];
            bc[0] = st[j];
            st[j] = rotl64(t, keccak_rot[i]);
            t = bc[0];
        }
        for (int j = 0; j < 25; j += 5) {
            for (int i = 0; i < 5; i++)
                bc[i] = st[j + i];
            for (int i = 0; i < 5; i++)
                st[j + i] ^= ~bc[(i + 1) % 5] & bc[(i + 2) % 5];
        }
        st[0] ^= keccak_rc[round];
    }
}

static void keccak_absorb_byte(uint64_t st[25], size_t pos, uint8_t b)
{
    st[pos / 8] ^= (uint64_t)b << (8 * (pos % 8));
}

void material_keccak256(const uint8_t *data, size_t len, uint8_t out[32])
{
    enum { RATE = 136 }; /* 1600 - 2 * 256 bits */
    uint64_t st[25] = {0};
    size_t pos = 0;
    for (size_t i = 0; i < len; i++) {
        keccak_absorb_byte(st, pos++, data[i]);
        if (pos == RATE) {
            keccak_f1600(st);
            pos = 0;
        }
    }
    /* Keccak's own pad10*1 with domain byte 0x01; SHA3-256 would use 0x06. */
    keccak_absorb_byte(st, pos, 0x01);
    keccak_absorb_byte(st, RATE - 1, 0x80);
    keccak_f1600(st);
    for (size_t i = 0; i < 32; i++)
        out[i] = (uint8_t)(st[i / 8] >> (8 * (i % 8)));
}

static bool sha256d_check(const uint8_t *payload, size_t n)
{
    uint8_t h1[SHA256_DIGEST_LENGTH], h2[SHA256_DIGEST_LENGTH];
    if (n < 5)
        return false;
    if (EVP_Digest(payload, n - 4, h1, NULL, digest_sha256(), NULL) != 1 ||
        EVP_Digest(h1, sizeof(h1), h2, NULL, digest_sha256(), NULL) != 1)
        return false;
    return memcmp(h2, payload + n - 4, 4) == 0;
}

/* ---- Base58 --------------------------------------------------------------------- */

/* Base58 digit values of ASCII (alphabet 1-9 A-H J-N P-Z a-k m-z: no 0 O I l). */
static const int8_t b58_ascii[128] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, 0,  1,  2,  3,  4,  5,  6,  7,  8,  -1, -1, -1, -1, -1, -1, -1, 9,
    10, 11, 12, 13, 14, 15, 16, -1, 17, 18, 19, 20, 21, -1, 22, 23, 24, 25, 26, 27, 28, 29,
    30, 31, 32, -1, -1, -1, -1, -1, -1, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, -1, 44,
    45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, -1, -1, -1, -1, -1,
};

static inline int b58_value(uint8_t c)
{
    return c < 128 ? b58_ascii[c] : -1;
}

/* Bitcoin Base58 of s[0..n) into exactly outlen bytes: leading '1's are zero bytes,
 * the rest a big-endian number whose minimal form fills the remainder. */
static bool b58_decode(const uint8_t *s, size_t n, uint8_t *out, size_t outlen)
{
    size_t ones = 0;
    while (ones < n && s[ones] == '1')
        ones++;
    size_t used = 0; /* low-order bytes of out holding the number so far */
    memset(out, 0, outlen);
    for (size_t i = 0; i < n; i++) {
        int d = b58_value(s[i]);
        if (d < 0)
            return false;
        uint32_t carry = (uint32_t)d;
        size_t j = outlen;
        for (size_t k = 0; (k < used || carry) && j > 0; k++) {
            j--;
            carry += 58u * out[j];
            out[j] = (uint8_t)carry;
            carry >>= 8;
        }
        if (carry)
            return false;
        used = outlen - j > used ? outlen - j : used;
    }
    size_t zeros = 0;
    while (zeros < outlen && out[zeros] == 0)
        zeros++;
    return zeros == ones;
}

/* Monero base58: 8-byte blocks as 11 characters, a short last block as the
 * characters its byte count needs (0,2,3,5,6,7,9,10,11 for 0..8 bytes). */
static bool xmr_b58_decode(const uint8_t *s, size_t n, uint8_t *out, size_t outlen)
{
    static const int8_t bytes_for_chars[12] = {0, -1, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8};
    size_t o = 0;
    for (size_t i = 0; i < n; i += 11) {
        size_t chars = n - i < 11 ? n - i : 11;
        int nbytes = bytes_for_chars[chars];
        if (nbytes <= 0 || (size_t)nbytes > outlen - o)
            return false;
        uint64_t v = 0;
        for (size_t k = 0; k < chars; k++) {
            int d = b58_value(s[i + k]);
            if (d < 0 || v > (UINT64_MAX - (uint64_t)d) / 58)
                return false;
            v = v * 58 + (uint64_t)d;
        }
        if (nbytes < 8 && v >> (8 * nbytes))
            return false;
        for (int k = nbytes - 1; k >= 0; k--) {
            out[o + (size_t)k] = (uint8_t)v;
            v >>= 8;
        }
        o += (size_t)nbytes;
    }
    return o == outlen;
}

/* ---- Base58Check kinds --------------------------------------------------------- */

/* P2PKH/P2SH versions: BTC 00/05, testnet 6f/c4, LTC 30/32 (and legacy 05),
 * LTC testnet 3a, DOGE 1e/16, DOGE testnet 71 (c4 shared). */
static bool addr_version(uint8_t v)
{
    static const uint8_t known[] = {0x00, 0x05, 0x6f, 0xc4, 0x30, 0x32, 0x3a, 0x1e, 0x16, 0x71};
    return memchr(known, v, sizeof(known)) != NULL;
}

/* WIF versions: BTC 80, testnet/regtest ef, LTC b0, DOGE 9e, DOGE testnet f1. */
static bool wif_version(uint8_t v)
{
    static const uint8_t known[] = {0x80, 0xef, 0xb0, 0x9e, 0xf1};
    return memchr(known, v, sizeof(known)) != NULL;
}

struct xkey_version {
    uint32_t version;
    bool secret;
    char prefix[5]; /* what every 82-byte key of this version encodes to */
};

/* BIP32 and SLIP-0132 registered versions. */
static const struct xkey_version xkey_versions[] = {
    {0x0488ade4, true, "xprv"},  {0x0488b21e, false, "xpub"}, {0x049d7878, true, "yprv"},
    {0x049d7cb2, false, "ypub"}, {0x04b2430c, true, "zprv"},  {0x04b24746, false, "zpub"},
    {0x0295b005, true, "Yprv"},  {0x0295b43f, false, "Ypub"}, {0x02aa7a99, true, "Zprv"},
    {0x02aa7ed3, false, "Zpub"}, {0x04358394, true, "tprv"},  {0x043587cf, false, "tpub"},
    {0x044a4e28, true, "uprv"},  {0x044a5262, false, "upub"}, {0x024285b5, true, "Uprv"},
    {0x024289ef, false, "Upub"}, {0x045f18bc, true, "vprv"},  {0x045f1cf6, false, "vpub"},
    {0x02575048, true, "Vprv"},  {0x02575483, false, "Vpub"}, {0x019d9cfe, true, "Ltpv"},
    {0x019da462, false, "Ltub"}, {0x01b26792, true, "Mtpv"},  {0x01b26ef6, false, "Mtub"},
    {0x0436ef7d, true, "ttpv"},  {0x0436f6e1, false, "ttub"},
};

/* Base58 of 111+ characters costs ~9k operations: decode only known prefixes. */
static bool xkey_prefix(const uint8_t *p)
{
    for (size_t i = 0; i < sizeof(xkey_versions) / sizeof(xkey_versions[0]); i++)
        if (memcmp(p, xkey_versions[i].prefix, 4) == 0)
            return true;
    return false;
}

static void try_base58check(struct scan *s, size_t off, size_t n)
{
    const uint8_t *p = s->t.p + off;
    uint8_t buf[82];
    if (n >= 26 && n <= 35) {
        if (b58_decode(p, n, buf, 25) && addr_version(buf[0]) && sha256d_check(buf, 25))
            report(s, MAT_BTC_ADDRESS, off, n);
    } else if (n == 51 || n == 52) {
        /* 37 bytes: version + key + check; 38: with the 0x01 compressed flag */
        if (b58_decode(p, n, buf, 37) && wif_version(buf[0]) && sha256d_check(buf, 37))
            report(s, MAT_WIF_KEY, off, n);
        else if (b58_decode(p, n, buf, 38) && wif_version(buf[0]) && buf[33] == 0x01 &&
                 sha256d_check(buf, 38))
            report(s, MAT_WIF_KEY, off, n);
    } else if (n == 111) { /* every registered version encodes to 111 characters */
        /* version 4, depth 1, parent 4, child 4, chain code 32, key 33, check 4 */
        if (!xkey_prefix(p) || !b58_decode(p, n, buf, 82) || !sha256d_check(buf, 82))
            return;
        uint32_t v =
            (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
        for (size_t i = 0; i < sizeof(xkey_versions) / sizeof(xkey_versions[0]); i++) {
            if (xkey_versions[i].version != v)
                continue;
            if (xkey_versions[i].secret && buf[45] == 0x00)
                report(s, MAT_XPRV, off, n);
            else if (!xkey_versions[i].secret && (buf[45] == 0x02 || buf[45] == 0x03))
                report(s, MAT_XPUB, off, n);
            return;
        }
    }
}

/* Monero network bytes: standard 18/53/24 and subaddress 42/63/36 (main/test/stage)
 * in 69 bytes; integrated 19/54/25 in 77 (8-byte payment id). */
static void try_monero(struct scan *s, size_t off, size_t n)
{
    static const uint8_t plain[] = {18, 53, 24, 42, 63, 36};
    static const uint8_t integrated[] = {19, 54, 25};
    uint8_t buf[77], md[32];
    size_t blen = n == 95 ? 69 : 77;
    if (!xmr_b58_decode(s->t.p + off, n, buf, blen))
        return;
    bool net_ok = blen == 69 ? memchr(plain, buf[0], sizeof(plain)) != NULL
                             : memchr(integrated, buf[0], sizeof(integrated)) != NULL;
    if (!net_ok)
        return;
    material_keccak256(buf, blen - 4, md);
    if (memcmp(md, buf + blen - 4, 4) == 0)
        report(s, MAT_XMR_ADDRESS, off, n);
}

/* ---- bech32 / bech32m (BIP173, BIP350) ------------------------------------------ */

static uint32_t bech32_polymod_step(uint32_t pre)
{
    uint8_t b = (uint8_t)(pre >> 25);
    return ((pre & 0x1ffffff) << 5) ^ (-((b >> 0) & 1) & 0x3b6a57b2UL) ^
           (-((b >> 1) & 1) & 0x26508e6dUL) ^ (-((b >> 2) & 1) & 0x1ea119faUL) ^
           (-((b >> 3) & 1) & 0x3d4233ddUL) ^ (-((b >> 4) & 1) & 0x2a1462b3UL);
}

static int bech32_value(int c)
{
    static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    const char *q = c > 0 ? strchr(charset, lower(c)) : NULL;
    return q ? (int)(q - charset) : -1;
}

/* A segwit address with any human-readable part: checksum, then BIP141's witness
 * version 0..16 and 2..40-byte program (20 or 32 for v0, which alone uses bech32). */
static void try_bech32(struct scan *s, size_t off, size_t n)
{
    const uint8_t *p = s->t.p + off;
    if (n < 14 || n > 90)
        return;
    bool has_lower = false, has_upper = false;
    size_t sep = 0;
    for (size_t i = 0; i < n; i++) {
        has_lower |= p[i] >= 'a' && p[i] <= 'z';
        has_upper |= p[i] >= 'A' && p[i] <= 'Z';
        if (p[i] == '1')
            sep = i;
    }
    if ((has_lower && has_upper) || sep == 0 || n - sep - 1 < 6 + 1)
        return;
    uint32_t chk = 1;
    for (size_t i = 0; i < sep; i++)
        chk = bech32_polymod_step(chk) ^ ((uint32_t)lower(p[i]) >> 5);
    chk = bech32_polymod_step(chk);
    for (size_t i = 0; i < sep; i++)
        chk = bech32_polymod_step(chk) ^ ((uint32_t)lower(p[i]) & 31);
    uint8_t d[90];
    size_t nd = 0;
    for (size_t i = sep + 1; i < n; i++) {
        int v = bech32_value(p[i]);
        if (v < 0)
            return;
        d[nd++] = (uint8_t)v;
        chk = bech32_polymod_step(chk) ^ (uint32_t)v;
    }
    bool bech32m = chk == 0x2bc830a3;
    if ((chk != 1 && !bech32m) || nd < 7)
        return;
    /* witness version, then the program regrouped from 5 to 8 bits */
    uint8_t version = d[0];
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t prog = 0;
    for (size_t i = 1; i < nd - 6; i++) {
        acc = (acc << 5 | d[i]) & 0xfff;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            prog++;
        }
    }
    if (bits > 4 || (acc & ((1u << bits) - 1)) != 0)
        return;
    if (version > 16 || prog < 2 || prog > 40)
        return;
    if (version == 0 ? (bech32m || (prog != 20 && prog != 32)) : !bech32m)
        return;
    report(s, MAT_BTC_ADDRESS, off, n);
}

/* ---- Ethereum (EIP-55) and context-bound hex keys ------------------------------- */

static void try_eth(struct scan *s, size_t off)
{
    const uint8_t *hex = s->t.p + off + 2;
    bool has_lower = false, has_upper = false;
    uint8_t low[40], md[32];
    for (size_t i = 0; i < 40; i++) {
        has_lower |= hex[i] >= 'a' && hex[i] <= 'f';
        has_upper |= hex[i] >= 'A' && hex[i] <= 'F';
        low[i] = (uint8_t)lower(hex[i]);
    }
    if (has_lower && has_upper) {
        material_keccak256(low, sizeof(low), md);
        for (size_t i = 0; i < 40; i++) {
            if (is_digit(hex[i]))
                continue;
            unsigned nib = (i % 2) ? md[i / 2] & 15 : md[i / 2] >> 4;
            bool upper = hex[i] >= 'A' && hex[i] <= 'F';
            if (upper != (nib >= 8))
                return;
        }
    }
    report(s, MAT_ETH_ADDRESS, off, 42);
}

/* "private", "priv", "secret", "seed" or "key" (not "pubkey"/"public_key") in the
 * HEX_CONTEXT bytes before off. */
static bool key_context(const struct text *t, size_t off)
{
    size_t from = off > HEX_CONTEXT ? off - HEX_CONTEXT : 0;
    for (size_t i = from; i < off; i++) {
        if (match_ci(t, i, "priv") || match_ci(t, i, "secret") || match_ci(t, i, "seed"))
            return true;
        if (!match_ci(t, i, "key"))
            continue;
        bool pub = false;
        for (size_t k = i > 8 ? i - 8 : 0; k < i && !pub; k++)
            pub = match_ci(t, k, "pub");
        if (!pub)
            return true;
    }
    return false;
}

static void try_hexkey(struct scan *s, size_t off, size_t n)
{
    const uint8_t *p = s->t.p + off;
    size_t h = n == 66 ? 2 : 0;
    bool same = true;
    for (size_t i = h; i < n; i++)
        same &= lower(p[i]) == lower(p[h]);
    /* "000...0" and "fff...f" are placeholders, not keys */
    if (!same && key_context(&s->t, off))
        report(s, MAT_HEX_PRIVKEY, off, n);
}

/* ---- BIP39 ---------------------------------------------------------------------- */

struct bip39_word {
    uint16_t idx;
    bool nl_before; /* a line break separates it from the previous word */
    size_t off, end;
};

/* Consecutive list words. A run of at most BIP39_RUN_MAX words is searched whole.
 * A longer one is either a word list (the wordlist itself, a wallet's JS bundle:
 * every window passes the checksum 1 time in 16, so searching it raises false
 * alarms) or a dump of many phrases; it switches to line mode, where each line of
 * 12..BIP39_RUN_MAX words is searched on its own: a file of one phrase per line
 * is found, the one-word-per-line or one-line word list is not. */
struct bip39_run {
    struct bip39_word w[BIP39_RUN_MAX];
    size_t n;
    size_t last_end;    /* end of the run's last word, kept or not */
    bool active;        /* the run has a word */
    bool line_mode;     /* longer than BIP39_RUN_MAX: searched line by line */
    bool line_overlong; /* the current line is longer too: skipped to its end */
};

static int bip39_lookup(const uint8_t *p, size_t n)
{
    char w[BIP39_WORD_MAX + 1];
    if (n < 3 || n > BIP39_WORD_MAX)
        return -1;
    for (size_t i = 0; i < n; i++)
        w[i] = (char)lower(p[i]);
    w[n] = 0;
    int lo = 0, hi = BIP39_WORDS - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(w, bip39_english[mid]);
        if (c == 0)
            return mid;
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return -1;
}

/* words w[0..nw): 11 bits each = ENT entropy bits + ENT/32 checksum bits. */
static bool bip39_valid(const struct bip39_word *w, size_t nw)
{
    uint8_t buf[33] = {0}, md[SHA256_DIGEST_LENGTH];
    size_t bit = 0;
    for (size_t i = 0; i < nw; i++)
        for (int b = 10; b >= 0; b--, bit++)
            if (w[i].idx >> b & 1)
                buf[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
    size_t ent = nw * 32 / 3, cs = ent / 32;
    if (EVP_Digest(buf, ent / 8, md, NULL, digest_sha256(), NULL) != 1)
        return false;
    return (md[0] >> (8 - cs)) == (buf[ent / 8] >> (8 - cs));
}

/* Reports every valid 24/21/18/15/12-word window of w[0..n) not already inside a
 * reported one, longest first: a phrase glued to list words on either side ("seed
 * phrase abandon ... about please") is still found, whichever side they are on. */
static void bip39_search(struct scan *s, const struct bip39_word *w, size_t n)
{
    static const size_t lens[] = {24, 21, 18, 15, 12};
    bool covered[BIP39_RUN_MAX] = {false};
    for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
        for (size_t i = 0; n >= lens[l] && i <= n - lens[l]; i++) {
            bool all = true;
            for (size_t k = i; k < i + lens[l]; k++)
                all &= covered[k];
            if (all || !bip39_valid(w + i, lens[l]))
                continue;
            for (size_t k = i; k < i + lens[l]; k++)
                covered[k] = true;
            report(s, MAT_BIP39_MNEMONIC, w[i].off, w[i + lens[l] - 1].end - w[i].off);
        }
    }
}

static void bip39_end_line(struct scan *s, struct bip39_run *r)
{
    if (!r->line_overlong)
        bip39_search(s, r->w, r->n);
    r->n = 0;
    r->line_overlong = false;
}

static void bip39_flush(struct scan *s, struct bip39_run *r)
{
    if (r->line_mode)
        bip39_end_line(s, r);
    else
        bip39_search(s, r->w, r->n);
    r->n = 0;
    r->active = r->line_mode = r->line_overlong = false;
}

/* The run has outgrown BIP39_RUN_MAX: search its complete lines and keep only the
 * words of the open line, which is itself too long if it is the whole buffer. */
static void bip39_enter_line_mode(struct scan *s, struct bip39_run *r)
{
    size_t open = 0, start = 0;
    for (size_t i = 1; i < r->n; i++)
        if (r->w[i].nl_before)
            open = i;
    for (size_t i = 1; i <= open; i++) {
        if (!r->w[i].nl_before)
            continue;
        bip39_search(s, r->w + start, i - start);
        start = i;
    }
    r->line_mode = true;
    if (open == 0) {
        r->n = 0;
        r->line_overlong = true;
        return;
    }
    memmove(r->w, r->w + open, (r->n - open) * sizeof(r->w[0]));
    r->n -= open;
}

/* Words of one phrase are separated by blanks, line breaks or commas, optionally
 * with list numbering, bullets or quotes ("1. abandon\n2. ability", "a","b"). */
static bool bip39_gap_ok(const struct text *t, size_t from, size_t to, bool *nl)
{
    bool sep = false;
    *nl = false;
    if (to - from > BIP39_GAP_MAX)
        return false;
    for (size_t i = from; i < to; i++) {
        int c = at(t, i);
        *nl |= c == '\n';
        if (is_space(c) || c == ',')
            sep = true;
        else if (!is_digit(c) && c != '.' && c != ')' && c != '-' && c != '*' && c != '"' &&
                 c != '\'')
            return false;
    }
    return sep;
}

static void bip39_word(struct scan *s, struct bip39_run *r, int idx, size_t off, size_t end)
{
    bool nl = false;
    if (r->active && !bip39_gap_ok(&s->t, r->last_end, off, &nl)) {
        bip39_flush(s, r);
        nl = false;
    } else if (r->line_mode && nl) {
        bip39_end_line(s, r);
    }
    r->active = true;
    r->last_end = end;
    if (r->n == BIP39_RUN_MAX && !r->line_mode)
        bip39_enter_line_mode(s, r);
    if (r->n == BIP39_RUN_MAX) {
        r->n = 0;
        r->line_overlong = true;
    }
    if (r->line_overlong)
        return;
    r->w[r->n].idx = (uint16_t)idx;
    r->w[r->n].nl_before = nl;
    r->w[r->n].off = off;
    r->w[r->n].end = end;
    r->n++;
}

/* ---- pass 1: tokens ----------------------------------------------------------- */

static void classify_token(struct scan *s, struct bip39_run *run, size_t off, size_t n)
{
    const uint8_t *p = s->t.p + off;
    bool alpha = true, digits = true, hex = true, b58 = true;
    for (size_t i = 0; i < n; i++) {
        alpha &= is_alpha(p[i]);
        digits &= is_digit(p[i]);
        hex &= is_hex(p[i]);
        b58 &= b58_value(p[i]) >= 0;
    }
    int idx = alpha ? bip39_lookup(p, n) : -1;
    if (idx >= 0) {
        bip39_word(s, run, idx, off, off + n);
        return;
    }
    if (!(digits && n <= 3)) /* short numbers are list numbering inside a phrase */
        bip39_flush(s, run);

    bool hex_after_0x = n > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
    for (size_t i = 2; hex_after_0x && i < n; i++)
        hex_after_0x = is_hex(p[i]);
    if (n == 42 && hex_after_0x)
        try_eth(s, off);
    else if ((n == 64 && hex) || (n == 66 && hex_after_0x))
        try_hexkey(s, off, n);
    if (b58) {
        if (n == 95 || n == 106)
            try_monero(s, off, n);
        else
            try_base58check(s, off, n);
    }
    if (!alpha && !digits)
        try_bech32(s, off, n);
}

static void scan_tokens(struct scan *s)
{
    struct bip39_run run;
    memset(&run, 0, sizeof(run));
    size_t i = 0;
    while (i < s->t.n) {
        if (!is_alnum(at(&s->t, i))) {
            i++;
            continue;
        }
        size_t start = i;
        while (is_alnum(at(&s->t, i)))
            i++;
        classify_token(s, &run, start, i - start);
    }
    bip39_flush(s, &run);
}

/* ---- pass 2: credentials --------------------------------------------------------- */

static bool token68_char(int c)
{
    return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' ||
           c == '=';
}

static bool value_char(int c)
{
    return c > ' ' && c < 0x7f && c != ';' && c != '&' && c != ',' && c != '"' && c != '\'' &&
           c != '<' && c != '>' && c != ')' && c != ']' && c != '}';
}

/* "Bearer X" (also inside "Authorization: Bearer X"), X at least BEARER_MIN
 * RFC 6750 token68 characters. */
static size_t try_bearer(struct scan *s, size_t i)
{
    const struct text *t = &s->t;
    if ((i > 0 && is_alnum(at(t, i - 1))) || !match_ci(t, i, "bearer") || !is_blank(at(t, i + 6)))
        return i;
    size_t k = i + 6;
    while (is_blank(at(t, k)) && k - i < 10)
        k++;
    size_t v = k;
    while (token68_char(at(t, k)) && k - v < VALUE_MAX)
        k++;
    if (k - v >= BEARER_MIN && !token68_char(at(t, k)))
        report(s, MAT_BEARER_TOKEN, v, k - v);
    return k;
}

static bool name_char(int c)
{
    return is_alnum(c) || c == '_' || c == '-' || c == '.';
}

static bool ends_with(const char *name, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    return n >= m && memcmp(name + n - m, suffix, m) == 0;
}

/* Session-id cookie and parameter names (lower-cased): PHPSESSID, JSESSIONID,
 * connect.sid, _rails_session, laravel_session, ASPSESSIONIDxxxx, auth_token, ... */
static bool session_name(const char *name, size_t n)
{
    static const char *const suffixes[] = {
        "session",       "sessionid",      "session_id", "sessid",    "session_key",
        "session_token", "sessiontoken",   "auth_token", "authtoken", "access_token",
        "refresh_token", "remember_token", ".sid",       "_sid",      "-sid",
    };
    if ((n == 3 && memcmp(name, "sid", 3) == 0) ||
        (n >= 12 && memcmp(name, "aspsessionid", 12) == 0))
        return true;
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
        if (ends_with(name, n, suffixes[i]))
            return true;
    return false;
}

/* Reports the value of each session-named pair in the Cookie / Set-Cookie value
 * t[v..e), so the Set-Cookie a server sends and the Cookie a client returns later
 * fingerprint alike; returns how many there were. */
static size_t cookie_pairs(struct scan *s, size_t v, size_t e)
{
    const struct text *t = &s->t;
    size_t found = 0;
    for (size_t b = v; b < e;) {
        size_t semi = b, eq;
        while (semi < e && at(t, semi) != ';')
            semi++;
        for (eq = b; eq < semi && at(t, eq) != '=';)
            eq++;
        size_t nb = b, ne = eq, vb = eq + 1, ve = semi;
        while (nb < ne && is_blank(at(t, nb)))
            nb++;
        while (ne > nb && is_blank(at(t, ne - 1)))
            ne--;
        while (vb < ve && is_blank(at(t, vb)))
            vb++;
        while (ve > vb && is_blank(at(t, ve - 1)))
            ve--;
        char name[64];
        if (eq < semi && ne > nb && ne - nb < sizeof(name) && ve > vb) {
            for (size_t k = nb; k < ne; k++)
                name[k - nb] = (char)lower(at(t, k));
            name[ne - nb] = 0;
            if (session_name(name, ne - nb)) {
                report(s, MAT_SESSION_COOKIE, vb, ve - vb);
                found++;
            }
        }
        b = semi + 1;
    }
    return found;
}

/* "Cookie:" or "Set-Cookie:" at a line start: its session-named values, or the
 * whole value when none is named like a session. Returns where the walk resumes
 * (the line's end), or i when it is no such line. */
static size_t try_cookie_header(struct scan *s, size_t i)
{
    const struct text *t = &s->t;
    size_t k;
    if (i > 0 && at(t, i - 1) != '\n')
        return i;
    if (match_ci(t, i, "cookie:"))
        k = i + 7;
    else if (match_ci(t, i, "set-cookie:"))
        k = i + 11;
    else
        return i;
    while (is_blank(at(t, k)))
        k++;
    size_t v = k;
    while (k - v < VALUE_MAX && at(t, k) >= 0 && at(t, k) != '\r' && at(t, k) != '\n')
        k++;
    size_t e = k;
    while (e > v && is_blank(at(t, e - 1)))
        e--;
    if (e > v && cookie_pairs(s, v, e) == 0)
        report(s, MAT_SESSION_COOKIE, v, e - v);
    while (at(t, k) >= 0 && at(t, k) != '\n')
        k++;
    return k;
}

/* The name=... or "name": ... ending just before the '=' / ':' at i, lower-cased
 * into name[]; returns its length, 0 if it is not a name. */
static size_t name_before(const struct text *t, size_t i, char name[64], bool *quoted)
{
    size_t e = i;
    *quoted = false;
    while (e > 0 && is_blank(at(t, e - 1)) && i - e < 4)
        e--;
    if (e > 0 && at(t, e - 1) == '"') {
        *quoted = true;
        e--;
    }
    size_t b = e;
    while (b > 0 && name_char(at(t, b - 1)) && e - b < 63)
        b--;
    if (b == e || (b > 0 && name_char(at(t, b - 1))))
        return 0;
    if (*quoted && (b == 0 || at(t, b - 1) != '"'))
        return 0;
    for (size_t k = b; k < e; k++)
        name[k - b] = (char)lower(at(t, k));
    name[e - b] = 0;
    return e - b;
}

/* The value after the '=' / ':' at i: blanks, an optional quote, then up to max
 * bytes (to the closing quote, or to the first non-value byte). Sets *v and
 * returns its end; *len is 0 when the value is too long or unterminated. */
static size_t value_after(const struct text *t, size_t i, size_t max, size_t *v, size_t *len)
{
    size_t k = i + 1;
    while (is_blank(at(t, k)) && k - i < 5)
        k++;
    int q = at(t, k);
    bool quoted = q == '"' || q == '\'';
    if (quoted)
        k++;
    *v = k;
    while (k - *v <= max && (quoted ? at(t, k) >= ' ' && at(t, k) != q : value_char(at(t, k))))
        k++;
    *len = k - *v;
    if (*len > max || (quoted && at(t, k) != q))
        *len = 0;
    return k;
}

/* Whether the unquoted n-byte name before the '='/':' at i starts a line (after
 * indentation) or follows a parameter separator: "pass: x" in a config file or
 * "?user=a&pwd=x", not "Boarding pass: gate 5". */
static bool key_position(const struct text *t, size_t i, size_t n)
{
    size_t b = i;
    while (b > 0 && is_blank(at(t, b - 1)) && i - b < 4)
        b--;
    if (b < n)
        return b == n;
    b -= n;
    for (size_t k = 0; b > 0 && is_blank(at(t, b - 1)) && k < 64; k++)
        b--;
    int c = b > 0 ? at(t, b - 1) : '\n';
    return c == '\n' || c == '?' || c == '&' || c == ';' || c == ',' || c == '{' || c == '(';
}

static bool placeholder(const uint8_t *p, size_t n)
{
    static const char *const words[] = {"null", "none", "true", "false", "undefined", "redacted"};
    bool masked = true;
    for (size_t i = 0; i < n; i++)
        masked &= p[i] == '*' || p[i] == 'x' || p[i] == 'X';
    if (masked)
        return true;
    for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
        size_t m = strlen(words[w]);
        bool eq = m == n;
        for (size_t i = 0; eq && i < n; i++)
            eq = lower(p[i]) == words[w][i];
        if (eq)
            return true;
    }
    return false;
}

/* At an '=' or ':' : "password=x", "db_passwd: x", "passphrase": "x", PHPSESSID=x,
 * "sessionid": "x". Returns where the walk resumes. */
static size_t try_assignment(struct scan *s, size_t i)
{
    const struct text *t = &s->t;
    static const char *const pw[] = {"password", "passwd", "passphrase", "pass", "pwd"};
    char name[64];
    bool quoted;
    size_t n = name_before(t, i, name, &quoted);
    if (n == 0)
        return i + 1;
    bool is_pw = false;
    for (size_t k = 0; k < sizeof(pw) / sizeof(pw[0]) && !is_pw; k++) {
        /* "rpcpassword", "db_passphrase"; but "pass"/"pwd" alone or after a
         * separator, so "bypass=" and "compass:" are not passwords */
        size_t m = strlen(pw[k]);
        if (!ends_with(name, n, pw[k]))
            continue;
        bool own_word =
            n == m ? quoted || key_position(t, i, n) : strchr("_-.", name[n - m - 1]) != NULL;
        is_pw = m >= 6 || own_word;
    }
    bool is_session = !is_pw && session_name(name, n);
    if (!is_pw && !is_session)
        return i + 1;
    /* "Password:" as a prompt has no value on its line: value_after() stops there. */
    size_t v, len;
    size_t end = value_after(t, i, is_pw ? PASSWORD_MAX : VALUE_MAX, &v, &len);
    if (is_pw && len >= PASSWORD_MIN && !placeholder(t->p + v, len))
        report(s, MAT_PASSWORD_ASSIGNMENT, v, len);
    else if (is_session && len >= SESSION_VALUE_MIN)
        report(s, MAT_SESSION_COOKIE, v, len);
    return end > i + 1 ? end : i + 1;
}

static void scan_credentials(struct scan *s)
{
    const struct text *t = &s->t;
    size_t i = 0;
    while (i < t->n) {
        int c = lower(at(t, i));
        size_t next = i;
        if (c == 'c' || c == 's')
            next = try_cookie_header(s, i);
        else if (c == 'b')
            next = try_bearer(s, i);
        else if (c == '=' || c == ':')
            next = try_assignment(s, i);
        i = next > i ? next : i + 1;
    }
}

/* ---- pass 3: transfer requests ---------------------------------------------------- */

struct unit {
    const char *word; /* lower case, as written */
    const char *canon;
};

static const struct unit units[] = {
    {"btc", "BTC"},      {"xbt", "BTC"},   {"bitcoin", "BTC"}, {"bitcoins", "BTC"},
    {"mbtc", "mBTC"},    {"tbtc", "tBTC"}, {"ltc", "LTC"},     {"litecoin", "LTC"},
    {"eth", "ETH"},      {"ether", "ETH"}, {"xmr", "XMR"},     {"monero", "XMR"},
    {"doge", "DOGE"},    {"bch", "BCH"},   {"usdt", "USDT"},   {"usdc", "USDC"},
    {"dai", "DAI"},      {"sat", "sat"},   {"sats", "sat"},    {"satoshi", "sat"},
    {"satoshis", "sat"}, {"gwei", "gwei"}, {"wei", "wei"},
};

/* The unit spelled by the letters t[b..e), or NULL. */
static const char *unit_at(const struct text *t, size_t b, size_t e)
{
    for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
        size_t m = strlen(units[u].word);
        if (m == e - b && match_ci(t, b, units[u].word))
            return units[u].canon;
    }
    return NULL;
}

struct amount {
    size_t b, e; /* the amount with its unit */
    char num[MAT_AMOUNT_MAX];
    const char *unit;
};

/* A decimal number at j ("1.5", "0.25", "1,000.5") with a unit right after it
 * ("1.5 BTC", "0.25btc") or right before it ("BTC 1.5"). */
static bool amount_at(const struct text *t, size_t j, struct amount *a)
{
    int prev = j > 0 ? at(t, j - 1) : -1;
    if (!is_digit(at(t, j)) || is_alnum(prev) || prev == '.' || prev == ',')
        return false;
    size_t k = j, o = 0, group = 0;
    while (is_digit(at(t, k)) && o < MAT_AMOUNT_MAX - 1) {
        a->num[o++] = (char)at(t, k++);
        group++;
    }
    while (group <= 3 && at(t, k) == ',' && is_digit(at(t, k + 1)) && is_digit(at(t, k + 2)) &&
           is_digit(at(t, k + 3)) && !is_digit(at(t, k + 4)) && o + 3 < MAT_AMOUNT_MAX - 1) {
        for (int d = 1; d <= 3; d++)
            a->num[o++] = (char)at(t, k + (size_t)d);
        k += 4;
    }
    if (at(t, k) == '.' && is_digit(at(t, k + 1))) {
        if (o < MAT_AMOUNT_MAX - 1)
            a->num[o++] = '.';
        k++;
        while (is_digit(at(t, k)) && o < MAT_AMOUNT_MAX - 1)
            a->num[o++] = (char)at(t, k++);
    }
    if (is_digit(at(t, k)) || at(t, k) == ',' || (at(t, k) == '.' && is_digit(at(t, k + 1))))
        return false; /* too long for amount[], or not a plain number */
    a->num[o] = 0;
    size_t u = k;
    while (is_blank(at(t, u)) && u - k < 2)
        u++;
    size_t ue = u;
    while (is_alpha(at(t, ue)) && ue - u < 9)
        ue++;
    if (ue > u && !is_alnum(at(t, ue)) && (a->unit = unit_at(t, u, ue))) {
        a->b = j;
        a->e = ue;
        return true;
    }
    if (is_alpha(at(t, k)))
        return false;
    size_t ub = j;
    while (ub > 0 && is_blank(at(t, ub - 1)) && j - ub < 2)
        ub--;
    if (ub == j)
        return false; /* "BTC1.5" is not written */
    size_t ubb = ub;
    while (ubb > 0 && is_alpha(at(t, ubb - 1)) && ub - ubb < 9)
        ubb--;
    if (ubb == ub || (ubb > 0 && is_alnum(at(t, ubb - 1))) || !(a->unit = unit_at(t, ubb, ub)))
        return false;
    a->b = ubb;
    a->e = k;
    return true;
}

/* Bytes between the amount and the address, or SIZE_MAX when they overlap. */
static size_t gap(const struct amount *a, size_t b0, size_t b1)
{
    if (a->e <= b0)
        return b0 - a->e;
    if (b1 <= a->b)
        return a->b - b1;
    return SIZE_MAX;
}

static void scan_transfers(struct scan *s)
{
    const struct text *t = &s->t;
    struct amount best[MAT_MAX_ADDRS];
    size_t best_gap[MAT_MAX_ADDRS];
    for (size_t k = 0; k < s->naddr; k++) {
        size_t b0 = (size_t)(s->addr[k].p - t->p), b1 = b0 + s->addr[k].len;
        size_t from = b0 > TRANSFER_GAP + AMOUNT_SCAN_MAX ? b0 - TRANSFER_GAP - AMOUNT_SCAN_MAX : 0;
        size_t to = b1 + TRANSFER_GAP + 12 < t->n ? b1 + TRANSFER_GAP + 12 : t->n;
        best_gap[k] = SIZE_MAX;
        for (size_t j = from; j < to; j++) {
            struct amount a;
            if (j >= b0 && j < b1)
                continue;
            if (!amount_at(t, j, &a))
                continue;
            size_t g = gap(&a, b0, b1);
            /* ties go to the amount before the address: "send 1 BTC to ADDR" */
            if (g <= TRANSFER_GAP && g < best_gap[k]) {
                best[k] = a;
                best_gap[k] = g;
            }
        }
    }
    /* An amount between two addresses belongs to the nearer one (ties: the one after
     * it, the destination in "send 1 BTC to ADDR"). */
    for (size_t k = 1; k < s->naddr; k++) {
        if (best_gap[k] == SIZE_MAX || best_gap[k - 1] == SIZE_MAX || best[k].b != best[k - 1].b)
            continue;
        if (best_gap[k - 1] < best_gap[k])
            best_gap[k] = SIZE_MAX;
        else
            best_gap[k - 1] = SIZE_MAX;
    }
    for (size_t k = 0; k < s->naddr; k++) {
        if (best_gap[k] == SIZE_MAX)
            continue;
        size_t b0 = (size_t)(s->addr[k].p - t->p), b1 = b0 + s->addr[k].len;
        struct material_finding f;
        memset(&f, 0, sizeof(f));
        f.kind = MAT_TRANSFER_REQUEST;
        f.offset = best[k].b < b0 ? best[k].b : b0;
        f.len = (best[k].e > b1 ? best[k].e : b1) - f.offset;
        memcpy(f.amount, best[k].num, sizeof(f.amount));
        snprintf(f.unit, sizeof(f.unit), "%s", best[k].unit);
        f.addr_offset = b0;
        f.addr_len = b1 - b0;
        keep(s, &f);
    }
}

/* ---- API ---------------------------------------------------------------------------- */

static int by_offset(const void *a, const void *b)
{
    const struct material_finding *x = a, *y = b;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    return (int)x->kind - (int)y->kind;
}

static int by_severity(const void *a, const void *b)
{
    const struct material_finding *x = a, *y = b;
    int sx = kind_severity(x->kind), sy = kind_severity(y->kind);
    if (sx != sy)
        return sy - sx;
    return by_offset(a, b);
}

/* Scans for everything, or (transfers_only) for the addresses and amounts a
 * transfer request is made of, keeping only the requests. */
static size_t scan(const uint8_t *data, size_t len, struct material_finding *out, size_t max,
                   bool transfers_only)
{
    if (!data || !out || max == 0)
        return 0;
    struct scan scan, *s = &scan;
    s->t.p = data;
    s->t.n = len < MAT_SCAN_MAX ? len : MAT_SCAN_MAX;
    s->nf = 0;
    s->naddr = 0;
    scan_tokens(s);
    if (transfers_only)
        s->nf = 0; /* the addresses stay in s->addr for scan_transfers */
    else
        scan_credentials(s);
    scan_transfers(s);
    if (s->nf > max)
        qsort(s->f, s->nf, sizeof(s->f[0]), by_severity);
    size_t n = s->nf < max ? s->nf : max;
    qsort(s->f, n, sizeof(s->f[0]), by_offset);
    memcpy(out, s->f, n * sizeof(s->f[0]));
    return n;
}

size_t material_scan(const uint8_t *data, size_t len, struct material_finding *out, size_t max)
{
    return scan(data, len, out, max, false);
}

size_t material_scan_transfers(const uint8_t *data, size_t len, struct material_finding *out,
                               size_t max)
{
    return scan(data, len, out, max, true);
}

const char *material_kind_name(enum material_kind kind)
{
    static const char *const names[MAT_KIND_COUNT] = {
        [MAT_BIP39_MNEMONIC] = "bip39-mnemonic",
        [MAT_WIF_KEY] = "wif-key",
        [MAT_XPRV] = "xprv",
        [MAT_XPUB] = "xpub",
        [MAT_BTC_ADDRESS] = "btc-address",
        [MAT_ETH_ADDRESS] = "eth-address",
        [MAT_XMR_ADDRESS] = "xmr-address",
        [MAT_HEX_PRIVKEY] = "hex-private-key",
        [MAT_TRANSFER_REQUEST] = "transfer-request",
        [MAT_SESSION_COOKIE] = "session-cookie",
        [MAT_BEARER_TOKEN] = "bearer-token",
        [MAT_PASSWORD_ASSIGNMENT] = "password",
    };
    if ((unsigned)kind >= MAT_KIND_COUNT)
        return "unknown";
    return names[kind];
}

bool material_is_secret(enum material_kind kind)
{
    return kind_severity(kind) >= 2;
}

int material_severity(const struct material_finding *f, size_t n)
{
    int sev = 0;
    for (size_t i = 0; f && i < n; i++)
        if (kind_severity(f[i].kind) > sev)
            sev = kind_severity(f[i].kind);
    return sev;
}

static bool in_bounds(size_t len, size_t off, size_t n)
{
    return off <= len && n <= len - off;
}

/* A non-secret value is emitted only as what the scanner validated: at most 128
 * alphanumerics inside the buffer. A finding the caller built or altered cannot
 * smuggle other bytes into the event. */
static struct json_object *public_string(const uint8_t *data, size_t len, size_t off, size_t n)
{
    if (!in_bounds(len, off, n) || n == 0 || n > 128)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!is_alnum(data[off + i]))
            return NULL;
    return json_object_new_string_len((const char *)data + off, (int)n);
}

static struct json_object *finding_json(const uint8_t *data, size_t len,
                                        const struct material_finding *f)
{
    const char *kind = material_kind_name(f->kind);
    if (!in_bounds(len, f->offset, f->len) || kind_severity(f->kind) == 0)
        return NULL;
    if (material_is_secret(f->kind))
        return redact_json(kind, data + f->offset, f->len);
    bool transfer = f->kind == MAT_TRANSFER_REQUEST;
    struct json_object *val = transfer ? public_string(data, len, f->addr_offset, f->addr_len)
                                       : public_string(data, len, f->offset, f->len);
    if (!val)
        return NULL;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "kind", json_object_new_string(kind));
    if (transfer) {
        json_object_object_add(
            o, "amount",
            json_object_new_string_len(f->amount, (int)strnlen(f->amount, sizeof(f->amount))));
        json_object_object_add(
            o, "unit", json_object_new_string_len(f->unit, (int)strnlen(f->unit, sizeof(f->unit))));
    }
    json_object_object_add(o, f->kind == MAT_XPUB ? "key" : "address", val);
    return o;
}

struct json_object *material_json(const uint8_t *data, size_t len, const struct material_finding *f,
                                  size_t n)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && data && f && i < n; i++) {
        struct json_object *o = finding_json(data, len, &f[i]);
        if (o)
            json_object_array_add(arr, o);
    }
    return arr;
}
