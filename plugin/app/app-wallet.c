/* app-wallet.c — wallet JSON-RPC calls: one `wallet` event per call.
 *
 * Specs: JSON-RPC 1.0 (jsonrpc.org/specification_v1) and 2.0 (batches:
 * §6); Bitcoin Core's RPC server (httprpc.cpp: POST / and /wallet/NAME, HTTP
 * Basic auth, 401 with an empty body); Ethereum's JSON-RPC API (eth_,
 * personal_..., quantities as 0x-hex, value in wei = 1e-18 ETH); Monero's
 * wallet RPC (POST /json_rpc, named params, amounts in atomic units =
 * 1e-12 XMR); Electrum 4.x (daemon.py: its CLI posts JSON-RPC 2.0
 * {"method":"run_cmdline","params":[{"cmd":...options...}]} over HTTP; the
 * Electrum server protocol is JSON-RPC 2.0 over raw TCP, one object a line).
 *
 * Two transports:
 *
 *   HTTP   the HTTP parser (app-http.c) shows every request/response pair to
 *          wallet_http_on_tx(); the flow's app_proto stays "http" and the
 *          `http` event is logged as usual. A pair is a wallet call when its
 *          request body is a JSON-RPC object (or a batch: a JSON array of
 *          them) and the method is in one of the tables below, or has an
 *          Ethereum namespace prefix, or the URI is /json_rpc or /wallet/NAME,
 *          or the server port is a known wallet RPC port. Other JSON-RPC
 *          APIs are left alone (no event).
 *
 *   TCP    newline-delimited JSON-RPC (Electrum/ElectrumX server protocol,
 *          Stratum): this file's jsonrpc_parser claims the flow
 *          (app_proto "jsonrpc") when its first bytes in either direction are
 *          a JSON object. Wire format, each direction:
 *
 *              {"jsonrpc":"2.0","id":7,"method":"blockchain.scripthash.get_balance","params":["..."]}\n
 *              {"jsonrpc":"2.0","id":7,"result":{"confirmed":100000000,"unconfirmed":0}}\n
 *
 *          Requests wait in a per-flow list (at most WALLET_MAX_PENDING)
 *          for the response with their id; a line is at most
 *          WALLET_LINE_MAX bytes (longer: anomaly, the flow stops being
 *          parsed). Server notifications (a method, no id, to the client)
 *          are not calls and make no event.
 *
 * When a call is logged (its event's dir): when the response that completes
 * it arrives (to_client); a request without an id (a notification) at once
 * with outcome "no_response" (to_server); over HTTP, a request the flow
 * ended before answering when the HTTP parser reports it (has_response
 * false) with outcome "no_response"; over raw TCP, an unanswered request
 * when the pending list overflows (the oldest goes, "no_response"), and not
 * at all when the flow ends first (state_free has no engine context).
 *
 * Batches: each element is its own call with batch_index; responses are
 * paired by id (JSON value equality of the id), not by position, since
 * JSON-RPC 2.0 allows any order. At most WALLET_MAX_BATCH elements are
 * logged; a longer batch raises WALLET_BATCH_TOO_LARGE.
 *
 * Method classes (wallet.class), for the wallet policy:
 *
 *   read    queries and routine receive-side actions: balances, lists,
 *           chain state, new receive addresses (getnewaddress,
 *           create_address), eth_*, net_*, web3_*, txpool_* not listed below
 *   send    anything that moves or signs value: sendtoaddress, sendmany,
 *           send, sendall, sendrawtransaction, sign*, *psbt, bumpfee,
 *           createrawtransaction; eth_sendTransaction, eth_sendRawTransaction,
 *           eth_sign*, personal_sign*, personal_sendTransaction; Monero
 *           transfer, transfer_split, sweep_*, relay_tx, sign*, submit_*;
 *           Electrum payto, paytomany, broadcast, sign*, bumpfee, lnpay,
 *           sweep; Electrum server blockchain.transaction.broadcast
 *   key     key material crosses the wire: dumpprivkey, dumpwallet,
 *           import* (privkey, wallet, multi, descriptors, address, pubkey),
 *           sethdseed, listdescriptors with private=true;
 *           personal_importRawKey; query_key, get_tx_key,
 *           restore_deterministic_wallet, generate_from_keys, *multisig*,
 *           import_key_images, import_outputs; Electrum getseed,
 *           getprivatekeys, getmasterprivate, importprivkey, restore,
 *           make_seed, getprivatekeyforpath
 *   admin   wallet and node administration: encryptwallet,
 *           walletpassphrase(change), walletlock, backupwallet,
 *           create/load/unload/restore/migratewallet, stop, generate*,
 *           rescans, lockunspent, setlabel...; personal_unlockAccount,
 *           personal_lockAccount, personal_newAccount, admin_*, debug_*,
 *           miner_*, clique_*; Monero open/close/create_wallet,
 *           change_wallet_password, store, rescan_*, mining, address book;
 *           Electrum create, load_wallet, close_wallet, password, setconfig
 *   unknown a method none of the tables knows
 *
 * Secrets (passphrases, passwords, WIF keys, seeds, spend keys) are found
 * by method and parameter position or name, and leave this file only as
 * redact_json() fingerprints under "secrets". The params and result JSON
 * go to the rules as wallet.params / wallet.result and are never logged. An
 * error message that contains one of the call's secrets is not logged. */
#include "app-wallet.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../detect/detect-buffer.h"
#include "../output/eve.h"
#include "../util/ascii.h"
#include "../util/rd.h"
#include "../util/redact.h"
#include "app-http.h"

/* ---- sticky buffers ------------------------------------------------------ */

enum {
    WB_METHOD,
    WB_CLASS,
    WB_DESTINATION,
    WB_DESTINATIONS,
    WB_USER,
    WB_PARAMS,
    WB_RESULT,
    WB_ASSET,
    WB_PROTOCOL,
    WB_OUTCOME,
    WB_AMOUNT,
    WB_COUNT
};
static const char *const wallet_buffer_names[WB_COUNT] = {
    "wallet.method",   "wallet.class",   "wallet.destination", "wallet.destinations",
    "wallet.user",     "wallet.params",  "wallet.result",      "wallet.asset",
    "wallet.protocol", "wallet.outcome", "wallet.amount",
};
static int wallet_buffer_ids[WB_COUNT] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};

/* ---- exact decimal amounts ----------------------------------------------- */

/* A non-negative or negative decimal as digits d[i] * 10^(i - AMT_SCALE):
 * 30 fraction digits and 70 integer digits hold every wei amount of 2^256
 * and every Bitcoin amount written with up to 30 decimals. No floating
 * point: JSON numbers are read from their wire text. */
#define AMT_SCALE 30
#define AMT_DIGITS 100

struct amt {
    uint8_t d[AMT_DIGITS];
    bool neg;
};

static bool amt_put(struct amt *a, long pos, unsigned digit)
{
    long idx = pos + AMT_SCALE;
    if (idx < 0 || idx >= AMT_DIGITS)
        return digit == 0; /* a zero out of range is harmless; a digit is not */
    a->d[idx] = (uint8_t)digit;
    return true;
}

/* "[-]int[.frac][e[+-]exp]" times 10^shift. */
static bool amt_parse(const uint8_t *s, size_t n, int shift, struct amt *a)
{
    memset(a, 0, sizeof(*a));
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        a->neg = s[i++] == '-';
    size_t i0 = i;
    while (i < n && is_digit(s[i]))
        i++;
    size_t i1 = i, f0 = i, f1 = i;
    if (i < n && s[i] == '.') {
        f0 = ++i;
        while (i < n && is_digit(s[i]))
            i++;
        f1 = i;
    }
    if (i1 == i0 && f1 == f0)
        return false;
    long exp = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            eneg = s[i++] == '-';
        size_t e0 = i;
        while (i < n && is_digit(s[i]) && i - e0 < 4)
            exp = exp * 10 + (s[i++] - '0');
        if (i == e0)
            return false;
        if (eneg)
            exp = -exp;
    }
    if (i != n)
        return false;
    exp += shift;
    for (size_t k = i0; k < i1; k++)
        if (!amt_put(a, (long)(i1 - 1 - k) + exp, (unsigned)(s[k] - '0')))
            return false;
    for (size_t k = f0; k < f1; k++)
        if (!amt_put(a, -(long)(k - f0 + 1) + exp, (unsigned)(s[k] - '0')))
            return false;
    return true;
}

/* An Ethereum quantity "0x..." (at most 256 bits) times 10^-decimals. */
static bool amt_from_hex(const uint8_t *s, size_t n, unsigned decimals, struct amt *a)
{
    uint8_t tmp[80] = {0}; /* little-endian decimal digits; 2^256 has 78 */
    memset(a, 0, sizeof(*a));
    if (n < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || n - 2 > 64)
        return false;
    for (size_t i = 2; i < n; i++) {
        int h = hex_value(s[i]);
        if (h < 0)
            return false;
        unsigned carry = (unsigned)h;
        for (size_t k = 0; k < sizeof(tmp); k++) {
            unsigned v = tmp[k] * 16u + carry;
            tmp[k] = (uint8_t)(v % 10);
            carry = v / 10;
        }
    }
    for (size_t k = 0; k < sizeof(tmp); k++)
        if (!amt_put(a, (long)k - (long)decimals, tmp[k]))
            return false;
    return true;
}

static bool amt_is_zero(const struct amt *a)
{
    for (size_t i = 0; i < AMT_DIGITS; i++)
        if (a->d[i])
            return false;
    return true;
}

/* a += b for non-negative amounts; false on a sign or overflow. */
static bool amt_add(struct amt *a, const struct amt *b)
{
    if (a->neg || b->neg)
        return false;
    unsigned carry = 0;
    for (size_t i = 0; i < AMT_DIGITS; i++) {
        unsigned v = a->d[i] + b->d[i] + carry;
        a->d[i] = (uint8_t)(v % 10);
        carry = v / 10;
    }
    return carry == 0;
}

static int amt_cmp(const struct amt *a, const struct amt *b)
{
    bool an = a->neg && !amt_is_zero(a), bn = b->neg && !amt_is_zero(b);
    if (an != bn)
        return an ? -1 : 1;
    for (size_t i = AMT_DIGITS; i-- > 0;)
        if (a->d[i] != b->d[i])
            return (a->d[i] < b->d[i]) == an ? 1 : -1;
    return 0;
}

/* Fixed notation with at least min_dec decimals, more when they are not zero. */
static void amt_format(const struct amt *a, unsigned min_dec, char *out, size_t outlen)
{
    int hi = AMT_SCALE, lo = AMT_SCALE - (int)min_dec;
    for (int i = AMT_DIGITS - 1; i > AMT_SCALE; i--)
        if (a->d[i]) {
            hi = i;
            break;
        }
    for (int i = 0; i < lo; i++)
        if (a->d[i]) {
            lo = i;
            break;
        }
    size_t o = 0;
    if (a->neg && !amt_is_zero(a) && o + 1 < outlen)
        out[o++] = '-';
    for (int i = hi; i >= lo && o + 2 < outlen; i--) {
        if (i == AMT_SCALE - 1)
            out[o++] = '.';
        out[o++] = (char)('0' + a->d[i]);
    }
    out[o < outlen ? o : outlen - 1] = '\0';
}

bool wallet_amount_cmp(const char *a, const char *b, int *cmp)
{
    struct amt x, y;
    if (!amt_parse((const uint8_t *)a, strlen(a), 0, &x) ||
        !amt_parse((const uint8_t *)b, strlen(b), 0, &y))
        return false;
    *cmp = amt_cmp(&x, &y);
    return true;
}

/* ---- JSON helpers --------------------------------------------------------- */

static struct json_object *jkey(struct json_object *o, const char *k)
{
    struct json_object *v = NULL;
    if (o && json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, k, &v))
        return v;
    return NULL;
}

static struct json_object *jidx(struct json_object *o, size_t i)
{
    if (o && json_object_is_type(o, json_type_array) && i < json_object_array_length(o))
        return json_object_array_get_idx(o, i);
    return NULL;
}

static bool jstr(struct json_object *o, struct wallet_str *s)
{
    if (!o || !json_object_is_type(o, json_type_string))
        return false;
    s->p = (const uint8_t *)json_object_get_string(o);
    s->len = (size_t)json_object_get_string_len(o);
    return true;
}

/* A string's contents or a number's wire text. */
static bool jtext(struct json_object *o, struct wallet_str *s)
{
    if (jstr(o, s))
        return true;
    if (o && (json_object_is_type(o, json_type_int) || json_object_is_type(o, json_type_double))) {
        const char *t = json_object_get_string(o);
        s->p = (const uint8_t *)t;
        s->len = strlen(t);
        return true;
    }
    return false;
}

/* Compact JSON text of o; valid until o is freed or serialised again. */
static struct wallet_str jcompact(struct json_object *o)
{
    struct wallet_str s = {NULL, 0};
    if (!o)
        return s;
    size_t len = 0;
    const char *t = json_object_to_json_string_length(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    s.p = (const uint8_t *)t;
    s.len = len;
    return s;
}

static bool str_eq(struct wallet_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.p && s.len == n && memcmp(s.p, lit, n) == 0;
}

static bool str_prefix(struct wallet_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.p && s.len >= n && memcmp(s.p, lit, n) == 0;
}

static bool json_is_ws(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum jparse { JP_OK, JP_TRUNCATED, JP_TOO_DEEP, JP_INVALID };

/* Parses one JSON text filling [p, p+len) apart from white space. */
static struct json_object *wallet_json_parse(const uint8_t *p, size_t len, enum jparse *res)
{
    *res = JP_INVALID;
    if (len > INT_MAX)
        return NULL;
    struct json_tokener *tok = json_tokener_new_ex(WALLET_JSON_DEPTH);
    if (!tok)
        return NULL;
    struct json_object *o = json_tokener_parse_ex(tok, (const char *)p, (int)len);
    enum json_tokener_error err = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (err == json_tokener_continue) {
        *res = JP_TRUNCATED;
        return NULL;
    }
    if (err == json_tokener_error_depth) {
        *res = JP_TOO_DEEP;
        return NULL;
    }
    if (err != json_tokener_success || !o)
        goto fail;
    for (size_t i = end; i < len; i++)
        if (!json_is_ws(p[i]))
            goto fail;
    *res = JP_OK;
    return o;
fail:
    json_object_put(o);
    return NULL;
}

/* ---- method tables -------------------------------------------------------- */

enum proto { P_BTC, P_ETH, P_XMR, P_EL, P_ELSRV, P_STRATUM, P_GENERIC };
static const char *const proto_names[] = {
    "bitcoin-jsonrpc", "ethereum-jsonrpc", "monero-wallet-rpc", "electrum",
    "electrum",        "stratum",          "jsonrpc",
};

/* How destinations are found in the params. */
enum extract {
    X_NONE,
    X_BTC_SENDTOADDRESS, /* [address, amount, ...] */
    X_BTC_SENDMANY,      /* ["", {address: amount, ...}, ...] */
    X_BTC_SEND,     /* [outputs, ...]: [{address: amount}, {"data": hex}] or {address: amount} */
    X_BTC_SENDALL,  /* [recipients, ...]: ["address", {address: amount}] */
    X_BTC_OUTPUTS1, /* [inputs, outputs, ...] */
    X_ETH_TX,       /* [{from, to, value}, ...] */
    X_ETH_RAW,      /* ["0x<signed transaction, RLP>"] */
    X_XMR_TRANSFER, /* {destinations: [{address, amount}]} */
    X_XMR_SWEEP,    /* {address} */
    X_EL_PAYTO,     /* {destination, amount, fee} or [destination, amount] */
    X_EL_PAYTOMANY, /* {outputs: [[address, amount], ...]} (or that list as JSON text) */
};

/* What the result is summarised as. */
enum summary {
    S_NONE,
    S_TXID,          /* a txid string, or {"txid": ...} */
    S_BALANCE,       /* an amount in the asset's unit */
    S_BALANCES,      /* Bitcoin getbalances: mine.trusted */
    S_ADDRESS,       /* an address string */
    S_COUNT,         /* an array's length */
    S_ETH_BALANCE,   /* hex wei */
    S_XMR_BALANCE,   /* {balance: atomic} */
    S_XMR_ADDRESS,   /* {address} */
    S_XMR_TX,        /* {tx_hash, fee} */
    S_XMR_TXLIST,    /* {tx_hash_list, fee_list} */
    S_EL_BALANCE,    /* {"confirmed": "0.1"} */
    S_ELSRV_BALANCE, /* {"confirmed": satoshis} */
};

enum { R = WALLET_CLASS_READ, S = WALLET_CLASS_SEND, K = WALLET_CLASS_KEY, A = WALLET_CLASS_ADMIN };

struct wmethod {
    const char *name;
    uint8_t cls;
    uint8_t extract;
    uint8_t summary;
    const char *result_secret; /* kind of the whole result (or of result_key) */
    const char *result_key;    /* NULL: the whole result */
};

static const struct wmethod btc_methods[] = {
    {"getbalance", R, X_NONE, S_BALANCE, NULL, NULL},
    {"getunconfirmedbalance", R, X_NONE, S_BALANCE, NULL, NULL},
    {"getreceivedbyaddress", R, X_NONE, S_BALANCE, NULL, NULL},
    {"getreceivedbylabel", R, X_NONE, S_BALANCE, NULL, NULL},
    {"getbalances", R, X_NONE, S_BALANCES, NULL, NULL},
    {"getnewaddress", R, X_NONE, S_ADDRESS, NULL, NULL},
    {"getrawchangeaddress", R, X_NONE, S_ADDRESS, NULL, NULL},
    {"listunspent", R, X_NONE, S_COUNT, NULL, NULL},
    {"listtransactions", R, X_NONE, S_COUNT, NULL, NULL},
    {"listreceivedbyaddress", R, X_NONE, S_COUNT, NULL, NULL},
    {"listreceivedbylabel", R, X_NONE, S_COUNT, NULL, NULL},
    {"listaddressgroupings", R, X_NONE, S_COUNT, NULL, NULL},
    {"listlabels", R, X_NONE, S_COUNT, NULL, NULL},
    {"listlockunspent", R, X_NONE, S_COUNT, NULL, NULL},
    {"listwallets", R, X_NONE, S_COUNT, NULL, NULL},
    {"listsinceblock", R, X_NONE, S_NONE, NULL, NULL},
    {"listwalletdir", R, X_NONE, S_NONE, NULL, NULL},
    {"listdescriptors", R, X_NONE, S_NONE, NULL, NULL}, /* key with private=true */
    {"getwalletinfo", R, X_NONE, S_NONE, NULL, NULL},
    {"getaddressinfo", R, X_NONE, S_NONE, NULL, NULL},
    {"getaddressesbylabel", R, X_NONE, S_NONE, NULL, NULL},
    {"gettransaction", R, X_NONE, S_NONE, NULL, NULL},
    {"validateaddress", R, X_NONE, S_NONE, NULL, NULL},
    {"getblockchaininfo", R, X_NONE, S_NONE, NULL, NULL},
    {"getblockcount", R, X_NONE, S_NONE, NULL, NULL},
    {"getbestblockhash", R, X_NONE, S_NONE, NULL, NULL},
    {"getblock", R, X_NONE, S_NONE, NULL, NULL},
    {"getblockhash", R, X_NONE, S_NONE, NULL, NULL},
    {"getblockheader", R, X_NONE, S_NONE, NULL, NULL},
    {"getblockstats", R, X_NONE, S_NONE, NULL, NULL},
    {"getblocktemplate", R, X_NONE, S_NONE, NULL, NULL},
    {"getchaintips", R, X_NONE, S_NONE, NULL, NULL},
    {"getchaintxstats", R, X_NONE, S_NONE, NULL, NULL},
    {"getdifficulty", R, X_NONE, S_NONE, NULL, NULL},
    {"getnetworkinfo", R, X_NONE, S_NONE, NULL, NULL},
    {"getpeerinfo", R, X_NONE, S_NONE, NULL, NULL},
    {"getconnectioncount", R, X_NONE, S_NONE, NULL, NULL},
    {"getnettotals", R, X_NONE, S_NONE, NULL, NULL},
    {"getaddednodeinfo", R, X_NONE, S_NONE, NULL, NULL},
    {"getnodeaddresses", R, X_NONE, S_NONE, NULL, NULL},
    {"listbanned", R, X_NONE, S_NONE, NULL, NULL},
    {"getmempoolinfo", R, X_NONE, S_NONE, NULL, NULL},
    {"getrawmempool", R, X_NONE, S_NONE, NULL, NULL},
    {"getmempoolentry", R, X_NONE, S_NONE, NULL, NULL},
    {"getrawtransaction", R, X_NONE, S_NONE, NULL, NULL},
    {"decoderawtransaction", R, X_NONE, S_NONE, NULL, NULL},
    {"decodescript", R, X_NONE, S_NONE, NULL, NULL},
    {"decodepsbt", R, X_NONE, S_NONE, NULL, NULL},
    {"analyzepsbt", R, X_NONE, S_NONE, NULL, NULL},
    {"createpsbt", R, X_NONE, S_NONE, NULL, NULL},
    {"combinepsbt", R, X_NONE, S_NONE, NULL, NULL},
    {"finalizepsbt", R, X_NONE, S_NONE, NULL, NULL},
    {"joinpsbts", R, X_NONE, S_NONE, NULL, NULL},
    {"utxoupdatepsbt", R, X_NONE, S_NONE, NULL, NULL},
    {"converttopsbt", R, X_NONE, S_NONE, NULL, NULL},
    {"createmultisig", R, X_NONE, S_NONE, NULL, NULL},
    {"estimatesmartfee", R, X_NONE, S_NONE, NULL, NULL},
    {"getmininginfo", R, X_NONE, S_NONE, NULL, NULL},
    {"getnetworkhashps", R, X_NONE, S_NONE, NULL, NULL},
    {"getdescriptorinfo", R, X_NONE, S_NONE, NULL, NULL},
    {"deriveaddresses", R, X_NONE, S_NONE, NULL, NULL},
    {"getmemoryinfo", R, X_NONE, S_NONE, NULL, NULL},
    {"getindexinfo", R, X_NONE, S_NONE, NULL, NULL},
    {"getrpcinfo", R, X_NONE, S_NONE, NULL, NULL},
    {"getzmqnotifications", R, X_NONE, S_NONE, NULL, NULL},
    {"gettxout", R, X_NONE, S_NONE, NULL, NULL},
    {"gettxoutproof", R, X_NONE, S_NONE, NULL, NULL},
    {"verifytxoutproof", R, X_NONE, S_NONE, NULL, NULL},
    {"gettxoutsetinfo", R, X_NONE, S_NONE, NULL, NULL},
    {"scantxoutset", R, X_NONE, S_NONE, NULL, NULL},
    {"testmempoolaccept", R, X_NONE, S_NONE, NULL, NULL},
    {"verifymessage", R, X_NONE, S_NONE, NULL, NULL},
    {"help", R, X_NONE, S_NONE, NULL, NULL},
    {"uptime", R, X_NONE, S_NONE, NULL, NULL},
    {"ping", R, X_NONE, S_NONE, NULL, NULL},
    {"sendtoaddress", S, X_BTC_SENDTOADDRESS, S_TXID, NULL, NULL},
    {"sendmany", S, X_BTC_SENDMANY, S_TXID, NULL, NULL},
    {"send", S, X_BTC_SEND, S_TXID, NULL, NULL},
    {"sendall", S, X_BTC_SENDALL, S_TXID, NULL, NULL},
    {"sendrawtransaction", S, X_NONE, S_TXID, NULL, NULL},
    {"createrawtransaction", S, X_BTC_OUTPUTS1, S_NONE, NULL, NULL},
    {"walletcreatefundedpsbt", S, X_BTC_OUTPUTS1, S_NONE, NULL, NULL},
    {"fundrawtransaction", S, X_NONE, S_NONE, NULL, NULL},
    {"signrawtransactionwithwallet", S, X_NONE, S_NONE, NULL, NULL},
    {"signrawtransactionwithkey", S, X_NONE, S_NONE, NULL, NULL},
    {"walletprocesspsbt", S, X_NONE, S_NONE, NULL, NULL},
    {"bumpfee", S, X_NONE, S_TXID, NULL, NULL},
    {"psbtbumpfee", S, X_NONE, S_NONE, NULL, NULL},
    {"signmessage", S, X_NONE, S_NONE, NULL, NULL},
    {"signmessagewithprivkey", S, X_NONE, S_NONE, NULL, NULL},
    {"abandontransaction", S, X_NONE, S_NONE, NULL, NULL},
    {"dumpprivkey", K, X_NONE, S_NONE, "wif", NULL},
    {"dumpwallet", K, X_NONE, S_NONE, NULL, NULL},
    {"importprivkey", K, X_NONE, S_NONE, NULL, NULL},
    {"importwallet", K, X_NONE, S_NONE, NULL, NULL},
    {"importmulti", K, X_NONE, S_NONE, NULL, NULL},
    {"importdescriptors", K, X_NONE, S_NONE, NULL, NULL},
    {"importaddress", K, X_NONE, S_NONE, NULL, NULL},
    {"importpubkey", K, X_NONE, S_NONE, NULL, NULL},
    {"importprunedfunds", K, X_NONE, S_NONE, NULL, NULL},
    {"removeprunedfunds", K, X_NONE, S_NONE, NULL, NULL},
    {"sethdseed", K, X_NONE, S_NONE, NULL, NULL},
    {"encryptwallet", A, X_NONE, S_NONE, NULL, NULL},
    {"walletpassphrase", A, X_NONE, S_NONE, NULL, NULL},
    {"walletpassphrasechange", A, X_NONE, S_NONE, NULL, NULL},
    {"walletlock", A, X_NONE, S_NONE, NULL, NULL},
    {"backupwallet", A, X_NONE, S_NONE, NULL, NULL},
    {"createwallet", A, X_NONE, S_NONE, NULL, NULL},
    {"loadwallet", A, X_NONE, S_NONE, NULL, NULL},
    {"unloadwallet", A, X_NONE, S_NONE, NULL, NULL},
    {"restorewallet", A, X_NONE, S_NONE, NULL, NULL},
    {"migratewallet", A, X_NONE, S_NONE, NULL, NULL},
    {"upgradewallet", A, X_NONE, S_NONE, NULL, NULL},
    {"setwalletflag", A, X_NONE, S_NONE, NULL, NULL},
    {"keypoolrefill", A, X_NONE, S_NONE, NULL, NULL},
    {"rescanblockchain", A, X_NONE, S_NONE, NULL, NULL},
    {"abortrescan", A, X_NONE, S_NONE, NULL, NULL},
    {"settxfee", A, X_NONE, S_NONE, NULL, NULL},
    {"lockunspent", A, X_NONE, S_NONE, NULL, NULL},
    {"setlabel", A, X_NONE, S_NONE, NULL, NULL},
    {"generatetoaddress", A, X_NONE, S_COUNT, NULL, NULL},
    {"generatetodescriptor", A, X_NONE, S_COUNT, NULL, NULL},
    {"generateblock", A, X_NONE, S_NONE, NULL, NULL},
    {"generate", A, X_NONE, S_COUNT, NULL, NULL},
    {"submitblock", A, X_NONE, S_NONE, NULL, NULL},
    {"submitheader", A, X_NONE, S_NONE, NULL, NULL},
    {"prioritisetransaction", A, X_NONE, S_NONE, NULL, NULL},
    {"stop", A, X_NONE, S_NONE, NULL, NULL},
    {"setban", A, X_NONE, S_NONE, NULL, NULL},
    {"clearbanned", A, X_NONE, S_NONE, NULL, NULL},
    {"addnode", A, X_NONE, S_NONE, NULL, NULL},
    {"disconnectnode", A, X_NONE, S_NONE, NULL, NULL},
    {"setnetworkactive", A, X_NONE, S_NONE, NULL, NULL},
    {"pruneblockchain", A, X_NONE, S_NONE, NULL, NULL},
    {"savemempool", A, X_NONE, S_NONE, NULL, NULL},
    {"invalidateblock", A, X_NONE, S_NONE, NULL, NULL},
    {"reconsiderblock", A, X_NONE, S_NONE, NULL, NULL},
    {"preciousblock", A, X_NONE, S_NONE, NULL, NULL},
    {"verifychain", A, X_NONE, S_NONE, NULL, NULL},
    {"logging", A, X_NONE, S_NONE, NULL, NULL},
    {NULL, 0, 0, 0, NULL, NULL},
};

static const struct wmethod eth_methods[] = {
    {"eth_sendTransaction", S, X_ETH_TX, S_TXID, NULL, NULL},
    {"eth_sendRawTransaction", S, X_ETH_RAW, S_TXID, NULL, NULL},
    {"eth_signTransaction", S, X_ETH_TX, S_NONE, NULL, NULL},
    {"eth_sign", S, X_NONE, S_NONE, NULL, NULL},
    {"eth_signTypedData", S, X_NONE, S_NONE, NULL, NULL},
    {"eth_signTypedData_v3", S, X_NONE, S_NONE, NULL, NULL},
    {"eth_signTypedData_v4", S, X_NONE, S_NONE, NULL, NULL},
    {"personal_sendTransaction", S, X_ETH_TX, S_TXID, NULL, NULL},
    {"personal_signTransaction", S, X_ETH_TX, S_NONE, NULL, NULL},
    {"personal_signAndSendTransaction", S, X_ETH_TX, S_TXID, NULL, NULL},
    {"personal_sign", S, X_NONE, S_NONE, NULL, NULL},
    {"personal_importRawKey", K, X_NONE, S_NONE, NULL, NULL},
    {"personal_exportRawKey", K, X_NONE, S_NONE, "private_key", NULL},
    {"parity_exportAccount", K, X_NONE, S_NONE, NULL, NULL},
    {"personal_unlockAccount", A, X_NONE, S_NONE, NULL, NULL},
    {"personal_lockAccount", A, X_NONE, S_NONE, NULL, NULL},
    {"personal_newAccount", A, X_NONE, S_ADDRESS, NULL, NULL},
    {"personal_openWallet", A, X_NONE, S_NONE, NULL, NULL},
    {"personal_deriveAccount", A, X_NONE, S_NONE, NULL, NULL},
    {"personal_initializeWallet", A, X_NONE, S_NONE, NULL, NULL},
    {"personal_unpair", A, X_NONE, S_NONE, NULL, NULL},
    {"personal_listAccounts", R, X_NONE, S_COUNT, NULL, NULL},
    {"personal_listWallets", R, X_NONE, S_COUNT, NULL, NULL},
    {"personal_ecRecover", R, X_NONE, S_NONE, NULL, NULL},
    {"eth_getBalance", R, X_NONE, S_ETH_BALANCE, NULL, NULL},
    {"eth_accounts", R, X_NONE, S_COUNT, NULL, NULL},
    {NULL, 0, 0, 0, NULL, NULL},
};

static const struct wmethod xmr_methods[] = {
    {"get_balance", R, X_NONE, S_XMR_BALANCE, NULL, NULL},
    {"get_address", R, X_NONE, S_XMR_ADDRESS, NULL, NULL},
    {"create_address", R, X_NONE, S_XMR_ADDRESS, NULL, NULL},
    {"create_account", R, X_NONE, S_XMR_ADDRESS, NULL, NULL},
    {"get_address_index", R, X_NONE, S_NONE, NULL, NULL},
    {"get_accounts", R, X_NONE, S_NONE, NULL, NULL},
    {"get_height", R, X_NONE, S_NONE, NULL, NULL},
    {"get_transfers", R, X_NONE, S_NONE, NULL, NULL},
    {"get_transfer_by_txid", R, X_NONE, S_NONE, NULL, NULL},
    {"incoming_transfers", R, X_NONE, S_NONE, NULL, NULL},
    {"get_payments", R, X_NONE, S_NONE, NULL, NULL},
    {"get_bulk_payments", R, X_NONE, S_NONE, NULL, NULL},
    {"get_account_tags", R, X_NONE, S_NONE, NULL, NULL},
    {"get_languages", R, X_NONE, S_NONE, NULL, NULL},
    {"get_version", R, X_NONE, S_NONE, NULL, NULL},
    {"validate_address", R, X_NONE, S_NONE, NULL, NULL},
    {"get_attribute", R, X_NONE, S_NONE, NULL, NULL},
    {"get_tx_notes", R, X_NONE, S_NONE, NULL, NULL},
    {"get_address_book", R, X_NONE, S_NONE, NULL, NULL},
    {"label_address", R, X_NONE, S_NONE, NULL, NULL},
    {"label_account", R, X_NONE, S_NONE, NULL, NULL},
    {"make_integrated_address", R, X_NONE, S_NONE, NULL, NULL},
    {"split_integrated_address", R, X_NONE, S_NONE, NULL, NULL},
    {"make_uri", R, X_NONE, S_NONE, NULL, NULL},
    {"parse_uri", R, X_NONE, S_NONE, NULL, NULL},
    {"check_tx_key", R, X_NONE, S_NONE, NULL, NULL},
    {"check_tx_proof", R, X_NONE, S_NONE, NULL, NULL},
    {"check_spend_proof", R, X_NONE, S_NONE, NULL, NULL},
    {"check_reserve_proof", R, X_NONE, S_NONE, NULL, NULL},
    {"get_tx_proof", R, X_NONE, S_NONE, NULL, NULL},
    {"get_spend_proof", R, X_NONE, S_NONE, NULL, NULL},
    {"get_reserve_proof", R, X_NONE, S_NONE, NULL, NULL},
    {"is_multisig", R, X_NONE, S_NONE, NULL, NULL},
    {"estimate_tx_size_and_weight", R, X_NONE, S_NONE, NULL, NULL},
    {"describe_transfer", R, X_NONE, S_NONE, NULL, NULL},
    {"export_outputs", R, X_NONE, S_NONE, NULL, NULL},
    {"export_key_images", R, X_NONE, S_NONE, NULL, NULL},
    {"frozen", R, X_NONE, S_NONE, NULL, NULL},
    {"verify", R, X_NONE, S_NONE, NULL, NULL},
    {"transfer", S, X_XMR_TRANSFER, S_XMR_TX, NULL, NULL},
    {"transfer_split", S, X_XMR_TRANSFER, S_XMR_TXLIST, NULL, NULL},
    {"sweep_all", S, X_XMR_SWEEP, S_XMR_TXLIST, NULL, NULL},
    {"sweep_single", S, X_XMR_SWEEP, S_XMR_TX, NULL, NULL},
    {"sweep_dust", S, X_NONE, S_XMR_TXLIST, NULL, NULL},
    {"sweep_unmixable", S, X_NONE, S_XMR_TXLIST, NULL, NULL},
    {"relay_tx", S, X_NONE, S_XMR_TX, NULL, NULL},
    {"submit_transfer", S, X_NONE, S_NONE, NULL, NULL},
    {"sign_transfer", S, X_NONE, S_NONE, NULL, NULL},
    {"sign", S, X_NONE, S_NONE, NULL, NULL},
    {"sign_multisig", S, X_NONE, S_NONE, NULL, NULL},
    {"submit_multisig", S, X_NONE, S_NONE, NULL, NULL},
    {"query_key", K, X_NONE, S_NONE, NULL, NULL}, /* result.key: kind from key_type */
    {"get_tx_key", K, X_NONE, S_NONE, "tx_key", "tx_key"},
    {"restore_deterministic_wallet", K, X_NONE, S_NONE, "mnemonic", "seed"},
    {"generate_from_keys", K, X_NONE, S_NONE, NULL, NULL},
    {"import_key_images", K, X_NONE, S_NONE, NULL, NULL},
    {"import_outputs", K, X_NONE, S_NONE, NULL, NULL},
    {"prepare_multisig", K, X_NONE, S_NONE, NULL, NULL},
    {"make_multisig", K, X_NONE, S_NONE, NULL, NULL},
    {"exchange_multisig_keys", K, X_NONE, S_NONE, NULL, NULL},
    {"finalize_multisig", K, X_NONE, S_NONE, NULL, NULL},
    {"export_multisig_info", K, X_NONE, S_NONE, NULL, NULL},
    {"import_multisig_info", K, X_NONE, S_NONE, NULL, NULL},
    {"open_wallet", A, X_NONE, S_NONE, NULL, NULL},
    {"close_wallet", A, X_NONE, S_NONE, NULL, NULL},
    {"create_wallet", A, X_NONE, S_NONE, NULL, NULL},
    {"change_wallet_password", A, X_NONE, S_NONE, NULL, NULL},
    {"stop_wallet", A, X_NONE, S_NONE, NULL, NULL},
    {"store", A, X_NONE, S_NONE, NULL, NULL},
    {"rescan_blockchain", A, X_NONE, S_NONE, NULL, NULL},
    {"rescan_spent", A, X_NONE, S_NONE, NULL, NULL},
    {"refresh", A, X_NONE, S_NONE, NULL, NULL},
    {"auto_refresh", A, X_NONE, S_NONE, NULL, NULL},
    {"scan_tx", A, X_NONE, S_NONE, NULL, NULL},
    {"start_mining", A, X_NONE, S_NONE, NULL, NULL},
    {"stop_mining", A, X_NONE, S_NONE, NULL, NULL},
    {"set_daemon", A, X_NONE, S_NONE, NULL, NULL},
    {"set_attribute", A, X_NONE, S_NONE, NULL, NULL},
    {"set_tx_notes", A, X_NONE, S_NONE, NULL, NULL},
    {"tag_accounts", A, X_NONE, S_NONE, NULL, NULL},
    {"untag_accounts", A, X_NONE, S_NONE, NULL, NULL},
    {"set_account_tag_description", A, X_NONE, S_NONE, NULL, NULL},
    {"add_address_book", A, X_NONE, S_NONE, NULL, NULL},
    {"edit_address_book", A, X_NONE, S_NONE, NULL, NULL},
    {"delete_address_book", A, X_NONE, S_NONE, NULL, NULL},
    {"freeze", A, X_NONE, S_NONE, NULL, NULL},
    {"thaw", A, X_NONE, S_NONE, NULL, NULL},
    {"set_log_level", A, X_NONE, S_NONE, NULL, NULL},
    {"set_log_categories", A, X_NONE, S_NONE, NULL, NULL},
    {NULL, 0, 0, 0, NULL, NULL},
};

/* Electrum daemon commands (commands.py), called directly or through run_cmdline. */
static const struct wmethod el_methods[] = {
    {"getbalance", R, X_NONE, S_EL_BALANCE, NULL, NULL},
    {"listaddresses", R, X_NONE, S_COUNT, NULL, NULL},
    {"listunspent", R, X_NONE, S_COUNT, NULL, NULL},
    {"list_wallets", R, X_NONE, S_COUNT, NULL, NULL},
    {"getunusedaddress", R, X_NONE, S_ADDRESS, NULL, NULL},
    {"createnewaddress", R, X_NONE, S_ADDRESS, NULL, NULL},
    {"history", R, X_NONE, S_NONE, NULL, NULL},
    {"onchain_history", R, X_NONE, S_NONE, NULL, NULL},
    {"lightning_history", R, X_NONE, S_NONE, NULL, NULL},
    {"getaddressbalance", R, X_NONE, S_NONE, NULL, NULL},
    {"getaddresshistory", R, X_NONE, S_NONE, NULL, NULL},
    {"getaddressunspent", R, X_NONE, S_NONE, NULL, NULL},
    {"getinfo", R, X_NONE, S_NONE, NULL, NULL},
    {"version", R, X_NONE, S_NONE, NULL, NULL},
    {"ismine", R, X_NONE, S_NONE, NULL, NULL},
    {"validateaddress", R, X_NONE, S_NONE, NULL, NULL},
    {"getservers", R, X_NONE, S_NONE, NULL, NULL},
    {"getfeerate", R, X_NONE, S_NONE, NULL, NULL},
    {"gettransaction", R, X_NONE, S_NONE, NULL, NULL},
    {"deserialize", R, X_NONE, S_NONE, NULL, NULL},
    {"get_tx_status", R, X_NONE, S_NONE, NULL, NULL},
    {"getpubkeys", R, X_NONE, S_NONE, NULL, NULL},
    {"getmpk", R, X_NONE, S_NONE, NULL, NULL},
    {"getconfig", R, X_NONE, S_NONE, NULL, NULL},
    {"list_requests", R, X_NONE, S_NONE, NULL, NULL},
    {"list_invoices", R, X_NONE, S_NONE, NULL, NULL},
    {"list_channels", R, X_NONE, S_NONE, NULL, NULL},
    {"is_synchronized", R, X_NONE, S_NONE, NULL, NULL},
    {"ping", R, X_NONE, S_NONE, NULL, NULL},
    {"payto", S, X_EL_PAYTO, S_NONE, NULL, NULL},
    {"paytomany", S, X_EL_PAYTOMANY, S_NONE, NULL, NULL},
    {"broadcast", S, X_NONE, S_TXID, NULL, NULL},
    {"signtransaction", S, X_NONE, S_NONE, NULL, NULL},
    {"signmessage", S, X_NONE, S_NONE, NULL, NULL},
    {"bumpfee", S, X_NONE, S_NONE, NULL, NULL},
    {"lnpay", S, X_NONE, S_NONE, NULL, NULL},
    {"open_channel", S, X_NONE, S_NONE, NULL, NULL},
    {"close_channel", S, X_NONE, S_NONE, NULL, NULL},
    {"sweep", S, X_NONE, S_NONE, NULL, NULL},
    {"getseed", K, X_NONE, S_NONE, "mnemonic", NULL},
    {"make_seed", K, X_NONE, S_NONE, "mnemonic", NULL},
    {"getprivatekeys", K, X_NONE, S_NONE, "wif", NULL},
    {"getprivatekeyforpath", K, X_NONE, S_NONE, "wif", NULL},
    {"getmasterprivate", K, X_NONE, S_NONE, "xprv", NULL},
    {"importprivkey", K, X_NONE, S_NONE, NULL, NULL},
    {"restore", K, X_NONE, S_NONE, "mnemonic", "seed"},
    {"export_channel_backup", K, X_NONE, S_NONE, NULL, NULL},
    {"create", A, X_NONE, S_NONE, "mnemonic", "seed"},
    {"load_wallet", A, X_NONE, S_NONE, NULL, NULL},
    {"close_wallet", A, X_NONE, S_NONE, NULL, NULL},
    {"password", A, X_NONE, S_NONE, NULL, NULL},
    {"setconfig", A, X_NONE, S_NONE, NULL, NULL},
    {"stop", A, X_NONE, S_NONE, NULL, NULL},
    {"freeze", A, X_NONE, S_NONE, NULL, NULL},
    {"unfreeze", A, X_NONE, S_NONE, NULL, NULL},
    {"setlabel", A, X_NONE, S_NONE, NULL, NULL},
    {"addtransaction", A, X_NONE, S_NONE, NULL, NULL},
    {"removelocaltx", A, X_NONE, S_NONE, NULL, NULL},
    {"add_peer", A, X_NONE, S_NONE, NULL, NULL},
    {NULL, 0, 0, 0, NULL, NULL},
};

/* Electrum server protocol (ElectrumX docs, "Protocol methods"). */
static const struct wmethod elsrv_methods[] = {
    {"blockchain.transaction.broadcast", S, X_NONE, S_TXID, NULL, NULL},
    {"blockchain.scripthash.get_balance", R, X_NONE, S_ELSRV_BALANCE, NULL, NULL},
    {"blockchain.scripthash.listunspent", R, X_NONE, S_COUNT, NULL, NULL},
    {"blockchain.scripthash.get_history", R, X_NONE, S_COUNT, NULL, NULL},
    {"blockchain.scripthash.get_mempool", R, X_NONE, S_COUNT, NULL, NULL},
    {NULL, 0, 0, 0, NULL, NULL},
};

static const struct wmethod *table_find(const struct wmethod *t, struct wallet_str m)
{
    for (; t->name; t++)
        if (str_eq(m, t->name))
            return t;
    return NULL;
}

/* Positional or named parameters that are secrets. */
struct wsecret_param {
    uint8_t proto;
    const char *method;
    int idx;          /* position in an array of params, -1 for none */
    const char *name; /* name in an object of params, NULL for none */
    const char *kind;
};

static const struct wsecret_param secret_params[] = {
    {P_BTC, "walletpassphrase", 0, "passphrase", "passphrase"},
    {P_BTC, "encryptwallet", 0, "passphrase", "passphrase"},
    {P_BTC, "walletpassphrasechange", 0, "oldpassphrase", "passphrase"},
    {P_BTC, "walletpassphrasechange", 1, "newpassphrase", "passphrase"},
    {P_BTC, "createwallet", 3, "passphrase", "passphrase"},
    {P_BTC, "importprivkey", 0, "privkey", "wif"},
    {P_BTC, "sethdseed", 1, "seed", "wif"},
    {P_BTC, "signrawtransactionwithkey", 1, "privkeys", "wif"},
    {P_BTC, "signmessagewithprivkey", 0, "privkey", "wif"},
    {P_ETH, "personal_unlockAccount", 1, NULL, "password"},
    {P_ETH, "personal_newAccount", 0, NULL, "password"},
    {P_ETH, "personal_importRawKey", 0, NULL, "private_key"},
    {P_ETH, "personal_importRawKey", 1, NULL, "password"},
    {P_ETH, "personal_sendTransaction", 1, NULL, "password"},
    {P_ETH, "personal_signTransaction", 1, NULL, "password"},
    {P_ETH, "personal_signAndSendTransaction", 1, NULL, "password"},
    {P_ETH, "personal_sign", 2, NULL, "password"},
    {P_ETH, "personal_openWallet", 1, NULL, "password"},
    {P_ETH, "parity_exportAccount", 1, NULL, "password"},
    {P_EL, "restore", 0, "text", "mnemonic"},
    {P_EL, "importprivkey", 0, "privkey", "wif"},
    {P_EL, "sweep", 0, "privkey", "wif"},
    {P_EL, "password", -1, "new_password", "password"},
};

/* Parameter names that are secrets in any method (Monero, Electrum, named Bitcoin params). */
static const struct {
    const char *name;
    const char *kind;
} secret_names[] = {
    {"password", "password"},
    {"old_password", "password"},
    {"new_password", "password"},
    {"rpcpassword", "password"},
    {"passphrase", "passphrase"},
    {"oldpassphrase", "passphrase"},
    {"newpassphrase", "passphrase"},
    {"seed_offset", "passphrase"},
    {"seed", "mnemonic"},
    {"spendkey", "spend_key"},
    {"viewkey", "view_key"},
    {"privkey", "wif"},
    {"privkeys", "wif"},
};

/* Default RPC ports of the Bitcoin Core family (chainparamsbase.cpp of each coin). */
static const struct {
    uint16_t port;
    const char *asset;
} btc_ports[] = {
    {8332, "BTC"},   {18332, "BTC"},  {38332, "BTC"},  {18443, "BTC"},  {9332, "LTC"},
    {19332, "LTC"},  {19443, "LTC"},  {22555, "DOGE"}, {44555, "DOGE"}, {9998, "DASH"},
    {19998, "DASH"}, {19898, "DASH"}, {8232, "ZEC"},   {18232, "ZEC"},
};

static const char *btc_port_asset(uint16_t port)
{
    for (size_t i = 0; i < sizeof(btc_ports) / sizeof(btc_ports[0]); i++)
        if (btc_ports[i].port == port)
            return btc_ports[i].asset;
    return NULL;
}

/* ---- building one call ------------------------------------------------------- */

/* What one call is built from; the JSON trees outlive the app_tx_done call. */
struct wcall_src {
    enum proto proto;
    const struct wmethod *m;
    struct json_object *req;    /* the request object */
    struct json_object *params; /* params (Electrum run_cmdline: its options object) */
    struct json_object *resp;   /* the matching response object, or NULL */
    bool have_response;         /* a response arrived (resp may still be unparsed) */
    struct json_object *owned;  /* parsed from a string param; freed after the event */
};

static void add_secret(struct wallet_call *c, const char *kind, const char *source,
                       struct json_object *v)
{
    struct wallet_str s;
    if (!v || json_object_is_type(v, json_type_null) || json_object_is_type(v, json_type_boolean))
        return;
    if (!jstr(v, &s))
        s = jcompact(v);
    if (!s.p || s.len == 0)
        return;
    for (size_t i = 0; i < c->nsecrets; i++)
        if (c->secrets[i].value.p == s.p)
            return;
    if (c->nsecrets >= WALLET_MAX_SECRETS)
        return;
    c->secrets[c->nsecrets].kind = kind;
    c->secrets[c->nsecrets].source = source;
    c->secrets[c->nsecrets].value = s;
    c->nsecrets++;
}

static struct json_object *param_at(struct json_object *params, int idx, const char *name)
{
    if (params && json_object_is_type(params, json_type_array))
        return idx >= 0 ? jidx(params, (size_t)idx) : NULL;
    return name ? jkey(params, name) : NULL;
}

static void find_param_secrets(struct wallet_call *c, const struct wcall_src *src)
{
    for (size_t i = 0; i < sizeof(secret_params) / sizeof(secret_params[0]); i++) {
        const struct wsecret_param *sp = &secret_params[i];
        if (sp->proto == src->proto && str_eq(c->method, sp->method))
            add_secret(c, sp->kind, "params", param_at(src->params, sp->idx, sp->name));
    }
    if (!src->params || !json_object_is_type(src->params, json_type_object))
        return;
    for (size_t i = 0; i < sizeof(secret_names) / sizeof(secret_names[0]); i++)
        add_secret(c, secret_names[i].kind, "params", jkey(src->params, secret_names[i].name));
}

static void find_result_secrets(struct wallet_call *c, const struct wcall_src *src,
                                struct json_object *result)
{
    if (!result)
        return;
    if (src->proto == P_XMR && str_eq(c->method, "query_key")) {
        struct wallet_str kt = {NULL, 0};
        jstr(param_at(src->params, -1, "key_type"), &kt);
        const char *kind = str_eq(kt, "mnemonic")    ? "mnemonic"
                           : str_eq(kt, "spend_key") ? "spend_key"
                           : str_eq(kt, "view_key")  ? "view_key"
                                                     : "key";
        add_secret(c, kind, "result", jkey(result, "key"));
        return;
    }
    if (src->proto == P_BTC && str_eq(c->method, "listdescriptors")) {
        struct json_object *priv = param_at(src->params, 0, "private");
        if (priv && json_object_is_type(priv, json_type_boolean) && json_object_get_boolean(priv)) {
            c->cls = WALLET_CLASS_KEY;
            add_secret(c, "xprv", "result", result);
        }
        return;
    }
    if (src->m && src->m->result_secret)
        add_secret(c, src->m->result_secret, "result",
                   src->m->result_key ? jkey(result, src->m->result_key) : result);
}

static void set_amount(char *out, const struct amt *a, unsigned decimals)
{
    amt_format(a, decimals, out, WALLET_AMOUNT_MAX);
}

/* An amount given in the asset's unit (JSON number or numeric string). */
static bool amount_unit(struct json_object *v, struct amt *a)
{
    struct wallet_str t;
    return jtext(v, &t) && amt_parse(t.p, t.len, 0, a);
}

/* An amount given in atomic units with `decimals` decimals (Monero, satoshis). */
static bool amount_atomic(struct json_object *v, unsigned decimals, struct amt *a)
{
    struct wallet_str t;
    return v && json_object_is_type(v, json_type_int) && jtext(v, &t) &&
           amt_parse(t.p, t.len, -(int)decimals, a);
}

static struct wallet_dest *dest_add(struct wallet_call *c, struct wallet_str address)
{
    if (c->ndests >= WALLET_MAX_DESTS) {
        c->dests_truncated = true;
        return NULL;
    }
    struct wallet_dest *d = &c->dests[c->ndests++];
    memset(d, 0, sizeof(*d));
    d->address = address;
    return d;
}

static void dest_amount(struct wallet_call *c, struct wallet_dest *d, const struct amt *a)
{
    if (!d)
        return;
    d->has_amount = true;
    set_amount(d->amount, a, c->decimals);
}

/* Adds {address: amount, ...} (skipping "data" outputs). */
static void dests_from_map(struct wallet_call *c, struct json_object *map)
{
    if (!map || !json_object_is_type(map, json_type_object))
        return;
    json_object_object_foreach(map, key, val)
    {
        if (strcmp(key, "data") == 0)
            continue;
        struct wallet_str addr = {(const uint8_t *)key, strlen(key)};
        struct wallet_dest *d = dest_add(c, addr);
        struct amt a;
        if (d && amount_unit(val, &a))
            dest_amount(c, d, &a);
    }
}

/* Bitcoin outputs: an object {address: amount} or an array of such objects
 * (sendall also allows bare address strings). */
static void dests_from_outputs(struct wallet_call *c, struct json_object *outs)
{
    if (outs && json_object_is_type(outs, json_type_array)) {
        size_t n = json_object_array_length(outs);
        for (size_t i = 0; i < n; i++) {
            struct json_object *e = json_object_array_get_idx(outs, i);
            struct wallet_str addr;
            if (jstr(e, &addr))
                dest_add(c, addr);
            else
                dests_from_map(c, e);
        }
        return;
    }
    dests_from_map(c, outs);
}

static void dest_pair(struct wallet_call *c, struct json_object *addr_v, struct json_object *amt_v,
                      bool atomic)
{
    struct wallet_str addr;
    if (!jstr(addr_v, &addr))
        return;
    struct wallet_dest *d = dest_add(c, addr);
    struct amt a;
    struct wallet_str t;
    if (!atomic && jstr(amt_v, &t) && str_eq(t, "!")) {
        c->sweep = true; /* Electrum's "send everything" */
        return;
    }
    if (atomic ? amount_atomic(amt_v, c->decimals, &a) : amount_unit(amt_v, &a))
        dest_amount(c, d, &a);
}

/* Electrum's CLI passes list arguments as JSON text: parse them here. */
static struct json_object *maybe_json_text(struct json_object *v, struct json_object **owned)
{
    struct wallet_str s;
    if (!jstr(v, &s) || *owned)
        return v;
    enum jparse res;
    *owned = wallet_json_parse(s.p, s.len, &res);
    return *owned;
}

/* Ethereum signed transactions (eth_sendRawTransaction): RLP, Ethereum
 * yellow paper appendix B, with the EIP-2718 type byte in front of typed
 * transactions. Only the recipient and the value are taken:
 *
 *   legacy     rlp([nonce, gasPrice, gas, to, value, data, v, r, s])
 *   0x01       0x01 || rlp([chainId, nonce, gasPrice, gas, to, value, ...])   EIP-2930
 *   0x02..04   0x02 || rlp([chainId, nonce, maxPrio, maxFee, gas, to, value, ...])
 *                                                        EIP-1559, 4844, 7702
 *
 *   item header: 00..7f a byte; 80..b7 a string of (b-80) bytes; b8..bf a
 *   string whose length takes (b-b7) bytes; c0..f7 / f8..ff the same for lists. */
#define ETH_RAW_MAX (128u * 1024)

struct rlp_item {
    bool list;
    struct span payload;
};

static bool rlp_next(struct rd *r, struct rlp_item *it)
{
    uint8_t b = rd_u8(r);
    size_t len = 0;
    it->list = b >= 0xc0;
    if (r->err)
        return false;
    if (b < 0x80) {
        it->payload.p = r->p - 1;
        it->payload.len = 1;
        return true;
    }
    unsigned base = it->list ? 0xc0 : 0x80;
    if (b - base <= 55) {
        len = b - base;
    } else {
        unsigned nlen = b - base - 55; /* 1..8 length bytes; more than 4 is no real transaction */
        if (nlen > 4) {
            r->err = true;
            return false;
        }
        for (unsigned i = 0; i < nlen; i++)
            len = len << 8 | rd_u8(r);
    }
    it->payload = rd_bytes(r, len);
    return !r->err;
}

static void hex_encode(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

static void eth_raw_tx(struct wallet_call *c, struct json_object *v)
{
    struct wallet_str hex;
    if (!jstr(v, &hex) || hex.len < 4 || hex.len % 2 || hex.p[0] != '0' ||
        (hex.p[1] != 'x' && hex.p[1] != 'X') || (hex.len - 2) / 2 > ETH_RAW_MAX)
        return;
    size_t n = (hex.len - 2) / 2;
    uint8_t *raw = malloc(n);
    if (!raw)
        return;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_value(hex.p[2 + 2 * i]), lo = hex_value(hex.p[3 + 2 * i]);
        if (hi < 0 || lo < 0)
            goto out;
        raw[i] = (uint8_t)(hi << 4 | lo);
    }
    struct rd r = rd_init(raw, n);
    unsigned to_idx = 3;
    if (raw[0] < 0x80) {
        uint8_t type = rd_u8(&r);
        if (type == 0 || type > 4)
            goto out;
        to_idx = type == 1 ? 4 : 5;
    }
    struct rlp_item tx, it, to = {false, {NULL, 0}}, value = {false, {NULL, 0}};
    if (!rlp_next(&r, &tx) || !tx.list)
        goto out;
    struct rd fields = rd_init(tx.payload.p, tx.payload.len);
    for (unsigned i = 0; i <= to_idx + 1; i++) {
        if (!rlp_next(&fields, &it))
            goto out;
        if (i == to_idx)
            to = it;
        else if (i == to_idx + 1)
            value = it;
    }
    if (to.list || value.list || to.payload.len != 20 || value.payload.len > 32)
        goto out; /* contract creation (empty to) or not a transaction */
    c->decoded_to[0] = '0';
    c->decoded_to[1] = 'x';
    hex_encode(to.payload.p, 20, c->decoded_to + 2);
    struct wallet_dest *d = dest_add(c, (struct wallet_str){(const uint8_t *)c->decoded_to, 42});
    char vhex[2 + 64 + 1] = "0x0";
    if (value.payload.len > 0)
        hex_encode(value.payload.p, value.payload.len, vhex + 2);
    struct amt a;
    if (amt_from_hex((const uint8_t *)vhex, strlen(vhex), 18, &a))
        dest_amount(c, d, &a);
out:
    free(raw);
}

static void extract_dests(struct wallet_call *c, struct wcall_src *src)
{
    struct json_object *p = src->params;
    switch (src->m ? src->m->extract : X_NONE) {
    case X_BTC_SENDTOADDRESS:
        dest_pair(c, param_at(p, 0, "address"), param_at(p, 1, "amount"), false);
        break;
    case X_BTC_SENDMANY:
        dests_from_map(c, param_at(p, 1, "amounts"));
        break;
    case X_BTC_SEND:
        dests_from_outputs(c, param_at(p, 0, "outputs"));
        break;
    case X_BTC_SENDALL:
        c->sweep = true;
        dests_from_outputs(c, param_at(p, 0, "recipients"));
        break;
    case X_BTC_OUTPUTS1:
        dests_from_outputs(c, param_at(p, 1, "outputs"));
        break;
    case X_ETH_TX: {
        struct json_object *tx = jidx(p, 0);
        struct wallet_str to, value;
        jstr(jkey(tx, "from"), &c->from);
        if (jstr(jkey(tx, "to"), &to)) {
            struct wallet_dest *d = dest_add(c, to);
            struct amt a;
            if (jstr(jkey(tx, "value"), &value) && amt_from_hex(value.p, value.len, 18, &a))
                dest_amount(c, d, &a);
        }
        break;
    }
    case X_ETH_RAW:
        eth_raw_tx(c, jidx(p, 0));
        break;
    case X_XMR_TRANSFER: {
        struct json_object *ds = jkey(p, "destinations");
        size_t n =
            ds && json_object_is_type(ds, json_type_array) ? json_object_array_length(ds) : 0;
        for (size_t i = 0; i < n; i++) {
            struct json_object *e = json_object_array_get_idx(ds, i);
            dest_pair(c, jkey(e, "address"), jkey(e, "amount"), true);
        }
        break;
    }
    case X_XMR_SWEEP:
        c->sweep = true;
        dest_pair(c, jkey(p, "address"), NULL, true);
        break;
    case X_EL_PAYTO: {
        dest_pair(c, param_at(p, 0, "destination"), param_at(p, 1, "amount"), false);
        struct amt a;
        if (amount_unit(param_at(p, 2, "fee"), &a)) {
            c->has_fee = true;
            set_amount(c->fee, &a, c->decimals);
        }
        break;
    }
    case X_EL_PAYTOMANY: {
        struct json_object *outs = maybe_json_text(param_at(p, 0, "outputs"), &src->owned);
        size_t n =
            outs && json_object_is_type(outs, json_type_array) ? json_object_array_length(outs) : 0;
        for (size_t i = 0; i < n; i++) {
            struct json_object *e = json_object_array_get_idx(outs, i);
            dest_pair(c, jidx(e, 0), jidx(e, 1), false);
        }
        break;
    }
    default:
        break;
    }
}

static void compute_total(struct wallet_call *c)
{
    struct amt total, a;
    memset(&total, 0, sizeof(total));
    bool any = false;
    for (size_t i = 0; i < c->ndests; i++) {
        if (!c->dests[i].has_amount)
            continue;
        if (!amt_parse((const uint8_t *)c->dests[i].amount, strlen(c->dests[i].amount), 0, &a) ||
            !amt_add(&total, &a))
            return;
        any = true;
    }
    if (!any)
        return;
    c->has_total = true;
    set_amount(c->amount_total, &total, c->decimals);
}

static void summary_amount(struct wallet_call *c, const char *key, const struct amt *a)
{
    c->summary_key = key;
    amt_format(a, c->decimals, c->summary, sizeof(c->summary));
}

static void summary_str(struct wallet_call *c, const char *key, struct json_object *v)
{
    struct wallet_str s;
    if (!jstr(v, &s) || s.len >= sizeof(c->summary) || memchr(s.p, '\0', s.len))
        return;
    c->summary_key = key;
    memcpy(c->summary, s.p, s.len);
    c->summary[s.len] = '\0';
}

static void summary_count(struct wallet_call *c, struct json_object *v)
{
    if (!v || !json_object_is_type(v, json_type_array))
        return;
    c->summary_key = "count";
    snprintf(c->summary, sizeof(c->summary), "%zu", json_object_array_length(v));
}

static void xmr_fee(struct wallet_call *c, struct json_object *result)
{
    struct amt fee, a;
    memset(&fee, 0, sizeof(fee));
    struct json_object *list = jkey(result, "fee_list");
    bool ok = false;
    if (amount_atomic(jkey(result, "fee"), 12, &fee)) {
        ok = true;
    } else if (list && json_object_is_type(list, json_type_array)) {
        ok = json_object_array_length(list) > 0;
        for (size_t i = 0; ok && i < json_object_array_length(list); i++)
            ok = amount_atomic(json_object_array_get_idx(list, i), 12, &a) && amt_add(&fee, &a);
    }
    if (ok) {
        c->has_fee = true;
        set_amount(c->fee, &fee, c->decimals);
    }
}

/* The result summary: never for key-class calls, only the listed shapes. */
static void summarise(struct wallet_call *c, const struct wcall_src *src, struct json_object *r)
{
    struct amt a;
    if (!r || c->cls == WALLET_CLASS_KEY || c->nsecrets > 0)
        return;
    switch (src->m ? src->m->summary : S_NONE) {
    case S_TXID:
        summary_str(c, "txid", r);
        if (!c->summary_key)
            summary_str(c, "txid", jkey(r, "txid"));
        break;
    case S_BALANCE:
        if (amount_unit(r, &a))
            summary_amount(c, "balance", &a);
        break;
    case S_BALANCES:
        if (amount_unit(jkey(jkey(r, "mine"), "trusted"), &a))
            summary_amount(c, "balance", &a);
        break;
    case S_ADDRESS:
        summary_str(c, "address", r);
        break;
    case S_COUNT:
        summary_count(c, r);
        break;
    case S_ETH_BALANCE: {
        struct wallet_str t;
        if (jstr(r, &t) && amt_from_hex(t.p, t.len, 18, &a))
            summary_amount(c, "balance", &a);
        break;
    }
    case S_XMR_BALANCE:
        if (amount_atomic(jkey(r, "balance"), 12, &a))
            summary_amount(c, "balance", &a);
        break;
    case S_XMR_ADDRESS:
        summary_str(c, "address", jkey(r, "address"));
        break;
    case S_XMR_TX:
        summary_str(c, "txid", jkey(r, "tx_hash"));
        xmr_fee(c, r);
        break;
    case S_XMR_TXLIST:
        summary_str(c, "txid", jidx(jkey(r, "tx_hash_list"), 0));
        xmr_fee(c, r);
        break;
    case S_EL_BALANCE:
        if (amount_unit(jkey(r, "confirmed"), &a))
            summary_amount(c, "balance", &a);
        break;
    case S_ELSRV_BALANCE:
        if (amount_atomic(jkey(r, "confirmed"), 8, &a))
            summary_amount(c, "balance", &a);
        break;
    default:
        break;
    }
}

static bool bytes_contain(struct wallet_str hay, struct wallet_str needle)
{
    if (!hay.p || !needle.p || needle.len == 0 || needle.len > hay.len)
        return false;
    for (size_t i = 0; i + needle.len <= hay.len; i++)
        if (memcmp(hay.p + i, needle.p, needle.len) == 0)
            return true;
    return false;
}

static void take_error(struct wallet_call *c, struct json_object *err)
{
    c->outcome = WALLET_OUTCOME_ERROR;
    struct json_object *code = jkey(err, "code");
    if (code && json_object_is_type(code, json_type_int)) {
        c->has_error_code = true;
        c->error_code = json_object_get_int64(code);
    }
    if (!jstr(jkey(err, "message"), &c->error_message))
        jstr(err, &c->error_message);
    for (size_t i = 0; i < c->nsecrets; i++)
        if (bytes_contain(c->error_message, c->secrets[i].value)) {
            c->error_message.p = NULL;
            c->error_message.len = 0;
            c->error_message_redacted = true;
        }
}

/* Fills the response-side fields from src->resp. */
static void take_response(struct wallet_call *c, const struct wcall_src *src)
{
    struct json_object *err = jkey(src->resp, "error");
    struct json_object *result = jkey(src->resp, "result");
    c->result = jcompact(result);
    if (err && !json_object_is_type(err, json_type_null)) {
        take_error(c, err);
        return;
    }
    /* Electrum's run_cmdline reports a failed command as {"result": {"error": "..."}}. */
    struct json_object *inner = src->proto == P_EL ? jkey(result, "error") : NULL;
    if (inner && json_object_is_type(inner, json_type_string)) {
        take_error(c, inner);
        return;
    }
    c->outcome = WALLET_OUTCOME_SUCCESS;
    find_result_secrets(c, src, result);
    summarise(c, src, result);
}

/* ---- the event ---------------------------------------------------------------- */

const char *wallet_class_name(enum wallet_class cls)
{
    static const char *const names[] = {"read", "send", "key", "admin", "unknown"};
    return (unsigned)cls < 5 ? names[cls] : "unknown";
}

static const char *outcome_name(enum wallet_outcome o)
{
    static const char *const names[] = {"success", "error", "auth_failed", "no_response"};
    return (unsigned)o < 4 ? names[o] : "error";
}

static void put_str(struct json_object *o, const char *key, struct wallet_str s)
{
    if (s.p)
        json_object_object_add(o, key, eve_string(s.p, s.len));
}

void wallet_call_to_json(const struct wallet_call *c, struct json_object *event)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "protocol", json_object_new_string(c->protocol));
    json_object_object_add(o, "transport", json_object_new_string(c->transport));
    json_object_object_add(o, "asset", json_object_new_string(c->asset));
    put_str(o, "method", c->method);
    json_object_object_add(o, "class", json_object_new_string(wallet_class_name(c->cls)));
    put_str(o, "id", c->id);
    put_str(o, "wallet", c->wallet);
    struct json_object *caller = json_object_new_object();
    char ip[64];
    ww_addr_format(&c->caller_ip, ip, sizeof(ip));
    json_object_object_add(caller, "ip", json_object_new_string(ip));
    put_str(caller, "user", c->user);
    json_object_object_add(o, "caller", caller);
    put_str(o, "from", c->from);
    if (c->ndests > 0) {
        struct json_object *arr = json_object_new_array();
        for (size_t i = 0; i < c->ndests; i++) {
            struct json_object *d = json_object_new_object();
            put_str(d, "address", c->dests[i].address);
            if (c->dests[i].has_amount)
                json_object_object_add(d, "amount", json_object_new_string(c->dests[i].amount));
            json_object_array_add(arr, d);
        }
        json_object_object_add(o, "destinations", arr);
    }
    if (c->dests_truncated)
        json_object_object_add(o, "destinations_truncated", json_object_new_boolean(true));
    if (c->sweep)
        json_object_object_add(o, "sweep", json_object_new_boolean(true));
    if (c->has_total)
        json_object_object_add(o, "amount_total", json_object_new_string(c->amount_total));
    if (c->has_fee)
        json_object_object_add(o, "fee", json_object_new_string(c->fee));
    json_object_object_add(o, "outcome", json_object_new_string(outcome_name(c->outcome)));
    if (c->http_status)
        json_object_object_add(o, "http_status", json_object_new_int(c->http_status));
    if (c->outcome == WALLET_OUTCOME_ERROR &&
        (c->has_error_code || c->error_message.p || c->error_message_redacted)) {
        struct json_object *e = json_object_new_object();
        if (c->has_error_code)
            json_object_object_add(e, "code", json_object_new_int64(c->error_code));
        if (c->error_message.p)
            json_object_object_add(e, "message",
                                   eve_string(c->error_message.p, c->error_message.len > 256
                                                                      ? 256
                                                                      : c->error_message.len));
        if (c->error_message_redacted)
            json_object_object_add(e, "message_redacted", json_object_new_boolean(true));
        json_object_object_add(o, "error", e);
    }
    if (c->response_unparsed)
        json_object_object_add(o, "response_unparsed", json_object_new_boolean(true));
    if (c->summary_key) {
        struct json_object *s = json_object_new_object();
        if (strcmp(c->summary_key, "count") == 0)
            json_object_object_add(s, "count",
                                   json_object_new_int64(strtoll(c->summary, NULL, 10)));
        else
            json_object_object_add(s, c->summary_key,
                                   eve_string((const uint8_t *)c->summary, strlen(c->summary)));
        json_object_object_add(o, "result_summary", s);
    }
    if (c->nsecrets > 0) {
        struct json_object *arr = json_object_new_array();
        for (size_t i = 0; i < c->nsecrets; i++) {
            struct json_object *r =
                redact_json(c->secrets[i].kind, c->secrets[i].value.p, c->secrets[i].value.len);
            json_object_object_add(r, "source", json_object_new_string(c->secrets[i].source));
            json_object_array_add(arr, r);
        }
        json_object_object_add(o, "secrets", arr);
    }
    if (c->batch_index >= 0) {
        json_object_object_add(o, "batch_index", json_object_new_int(c->batch_index));
        json_object_object_add(o, "batch_size", json_object_new_int(c->batch_size));
    }
    json_object_object_add(event, "wallet", o);
}

static void to_json_cb(const void *tx, struct json_object *event)
{
    wallet_call_to_json(tx, event);
}

static void add_buf(struct app_tx *tx, int which, const void *p, size_t len)
{
    int id = wallet_buffer_ids[which];
    if (id < 0 || !p || tx->nbufs >= APP_TX_MAX_BUFS)
        return;
    tx->bufs[tx->nbufs].id = id;
    tx->bufs[tx->nbufs].data = p;
    tx->bufs[tx->nbufs].len = len;
    tx->nbufs++;
}

static void add_cbuf(struct app_tx *tx, int which, const char *s)
{
    add_buf(tx, which, s, strlen(s));
}

static void wallet_emit(struct app_ctx *ctx, struct flow *f, const struct wallet_call *c,
                        uint64_t tx_id, enum flow_dir dir)
{
    struct app_tx tx;
    memset(&tx, 0, sizeof(tx));
    tx.event_type = "wallet";
    tx.dir = dir;
    tx.tx_id = tx_id;
    tx.to_json = to_json_cb;
    tx.tx = c;
    /* wallet.destinations: every address joined by ','. */
    size_t jlen = 0;
    for (size_t i = 0; i < c->ndests; i++)
        jlen += c->dests[i].address.len + 1;
    char *joined = jlen ? malloc(jlen) : NULL;
    size_t o = 0;
    for (size_t i = 0; joined && i < c->ndests; i++) {
        if (i)
            joined[o++] = ',';
        memcpy(joined + o, c->dests[i].address.p, c->dests[i].address.len);
        o += c->dests[i].address.len;
    }
    add_buf(&tx, WB_METHOD, c->method.p, c->method.len);
    add_cbuf(&tx, WB_CLASS, wallet_class_name(c->cls));
    if (c->ndests > 0)
        add_buf(&tx, WB_DESTINATION, c->dests[0].address.p, c->dests[0].address.len);
    add_buf(&tx, WB_DESTINATIONS, joined, o);
    add_buf(&tx, WB_USER, c->user.p, c->user.len);
    add_buf(&tx, WB_PARAMS, c->params.p, c->params.len);
    add_buf(&tx, WB_RESULT, c->result.p, c->result.len);
    add_cbuf(&tx, WB_ASSET, c->asset);
    add_cbuf(&tx, WB_PROTOCOL, c->protocol);
    add_cbuf(&tx, WB_OUTCOME, outcome_name(c->outcome));
    if (c->has_total)
        add_cbuf(&tx, WB_AMOUNT, c->amount_total);
    app_tx_done(ctx, f, &tx);
    free(joined);
}

/* ---- protocol of a call ------------------------------------------------------- */

static bool eth_prefixed(struct wallet_str m)
{
    static const char *const prefixes[] = {"eth_", "personal_", "admin_", "debug_",  "txpool_",
                                           "net_", "web3_",     "miner_", "clique_", "parity_"};
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (str_prefix(m, prefixes[i]))
            return true;
    return false;
}

static uint8_t eth_prefix_class(struct wallet_str m)
{
    if (str_prefix(m, "admin_") || str_prefix(m, "debug_") || str_prefix(m, "miner_") ||
        str_prefix(m, "clique_"))
        return A;
    if (str_prefix(m, "eth_") || str_prefix(m, "net_") || str_prefix(m, "web3_") ||
        str_prefix(m, "txpool_"))
        return R;
    return WALLET_CLASS_UNKNOWN;
}

struct wproto_hint {
    bool http;
    bool json_rpc_uri;     /* POST /json_rpc: Monero */
    bool wallet_uri;       /* POST /wallet/NAME: Bitcoin Core */
    const char *btc_asset; /* from the server port, or NULL */
};

/* Finds the protocol and table entry of method m; false when it is no wallet call. */
static bool classify(struct wallet_str m, const struct wproto_hint *h, enum proto *proto,
                     const struct wmethod **entry)
{
    *entry = NULL;
    if (!h->http) {
        if (str_prefix(m, "blockchain.") || str_prefix(m, "server.") || str_prefix(m, "mempool.")) {
            *proto = P_ELSRV;
            *entry = table_find(elsrv_methods, m);
        } else if (str_prefix(m, "mining.")) {
            *proto = P_STRATUM;
        } else if (eth_prefixed(m)) {
            *proto = P_ETH;
            *entry = table_find(eth_methods, m);
        } else {
            *proto = P_GENERIC;
        }
        return true;
    }
    if (h->json_rpc_uri) {
        *proto = P_XMR;
        *entry = table_find(xmr_methods, m);
        return true;
    }
    if (eth_prefixed(m)) {
        *proto = P_ETH;
        *entry = table_find(eth_methods, m);
        return true;
    }
    if ((*entry = table_find(btc_methods, m)) != NULL) {
        *proto = P_BTC;
        return true;
    }
    if (str_eq(m, "run_cmdline") || (*entry = table_find(el_methods, m)) != NULL) {
        *proto = P_EL;
        return true;
    }
    if ((*entry = table_find(xmr_methods, m)) != NULL) {
        *proto = P_XMR;
        return true;
    }
    *proto = P_BTC;
    return h->wallet_uri || h->btc_asset;
}

static void set_asset(struct wallet_call *c, enum proto proto, const struct wproto_hint *h)
{
    c->decimals = 8;
    switch (proto) {
    case P_ETH:
        c->asset = "ETH";
        c->decimals = 18;
        break;
    case P_XMR:
        c->asset = "XMR";
        c->decimals = 12;
        break;
    case P_EL:
    case P_ELSRV:
        c->asset = "BTC";
        break;
    case P_BTC:
        c->asset = h->btc_asset ? h->btc_asset : "BTC-family";
        break;
    default:
        c->asset = "unknown";
        break;
    }
}

/* Everything of a call that comes from its request. */
static void call_from_request(struct wallet_call *c, struct wcall_src *src,
                              const struct wproto_hint *h)
{
    struct json_object *req = src->req;
    jstr(jkey(req, "method"), &c->method);
    struct json_object *id = jkey(req, "id");
    if (!jtext(id, &c->id) && id && !json_object_is_type(id, json_type_null))
        c->id = jcompact(id);
    src->params = jkey(req, "params");
    classify(c->method, h, &src->proto, &src->m);
    if (src->proto == P_EL && str_eq(c->method, "run_cmdline")) {
        /* Unwrap the CLI: the command is options.cmd, its arguments the options. */
        struct json_object *opts = jidx(src->params, 0);
        struct wallet_str cmd;
        if (jstr(jkey(opts, "cmd"), &cmd)) {
            c->method = cmd;
            src->params = opts;
            src->m = table_find(el_methods, cmd);
        }
        jstr(jkey(opts, "wallet_path"), &c->wallet);
    }
    if (src->proto == P_XMR)
        jstr(jkey(src->params, "filename"), &c->wallet);
    c->protocol = proto_names[src->proto];
    set_asset(c, src->proto, h);
    c->cls = src->m ? (enum wallet_class)src->m->cls : WALLET_CLASS_UNKNOWN;
    if (!src->m && src->proto == P_ETH)
        c->cls = (enum wallet_class)eth_prefix_class(c->method);
    c->params = jcompact(src->params);
    find_param_secrets(c, src);
    extract_dests(c, src);
    compute_total(c);
}

/* ---- batches: pairing responses by id ------------------------------------------ */

static bool id_equal(struct json_object *a, struct json_object *b)
{
    if (!a || !b || json_object_get_type(a) != json_object_get_type(b))
        return false;
    if (json_object_is_type(a, json_type_null))
        return false; /* a null id answers nothing in particular */
    struct wallet_str x = jcompact(a);
    const char *xs = (const char *)x.p;
    size_t xl = x.len;
    /* jcompact(b) may reuse no buffer of a: they are different objects. */
    struct wallet_str y = jcompact(b);
    return xl == y.len && memcmp(xs, y.p, xl) == 0;
}

/* Returns the response element for request element req (marking it used), or NULL. */
static struct json_object *batch_match(struct json_object *resp_arr, bool *used,
                                       struct json_object *req)
{
    struct json_object *id = jkey(req, "id");
    size_t n = json_object_array_length(resp_arr);
    for (size_t i = 0; i < n && i < WALLET_MAX_BATCH; i++) {
        struct json_object *r = json_object_array_get_idx(resp_arr, i);
        if (!used[i] && id_equal(id, jkey(r, "id"))) {
            used[i] = true;
            return r;
        }
    }
    return NULL;
}

/* ---- HTTP consumer ---------------------------------------------------------------- */

static bool looks_like_json_rpc(const uint8_t *p, size_t len)
{
    size_t i = 0;
    while (i < len && json_is_ws(p[i]))
        i++;
    return i < len && (p[i] == '{' || p[i] == '[');
}

static bool span_has(const uint8_t *p, size_t len, const char *lit)
{
    struct wallet_str hay = {p, len}, needle = {(const uint8_t *)lit, strlen(lit)};
    return bytes_contain(hay, needle);
}

static void parse_anomaly(struct app_ctx *ctx, struct flow *f, enum jparse res)
{
    app_anomaly(ctx, f,
                res == JP_TOO_DEEP    ? "WALLET_JSON_TOO_DEEP"
                : res == JP_TRUNCATED ? "WALLET_JSON_TRUNCATED"
                                      : "WALLET_JSON_INVALID");
}

static bool is_rpc_object(struct json_object *o)
{
    struct wallet_str m;
    return jstr(jkey(o, "method"), &m);
}

/* The path part of the URI without query. */
static struct wallet_str uri_path(const struct http_tx_view *v)
{
    struct wallet_str s = {v->uri.p, v->uri.len};
    const uint8_t *q = s.p ? memchr(s.p, '?', s.len) : NULL;
    if (q)
        s.len = (size_t)(q - s.p);
    return s;
}

/* Shared by every call of one HTTP pair. */
struct http_pair {
    struct wproto_hint hint;
    struct wallet_str wallet; /* /wallet/NAME */
    struct json_object *resp; /* parsed response body, or NULL */
    bool resp_unparsed;
    bool auth_failed;
};

static void http_call_emit(struct app_ctx *ctx, struct flow *f, const struct http_tx_view *v,
                           const struct http_pair *hp, struct json_object *req,
                           struct json_object *resp, int batch_index, int batch_size)
{
    struct wallet_call *c = calloc(1, sizeof(*c));
    if (!c)
        return;
    struct wcall_src src = {P_BTC, NULL, req, NULL, resp, v->has_response, NULL};
    c->transport = "http";
    c->batch_index = batch_index;
    c->batch_size = batch_size;
    c->caller_ip = f->cli;
    if (v->has_basic_auth && v->basic_user.p)
        c->user = (struct wallet_str){v->basic_user.p, v->basic_user.len};
    c->wallet = hp->wallet;
    c->http_status = v->has_response ? v->status : 0;
    call_from_request(c, &src, &hp->hint);
    if (!v->has_response)
        c->outcome = WALLET_OUTCOME_NO_RESPONSE;
    else if (hp->auth_failed)
        c->outcome = WALLET_OUTCOME_AUTH_FAILED;
    else if (resp)
        take_response(c, &src);
    else {
        c->response_unparsed = hp->resp_unparsed;
        c->outcome =
            v->status >= 200 && v->status < 300 ? WALLET_OUTCOME_SUCCESS : WALLET_OUTCOME_ERROR;
        if (!hp->resp_unparsed && !jkey(req, "id"))
            c->outcome = WALLET_OUTCOME_NO_RESPONSE; /* a batch notification: nothing answers it */
    }
    wallet_emit(ctx, f, c, v->tx_id, v->has_response ? DIR_TOCLIENT : DIR_TOSERVER);
    json_object_put(src.owned);
    free(c);
}

/* Is there anything in this request that makes it a wallet call? */
static bool http_is_wallet(struct json_object *req, const struct wproto_hint *h)
{
    enum proto proto;
    const struct wmethod *m;
    struct wallet_str method;
    if (json_object_is_type(req, json_type_object))
        return jstr(jkey(req, "method"), &method) && classify(method, h, &proto, &m);
    size_t n = json_object_array_length(req);
    for (size_t i = 0; i < n && i < WALLET_MAX_BATCH; i++)
        if (jstr(jkey(json_object_array_get_idx(req, i), "method"), &method) &&
            classify(method, h, &proto, &m))
            return true;
    return false;
}

static void http_pair_response(struct app_ctx *ctx, struct flow *f, const struct http_tx_view *v,
                               struct http_pair *hp)
{
    if (!v->has_response)
        return;
    if (v->status == 401 || v->status == 403) {
        hp->auth_failed = true;
        return;
    }
    if (!v->resp_body.p || v->resp_body.len == 0)
        return;
    enum jparse res;
    hp->resp = wallet_json_parse(v->resp_body.p, v->resp_body.len, &res);
    if (hp->resp)
        return;
    hp->resp_unparsed = true;
    if (res == JP_TOO_DEEP ||
        (res != JP_TRUNCATED && looks_like_json_rpc(v->resp_body.p, v->resp_body.len)))
        parse_anomaly(ctx, f, res);
}

static bool wallet_http_on_tx(struct app_ctx *ctx, struct flow *f, const struct http_tx_view *v)
{
    if (!v->req_body.p || !looks_like_json_rpc(v->req_body.p, v->req_body.len))
        return false;
    if (v->method.len != 4 || memcmp(v->method.p, "POST", 4) != 0)
        return false;
    enum jparse res;
    struct json_object *req = wallet_json_parse(v->req_body.p, v->req_body.len, &res);
    if (!req) {
        if (res == JP_TOO_DEEP || span_has(v->req_body.p, v->req_body.len, "\"method\""))
            parse_anomaly(ctx, f, res);
        return false;
    }
    struct http_pair hp;
    memset(&hp, 0, sizeof(hp));
    struct wallet_str path = uri_path(v);
    hp.hint.http = true;
    hp.hint.json_rpc_uri = str_eq(path, "/json_rpc");
    hp.hint.wallet_uri = str_prefix(path, "/wallet/");
    hp.hint.btc_asset = btc_port_asset(f->srv_port);
    if (hp.hint.wallet_uri) {
        hp.wallet.p = path.p + 8;
        hp.wallet.len = path.len - 8;
    }
    bool batch = json_object_is_type(req, json_type_array);
    if ((!batch && !is_rpc_object(req)) || (batch && json_object_array_length(req) == 0) ||
        !http_is_wallet(req, &hp.hint)) {
        json_object_put(req);
        return false;
    }
    http_pair_response(ctx, f, v, &hp);
    if (!batch) {
        struct json_object *resp = hp.resp;
        if (resp && json_object_is_type(resp, json_type_array))
            resp = jidx(resp, 0);
        http_call_emit(ctx, f, v, &hp, req, resp, -1, 0);
    } else {
        size_t n = json_object_array_length(req);
        if (n > WALLET_MAX_BATCH) {
            app_anomaly(ctx, f, "WALLET_BATCH_TOO_LARGE");
            n = WALLET_MAX_BATCH;
        }
        bool resp_arr = hp.resp && json_object_is_type(hp.resp, json_type_array);
        bool *used = resp_arr ? calloc(WALLET_MAX_BATCH, sizeof(bool)) : NULL;
        for (size_t i = 0; i < n; i++) {
            struct json_object *e = json_object_array_get_idx(req, i);
            if (!is_rpc_object(e))
                continue;
            /* A single error object answers a whole batch the server could not take. */
            struct json_object *r = resp_arr && used ? batch_match(hp.resp, used, e)
                                    : resp_arr       ? NULL
                                                     : hp.resp;
            http_call_emit(ctx, f, v, &hp, e, r, (int)i, (int)json_object_array_length(req));
        }
        free(used);
    }
    json_object_put(hp.resp);
    json_object_put(req);
    return true;
}

static const struct http_consumer wallet_http_consumer = {"wallet", wallet_http_on_tx};

/* ---- raw TCP: newline-delimited JSON-RPC --------------------------------------------- */

struct jr_pending {
    struct json_object *req; /* owned */
    int batch_index, batch_size;
};

struct jr_dir {
    uint8_t *buf;
    size_t len, cap;
    bool skip_line; /* after a gap: drop bytes up to the next LF */
};

struct jr_state {
    struct jr_dir d[2];
    struct jr_pending pending[WALLET_MAX_PENDING];
    size_t npending;
    uint64_t next_tx;
};

static void *jr_state_new(void)
{
    return calloc(1, sizeof(struct jr_state));
}

static void jr_state_free(void *state)
{
    struct jr_state *s = state;
    if (!s)
        return;
    for (size_t i = 0; i < s->npending; i++)
        json_object_put(s->pending[i].req);
    free(s->d[0].buf);
    free(s->d[1].buf);
    free(s);
}

static const struct wproto_hint jr_hint = {false, false, false, NULL};

static void jr_emit(struct app_ctx *ctx, struct flow *f, struct jr_state *s, struct jr_pending *p,
                    struct json_object *resp, enum flow_dir dir)
{
    struct wallet_call *c = calloc(1, sizeof(*c));
    if (!c)
        return;
    struct wcall_src src = {P_GENERIC, NULL, p->req, NULL, resp, resp != NULL, NULL};
    c->transport = "tcp";
    c->batch_index = p->batch_index;
    c->batch_size = p->batch_size;
    c->caller_ip = f->cli;
    call_from_request(c, &src, &jr_hint);
    if (resp)
        take_response(c, &src);
    else
        c->outcome = WALLET_OUTCOME_NO_RESPONSE;
    wallet_emit(ctx, f, c, s->next_tx++, dir);
    json_object_put(src.owned);
    free(c);
}

static void jr_drop_pending(struct jr_state *s, size_t i)
{
    json_object_put(s->pending[i].req);
    memmove(&s->pending[i], &s->pending[i + 1], (s->npending - i - 1) * sizeof(s->pending[0]));
    s->npending--;
}

/* Takes one request (owning a reference to req). */
static void jr_request(struct app_ctx *ctx, struct flow *f, struct jr_state *s,
                       struct json_object *req, int batch_index, int batch_size)
{
    struct jr_pending p = {req, batch_index, batch_size};
    struct json_object *id = jkey(req, "id");
    if (!id || json_object_is_type(id, json_type_null)) {
        jr_emit(ctx, f, s, &p, NULL, DIR_TOSERVER); /* a notification: nothing will answer */
        json_object_put(req);
        return;
    }
    if (s->npending == WALLET_MAX_PENDING) {
        jr_emit(ctx, f, s, &s->pending[0], NULL, DIR_TOSERVER);
        jr_drop_pending(s, 0);
    }
    s->pending[s->npending++] = p;
}

static void jr_response(struct app_ctx *ctx, struct flow *f, struct jr_state *s,
                        struct json_object *resp)
{
    struct json_object *id = jkey(resp, "id");
    if (!id)
        return; /* a server notification ({"method": ..., no id}) */
    for (size_t i = 0; i < s->npending; i++) {
        if (id_equal(jkey(s->pending[i].req, "id"), id)) {
            jr_emit(ctx, f, s, &s->pending[i], resp, DIR_TOCLIENT);
            jr_drop_pending(s, i);
            return;
        }
    }
}

static void jr_line(struct app_ctx *ctx, struct flow *f, struct jr_state *s, enum flow_dir dir,
                    struct span line)
{
    size_t i = 0;
    while (i < line.len && json_is_ws(line.p[i]))
        i++;
    if (i == line.len)
        return;
    enum jparse res;
    struct json_object *o = wallet_json_parse(line.p, line.len, &res);
    if (!o) {
        parse_anomaly(ctx, f, res);
        return;
    }
    bool batch = json_object_is_type(o, json_type_array);
    size_t n = batch ? json_object_array_length(o) : 1;
    if (batch && n > WALLET_MAX_BATCH) {
        app_anomaly(ctx, f, "WALLET_BATCH_TOO_LARGE");
        n = WALLET_MAX_BATCH;
    }
    for (size_t k = 0; k < n; k++) {
        struct json_object *e = batch ? json_object_array_get_idx(o, k) : o;
        if (!e || !json_object_is_type(e, json_type_object))
            continue;
        if (dir == DIR_TOSERVER && is_rpc_object(e))
            jr_request(ctx, f, s, json_object_get(e), batch ? (int)k : -1,
                       batch ? (int)json_object_array_length(o) : 0);
        else if (dir == DIR_TOCLIENT && !is_rpc_object(e))
            jr_response(ctx, f, s, e);
    }
    json_object_put(o);
}

static bool jr_append(struct jr_dir *d, const uint8_t *data, size_t len)
{
    if (len > WALLET_LINE_MAX - d->len)
        return false;
    if (d->len + len > d->cap) {
        size_t cap = d->cap ? d->cap : 4096;
        while (cap < d->len + len)
            cap *= 2;
        if (cap > WALLET_LINE_MAX)
            cap = WALLET_LINE_MAX;
        uint8_t *nb = realloc(d->buf, cap);
        if (!nb)
            return false;
        d->buf = nb;
        d->cap = cap;
    }
    memcpy(d->buf + d->len, data, len);
    d->len += len;
    return true;
}

static int jr_parse(struct app_ctx *ctx, struct flow *f, void *state, enum flow_dir dir,
                    const uint8_t *data, size_t len, bool gap)
{
    struct jr_state *s = state;
    struct jr_dir *d = &s->d[dir];
    if (gap) {
        d->len = 0;
        d->skip_line = true;
        return 0;
    }
    struct rd r = rd_init(data, len);
    if (d->skip_line) {
        const uint8_t *nl = memchr(data, '\n', len);
        if (!nl)
            return 0;
        rd_skip(&r, (size_t)(nl - data) + 1);
        d->skip_line = false;
    }
    while (rd_left(&r) > 0) {
        const uint8_t *nl = memchr(r.p, '\n', rd_left(&r));
        size_t take = nl ? (size_t)(nl - r.p) + 1 : rd_left(&r);
        if (d->len == 0 && nl) {
            /* A whole line in this chunk: parse it in place. */
            struct span line = rd_line(&r, WALLET_LINE_MAX);
            if (r.err)
                goto too_long;
            jr_line(ctx, f, s, dir, line);
            continue;
        }
        struct span part = rd_bytes(&r, take);
        if (!jr_append(d, part.p, part.len))
            goto too_long;
        if (nl) {
            struct rd lr = rd_init(d->buf, d->len);
            struct span line = rd_line(&lr, WALLET_LINE_MAX);
            if (!lr.err)
                jr_line(ctx, f, s, dir, line);
            d->len = 0;
        }
    }
    return 0;
too_long:
    app_anomaly(ctx, f, "WALLET_LINE_TOO_LONG");
    d->len = 0;
    return -1;
}

/* A JSON object (or batch) as the first bytes of either direction. */
static bool jr_probe(const uint8_t *data, size_t len, enum flow_dir dir, const struct flow *f)
{
    (void)f;
    size_t i = 0;
    while (i < len && json_is_ws(data[i]))
        i++;
    if (i == len || (data[i] != '{' && data[i] != '['))
        return false;
    size_t scan = len - i < 512 ? len - i : 512;
    if (dir == DIR_TOSERVER)
        return span_has(data + i, scan, "\"method\"");
    return span_has(data + i, scan, "\"result\"") || span_has(data + i, scan, "\"jsonrpc\"");
}

void wallet_register(void)
{
    static bool registered;
    for (int i = 0; i < WB_COUNT; i++)
        if (wallet_buffer_ids[i] < 0)
            wallet_buffer_ids[i] =
                detect_buffer_register(wallet_buffer_names[i], NULL, BUF_TOSERVER | BUF_TOCLIENT);
    if (!registered) {
        registered = true;
        http_consumer_register(&wallet_http_consumer);
    }
}

const struct app_parser jsonrpc_parser = {
    .name = "jsonrpc",
    .ipproto = 6,
    .register_buffers = wallet_register,
    .probe = jr_probe,
    .state_new = jr_state_new,
    .state_free = jr_state_free,
    .parse = jr_parse,
};
