/* test-app-tls.c — the TLS parser (app-tls.c): real handshakes recorded from
 * openssl s_client / s_server (pcaps/tls12-handshake, pcaps/tls13-handshake),
 * JA3 / JA3S / JA4 checked against values computed independently (tshark's
 * ja3 fields and tools/ja-fingerprint.py) and against the worked example of
 * FoxIO's JA4.md, certificate fields checked against `openssl x509`, every
 * split offset, truncated and garbage input. tx-capture.h defines
 * app_tx_done() and app_anomaly(), so the engine is not linked. */
#include "app/app-tls.h"

#define TX_CAPTURE_EVENT_TYPE "tls"
#define TX_CAPTURE_MAX 4
#define TX_CAPTURE_BUF_LEN 512
#include "tx-capture.h"

extern const struct app_parser tls_parser;

static struct flow flow;

/* Feeds p in two chunks split at k, each an exact-size heap copy (ASan
 * catches any read past a chunk); returns the last parse() result. */
static int feed_split(void *st, enum flow_dir dir, const uint8_t *p, size_t n, size_t k)
{
    int rc = 0;
    size_t parts[2][2] = {{0, k}, {k, n - k}};
    for (int i = 0; i < 2; i++) {
        if (parts[i][1] == 0)
            continue;
        uint8_t *c = malloc(parts[i][1]);
        memcpy(c, p + parts[i][0], parts[i][1]);
        rc = tls_parser.parse(NULL, &flow, st, dir, c, parts[i][1], false);
        free(c);
    }
    return rc;
}

static int feed(void *st, enum flow_dir dir, const uint8_t *p, size_t n)
{
    return feed_split(st, dir, p, n, n);
}

/* ---- captured handshakes (pcaps/tls12-handshake, pcaps/tls13-handshake) ---- */

/* TLS 12 ClientHello record from s_client (230 bytes) */
static const uint8_t tls12_client_hello[] = {
    0x16, 0x03, 0x01, 0x00, 0xe1, 0x01, 0x00, 0x00, 0xdd, 0x03, 0x03, 0xca, 0xf7, 0xa9, 0x7e, 0x07,
    0xbf, 0x1b, 0x0b, 0xaf, 0x8d, 0x8e, 0x08, 0xe9, 0xca, 0x8d, 0xd8, 0x9c, 0x4e, 0x39, 0xea, 0x41,
    0x8f, 0x2a, 0x4d, 0xa4, 0x6c, 0x44, 0x46, 0xb5, 0x47, 0xd9, 0xe9, 0x00, 0x00, 0x38, 0xc0, 0x2c,
    0xc0, 0x30, 0x00, 0x9f, 0xcc, 0xa9, 0xcc, 0xa8, 0xcc, 0xaa, 0xc0, 0x2b, 0xc0, 0x2f, 0x00, 0x9e,
    0xc0, 0x24, 0xc0, 0x28, 0x00, 0x6b, 0xc0, 0x23, 0xc0, 0x27, 0x00, 0x67, 0xc0, 0x0a, 0xc0, 0x14,
    0x00, 0x39, 0xc0, 0x09, 0xc0, 0x13, 0x00, 0x33, 0x00, 0x9d, 0x00, 0x9c, 0x00, 0x3d, 0x00, 0x3c,
    0x00, 0x35, 0x00, 0x2f, 0x00, 0xff, 0x01, 0x00, 0x00, 0x7c, 0x00, 0x00, 0x00, 0x14, 0x00, 0x12,
    0x00, 0x00, 0x0f, 0x77, 0x61, 0x6c, 0x6c, 0x65, 0x74, 0x2e, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e,
    0x61, 0x6c, 0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02, 0x00, 0x0a, 0x00, 0x0c, 0x00, 0x0a,
    0x00, 0x1d, 0x00, 0x17, 0x00, 0x1e, 0x00, 0x19, 0x00, 0x18, 0x00, 0x23, 0x00, 0x00, 0x00, 0x10,
    0x00, 0x0e, 0x00, 0x0c, 0x02, 0x68, 0x32, 0x08, 0x68, 0x74, 0x74, 0x70, 0x2f, 0x31, 0x2e, 0x31,
    0x00, 0x16, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x2a, 0x00, 0x28, 0x04, 0x03,
    0x05, 0x03, 0x06, 0x03, 0x08, 0x07, 0x08, 0x08, 0x08, 0x09, 0x08, 0x0a, 0x08, 0x0b, 0x08, 0x04,
    0x08, 0x05, 0x08, 0x06, 0x04, 0x01, 0x05, 0x01, 0x06, 0x01, 0x03, 0x03, 0x03, 0x01, 0x03, 0x02,
    0x04, 0x02, 0x05, 0x02, 0x06, 0x02,
};
/* TLS 1.2 ServerHello, Certificate, ServerKeyExchange, ServerHelloDone (909 bytes) */
static const uint8_t tls12_server_flight[] = {
    0x16, 0x03, 0x03, 0x00, 0x4a, 0x02, 0x00, 0x00, 0x46, 0x03, 0x03, 0xf9, 0xc1, 0xe6, 0x86, 0x22,
    0xba, 0x1f, 0xdd, 0xed, 0x4a, 0x75, 0xf7, 0xb7, 0xe0, 0x57, 0xa1, 0x48, 0x29, 0xe5, 0x0d, 0x31,
    0x5b, 0x0d, 0x99, 0x2a, 0x1c, 0x98, 0x19, 0xb2, 0x3c, 0x46, 0x84, 0x00, 0xc0, 0x2c, 0x00, 0x00,
    0x1e, 0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02, 0x00, 0x23,
    0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00, 0x03, 0x02, 0x68, 0x32, 0x00, 0x17, 0x00, 0x00, 0x16,
    0x03, 0x03, 0x01, 0xf9, 0x0b, 0x00, 0x01, 0xf5, 0x00, 0x01, 0xf2, 0x00, 0x01, 0xef, 0x30, 0x82,
    0x01, 0xeb, 0x30, 0x82, 0x01, 0x90, 0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x09, 0x0c, 0x00, 0x99,
    0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04,
    0x03, 0x02, 0x30, 0x42, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 0x55,
    0x53, 0x31, 0x19, 0x30, 0x17, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x10, 0x57, 0x61, 0x6c, 0x6c,
    0x65, 0x74, 0x77, 0x61, 0x74, 0x63, 0x68, 0x20, 0x54, 0x65, 0x73, 0x74, 0x31, 0x18, 0x30, 0x16,
    0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0f, 0x77, 0x61, 0x6c, 0x6c, 0x65, 0x74, 0x2e, 0x69, 0x6e,
    0x74, 0x65, 0x72, 0x6e, 0x61, 0x6c, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x36, 0x31, 0x31, 0x32, 0x35,
    0x31, 0x35, 0x31, 0x34, 0x34, 0x35, 0x5a, 0x17, 0x0d, 0x33, 0x36, 0x31, 0x31, 0x32, 0x32, 0x31,
    0x35, 0x31, 0x34, 0x34, 0x35, 0x5a, 0x30, 0x42, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04,
    0x06, 0x13, 0x02, 0x55, 0x53, 0x31, 0x19, 0x30, 0x17, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x10,
    0x57, 0x61, 0x6c, 0x6c, 0x65, 0x74, 0x77, 0x61, 0x74, 0x63, 0x68, 0x20, 0x54, 0x65, 0x73, 0x74,
    0x31, 0x18, 0x30, 0x16, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0f, 0x77, 0x61, 0x6c, 0x6c, 0x65,
    0x74, 0x2e, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e, 0x61, 0x6c, 0x30, 0x59, 0x30, 0x13, 0x06, 0x07,
    0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01,
    0x07, 0x03, 0x42, 0x00, 0x04, 0x0d, 0x64, 0x26, 0x01, 0xa2, 0x5d, 0x80, 0x00, 0x8b, 0xc2, 0xf8,
    0xdd, 0x7e, 0xc1, 0x27, 0xb0, 0x01, 0x90, 0x0e, 0xdd, 0x1e, 0xa9, 0x81, 0x10, 0x53, 0x01, 0xc5,
    0xfc, 0xcb, 0x89, 0x62, 0xf3, 0xf5, 0x40, 0x80, 0xef, 0x40, 0xfe, 0xbd, 0x62, 0xa4, 0xe8, 0x5d,
    0x46, 0x38, 0x7b, 0xb3, 0xb8, 0xc2, 0xb7, 0x2e, 0x19, 0x7d, 0x91, 0x25, 0x1e, 0xa1, 0xcb, 0xd2,
    0xf5, 0xf9, 0x63, 0x38, 0x92, 0xa3, 0x6f, 0x30, 0x6d, 0x30, 0x1d, 0x06, 0x03, 0x55, 0x1d, 0x0e,
    0x04, 0x16, 0x04, 0x14, 0xc3, 0xcf, 0x93, 0xeb, 0xdc, 0x9e, 0xd6, 0x97, 0x89, 0xce, 0x40, 0xd2,
    0x46, 0x33, 0x8a, 0x60, 0xbc, 0x9d, 0xbd, 0x70, 0x30, 0x1f, 0x06, 0x03, 0x55, 0x1d, 0x23, 0x04,
    0x18, 0x30, 0x16, 0x80, 0x14, 0xc3, 0xcf, 0x93, 0xeb, 0xdc, 0x9e, 0xd6, 0x97, 0x89, 0xce, 0x40,
    0xd2, 0x46, 0x33, 0x8a, 0x60, 0xbc, 0x9d, 0xbd, 0x70, 0x30, 0x0f, 0x06, 0x03, 0x55, 0x1d, 0x13,
    0x01, 0x01, 0xff, 0x04, 0x05, 0x30, 0x03, 0x01, 0x01, 0xff, 0x30, 0x1a, 0x06, 0x03, 0x55, 0x1d,
    0x11, 0x04, 0x13, 0x30, 0x11, 0x82, 0x0f, 0x77, 0x61, 0x6c, 0x6c, 0x65, 0x74, 0x2e, 0x69, 0x6e,
    0x74, 0x65, 0x72, 0x6e, 0x61, 0x6c, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04,
    0x03, 0x02, 0x03, 0x49, 0x00, 0x30, 0x46, 0x02, 0x21, 0x00, 0x9e, 0x15, 0xda, 0x59, 0x9a, 0xbb,
    0x2a, 0x92, 0x67, 0xdc, 0xac, 0x8c, 0xa8, 0x17, 0x63, 0x61, 0x8e, 0x0d, 0x7f, 0xf3, 0x1a, 0xd7,
    0xfc, 0xab, 0x4f, 0x2f, 0x1e, 0x43, 0x51, 0x5d, 0x8a, 0xad, 0x02, 0x21, 0x00, 0xc7, 0x51, 0x39,
    0x84, 0x5d, 0x08, 0xb2, 0xbe, 0xfa, 0x3d, 0x5f, 0xa7, 0x3e, 0x09, 0x60, 0x1f, 0x51, 0x87, 0x24,
    0xad, 0x62, 0x91, 0x2f, 0xe1, 0x38, 0x73, 0x24, 0x8c, 0xdd, 0x59, 0x07, 0x51, 0x16, 0x03, 0x03,
    0x00, 0x73, 0x0c, 0x00, 0x00, 0x6f, 0x03, 0x00, 0x1d, 0x20, 0xec, 0xb4, 0x58, 0x91, 0xc4, 0x5d,
    0xce, 0xb0, 0xb4, 0x47, 0x75, 0x11, 0x77, 0xb2, 0x17, 0xb2, 0xd4, 0x5d, 0xef, 0x3c, 0xf3, 0x83,
    0x38, 0x1c, 0xfd, 0xbd, 0x64, 0x92, 0x10, 0xab, 0x9b, 0x0d, 0x04, 0x03, 0x00, 0x47, 0x30, 0x45,
    0x02, 0x21, 0x00, 0xfd, 0x4a, 0xef, 0x5c, 0x8f, 0x3c, 0xc4, 0xdb, 0x39, 0xda, 0xa8, 0xf1, 0x2f,
    0x14, 0xbd, 0x0e, 0xc8, 0x52, 0xda, 0x07, 0x63, 0x51, 0xb2, 0xdc, 0x1c, 0xa4, 0x22, 0x2a, 0x1c,
    0xf5, 0xce, 0xd6, 0x02, 0x20, 0x6b, 0x99, 0x99, 0x01, 0x23, 0x86, 0x53, 0x62, 0x74, 0xd3, 0xde,
    0x58, 0xa0, 0xb5, 0x75, 0x31, 0x39, 0x69, 0x7c, 0x80, 0x62, 0x7c, 0x79, 0x7e, 0x54, 0x22, 0xc4,
    0x71, 0x89, 0x11, 0x0a, 0xbe, 0x16, 0x03, 0x03, 0x00, 0x04, 0x0e, 0x00, 0x00, 0x00, 0x16, 0x03,
    0x03, 0x00, 0xba, 0x04, 0x00, 0x00, 0xb6, 0x00, 0x00, 0x1c, 0x20, 0x00, 0xb0, 0x2a, 0x6f, 0x4d,
    0x55, 0x52, 0x55, 0xd8, 0x47, 0xd6, 0x8a, 0x5b, 0x13, 0x30, 0xb1, 0xf6, 0x8f, 0x7e, 0x35, 0x83,
    0xa5, 0xc2, 0xb7, 0xba, 0x94, 0xfc, 0x91, 0x3c, 0x28, 0xce, 0x89, 0x55, 0xa0, 0x0d, 0xf5, 0x27,
    0x40, 0x88, 0x55, 0x28, 0xed, 0x49, 0xee, 0x92, 0x04, 0xe9, 0x64, 0xd3, 0x40, 0x46, 0xe3, 0xd4,
    0xb1, 0x2b, 0xf5, 0xa0, 0x2f, 0x6f, 0x9b, 0xb6, 0x03, 0x34, 0x8d, 0x8f, 0xd4, 0x2f, 0xfb, 0x49,
    0xcb, 0x15, 0x0d, 0xe6, 0xe7, 0xff, 0x3e, 0x0e, 0x1f, 0x3d, 0xc8, 0xca, 0x66, 0x96, 0xae, 0x49,
    0x89, 0x28, 0x9c, 0x23, 0xd7, 0x9c, 0xa9, 0x91, 0x9d, 0xf6, 0xa6, 0x0e, 0x33, 0x44, 0xc1, 0x62,
    0xbc, 0xdd, 0xb9, 0xb6, 0x87, 0x1f, 0xbd, 0xe6, 0x3f, 0xf7, 0xe9, 0xa8, 0x12, 0x1d, 0x3c, 0x7d,
    0xae, 0xb3, 0x76, 0x3b, 0x28, 0xc8, 0x9e, 0xbb, 0x7d, 0xd0, 0x49, 0xd9, 0xb9, 0xc9, 0x4b, 0x15,
    0x78, 0x6b, 0x73, 0x3f, 0x12, 0xa9, 0x45, 0xf3, 0x10, 0x5b, 0x13, 0x7b, 0x14, 0xb6, 0x58, 0x57,
    0x71, 0x15, 0x86, 0x47, 0xe6, 0xf8, 0x38, 0x32, 0xf3, 0x8f, 0x2c, 0xe5, 0x90, 0x3d, 0x0d, 0x7d,
    0xda, 0xb3, 0x5e, 0xde, 0x56, 0x3c, 0xbe, 0xdb, 0x81, 0x8b, 0xc1, 0x21, 0xf1,
};
/* TLS 13 ClientHello record from s_client (267 bytes) */
static const uint8_t tls13_client_hello[] = {
    0x16, 0x03, 0x01, 0x01, 0x06, 0x01, 0x00, 0x01, 0x02, 0x03, 0x03, 0x25, 0x5c, 0xc9, 0x17, 0x3a,
    0x49, 0x45, 0xdc, 0xdf, 0xd1, 0x5b, 0xdc, 0xc1, 0xd4, 0x2e, 0xd4, 0xd0, 0x13, 0x79, 0xbd, 0xd8,
    0x26, 0xe0, 0xda, 0x37, 0x4a, 0xfd, 0xf2, 0x99, 0x5a, 0x75, 0x1f, 0x20, 0xdb, 0x98, 0x59, 0xcc,
    0xbd, 0x63, 0x10, 0xb1, 0x40, 0xc9, 0x03, 0x96, 0x2f, 0xd8, 0x88, 0x13, 0xc9, 0xa5, 0x96, 0x5a,
    0xd4, 0xb6, 0x13, 0xe2, 0x35, 0x3a, 0x7c, 0x67, 0x43, 0x04, 0x2e, 0xdd, 0x00, 0x08, 0x13, 0x02,
    0x13, 0x03, 0x13, 0x01, 0x00, 0xff, 0x01, 0x00, 0x00, 0xb1, 0x00, 0x00, 0x00, 0x14, 0x00, 0x12,
    0x00, 0x00, 0x0f, 0x77, 0x61, 0x6c, 0x6c, 0x65, 0x74, 0x2e, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e,
    0x61, 0x6c, 0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02, 0x00, 0x0a, 0x00, 0x16, 0x00, 0x14,
    0x00, 0x1d, 0x00, 0x17, 0x00, 0x1e, 0x00, 0x19, 0x00, 0x18, 0x01, 0x00, 0x01, 0x01, 0x01, 0x02,
    0x01, 0x03, 0x01, 0x04, 0x00, 0x23, 0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 0x68,
    0x32, 0x08, 0x68, 0x74, 0x74, 0x70, 0x2f, 0x31, 0x2e, 0x31, 0x00, 0x16, 0x00, 0x00, 0x00, 0x17,
    0x00, 0x00, 0x00, 0x0d, 0x00, 0x1e, 0x00, 0x1c, 0x04, 0x03, 0x05, 0x03, 0x06, 0x03, 0x08, 0x07,
    0x08, 0x08, 0x08, 0x09, 0x08, 0x0a, 0x08, 0x0b, 0x08, 0x04, 0x08, 0x05, 0x08, 0x06, 0x04, 0x01,
    0x05, 0x01, 0x06, 0x01, 0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04, 0x00, 0x2d, 0x00, 0x02, 0x01,
    0x01, 0x00, 0x33, 0x00, 0x26, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20, 0x4a, 0x65, 0xbe, 0x14, 0x59,
    0xde, 0x77, 0xac, 0x8c, 0x2f, 0x5e, 0xbc, 0x96, 0x63, 0x13, 0x0d, 0x69, 0x85, 0x98, 0x86, 0x2a,
    0xbf, 0x31, 0x08, 0xf0, 0xcb, 0x7a, 0x04, 0x2d, 0x20, 0x82, 0x55,
};
/* TLS 1.3 ServerHello record + the CCS record (133 bytes) */
static const uint8_t tls13_server_hello[] = {
    0x16, 0x03, 0x03, 0x00, 0x7a, 0x02, 0x00, 0x00, 0x76, 0x03, 0x03, 0xed, 0xab, 0x9a, 0x08, 0x36,
    0x34, 0xe6, 0x66, 0x25, 0xe8, 0x63, 0xdd, 0x6e, 0x4d, 0xaa, 0x2a, 0xc3, 0x97, 0xb2, 0x3a, 0xd9,
    0xda, 0xe0, 0xb1, 0xcb, 0x69, 0x20, 0xb6, 0xd7, 0x0a, 0x94, 0x4b, 0x20, 0xdb, 0x98, 0x59, 0xcc,
    0xbd, 0x63, 0x10, 0xb1, 0x40, 0xc9, 0x03, 0x96, 0x2f, 0xd8, 0x88, 0x13, 0xc9, 0xa5, 0x96, 0x5a,
    0xd4, 0xb6, 0x13, 0xe2, 0x35, 0x3a, 0x7c, 0x67, 0x43, 0x04, 0x2e, 0xdd, 0x13, 0x02, 0x00, 0x00,
    0x2e, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20, 0x6b,
    0xe4, 0xc6, 0xc7, 0x1b, 0xf0, 0xaf, 0x82, 0xaa, 0x85, 0x92, 0x15, 0xb9, 0x4b, 0x96, 0xa1, 0x48,
    0x9e, 0xb1, 0x7d, 0x71, 0x85, 0x8a, 0x02, 0x97, 0xeb, 0x20, 0x76, 0x8f, 0x76, 0x81, 0x32, 0x14,
    0x03, 0x03, 0x00, 0x01, 0x01,
};

/* ---- a ClientHello builder for crafted cases ------------------------------------------ */

struct hello {
    uint8_t b[4096];
    size_t n;
};

static void h8(struct hello *h, unsigned v)
{
    assert_true(h->n < sizeof(h->b));
    h->b[h->n++] = (uint8_t)v;
}

static void h16(struct hello *h, unsigned v)
{
    h8(h, v >> 8);
    h8(h, v & 0xff);
}

static void hbytes(struct hello *h, const void *p, size_t n)
{
    assert_true(h->n + n <= sizeof(h->b));
    memcpy(h->b + h->n, p, n);
    h->n += n;
}

struct ext {
    uint16_t type;
    const uint8_t *data;
    size_t len;
};

/* record(22) { ClientHello { version 0x0303, zero random, no session id,
 * ciphers, null compression, extensions } } */
static void build_hello(struct hello *h, const uint16_t *ciphers, size_t nc, const struct ext *e,
                        size_t ne)
{
    h->n = 0;
    hbytes(h, "\x16\x03\x01\x00\x00", 5);
    hbytes(h, "\x01\x00\x00\x00", 4);
    h16(h, 0x0303);
    for (int i = 0; i < 32; i++)
        h8(h, 0);
    h8(h, 0);
    h16(h, (unsigned)(2 * nc));
    for (size_t i = 0; i < nc; i++)
        h16(h, ciphers[i]);
    hbytes(h, "\x01\x00", 2);
    size_t ext_len_at = h->n;
    h16(h, 0);
    for (size_t i = 0; i < ne; i++) {
        h16(h, e[i].type);
        h16(h, (unsigned)e[i].len);
        hbytes(h, e[i].data, e[i].len);
    }
    size_t ext_len = h->n - ext_len_at - 2, hs_len = h->n - 9, rec_len = h->n - 5;
    h->b[ext_len_at] = (uint8_t)(ext_len >> 8);
    h->b[ext_len_at + 1] = (uint8_t)ext_len;
    h->b[3] = (uint8_t)(rec_len >> 8);
    h->b[4] = (uint8_t)rec_len;
    h->b[6] = (uint8_t)(hs_len >> 16);
    h->b[7] = (uint8_t)(hs_len >> 8);
    h->b[8] = (uint8_t)hs_len;
}

static const uint8_t server_hello_done[] = {0x16, 0x03, 0x03, 0x00, 0x04, 0x0e, 0x00, 0x00, 0x00};

/* ---- real sessions ------------------------------------------------------------------------- */

/* Expected values: JA3 / JA3S from tshark 4.0 (tls.handshake.ja3, ja3s) and
 * tools/ja-fingerprint.py, which agree; JA4 from tools/ja-fingerprint.py
 * (its hashing checked against JA4.md's example by --selftest); certificate
 * fields from `openssl x509 -inform DER -nameopt sep_comma_plus_space,sname`. */
#define TLS12_JA3 "22558766122974704364c9c75c5cce0a"
#define TLS12_JA3_STRING                                                                          \
    "771,49196-49200-159-52393-52392-52394-49195-49199-158-49188-49192-107-49187-49191-103-"   \
    "49162-49172-57-49161-49171-51-157-156-61-60-53-47-255,0-11-10-35-16-22-23-13,"            \
    "29-23-30-25-24,0-1-2"
#define TLS12_JA3S "e195432758194ce2d482396b82e0d48e"
#define TLS12_JA3S_STRING "771,49196,65281-11-35-16-23"
#define TLS12_JA4 "t12d2808h2_d943125447b4_e7e480e5a997"
#define TLS13_JA3 "9dffdb8b608a430b774a2ff7d36c1a0c"
#define TLS13_JA3S "15af977ce25de452b96affa2addb1036"
#define TLS13_JA3S_STRING "771,4866,43-51"
#define TLS13_JA4 "t13d0411h2_16476d049b0b_78f1d400d464"
#define CERT_NAME "C=US, O=Walletwatch Test, CN=wallet.internal"
#define CERT_SERIAL "0C:00:99:AA:BB:CC:DD:EE:FF"
#define CERT_FP "77:65:dd:b3:20:25:90:4f:7a:17:01:43:46:8e:3f:55:07:cf:bd:9c"

static void check_tls12(size_t i)
{
    assert_string_equal(jstr(i, "tls.sni"), "wallet.internal");
    assert_string_equal(jstr(i, "tls.version"), "TLS 1.2");
    assert_string_equal(jstr(i, "tls.ja3.hash"), TLS12_JA3);
    assert_string_equal(jstr(i, "tls.ja3.string"), TLS12_JA3_STRING);
    assert_string_equal(jstr(i, "tls.ja3s.hash"), TLS12_JA3S);
    assert_string_equal(jstr(i, "tls.ja3s.string"), TLS12_JA3S_STRING);
    assert_string_equal(jstr(i, "tls.ja4"), TLS12_JA4);
    assert_string_equal(jstr(i, "tls.subject"), CERT_NAME);
    assert_string_equal(jstr(i, "tls.issuerdn"), CERT_NAME);
    assert_string_equal(jstr(i, "tls.serial"), CERT_SERIAL);
    assert_string_equal(jstr(i, "tls.fingerprint"), CERT_FP);
    assert_string_equal(jstr(i, "tls.notbefore"), "2026-11-25T15:14:45");
    assert_string_equal(jstr(i, "tls.notafter"), "2036-11-22T15:14:45");
    assert_string_equal(jstr(i, "tls.client_alpns.0"), "h2");
    assert_string_equal(jstr(i, "tls.client_alpns.1"), "http/1.1");
    assert_string_equal(jstr(i, "tls.server_alpns.0"), "h2");
    assert_false(has(i, "tls.server_alpns.1"));
    assert_false(has(i, "tls.session_resumed"));
}

static void test_tls12_real(void **state)
{
    (void)state;
    tls_parser.register_buffers();
    void *st = tls_parser.state_new();
    assert_int_equal(feed(st, DIR_TOSERVER, tls12_client_hello, sizeof(tls12_client_hello)), 0);
    assert_int_equal(ntx, 0);
    assert_int_equal(feed(st, DIR_TOCLIENT, tls12_server_flight, sizeof(tls12_server_flight)), 0);
    assert_int_equal(ntx, 1);
    assert_int_equal(nanomaly, 0);
    assert_int_equal(txs[0].dir, DIR_TOCLIENT);
    check_tls12(0);
    assert_string_equal(buf(0, "tls.sni"), "wallet.internal");
    assert_string_equal(buf(0, "tls_sni"), "wallet.internal");
    assert_string_equal(buf(0, "ja3.hash"), TLS12_JA3);
    assert_string_equal(buf(0, "ja3_hash"), TLS12_JA3);
    assert_string_equal(buf(0, "ja3.string"), TLS12_JA3_STRING);
    assert_string_equal(buf(0, "ja3s.hash"), TLS12_JA3S);
    assert_string_equal(buf(0, "ja3s.string"), TLS12_JA3S_STRING);
    assert_string_equal(buf(0, "ja4.hash"), TLS12_JA4);
    assert_string_equal(buf(0, "tls.cert_subject"), CERT_NAME);
    assert_string_equal(buf(0, "tls.cert_issuer"), CERT_NAME);
    assert_string_equal(buf(0, "tls.cert_serial"), CERT_SERIAL);
    assert_string_equal(buf(0, "tls.cert_fingerprint"), CERT_FP);
    assert_string_equal(detect_buffer_app_proto(detect_buffer_id("tls.sni")), "tls");
    assert_int_equal(detect_buffer_dirs(detect_buffer_id("tls.sni")), BUF_TOSERVER);
    assert_int_equal(detect_buffer_dirs(detect_buffer_id("tls.cert_subject")), BUF_TOCLIENT);
    /* the rest of the session is encrypted: ignored, even if it looks wrong */
    static const uint8_t junk[] = "\x14\x03\x03\x00\x01\x01\x16\x03\x03\x00\x28garbage";
    assert_int_equal(feed(st, DIR_TOSERVER, junk, sizeof(junk)), 0);
    assert_int_equal(feed(st, DIR_TOCLIENT, (const uint8_t *)"\xff\xff\xff", 3), 0);
    assert_int_equal(ntx, 1);
    assert_int_equal(nanomaly, 0);
    tls_parser.state_free(st);
}

static void check_tls13(size_t i)
{
    assert_string_equal(jstr(i, "tls.sni"), "wallet.internal");
    assert_string_equal(jstr(i, "tls.version"), "TLS 1.3");
    assert_string_equal(jstr(i, "tls.ja3.hash"), TLS13_JA3);
    assert_string_equal(jstr(i, "tls.ja3s.hash"), TLS13_JA3S);
    assert_string_equal(jstr(i, "tls.ja3s.string"), TLS13_JA3S_STRING);
    assert_string_equal(jstr(i, "tls.ja4"), TLS13_JA4);
    assert_false(has(i, "tls.subject")); /* encrypted in TLS 1.3 */
    assert_false(has(i, "tls.server_alpns")); /* in EncryptedExtensions */
    assert_string_equal(jstr(i, "tls.client_alpns.0"), "h2");
}

static void test_tls13_real(void **state)
{
    (void)state;
    void *st = tls_parser.state_new();
    assert_int_equal(feed(st, DIR_TOSERVER, tls13_client_hello, sizeof(tls13_client_hello)), 0);
    assert_int_equal(feed(st, DIR_TOCLIENT, tls13_server_hello, sizeof(tls13_server_hello)), 0);
    assert_int_equal(ntx, 1);
    assert_int_equal(nanomaly, 0);
    check_tls13(0);
    assert_null(buf(0, "tls.cert_subject"));
    tls_parser.state_free(st);
}

static void test_split_every_offset(void **state)
{
    (void)state;
    for (size_t k = 0; k <= sizeof(tls12_client_hello); k++) {
        reset();
        void *st = tls_parser.state_new();
        assert_int_equal(feed_split(st, DIR_TOSERVER, tls12_client_hello,
                                    sizeof(tls12_client_hello), k), 0);
        assert_int_equal(feed(st, DIR_TOCLIENT, tls12_server_flight, sizeof(tls12_server_flight)),
                         0);
        assert_int_equal(ntx, 1);
        check_tls12(0);
        tls_parser.state_free(st);
    }
    for (size_t k = 0; k <= sizeof(tls12_server_flight); k++) {
        reset();
        void *st = tls_parser.state_new();
        assert_int_equal(feed(st, DIR_TOSERVER, tls12_client_hello, sizeof(tls12_client_hello)),
                         0);
        assert_int_equal(feed_split(st, DIR_TOCLIENT, tls12_server_flight,
                                    sizeof(tls12_server_flight), k), 0);
        assert_int_equal(ntx, 1);
        check_tls12(0);
        tls_parser.state_free(st);
    }
    for (size_t k = 0; k <= sizeof(tls13_server_hello); k++) {
        reset();
        void *st = tls_parser.state_new();
        assert_int_equal(feed_split(st, DIR_TOSERVER, tls13_client_hello,
                                    sizeof(tls13_client_hello), k % sizeof(tls13_client_hello)),
                         0);
        assert_int_equal(feed_split(st, DIR_TOCLIENT, tls13_server_hello,
                                    sizeof(tls13_server_hello), k), 0);
        assert_int_equal(ntx, 1);
        check_tls13(0);
        tls_parser.state_free(st);
    }
}

static void test_byte_by_byte(void **state)
{
    (void)state;
    void *st = tls_parser.state_new();
    for (size_t i = 0; i < sizeof(tls12_client_hello); i++)
        assert_int_equal(feed(st, DIR_TOSERVER, tls12_client_hello + i, 1), 0);
    for (size_t i = 0; i < sizeof(tls12_server_flight); i++)
        assert_int_equal(feed(st, DIR_TOCLIENT, tls12_server_flight + i, 1), 0);
    assert_int_equal(ntx, 1);
    check_tls12(0);
    tls_parser.state_free(st);
}

/* ---- fingerprints against the specifications ------------------------------------------------ */

static void test_ja4_spec_example(void **state)
{
    (void)state;
    /* JA4.md's example: 15 ciphers and 16 extensions (plus GREASE, which must
     * not count), ALPN h2, supported_versions up to TLS 1.3, 8 sigalgs. */
    static const uint16_t ciphers[] = {0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c,
                                       0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d,
                                       0x002f, 0x0035};
    static const uint8_t sni[] = "\x00\x0e\x00\x00\x0b" "example.com";
    static const uint8_t alpn[] = "\x00\x0c\x02h2\x08http/1.1";
    static const uint8_t versions[] = {0x06, 0x2a, 0x2a, 0x03, 0x04, 0x03, 0x03};
    static const uint8_t sigalgs[] = {0x00, 0x10, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x05,
                                      0x03, 0x08, 0x05, 0x05, 0x01, 0x08, 0x06, 0x06, 0x01};
    static const uint8_t groups[] = {0x00, 0x08, 0x2a, 0x2a, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18};
    static const uint8_t pf[] = {0x01, 0x00};
    static const uint8_t none[] = {0};
    const struct ext exts[] = {
        {0x0a0a, none, 0},         {0x001b, none, 0},
        {0x0000, sni, sizeof(sni) - 1},
        {0x0033, none, 0},         {0x0010, alpn, sizeof(alpn) - 1},
        {0x4469, none, 0},         {0x0017, none, 0},
        {0x002d, none, 0},         {0x000d, sigalgs, sizeof(sigalgs)},
        {0x0005, none, 0},         {0x0023, none, 0},
        {0x0012, none, 0},         {0x002b, versions, sizeof(versions)},
        {0xff01, none, 0},         {0x000b, pf, sizeof(pf)},
        {0x000a, groups, sizeof(groups)}, {0x0015, none, 0},
        {0xfafa, none, 1},
    };
    struct hello h;
    build_hello(&h, ciphers, sizeof(ciphers) / sizeof(ciphers[0]), exts,
                sizeof(exts) / sizeof(exts[0]));
    void *st = tls_parser.state_new();
    assert_int_equal(feed(st, DIR_TOSERVER, h.b, h.n), 0);
    assert_int_equal(feed(st, DIR_TOCLIENT, server_hello_done, sizeof(server_hello_done)), 0);
    assert_int_equal(ntx, 1);
    assert_int_equal(nanomaly, 0);
    /* JA4.md: "JA4 = t13d1516h2_8daaf6152771_e5627efa2ab1" */
    assert_string_equal(jstr(0, "tls.ja4"), "t13d1516h2_8daaf6152771_e5627efa2ab1");
    assert_string_equal(jstr(0, "tls.ja3.string"),
                        "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-"
                        "157-47-53,27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-10-21,29-23-24,0");
    assert_string_equal(jstr(0, "tls.sni"), "example.com");
    assert_string_equal(jstr(0, "tls.version"), "UNDETERMINED"); /* no ServerHello seen */
    tls_parser.state_free(st);

    /* without signature algorithms: JA4.md's "6d807ffa2a79" */
    const struct ext exts2[] = {
        {0x001b, none, 0}, {0x0000, sni, sizeof(sni) - 1}, {0x0033, none, 0},
        {0x0010, alpn, sizeof(alpn) - 1}, {0x4469, none, 0}, {0x0017, none, 0},
        {0x002d, none, 0}, {0x000d, none, 0}, {0x0005, none, 0}, {0x0023, none, 0},
        {0x0012, none, 0}, {0x002b, versions, sizeof(versions)}, {0xff01, none, 0},
        {0x000b, pf, sizeof(pf)}, {0x000a, groups, sizeof(groups)}, {0x0015, none, 0},
    };
    /* an empty signature_algorithms extension would be malformed; use an empty list */
    static const uint8_t nosig[] = {0x00, 0x00};
    struct ext e2[sizeof(exts2) / sizeof(exts2[0])];
    memcpy(e2, exts2, sizeof(e2));
    e2[7].data = nosig;
    e2[7].len = sizeof(nosig);
    build_hello(&h, ciphers, sizeof(ciphers) / sizeof(ciphers[0]), e2,
                sizeof(e2) / sizeof(e2[0]));
    st = tls_parser.state_new();
    assert_int_equal(feed(st, DIR_TOSERVER, h.b, h.n), 0);
    assert_int_equal(feed(st, DIR_TOCLIENT, server_hello_done, sizeof(server_hello_done)), 0);
    assert_string_equal(jstr(1, "tls.ja4"), "t13d1516h2_8daaf6152771_6d807ffa2a79");
    tls_parser.state_free(st);
}

static void ja4_of(const uint8_t *alpn_ext, size_t len, const uint16_t *ciphers, size_t nc,
                   const char *want)
{
    struct ext e = {0x0010, alpn_ext, len};
    struct hello h;
    build_hello(&h, ciphers, nc, &e, alpn_ext ? 1 : 0);
    reset();
    void *st = tls_parser.state_new();
    assert_int_equal(feed(st, DIR_TOSERVER, h.b, h.n), 0);
    assert_int_equal(feed(st, DIR_TOCLIENT, server_hello_done, sizeof(server_hello_done)), 0);
    assert_int_equal(ntx, 1);
    assert_string_equal(jstr(0, "tls.ja4"), want);
    tls_parser.state_free(st);
}

/* JA4.md "ALPN Extension Value" cases, no SNI ("i"), no ciphers, no
 * extensions left after ALPN is removed (both hashes 000000000000). */
static void test_ja4_alpn_rules(void **state)
{
    (void)state;
    ja4_of((const uint8_t *)"\x00\x03\x02\x30\xab", 5, NULL, 0,
           "t12i00013b_000000000000_000000000000");
    ja4_of((const uint8_t *)"\x00\x02\x01\xab", 4, NULL, 0, "t12i0001ab_000000000000_000000000000");
    ja4_of((const uint8_t *)"\x00\x05\x04\x30\xab\xcd\x31", 7, NULL, 0,
           "t12i000101_000000000000_000000000000");
    ja4_of((const uint8_t *)"\x00\x02\x01q", 4, NULL, 0, "t12i0001qq_000000000000_000000000000");
    ja4_of((const uint8_t *)"\x00\x01\x00", 3, NULL, 0, "t12i000100_000000000000_000000000000");
    ja4_of(NULL, 0, NULL, 0, "t12i000000_000000000000_000000000000");
}

/* ---- sessions that end early, resumption --------------------------------------------------- */

static void test_appdata_before_server_hello(void **state)
{
    (void)state;
    static const uint8_t appdata[] = {0x17, 0x03, 0x03, 0x00, 0x02, 0xaa, 0xbb};
    void *st = tls_parser.state_new();
    assert_int_equal(feed(st, DIR_TOSERVER, tls12_client_hello, sizeof(tls12_client_hello)), 0);
    assert_int_equal(feed(st, DIR_TOSERVER, appdata, sizeof(appdata)), 0);
    assert_int_equal(ntx, 1);
    assert_string_equal(jstr(0, "tls.version"), "UNDETERMINED");
    assert_string_equal(jstr(0, "tls.ja3.hash"), TLS12_JA3);
    assert_false(has(0, "tls.ja3s"));
    assert_null(buf(0, "ja3s.hash"));
    tls_parser.state_free(st);
}

static void test_gap_logs_what_was_seen(void **state)
{
    (void)state;
    void *st = tls_parser.state_new();
    assert_int_equal(feed(st, DIR_TOSERVER, tls12_client_hello, sizeof(tls12_client_hello)), 0);
    assert_int_equal(tls_parser.parse(NULL, &flow, st, DIR_TOCLIENT, NULL, 100, true), 0);
    assert_int_equal(ntx, 1);
    assert_string_equal(jstr(0, "tls.ja4"), TLS12_JA4);
    tls_parser.state_free(st);
}

static void test_session_resumed(void **state)
{
    (void)state;
    /* the ServerHello echoes the client's session id (s_client's TLS 1.3
     * hello carries one), then ChangeCipherSpec: an abbreviated handshake */
    size_t sid_len = tls13_client_hello[43];
    assert_true(sid_len > 0 && sid_len <= 32);
    struct hello h;
    h.n = 0;
    hbytes(&h, "\x16\x03\x03\x00\x00\x02\x00\x00\x00\x03\x03", 11);
    for (int i = 0; i < 32; i++)
        h8(&h, 0x11);
    h8(&h, (unsigned)sid_len);
    hbytes(&h, tls13_client_hello + 44, sid_len);
    hbytes(&h, "\xc0\x2c\x00", 3);
    size_t hs = h.n - 9, rec = h.n - 5;
    h.b[3] = (uint8_t)(rec >> 8), h.b[4] = (uint8_t)rec, h.b[8] = (uint8_t)hs;
    hbytes(&h, "\x14\x03\x03\x00\x01\x01", 6);
    void *st = tls_parser.state_new();
    assert_int_equal(feed(st, DIR_TOSERVER, tls13_client_hello, sizeof(tls13_client_hello)), 0);
    assert_int_equal(feed(st, DIR_TOCLIENT, h.b, h.n), 0);
    assert_int_equal(ntx, 1);
    assert_true(json_object_get_boolean(jpath(txs[0].ev, "tls.session_resumed")));
    assert_string_equal(jstr(0, "tls.ja3s.string"), "771,49196,");
    assert_string_equal(jstr(0, "tls.version"), "TLS 1.2");
    tls_parser.state_free(st);
}

/* ---- malformed input ------------------------------------------------------------ */

static void expect_anomaly(const uint8_t *p, size_t n, enum flow_dir dir, int rc,
                           const char *event)
{
    reset();
    void *st = tls_parser.state_new();
    assert_int_equal(feed(st, dir, p, n), rc);
    assert_string_equal(last_anomaly, event);
    assert_int_equal(ntx, 0);
    tls_parser.state_free(st);
}

static void test_garbage(void **state)
{
    (void)state;
    expect_anomaly((const uint8_t *)"\x19\x03\x03\x00\x10", 5, DIR_TOSERVER, -1,
                   "INVALID_RECORD_TYPE");
    expect_anomaly((const uint8_t *)"\x16\x02\x00\x00\x10", 5, DIR_TOSERVER, -1,
                   "INVALID_RECORD_VERSION");
    expect_anomaly((const uint8_t *)"\x16\x03\x03\xff\xff", 5, DIR_TOSERVER, -1,
                   "RECORD_OVERFLOW");
    /* a ClientHello whose cipher_suites length is odd */
    uint8_t bad[sizeof(tls12_client_hello)];
    memcpy(bad, tls12_client_hello, sizeof(bad));
    size_t cs_at = 44 + bad[43];
    bad[cs_at + 1] |= 1;
    expect_anomaly(bad, sizeof(bad), DIR_TOSERVER, -1, "INVALID_HANDSHAKE_MESSAGE");
    /* a handshake message claiming 128 KiB: skipped, not buffered */
    expect_anomaly((const uint8_t *)"\x16\x03\x03\x00\x08\x01\x02\x00\x00\x03\x03\x00\x00", 13,
                   DIR_TOSERVER, 0, "HANDSHAKE_INVALID_LENGTH");
    /* a certificate that is not DER: the event still comes, without cert fields */
    reset();
    static const uint8_t cert[] = {0x16, 0x03, 0x03, 0x00, 0x0d, 0x0b, 0x00, 0x00, 0x09, 0x00,
                                   0x00, 0x06, 0x00, 0x00, 0x03, 0x30, 0x01, 0xff};
    void *st = tls_parser.state_new();
    assert_int_equal(feed(st, DIR_TOSERVER, tls12_client_hello, sizeof(tls12_client_hello)), 0);
    assert_int_equal(feed(st, DIR_TOCLIENT, tls12_server_flight, 5 + tls12_server_flight[4] + 0),
                     0); /* the ServerHello record */
    assert_int_equal(feed(st, DIR_TOCLIENT, cert, sizeof(cert)), 0);
    assert_string_equal(last_anomaly, "CERTIFICATE_INVALID_DER");
    assert_int_equal(feed(st, DIR_TOCLIENT, server_hello_done, sizeof(server_hello_done)), 0);
    assert_int_equal(ntx, 1);
    assert_false(has(0, "tls.subject"));
    tls_parser.state_free(st);
}

/* The ClientHello cut short at every offset, its lengths made to agree: it
 * either parses (cut at the end of a field the hello may omit) or raises
 * INVALID_HANDSHAKE_MESSAGE; nothing is read past the cut. */
static void test_hello_truncated_every_offset(void **state)
{
    (void)state;
    for (size_t k = 9; k < sizeof(tls12_client_hello); k++) {
        uint8_t *p = malloc(k);
        memcpy(p, tls12_client_hello, k);
        p[3] = (uint8_t)((k - 5) >> 8);
        p[4] = (uint8_t)(k - 5);
        p[6] = 0;
        p[7] = (uint8_t)((k - 9) >> 8);
        p[8] = (uint8_t)(k - 9);
        reset();
        void *st = tls_parser.state_new();
        int rc = feed(st, DIR_TOSERVER, p, k);
        if (rc == 0)
            assert_int_equal(nanomaly, 0);
        else
            assert_string_equal(last_anomaly, "INVALID_HANDSHAKE_MESSAGE");
        tls_parser.state_free(st);
        free(p);
    }
    /* and simply cut: waits for more, no event, no anomaly */
    for (size_t k = 0; k < sizeof(tls12_client_hello); k++) {
        reset();
        void *st = tls_parser.state_new();
        assert_int_equal(feed_split(st, DIR_TOSERVER, tls12_client_hello, k, k), 0);
        assert_int_equal(ntx + nanomaly, 0);
        tls_parser.state_free(st);
    }
}

static void test_probe(void **state)
{
    (void)state;
    assert_true(tls_record_looks_like_handshake(tls12_client_hello, sizeof(tls12_client_hello)));
    assert_true(tls_record_looks_like_handshake(tls13_server_hello, sizeof(tls13_server_hello)));
    assert_true(tls_record_looks_like_handshake(tls12_client_hello, 5)); /* header only */
    assert_false(tls_record_looks_like_handshake(tls12_client_hello, 4));
    assert_false(tls_record_looks_like_handshake(NULL, 0));
    assert_false(tls_record_looks_like_handshake((const uint8_t *)"EHLO x\r\n", 8));
    assert_false(tls_record_looks_like_handshake(server_hello_done, sizeof(server_hello_done)));
    assert_false(tls_record_looks_like_handshake((const uint8_t *)"\x16\x03\x05\x00\x30\x01", 6));
    assert_true(tls_parser.probe(tls12_client_hello, sizeof(tls12_client_hello), DIR_TOSERVER,
                                 &flow));
    assert_false(tls_parser.probe(tls12_client_hello, 5, DIR_TOSERVER, &flow));
    assert_false(tls_parser.probe((const uint8_t *)"GET / HTTP/1.1\r\n", 16, DIR_TOSERVER, &flow));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_tls12_real, teardown),
        cmocka_unit_test_teardown(test_tls13_real, teardown),
        cmocka_unit_test_teardown(test_split_every_offset, teardown),
        cmocka_unit_test_teardown(test_byte_by_byte, teardown),
        cmocka_unit_test_teardown(test_ja4_spec_example, teardown),
        cmocka_unit_test_teardown(test_ja4_alpn_rules, teardown),
        cmocka_unit_test_teardown(test_appdata_before_server_hello, teardown),
        cmocka_unit_test_teardown(test_gap_logs_what_was_seen, teardown),
        cmocka_unit_test_teardown(test_session_resumed, teardown),
        cmocka_unit_test_teardown(test_garbage, teardown),
        cmocka_unit_test_teardown(test_hello_truncated_every_offset, teardown),
        cmocka_unit_test_teardown(test_probe, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
