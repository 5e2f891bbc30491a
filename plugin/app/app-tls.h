/* app-tls.h — what the TLS parser offers the parsers of protocols that can
 * upgrade to TLS in the middle of a session (SMTP, XMPP, IMAP STARTTLS). */
#ifndef WW_APP_TLS_H
#define WW_APP_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Returns true when data starts with a TLS handshake record (content type 22,
 * version 3.x, a plausible length, a ClientHello or ServerHello when the
 * message type byte is present): the peer has started TLS. */
bool tls_record_looks_like_handshake(const uint8_t *data, size_t len);

#endif
