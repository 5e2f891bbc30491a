/* test-material.c — the wallet-material classifier (plugin/app/material.c).
 *
 * Every kind with published vectors: BIP39 (the spec's vectors and
 * python-mnemonic's for 15/21 words), BIP32 test vector 1 and SLIP-0132's,
 * the Bitcoin wiki WIF, BIP173/BIP350 segwit addresses, EIP-55's addresses,
 * the Monero docs' standard address. Each is paired with a lookalike whose
 * checksum fails (one word changed, one character flipped), which must not be
 * reported. Then separators and punctuation, start and end of the buffer, a
 * guard page after every prefix, transfer requests in both orders, cookies,
 * bearer tokens and passwords, the JSON searched for every secret, and a
 * 1 MiB hostile input (timed, printed, never asserted on time).
 *
 * Vectors marked "generated" were made with independent code (Python's
 * hashlib, pycryptodome's Keccak, python-mnemonic, a BIP173 reference encoder
 * whose "bc" output matches BIP173's own vector), not with material.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/material.h"
#include "util/redact.h"

#define MAXF 64

/* ---- vectors ------------------------------------------------------------------ */

#define ABANDON11                                                                                  \
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon"
static const char *const mnemonics[] = {
    /* BIP39 vectors (entropy 00*16, 7f*16, 80*16, ff*16, 00*32, ff*32) */
    ABANDON11 " about",
    "legal winner thank year wave sausage worth useful legal winner thank yellow",
    "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
    "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
    ABANDON11 " " ABANDON11 " abandon art",
    "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo "
    "vote",
    /* 18 words, BIP39 vector entropy 00*24 */
    ABANDON11 " abandon abandon abandon abandon abandon abandon agent",
    /* 15 and 21 words: python-mnemonic for 00*20, 7f*20, 00*28 (generated) */
    ABANDON11 " abandon abandon abandon address",
    "legal winner thank year wave sausage worth useful legal winner thank year wave sausage wise",
    ABANDON11 " abandon abandon abandon abandon abandon abandon abandon abandon abandon admit",
};

/* One word changed or swapped: the checksum fails. */
static const char *const bad_mnemonics[] = {
    ABANDON11 " above",
    ABANDON11 " abandon",
    "legal winner thank year wave sausage worth useful legal winner yellow thank",
    ABANDON11 " " ABANDON11 " abandon abandon", /* no valid 12..24-word window inside */
    ABANDON11,                                  /* 11 words */
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon ability "
    "about ability", /* 13 words, no valid 12-word window */
    "abandon abandon abandon abandon abandon abandon bitcoin abandon abandon abandon abandon "
    "about", /* a word not on the list */
};

#define WIF_U "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ"    /* Bitcoin wiki */
#define WIF_C "KwdMAjGmerYanjeui5SHS7JkmpZvVipYvB2LJGU1ZxJwYvP98617"   /* same key, compressed */
#define WIF_T "cMzLdeGd5vEqxB8B6VFQoRopQ3sLAAvEzDAoQgvX54xwofSWj1fx"   /* 0xEF, generated */
#define WIF_LTC "T3TccUZx4EXBZaHnFiP9eTr8igDEZoqSjNvbA56Z8vV74oyAcjTK" /* 0xB0, generated */

/* BIP32 test vector 1, chain m */
#define XPRV1                                                                                      \
    "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TG" \
    "tRBeJgk33yuGBxrMPHi"
#define XPUB1                                                                                      \
    "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TM" \
    "g7usUDFdp6W1EGMcet8"
/* SLIP-0132 test vectors (m/49'/0'/0', m/84'/0'/0') */
#define YPRV                                                                                       \
    "yprvAHwhK6RbpuS3dgCYHM5jc2ZvEKd7Bi61u9FVhYMpgMSuZS613T1xxQeKTffhrHY79hZ5PsskBjcc6C2V7DrnsMsN" \
    "aGDaWev3GLRQRgV7hxF"
#define ZPRV                                                                                       \
    "zprvAdG4iTXWBoARxkkzNpNh8r6Qag3irQB8PzEMkAFeTRXxHpbF9z4QgEvBRmfvqWvGp42t42nvgGpNgYSJA9iefm1y" \
    "YNZKEm7z6qUWCroSQnE"
#define YPUB                                                                                       \
    "ypub6Ww3ibxVfGzLrAH1PNcjyAWenMTbbAosGNB6VvmSEgytSER9azLDWCxoJwW7Ke7icmizBMXrzBx9979FfaHxHcrA" \
    "rf3zbeJJJUZPf663zsP"
#define ZPUB                                                                                       \
    "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31m" \
    "GDtKsAYz2oz2AGutZYs"

static const char *const base58_addresses[] = {
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",  /* genesis block P2PKH */
    "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",  /* BIP16-era P2SH example */
    "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA",  /* SLIP-0132 m/44'/0'/0'/0/0 */
    "37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf",  /* SLIP-0132 m/49'/0'/0'/0/0 */
    "LVuDpNCSSj6pQ7t9Pv6d6sUkLKoqDEVUnJ",  /* LTC 0x30, generated */
    "MJaRnao1s62a2zAKSkmG582KbLKianqb7v",  /* LTC 0x32, generated */
    "DFpN6QqFfUm3gKNaxN6tNcab1FArL9cZLE",  /* DOGE 0x1e, generated */
    "mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r",  /* testnet 0x6f, generated */
    "2N3vVYSK5XRgVSGWy21PnsRmBUywSQNdCsf", /* testnet P2SH 0xc4, generated */
};

/* BIP350 "valid segwit addresses" plus other human-readable parts (generated). */
static const char *const segwit_addresses[] = {
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
    "BC1SW50QGDZ25J",
    "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
    "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
    "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
    "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", /* SLIP-0132 m/84'/0'/0'/0/0 */
    "ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n9",
    "tltc1qw508d6qejxtdg4y5r3zarvary0c5xw7klfsuq0",
    "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080",
    "bcrt1pqqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0sj9hjuh",
};

/* BIP350 "invalid segwit addresses" (all but the first, whose only fault is its
 * human-readable part, which this classifier does not restrict), and BIP173's
 * checksum-only bech32 strings that are not segwit addresses. */
static const char *const bad_segwit[] = {
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
    "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
    "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
    "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
    "bc1pw5dgrnzv",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
    "bc1gmk9yu",
    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", /* valid bech32, version 0, 19 bytes */
    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", /* last character flipped */
};

static const char *const eth_addresses[] = {
    /* EIP-55 */
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    /* all upper / all lower: no checksum to check */
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
};

static const char *const bad_eth[] = {
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",  /* last letter's case flipped */
    "0xfb6916095ca1df60bB79Ce92cE3Ea74c37c5d359",  /* first letter's case flipped */
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",   /* 39 hex */
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed0", /* 41 hex */
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg",  /* not hex */
};

/* Monero docs "Standard address"; a subaddress and an integrated address built on
 * its keys (generated). */
#define XMR_STD                                                                                    \
    "4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684" \
    "Rge"
#define XMR_SUB                                                                                    \
    "8BTd81B7syWcfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv25pn" \
    "Jx6"
#define XMR_INT                                                                                    \
    "4LL9oSLmtpccfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2Wxi" \
    "KquXx8vGNR9SCS"

#define HEXKEY "0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d"

/* ---- helpers ------------------------------------------------------------------ */

static size_t scan_str(const char *s, struct material_finding *f)
{
    return material_scan((const uint8_t *)s, strlen(s), f, MAXF);
}

static size_t count_kind(const struct material_finding *f, size_t n, enum material_kind k)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += f[i].kind == k;
    return c;
}

/* The one finding of kind k in s, which must span exactly want (a substring of s). */
static void expect_one(const char *s, enum material_kind k, const char *want)
{
    struct material_finding f[MAXF];
    size_t n = scan_str(s, f);
    const struct material_finding *hit = NULL;
    for (size_t i = 0; i < n; i++) {
        if (f[i].kind != k)
            continue;
        if (hit)
            fail_msg("two %s findings in \"%s\"", material_kind_name(k), s);
        hit = &f[i];
    }
    if (!hit)
        fail_msg("no %s finding in \"%s\"", material_kind_name(k), s);
    const char *at = strstr(s, want);
    assert_non_null(at);
    assert_int_equal(hit->offset, (size_t)(at - s));
    assert_int_equal(hit->len, strlen(want));
}

static void expect_none(const char *s, enum material_kind k)
{
    struct material_finding f[MAXF];
    size_t n = scan_str(s, f);
    if (count_kind(f, n, k) != 0)
        fail_msg("unexpected %s finding in \"%s\"", material_kind_name(k), s);
}

static void expect_nothing(const char *s)
{
    struct material_finding f[MAXF];
    size_t n = scan_str(s, f);
    if (n != 0)
        fail_msg("unexpected %s finding in \"%s\"", material_kind_name(f[0].kind), s);
}

/* Flips one character of s at i to another character of the same alphabet class. */
static void flip(char *s, size_t i)
{
    char c = s[i];
    if (c >= '2' && c <= '8')
        s[i] = (char)(c + 1);
    else if (c == '9' || c == '1')
        s[i] = '2';
    else if (c >= 'a' && c <= 'y' && c != 'k')
        s[i] = (char)(c + 1);
    else if (c >= 'A' && c <= 'Y' && c != 'H' && c != 'N')
        s[i] = (char)(c + 1);
    else
        s[i] = 'z' == c ? 'y' : 'c';
}

static char *json_of(const char *s, struct material_finding *f, size_t n)
{
    struct json_object *j = material_json((const uint8_t *)s, strlen(s), f, n);
    char *out = strdup(
        json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(j);
    return out;
}

/* No window of w bytes of secret appears in text. */
static void assert_no_fragment(const char *text, const char *secret, size_t w)
{
    size_t n = strlen(secret);
    if (n < w)
        w = n;
    char *frag = malloc(w + 1);
    for (size_t i = 0; i + w <= n; i++) {
        memcpy(frag, secret + i, w);
        frag[w] = 0;
        if (strstr(text, frag))
            fail_msg("secret fragment \"%s\" leaked into %s", frag, text);
    }
    free(frag);
}

struct guarded {
    uint8_t *map;
    size_t maplen;
};

/* A copy of s[0..n) ending right at an unreadable page: any over-read faults. */
static const uint8_t *guard_copy(struct guarded *g, const void *s, size_t n)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    size_t pages = (n + pg - 1) / pg + 1;
    g->maplen = pages * pg;
    g->map = mmap(NULL, g->maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(g->map != MAP_FAILED);
    assert_int_equal(mprotect(g->map + (pages - 1) * pg, pg, PROT_NONE), 0);
    uint8_t *p = g->map + (pages - 1) * pg - n;
    memcpy(p, s, n);
    return p;
}

static void guard_free(struct guarded *g)
{
    munmap(g->map, g->maplen);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- Keccak --------------------------------------------------------------------- */

static void hex32(const uint8_t md[32], char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void test_keccak_vectors(void **state)
{
    (void)state;
    /* "" and "abc" are the published Keccak-256 vectors; the patterned inputs
     * (byte i = i % 251) straddle the 136-byte rate and were hashed with
     * pycryptodome's Keccak (generated). */
    static const struct {
        size_t len;
        const char *md;
    } patterned[] = {
        {135, "cbdfd9dee5faad3818d6b06f95a219fd290b0e1706f6a82e5a595b9ce9faca62"},
        {136, "7ce759f1ab7f9ce437719970c26b0a66ff11fe3e38e17df89cf5d29c7d7f807e"},
        {137, "ac73d4fae68b8453f764007c1a20ce95994187861f0c3227a3a8e99a73a3b1db"},
        {272, "8e2476e65823b24d96ebe239f2c1534cdf763e689e2410c3b1cb0c74e6177bfc"},
        {500, "d1346278c6b964973ca0d85063b4e9264739c7b84ff877c8018c865229f44835"},
    };
    uint8_t md[32], buf[500];
    char hex[65];
    material_keccak256((const uint8_t *)"", 0, md);
    hex32(md, hex);
    assert_string_equal(hex, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    material_keccak256((const uint8_t *)"abc", 3, md);
    hex32(md, hex);
    assert_string_equal(hex, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i % 251);
    for (size_t i = 0; i < sizeof(patterned) / sizeof(patterned[0]); i++) {
        material_keccak256(buf, patterned[i].len, md);
        hex32(md, hex);
        assert_string_equal(hex, patterned[i].md);
    }
}

/* ---- BIP39 ------------------------------------------------------------------------ */

static void test_bip39_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(mnemonics) / sizeof(mnemonics[0]); i++)
        expect_one(mnemonics[i], MAT_BIP39_MNEMONIC, mnemonics[i]);
    for (size_t i = 0; i < sizeof(bad_mnemonics) / sizeof(bad_mnemonics[0]); i++)
        expect_none(bad_mnemonics[i], MAT_BIP39_MNEMONIC);
}

static void test_bip39_separators_and_context(void **state)
{
    (void)state;
    /* newlines, commas, numbering, upper case, JSON arrays */
    expect_one("seed:\nabandon\nabandon\nabandon\nabandon\nabandon\nabandon\nabandon\nabandon\n"
               "abandon\nabandon\nabandon\nabout\n",
               MAT_BIP39_MNEMONIC,
               "abandon\nabandon\nabandon\nabandon\nabandon\nabandon\nabandon\nabandon\n"
               "abandon\nabandon\nabandon\nabout");
    expect_one("legal, winner, thank, year, wave, sausage, worth, useful, legal, winner, thank, "
               "yellow.",
               MAT_BIP39_MNEMONIC,
               "legal, winner, thank, year, wave, sausage, worth, useful, legal, winner, thank, "
               "yellow");
    expect_one("1. LEGAL 2. Winner 3. thank 4. year 5. wave 6. sausage\r\n7) worth 8) useful "
               "9) legal 10) winner 11) thank 12) yellow",
               MAT_BIP39_MNEMONIC,
               "LEGAL 2. Winner 3. thank 4. year 5. wave 6. sausage\r\n7) worth 8) useful "
               "9) legal 10) winner 11) thank 12) yellow");
    expect_one("{\"words\":[\"zoo\",\"zoo\",\"zoo\",\"zoo\",\"zoo\",\"zoo\",\"zoo\",\"zoo\","
               "\"zoo\",\"zoo\",\"zoo\",\"wrong\"]}",
               MAT_BIP39_MNEMONIC,
               "zoo\",\"zoo\",\"zoo\",\"zoo\",\"zoo\",\"zoo\",\"zoo\",\"zoo\",\"zoo\",\"zoo\","
               "\"zoo\",\"wrong");
    /* list words glued on either side ("seed", "phrase" and "please" are on the list) */
    expect_one("my seed phrase " ABANDON11 " about please confirm", MAT_BIP39_MNEMONIC,
               ABANDON11 " about");
    expect_one("(" ABANDON11 " about)", MAT_BIP39_MNEMONIC, ABANDON11 " about");
    /* two phrases back to back are two findings */
    struct material_finding f[MAXF];
    size_t n = scan_str(ABANDON11 " about\n" ABANDON11 " about", f);
    assert_int_equal(count_kind(f, n, MAT_BIP39_MNEMONIC), 2);
    /* glued to other characters, the words are not words */
    expect_none(ABANDON11 " about1", MAT_BIP39_MNEMONIC);
    expect_none("x" ABANDON11 " about", MAT_BIP39_MNEMONIC);
    expect_none("abandon;abandon;abandon;abandon;abandon;abandon;abandon;abandon;abandon;abandon;"
                "abandon;about",
                MAT_BIP39_MNEMONIC);
    /* a 24-word phrase is one finding, not two 12-word ones inside it */
    n = scan_str(mnemonics[4], f);
    assert_int_equal(n, 1);
    assert_int_equal(f[0].len, strlen(mnemonics[4]));
}

static void test_bip39_wordlist(void **state)
{
    (void)state;
    assert_string_equal(bip39_english[0], "abandon");
    assert_string_equal(bip39_english[3], "about");
    assert_string_equal(bip39_english[2047], "zoo");
    for (size_t i = 1; i < BIP39_WORDS; i++)
        assert_true(strcmp(bip39_english[i - 1], bip39_english[i]) < 0);
}

/* ---- Base58Check kinds ------------------------------------------------------------- */

static void test_wif(void **state)
{
    (void)state;
    const char *wifs[] = {WIF_U, WIF_C, WIF_T, WIF_LTC};
    char buf[128];
    for (size_t i = 0; i < sizeof(wifs) / sizeof(wifs[0]); i++) {
        snprintf(buf, sizeof(buf), "key: %s.", wifs[i]);
        expect_one(buf, MAT_WIF_KEY, wifs[i]);
        for (size_t k = 0; k < strlen(wifs[i]); k += 7) {
            snprintf(buf, sizeof(buf), "%s", wifs[i]);
            flip(buf, k);
            expect_nothing(buf);
        }
    }
}

static void test_xprv_xpub(void **state)
{
    (void)state;
    const char *prv[] = {XPRV1, YPRV, ZPRV};
    const char *pub[] = {XPUB1, YPUB, ZPUB};
    char buf[160];
    for (size_t i = 0; i < 3; i++) {
        expect_one(prv[i], MAT_XPRV, prv[i]);
        expect_one(pub[i], MAT_XPUB, pub[i]);
        snprintf(buf, sizeof(buf), "%s", prv[i]);
        flip(buf, 60);
        expect_nothing(buf);
        snprintf(buf, sizeof(buf), "%s", pub[i]);
        flip(buf, 110);
        expect_nothing(buf);
    }
    assert_true(material_is_secret(MAT_XPRV));
    assert_false(material_is_secret(MAT_XPUB));
}

static void test_base58_addresses(void **state)
{
    (void)state;
    char buf[64];
    for (size_t i = 0; i < sizeof(base58_addresses) / sizeof(base58_addresses[0]); i++) {
        const char *a = base58_addresses[i];
        snprintf(buf, sizeof(buf), "\"%s\"", a);
        expect_one(buf, MAT_BTC_ADDRESS, a);
        for (size_t k = 1; k < strlen(a); k += 5) {
            snprintf(buf, sizeof(buf), "%s", a);
            flip(buf, k);
            expect_nothing(buf);
        }
    }
    /* a valid Base58Check string with a version byte no chain here uses (0x99) */
    expect_nothing("24kPZCmVgzfkpGdXExy56234MRHrsqQxNWE"); /* generated */
}

static void test_segwit(void **state)
{
    (void)state;
    char buf[128];
    for (size_t i = 0; i < sizeof(segwit_addresses) / sizeof(segwit_addresses[0]); i++) {
        snprintf(buf, sizeof(buf), "to %s, thanks", segwit_addresses[i]);
        expect_one(buf, MAT_BTC_ADDRESS, segwit_addresses[i]);
    }
    for (size_t i = 0; i < sizeof(bad_segwit) / sizeof(bad_segwit[0]); i++)
        expect_none(bad_segwit[i], MAT_BTC_ADDRESS);
}

/* ---- Ethereum, Monero, hex keys --------------------------------------------------- */

static void test_eth(void **state)
{
    (void)state;
    char buf[96];
    for (size_t i = 0; i < sizeof(eth_addresses) / sizeof(eth_addresses[0]); i++) {
        snprintf(buf, sizeof(buf), "to:%s;", eth_addresses[i]);
        expect_one(buf, MAT_ETH_ADDRESS, eth_addresses[i]);
    }
    for (size_t i = 0; i < sizeof(bad_eth) / sizeof(bad_eth[0]); i++)
        expect_none(bad_eth[i], MAT_ETH_ADDRESS);
    expect_none("x0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", MAT_ETH_ADDRESS);
}

static void test_monero(void **state)
{
    (void)state;
    const char *ok[] = {XMR_STD, XMR_SUB, XMR_INT};
    char buf[128];
    for (size_t i = 0; i < 3; i++) {
        snprintf(buf, sizeof(buf), "xmr: %s\n", ok[i]);
        expect_one(buf, MAT_XMR_ADDRESS, ok[i]);
        for (size_t k = 3; k < strlen(ok[i]); k += 13) {
            snprintf(buf, sizeof(buf), "%s", ok[i]);
            flip(buf, k);
            expect_nothing(buf);
        }
        snprintf(buf, sizeof(buf), "%s", ok[i]);
        buf[strlen(buf) - 1] = 0; /* one character short */
        expect_nothing(buf);
    }
}

static void test_hex_privkey(void **state)
{
    (void)state;
    expect_one("private key: " HEXKEY, MAT_HEX_PRIVKEY, HEXKEY);
    expect_one("{\"privateKey\":\"0x" HEXKEY "\"}", MAT_HEX_PRIVKEY, "0x" HEXKEY);
    expect_one("SECRET=" HEXKEY, MAT_HEX_PRIVKEY, HEXKEY);
    expect_one("seed " HEXKEY, MAT_HEX_PRIVKEY, HEXKEY);
    expect_one("{\"key\": \"" HEXKEY "\"}", MAT_HEX_PRIVKEY, HEXKEY);
    expect_one("priv\t" HEXKEY, MAT_HEX_PRIVKEY, HEXKEY);
    /* no context, a public key, context too far, placeholders, wrong length */
    expect_nothing("txid " HEXKEY);
    expect_nothing("blockhash: 0x" HEXKEY);
    expect_nothing("pubkey: " HEXKEY);
    expect_nothing("x-only public_key " HEXKEY);
    expect_nothing("private key, see the attached document for ... " HEXKEY);
    expect_nothing("private key: 0000000000000000000000000000000000000000000000000000000000000000");
    expect_nothing("private key: " HEXKEY "0");
    expect_nothing("private key: " HEXKEY "g");
}

/* ---- transfer requests ------------------------------------------------------------ */

static const struct material_finding *find_kind(const struct material_finding *f, size_t n,
                                                enum material_kind k, size_t nth)
{
    for (size_t i = 0; i < n; i++)
        if (f[i].kind == k && nth-- == 0)
            return &f[i];
    return NULL;
}

static void expect_transfer(const char *s, const char *span, const char *amount, const char *unit,
                            const char *addr)
{
    struct material_finding f[MAXF];
    size_t n = scan_str(s, f);
    const struct material_finding *t = find_kind(f, n, MAT_TRANSFER_REQUEST, 0);
    if (!t)
        fail_msg("no transfer request in \"%s\"", s);
    assert_null(find_kind(f, n, MAT_TRANSFER_REQUEST, 1));
    assert_int_equal(t->offset, (size_t)(strstr(s, span) - s));
    assert_int_equal(t->len, strlen(span));
    assert_string_equal(t->amount, amount);
    assert_string_equal(t->unit, unit);
    assert_int_equal(t->addr_offset, (size_t)(strstr(s, addr) - s));
    assert_int_equal(t->addr_len, strlen(addr));
    assert_false(material_is_secret(t->kind));
    /* the tamper detector's scan finds the same request and nothing else */
    struct material_finding only[MAXF];
    assert_int_equal(material_scan_transfers((const uint8_t *)s, strlen(s), only, MAXF), 1);
    assert_int_equal(only[0].kind, MAT_TRANSFER_REQUEST);
    assert_int_equal(only[0].offset, t->offset);
    assert_int_equal(only[0].len, t->len);
    assert_string_equal(only[0].amount, t->amount);
    assert_string_equal(only[0].unit, t->unit);
    assert_int_equal(only[0].addr_offset, t->addr_offset);
}

static void test_transfer_requests(void **state)
{
    (void)state;
    const char *btc = base58_addresses[0], *eth = eth_addresses[0];
    char s[256], span[256];
    snprintf(s, sizeof(s), "please send 1.5 BTC to %s today", btc);
    snprintf(span, sizeof(span), "1.5 BTC to %s", btc);
    expect_transfer(s, span, "1.5", "BTC", btc);

    snprintf(s, sizeof(s), "%s: BTC 0.75 (invoice 42)", btc);
    snprintf(span, sizeof(span), "%s: BTC 0.75", btc);
    expect_transfer(s, span, "0.75", "BTC", btc);

    snprintf(s, sizeof(s), "pay 0.25btc -> %s", segwit_addresses[8]);
    snprintf(span, sizeof(span), "0.25btc -> %s", segwit_addresses[8]);
    expect_transfer(s, span, "0.25", "BTC", segwit_addresses[8]);

    snprintf(s, sizeof(s), "transfer 1,250,000.50 USDT to %s", eth);
    snprintf(span, sizeof(span), "1,250,000.50 USDT to %s", eth);
    expect_transfer(s, span, "1250000.50", "USDT", eth);

    snprintf(s, sizeof(s), "%s\n50000 sats", segwit_addresses[0]);
    snprintf(span, sizeof(span), "%s\n50000 sats", segwit_addresses[0]);
    expect_transfer(s, span, "50000", "sat", segwit_addresses[0]);

    snprintf(s, sizeof(s), "3 XMR to %s", XMR_STD);
    snprintf(span, sizeof(span), "3 XMR to %s", XMR_STD);
    expect_transfer(s, span, "3", "XMR", XMR_STD);

    /* the nearer of two amounts */
    snprintf(s, sizeof(s), "2 ETH or rather 30 gwei fee, to %s", eth);
    snprintf(span, sizeof(span), "30 gwei fee, to %s", eth);
    expect_transfer(s, span, "30", "gwei", eth);

    /* one amount between two addresses goes to the address after it */
    snprintf(s, sizeof(s), "from %s send 1 LTC to %s", base58_addresses[4], base58_addresses[5]);
    snprintf(span, sizeof(span), "1 LTC to %s", base58_addresses[5]);
    expect_transfer(s, span, "1", "LTC", base58_addresses[5]);

    /* no unit, an unknown unit, too far, no valid address */
    struct material_finding f[MAXF];
    snprintf(s, sizeof(s), "send 1.5 to %s", btc);
    assert_int_equal(count_kind(f, scan_str(s, f), MAT_TRANSFER_REQUEST), 0);
    snprintf(s, sizeof(s), "send 1.5 BTCX to %s", btc);
    assert_int_equal(count_kind(f, scan_str(s, f), MAT_TRANSFER_REQUEST), 0);
    snprintf(s, sizeof(s),
             "send 1.5 BTC, and as we discussed in the meeting yesterday afternoon, the usual "
             "way, to %s",
             btc);
    assert_int_equal(count_kind(f, scan_str(s, f), MAT_TRANSFER_REQUEST), 0);
    expect_nothing("send 1.5 BTC to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb");
    expect_nothing("BTC 1.5 is the price");
}

/* ---- credentials ---------------------------------------------------------------------- */

static void test_cookies(void **state)
{
    (void)state;
    /* a Cookie header: its session-named values, else the whole value */
    expect_one("GET / HTTP/1.1\r\nHost: chat\r\nCookie: theme=dark; PHPSESSID=9d1c0a77e3\r\n\r\n",
               MAT_SESSION_COOKIE, "9d1c0a77e3");
    expect_one("HTTP/1.1 200 OK\r\nset-cookie: JSESSIONID=ABCDEF0123456789; Path=/; HttpOnly\r\n",
               MAT_SESSION_COOKIE, "ABCDEF0123456789");
    expect_one("Cookie: x=1", MAT_SESSION_COOKIE, "x=1");
    expect_one("Set-Cookie: prefs=compact; Path=/", MAT_SESSION_COOKIE, "prefs=compact; Path=/");
    struct material_finding f[MAXF];
    assert_int_equal(scan_str("Cookie: a=1; sid=abc; _x_session = \"q\"; connect.sid=", f), 2);
    assert_int_equal(f[0].len, 3);
    assert_int_equal(f[1].len, 3);
    /* the cookie a server set and the one a client sent back fingerprint alike */
    const char *set = "Set-Cookie: _rails_session=Zm9vYmFyYmF6; path=/; HttpOnly\n";
    const char *sent = "Cookie: locale=en; _rails_session=Zm9vYmFyYmF6\n";
    char *j1 = json_of(set, f, scan_str(set, f));
    char *j2 = json_of(sent, f, scan_str(sent, f));
    assert_string_equal(j1, j2);
    assert_null(strstr(j1, "Zm9v"));
    free(j1);
    free(j2);
    expect_one("see https://chat.internal/?sid=4f9a8b7c6d5e&room=ops", MAT_SESSION_COOKIE,
               "4f9a8b7c6d5e");
    expect_one("connect.sid=s%3AxYz0123.abcDEF", MAT_SESSION_COOKIE, "s%3AxYz0123.abcDEF");
    expect_one("{\"sessionid\": \"q1w2e3r4t5y6\"}", MAT_SESSION_COOKIE, "q1w2e3r4t5y6");
    expect_one("_myapp_session=Zm9vYmFyYmF6cXV4; path=/", MAT_SESSION_COOKIE, "Zm9vYmFyYmF6cXV4");
    expect_one("auth_token=tok_live_abcdef12", MAT_SESSION_COOKIE, "tok_live_abcdef12");
    expect_one("ASPSESSIONIDQQGGQGPA=KJHGFDSAPOIU", MAT_SESSION_COOKIE, "KJHGFDSAPOIU");
    /* too short, not a session name, a cookie header mid-line */
    expect_nothing("sid=1");
    expect_nothing("session=abc");
    expect_nothing("theme=darkmode-enabled");
    expect_nothing("no Cookie: here");
    /* the pair inside a Cookie header is not reported twice */
    assert_int_equal(scan_str("Cookie: sessionid=0123456789abcdef\n", f), 1);
}

static void test_bearer(void **state)
{
    (void)state;
    expect_one("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJl\r\n",
               MAT_BEARER_TOKEN, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJl");
    expect_one("use bearer ghp_0123456789abcdefXYZ for the API", MAT_BEARER_TOKEN,
               "ghp_0123456789abcdefXYZ");
    expect_one("BEARER  abcdefghijklmnop", MAT_BEARER_TOKEN, "abcdefghijklmnop");
    expect_nothing("Bearer abcdefghijklmno");      /* 15 characters */
    expect_nothing("Bearer: abcdefghijklmnopqrs"); /* not the scheme */
    expect_nothing("forbearer abcdefghijklmnopqrs");
}

static void test_passwords(void **state)
{
    (void)state;
    expect_one("user=bob&password=correct-horse&next=1", MAT_PASSWORD_ASSIGNMENT, "correct-horse");
    expect_one("{\"user\":\"bob\",\"password\": \"hunter2 !\"}", MAT_PASSWORD_ASSIGNMENT,
               "hunter2 !");
    expect_one("rpcpassword=s3cr3tRPC\n", MAT_PASSWORD_ASSIGNMENT, "s3cr3tRPC");
    expect_one("wallet passphrase = 'open sesame'", MAT_PASSWORD_ASSIGNMENT, "open sesame");
    expect_one("pass: Tr0ub4dor&3", MAT_PASSWORD_ASSIGNMENT, "Tr0ub4dor");
    expect_one("db_pwd=letmein99", MAT_PASSWORD_ASSIGNMENT, "letmein99");
    expect_one("PASSWD: qwerty123", MAT_PASSWORD_ASSIGNMENT, "qwerty123");
    struct material_finding f[MAXF];
    const char *both = "password=hunter2 and pay 0.5 BTC to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";
    assert_int_equal(scan_str(both, f), 3); /* the password, the address, the request */
    assert_int_equal(material_scan_transfers((const uint8_t *)both, strlen(both), f, MAXF), 1);
    assert_int_equal(f[0].kind, MAT_TRANSFER_REQUEST);
    /* prompts, placeholders, prose, other words ending in "pass" */
    expect_nothing("Password:\r\n");
    expect_nothing("password=****");
    expect_nothing("\"password\": null");
    expect_nothing("password=abc");
    expect_nothing("Boarding pass: gate 5");
    expect_nothing("bypass=enabled compass: north");
    expect_nothing("password_hash=5f4dcc3b5aa765d61d8327deb882cf99");
}

/* ---- JSON ------------------------------------------------------------------------------- */

static void test_json_never_leaks(void **state)
{
    (void)state;
    char msg[4096];
    const char *secrets[] = {
        mnemonics[5],
        WIF_U,
        XPRV1,
        HEXKEY,
        "PHPSESSID=9d1c0a77e3f4",
        "ghp_0123456789abcdefXYZ",
        "correct-horse-battery",
    };
    snprintf(msg, sizeof(msg),
             "seed: %s\nwif %s\nbackup %s\nprivate key: %s\nCookie: %s\n"
             "Authorization: Bearer %s\npassword=%s\nsend 2 BTC to %s\nwatch %s\n",
             secrets[0], secrets[1], secrets[2], secrets[3], secrets[4], secrets[5], secrets[6],
             base58_addresses[0], XPUB1);
    struct material_finding f[MAXF];
    size_t n = scan_str(msg, f);
    assert_int_equal(n, 10);
    assert_int_equal(material_severity(f, n), 3);
    char *json = json_of(msg, f, n);
    for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
        assert_no_fragment(json, secrets[i], 8);
    assert_null(strstr(json, "zoo"));
    /* what may be logged is there */
    assert_non_null(strstr(json, base58_addresses[0]));
    assert_non_null(strstr(json, XPUB1));
    assert_non_null(strstr(json, "\"amount\":\"2\",\"unit\":\"BTC\""));
    /* the fingerprint is redact.h's */
    char fp[REDACT_FP_HEX + 1], want[64];
    redact_fingerprint((const uint8_t *)WIF_U, strlen(WIF_U), fp);
    snprintf(want, sizeof(want), "\"kind\":\"wif-key\",\"length\":51,\"sha256\":\"%s\"", fp);
    assert_non_null(strstr(json, want));
    free(json);
}

static void test_json_rejects_bad_findings(void **state)
{
    (void)state;
    const char *s = "send 1 BTC to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa password=hunter22";
    struct material_finding f[4];
    memset(f, 0, sizeof(f));
    f[0].kind = MAT_BTC_ADDRESS; /* outside the buffer */
    f[0].offset = strlen(s) - 2;
    f[0].len = 10;
    f[1].kind = MAT_ETH_ADDRESS; /* a span that is not an address: not copied out */
    f[1].offset = strstr(s, "password") - s;
    f[1].len = 17;
    f[2].kind = (enum material_kind)99;
    f[2].len = 3;
    f[3].kind = MAT_TRANSFER_REQUEST; /* its address span is out of bounds */
    f[3].len = 5;
    f[3].addr_offset = SIZE_MAX - 1;
    f[3].addr_len = 4;
    char *json = json_of(s, f, 4);
    assert_string_equal(json, "[]");
    free(json);
    struct json_object *j = material_json(NULL, 0, f, 4);
    assert_int_equal(json_object_array_length(j), 0);
    json_object_put(j);
}

/* ---- names, severity, limits ------------------------------------------------------------ */

static void test_names_and_severity(void **state)
{
    (void)state;
    static const char *const names[MAT_KIND_COUNT] = {
        "bip39-mnemonic",   "wif-key",        "xprv",         "xpub",
        "btc-address",      "eth-address",    "xmr-address",  "hex-private-key",
        "transfer-request", "session-cookie", "bearer-token", "password",
    };
    static const bool secret[MAT_KIND_COUNT] = {true,  true, true,  false, false, false,
                                                false, true, false, true,  true,  true};
    static const int sev[MAT_KIND_COUNT] = {3, 3, 3, 1, 1, 1, 1, 3, 1, 2, 2, 2};
    for (int k = 0; k < MAT_KIND_COUNT; k++) {
        struct material_finding f = {.kind = (enum material_kind)k};
        assert_string_equal(material_kind_name((enum material_kind)k), names[k]);
        assert_int_equal(material_is_secret((enum material_kind)k), secret[k]);
        assert_int_equal(material_severity(&f, 1), sev[k]);
    }
    assert_string_equal(material_kind_name(MAT_KIND_COUNT), "unknown");
    assert_false(material_is_secret(MAT_KIND_COUNT));
    assert_int_equal(material_severity(NULL, 0), 0);
    struct material_finding none[1];
    assert_int_equal(scan_str("hello, nothing to see", none), 0);
    assert_int_equal(material_scan(NULL, 10, none, 1), 0);
    assert_int_equal(material_scan((const uint8_t *)"x", 1, none, 0), 0);
}

static void test_max_keeps_most_severe(void **state)
{
    (void)state;
    /* 80 addresses, then a seed phrase: with room for 3, the phrase is kept */
    size_t cap = 80 * 36 + 200;
    char *buf = malloc(cap);
    size_t o = 0;
    for (int i = 0; i < 80; i++)
        o += (size_t)snprintf(buf + o, cap - o, "%s\n", base58_addresses[i % 9]);
    snprintf(buf + o, cap - o, "%s", mnemonics[0]);
    struct material_finding f[MAXF];
    size_t n = material_scan((const uint8_t *)buf, strlen(buf), f, 3);
    assert_int_equal(n, 3);
    assert_int_equal(f[2].kind, MAT_BIP39_MNEMONIC);
    assert_true(f[0].offset < f[1].offset && f[1].offset < f[2].offset);
    n = scan_str(buf, f);
    assert_int_equal(n, MAT_MAX_FINDINGS);
    assert_int_equal(count_kind(f, n, MAT_BIP39_MNEMONIC), 1);
    free(buf);
}

/* Every prefix of a message, ending at a guard page: no over-read, nothing found past
 * the prefix, and a key or address cut short is not reported. */
static void test_prefixes_at_guard_page(void **state)
{
    (void)state;
    char msg[1024];
    snprintf(msg, sizeof(msg),
             "hi %s\nsend 0.5 BTC to %s\nkey %s\npriv %s\n%s\nCookie: sid=abcdef0123\n"
             "Bearer abcdefghijklmnopq\npassword=hunter22 %s",
             mnemonics[0], segwit_addresses[8], WIF_C, HEXKEY, XMR_STD, eth_addresses[1]);
    size_t len = strlen(msg);
    struct material_finding f[MAXF];
    for (size_t cut = 0; cut <= len; cut++) {
        struct guarded g;
        const uint8_t *p = guard_copy(&g, msg, cut);
        size_t n = material_scan(p, cut, f, MAXF);
        for (size_t i = 0; i < n; i++) {
            assert_true(f[i].offset + f[i].len <= cut);
            if (f[i].kind == MAT_WIF_KEY)
                assert_int_equal(f[i].len, strlen(WIF_C));
            if (f[i].kind == MAT_XMR_ADDRESS)
                assert_int_equal(f[i].len, 95);
            if (f[i].kind == MAT_ETH_ADDRESS)
                assert_int_equal(f[i].len, 42);
        }
        guard_free(&g);
    }
    struct guarded g;
    const uint8_t *p = guard_copy(&g, msg, len);
    size_t n = material_scan(p, len, f, MAXF);
    assert_int_equal(n, 10);
    assert_int_equal(f[0].kind, MAT_BIP39_MNEMONIC);
    assert_int_equal(f[0].offset, 3);
    assert_int_equal(f[n - 1].kind, MAT_ETH_ADDRESS);
    assert_int_equal(f[n - 1].offset + f[n - 1].len, len); /* ends with the buffer */
    guard_free(&g);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void fill_repeat(uint8_t *buf, size_t n, const char *unit)
{
    size_t m = strlen(unit);
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)unit[i % m];
}

static void test_hostile_1mib(void **state)
{
    (void)state;
    const size_t n = MAT_SCAN_MAX;
    uint8_t *buf = malloc(n + 4096);
    struct material_finding f[MAXF];
    static const char alnum58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    struct {
        const char *name;
        const char *unit; /* repeated; NULL: generated below */
    } cases[] = {
        {"random bytes", NULL},
        {"random xprv-like tokens", NULL},
        {"list words", "abandon ability able about above absent "},
        {"word list, one a line", "abandon\nability\nable\nabout\nabove\nabsent\n"},
        {"word list, JSON", "\"abandon\",\"ability\",\"able\",\"about\",\"above\","},
        {"12-word phrases", ABANDON11 " about\n"},
        {"sid=sid=", "a_sid="},
        {"bearer", "bearer bearer-bearer "},
        {"password=", "password=password="},
        {"amounts and addresses", "1 BTC 2 BTC 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa 3 BTC "},
        {"digits", "1,000,000.000000000000"},
        {"hex with context", "key " HEXKEY " "},
        {"cookie lines", "Cookie: a=b\n"},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        if (c == 0) {
            for (size_t i = 0; i < n; i++)
                buf[i] = (uint8_t)rng();
        } else if (c == 1) {
            for (size_t i = 0; i < n; i++)
                buf[i] = i % 112 == 111 ? ' ' : (uint8_t)alnum58[rng() % 58];
            for (size_t i = 0; i + 4 < n; i += 112)
                memcpy(buf + i, "xprv", 4); /* past the prefix filter: full decodes */
        } else {
            fill_repeat(buf, n, cases[c].unit);
        }
        double t0 = now_ms();
        size_t got = material_scan(buf, n, f, MAXF);
        double t1 = now_ms();
        printf("    hostile 1 MiB, %-28s %8.1f ms, %zu findings\n", cases[c].name, t1 - t0, got);
        assert_true(got <= MAXF);
        for (size_t i = 0; i < got; i++)
            assert_true(f[i].offset + f[i].len <= n);
        if (c >= 2 && c <= 4)
            assert_int_equal(got, 0); /* a word list, not a phrase */
        if (c == 5)
            assert_int_equal(got, MAT_MAX_FINDINGS); /* one phrase a line: all found */
    }
    /* past MAT_SCAN_MAX nothing is looked at */
    memset(buf, ' ', n + 4096);
    memcpy(buf + n + 10, WIF_U, strlen(WIF_U));
    assert_int_equal(material_scan(buf, n + 4096, f, MAXF), 0);
    memcpy(buf + n - 100, WIF_U, strlen(WIF_U));
    assert_int_equal(material_scan(buf, n + 4096, f, MAXF), 1);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keccak_vectors),
        cmocka_unit_test(test_bip39_vectors),
        cmocka_unit_test(test_bip39_separators_and_context),
        cmocka_unit_test(test_bip39_wordlist),
        cmocka_unit_test(test_wif),
        cmocka_unit_test(test_xprv_xpub),
        cmocka_unit_test(test_base58_addresses),
        cmocka_unit_test(test_segwit),
        cmocka_unit_test(test_eth),
        cmocka_unit_test(test_monero),
        cmocka_unit_test(test_hex_privkey),
        cmocka_unit_test(test_transfer_requests),
        cmocka_unit_test(test_cookies),
        cmocka_unit_test(test_bearer),
        cmocka_unit_test(test_passwords),
        cmocka_unit_test(test_json_never_leaks),
        cmocka_unit_test(test_json_rejects_bad_findings),
        cmocka_unit_test(test_names_and_severity),
        cmocka_unit_test(test_max_keeps_most_severe),
        cmocka_unit_test(test_prefixes_at_guard_page),
        cmocka_unit_test(test_hostile_1mib),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
