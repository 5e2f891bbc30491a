/* messaging.h — the `messaging` event shared by every cleartext messaging
 * protocol (XMPP, IRC, SMTP, MQTT, WebSocket, HTTP chat APIs, telnet and FTP
 * logins): one event per message, or per session where a protocol has no
 * messages. The message text is never logged (it may carry a seed phrase or
 * a key); it reaches the rules as the messaging.body buffer, and the wallet
 * material found in it (material.h) is logged only as kinds and
 * fingerprints. */
#ifndef WW_MESSAGING_H
#define WW_MESSAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"

struct msg_span {
    const uint8_t *p;
    size_t len;
};

enum msg_kind { MSG_MESSAGE, MSG_SESSION, MSG_LOGIN };

struct msg_view {
    const char *protocol;       /* "xmpp", "irc", "smtp", "mqtt", "websocket", "matrix",
                                 * "mattermost", "slack", "rocketchat", "telnet", "ftp" */
    uint8_t kind;               /* enum msg_kind */
    struct msg_span from, to;   /* participants as the protocol names them */
    struct msg_span channel;    /* IRC channel, MQTT topic, Matrix room, SMTP subject */
    struct msg_span body;       /* the text: inspected, never logged */
    bool starttls_offered;
    bool encrypted;             /* the session switched to TLS (then nothing more is parsed) */
    const char *auth_mechanism; /* "PLAIN", "SCRAM-SHA-1", "USER/PASS"... or NULL */
    struct msg_span user;       /* login name; never the password */
    bool cleartext_password;    /* a password crossed the wire in clear */
    struct msg_span password;   /* only fingerprinted (redact.h), never logged */
};

/* Registers messaging.body, messaging.from, messaging.to, messaging.channel,
 * messaging.protocol and messaging.material (the kinds of wallet material
 * found in the text, one "kind\n" each: bip39-mnemonic, wif-key, xprv,
 * transfer-request, session-cookie...; app_proto NULL: any messaging parser
 * fills them). Safe to call more than once. */
void messaging_register_buffers(void);
/* Logs m as a `messaging` event and runs the rules on its buffers. */
void messaging_tx_done(struct app_ctx *ctx, struct flow *f, enum flow_dir dir, uint64_t tx_id,
                       const struct msg_view *m);

#endif
