/* app-wallet.h — wallet JSON-RPC calls (Bitcoin Core family, Ethereum,
 * Monero wallet RPC, Electrum) as the `wallet` event sees them.
 *
 * A wallet call reaches the engine as a struct app_tx whose event_type is
 * "wallet" and whose tx points to a const struct wallet_call: code that
 * judges calls (the wallet policy of issue 5, transfer-tampering
 * correlation) reads the parsed fields here instead of re-parsing JSON.
 * Everything it points to lives for the app_tx_done() call only. Secrets
 * appear only as spans the redaction code fingerprints (redact.h); nothing
 * here may be logged raw except what wallet_call_to_json() writes. */
#ifndef WW_APP_WALLET_H
#define WW_APP_WALLET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../decode/decode.h"
#include "app.h"

#define WALLET_AMOUNT_MAX 112 /* a formatted amount and its NUL */
#define WALLET_MAX_DESTS 64   /* destinations kept per call; more set dests_truncated */
#define WALLET_MAX_SECRETS 8
#define WALLET_MAX_BATCH 1000 /* calls taken from one batch; more raise an anomaly */
#define WALLET_JSON_DEPTH 32
#define WALLET_LINE_MAX (1u << 20) /* raw-TCP line-delimited JSON-RPC */
#define WALLET_MAX_PENDING 64      /* unanswered raw-TCP requests kept per flow */

enum wallet_class {
    WALLET_CLASS_READ,    /* queries, new receive addresses */
    WALLET_CLASS_SEND,    /* moves or signs value: send, sign, broadcast */
    WALLET_CLASS_KEY,     /* exports or imports key material */
    WALLET_CLASS_ADMIN,   /* wallet and node administration: passphrases, load, backup */
    WALLET_CLASS_UNKNOWN, /* a method the tables do not know */
};

enum wallet_outcome {
    WALLET_OUTCOME_SUCCESS,
    WALLET_OUTCOME_ERROR,
    WALLET_OUTCOME_AUTH_FAILED, /* HTTP 401 or 403 */
    WALLET_OUTCOME_NO_RESPONSE,
};

struct wallet_str {
    const uint8_t *p; /* NULL when absent */
    size_t len;
};

struct wallet_dest {
    struct wallet_str address;
    bool has_amount;
    char amount[WALLET_AMOUNT_MAX]; /* decimal in the asset's unit, e.g. "0.00000001" */
};

struct wallet_secret {
    const char *kind;        /* "wif", "mnemonic", "spend_key", "view_key", "passphrase",
                              * "password", "xprv", "private_key", "tx_key" */
    const char *source;      /* "params" or "result" */
    struct wallet_str value; /* only ever passed to redact_json() */
};

struct wallet_call {
    const char *protocol;  /* "bitcoin-jsonrpc", "ethereum-jsonrpc", "monero-wallet-rpc",
                            * "electrum", "stratum", "jsonrpc" */
    const char *transport; /* "http" or "tcp" */
    const char *asset;     /* "BTC", "LTC", "DOGE", "ETH", "XMR", "BTC-family"... */
    unsigned decimals;     /* the asset's minimum decimals when formatting amounts */
    struct wallet_str method;
    enum wallet_class cls;
    struct wallet_str id;     /* the id as text (a string's contents, a number's digits) */
    struct wallet_str wallet; /* /wallet/NAME, Monero filename, Electrum wallet_path */
    struct ww_addr caller_ip;
    struct wallet_str user; /* HTTP Basic user, never the password */
    struct wallet_str from; /* the paying account where the call names one (Ethereum) */
    struct wallet_dest dests[WALLET_MAX_DESTS];
    size_t ndests;
    bool dests_truncated;
    bool sweep; /* sends the whole balance: sweep_all, sendall, payto "!" */
    bool has_total;
    char amount_total[WALLET_AMOUNT_MAX];
    bool has_fee;
    char fee[WALLET_AMOUNT_MAX];
    enum wallet_outcome outcome;
    uint16_t http_status; /* 0 over raw TCP */
    bool has_error_code;
    int64_t error_code;
    struct wallet_str error_message;
    bool error_message_redacted; /* it held one of the call's secrets */
    bool response_unparsed;      /* a response came but was not JSON (or cut at body depth) */
    const char *summary_key;     /* "txid", "balance", "address", "count"; NULL for none */
    char summary[WALLET_AMOUNT_MAX + 16];
    struct wallet_secret secrets[WALLET_MAX_SECRETS];
    size_t nsecrets;
    int batch_index; /* -1 outside a batch */
    int batch_size;
    char decoded_to[48];      /* storage for an address decoded from a raw transaction */
    struct wallet_str params; /* compact JSON of params: inspected (wallet.params), never logged */
    struct wallet_str result; /* compact JSON of result: inspected (wallet.result), never logged */
};

/* The HTTP consumer and the raw-TCP (newline-delimited JSON-RPC) parser. */
extern const struct app_parser jsonrpc_parser;

/* Registers the wallet.* buffers and the HTTP consumer; safe to call twice. */
void wallet_register(void);
/* Adds "wallet": {...} for c to event (what the `wallet` event and alerts carry). */
void wallet_call_to_json(const struct wallet_call *c, struct json_object *event);
/* Returns "read", "send", "key", "admin" or "unknown". */
const char *wallet_class_name(enum wallet_class cls);
/* Compares two decimal amount strings exactly (for policy caps): sets *cmp
 * to <0, 0 or >0 and returns true, or returns false when either is not a
 * decimal number. */
bool wallet_amount_cmp(const char *a, const char *b, int *cmp);

#endif
