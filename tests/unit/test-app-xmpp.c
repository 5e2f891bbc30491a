/* test-app-xmpp.c — XMPP parser (app-xmpp.c): stream open, STARTTLS offered
 * and used, SASL PLAIN / DIGEST-MD5, message stanzas with entity-decoded
 * bodies, garbage and oversize stanzas, every split offset and truncation;
 * the password and message text never reach the JSON. */
#include "app-harness.h"

extern const struct app_parser xmpp_parser;

/* ---- conversations ------------------------------------------------------- */

#define C_OPEN                                                                                 \
    "<?xml version='1.0'?><stream:stream to='example.com' xmlns='jabber:client' "             \
    "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
#define S_OPEN                                                                                 \
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "                              \
    "xmlns:stream='http://etherx.jabber.org/streams' id='c2s1' from=\"example.com\" "          \
    "version='1.0' xml:lang='en'>"
#define S_FEATURES_TLS                                                                         \
    "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"                    \
    "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"        \
    "<mechanism>SCRAM-SHA-1</mechanism></mechanisms></stream:features>"

/* PLAIN: base64("\0juliet\0s3cr3tPass"). */
static const struct step plain_session[] = {
    TS(C_OPEN),
    TC(S_OPEN S_FEATURES_TLS),
    TS("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldABzM2NyM3RQYXNz"
       "</auth>"),
    TC("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"),
    TS(C_OPEN),
    TC(S_OPEN "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
              "</stream:features>"),
    TS(" <message type=\"chat\" to='romeo@example.com' id=\"m1\"><body>seed: abandon &amp; "
       "&lt;b&gt; &quot;q&apos; &#x263A; &#65;&#x10FFFF; &bogus;</body><!-- c --></message>\n"),
    TS("<message to='romeo@example.com'><composing "
       "xmlns='http://jabber.org/protocol/chatstates'/></message>"),
    TC("<message from='romeo@example.com/orchard' to='juliet@example.com/balcony' "
       "type='chat'><thread>t1</thread><body><![CDATA[a <raw> & text]]></body></message>"
       "<iq type='result' id='x'/>"),
    TS("</stream:stream>"),
    TC("</stream:stream>"),
};

static void test_plain_session_messages(void **state)
{
    (void)state;
    assert_int_equal(run(plain_session, NSTEPS(plain_session)), 0);
    assert_int_equal(nev, 3);
    assert_string_equal(anomalies, "");

    assert_true(json_has(0, "\"protocol\":\"xmpp\""));
    assert_true(json_has(0, "\"kind\":\"message\""));
    assert_true(json_has(0, "\"to\":\"romeo@example.com\""));
    assert_false(json_has(0, "\"from\""));
    const char body0[] = "seed: abandon & <b> \"q' \xe2\x98\xba A\xf4\x8f\xbf\xbf &bogus;";
    assert_int_equal(evs[0].body_len, sizeof(body0) - 1);
    assert_memory_equal(evs[0].body, body0, sizeof(body0) - 1);

    assert_true(json_has(1, "\"from\":\"romeo@example.com/orchard\""));
    assert_true(json_has(1, "\"to\":\"juliet@example.com/balcony\""));
    assert_string_equal((char *)evs[1].body, "a <raw> & text");

    assert_true(json_has(2, "\"kind\":\"session\""));
    assert_true(json_has(2, "\"to\":\"example.com\""));
    assert_true(json_has(2, "\"starttls_offered\":true"));
    assert_true(json_has(2, "\"encrypted\":false"));
    assert_true(json_has(2, "\"mechanism\":\"PLAIN\""));
    assert_true(json_has(2, "\"user\":\"juliet\""));
    assert_true(json_has(2, "\"cleartext_password\":true"));
    assert_true(json_has(2, "\"password\":{\"kind\":\"password\",\"length\":10"));
}

static void test_secrets_never_in_json(void **state)
{
    (void)state;
    run(plain_session, NSTEPS(plain_session));
    assert_false(any_json_has("s3cr3tPass"));
    assert_false(any_json_has("AGp1bGlldABzM2NyM3RQYXNz"));
    assert_false(any_json_has("abandon"));
    assert_false(any_json_has("raw"));
    assert_true(any_json_has("\"body_length\":"));
}

static void test_plain_split_everywhere(void **state)
{
    (void)state;
    assert_split_invariant(plain_session, NSTEPS(plain_session));
    assert_truncation_safe(plain_session, NSTEPS(plain_session));
}

static const struct step starttls_session[] = {
    TS(C_OPEN),
    TC(S_OPEN S_FEATURES_TLS),
    TS("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"),
    TC("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"),
    TS("\x16\x03\x01\x00\x30\x01\x00\x00\x2c\x03\x03<message><body>x</body></message>"),
};

static void test_starttls_goes_encrypted(void **state)
{
    (void)state;
    assert_int_equal(run(starttls_session, NSTEPS(starttls_session)), -1);
    assert_int_equal(nev, 1);
    assert_true(json_has(0, "\"kind\":\"session\""));
    assert_true(json_has(0, "\"starttls_offered\":true"));
    assert_true(json_has(0, "\"encrypted\":true"));
    assert_false(json_has(0, "\"auth\""));
    assert_string_equal(anomalies, "");
    assert_split_invariant(starttls_session, NSTEPS(starttls_session));
}

/* The ClientHello arrives before the <proceed/> is seen (the server's
 * direction was lost): the TLS record itself marks the session encrypted. */
static void test_tls_record_after_starttls(void **state)
{
    (void)state;
    static const struct step s[] = {
        TS(C_OPEN),
        TS("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"),
        TS("\x16\x03\x01\x00\x30\x01\x00\x00\x2c\x03\x03"),
    };
    assert_int_equal(run(s, NSTEPS(s)), -1);
    assert_int_equal(nev, 1);
    assert_true(json_has(0, "\"encrypted\":true"));
    assert_true(json_has(0, "\"starttls_offered\":false"));
    assert_split_invariant(s, NSTEPS(s));
}

static void test_digest_md5_mechanism_only(void **state)
{
    (void)state;
    static const struct step s[] = {
        TS(C_OPEN),
        TS("<auth mechanism=\"DIGEST-MD5\" xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"),
        TC("<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>bm9uY2U9IjEi</challenge>"),
        TS("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dXNlcm5hbWU9InRvbSI=</response>"),
        TS("</stream:stream>"),
    };
    assert_int_equal(run(s, NSTEPS(s)), 0);
    assert_int_equal(nev, 1);
    assert_true(json_has(0, "\"mechanism\":\"DIGEST-MD5\""));
    assert_true(json_has(0, "\"cleartext_password\":false"));
    assert_false(json_has(0, "\"user\""));
    assert_false(json_has(0, "\"password\""));
}

/* PLAIN with the initial response sent later, in <response> (RFC 6120 §6.4.2). */
static void test_plain_in_response(void **state)
{
    (void)state;
    static const struct step s[] = {
        TS(C_OPEN),
        TS("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'/>"),
        TC("<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"),
        TS("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\nAGp1bGll\ndABzM2NyM3RQYXNz\n"
           "</response>"),
        TS("</stream:stream>"),
    };
    run(s, NSTEPS(s));
    assert_int_equal(nev, 1);
    assert_true(json_has(0, "\"user\":\"juliet\""));
    assert_true(json_has(0, "\"cleartext_password\":true"));
    assert_false(any_json_has("s3cr3tPass"));
}

static void test_attribute_order_and_quotes(void **state)
{
    (void)state;
    static const struct step s[] = {
        TS(C_OPEN),
        TC("<cli:message type = \"groupchat\" to=\"room@conf.example.com\" "
           "from = 'room@conf.example.com/o&apos;brien' x='a>b'>"
           "<body xml:lang='en'>hi</body><body>second</body></cli:message>"),
        TC("<message from='a@b' to='c@d'><body/></message>"),
    };
    assert_int_equal(run(s, NSTEPS(s)), 0);
    assert_int_equal(nev, 2);
    assert_true(json_has(0, "\"from\":\"room@conf.example.com/o'brien\""));
    assert_true(json_has(0, "\"to\":\"room@conf.example.com\""));
    assert_string_equal((char *)evs[0].body, "hi");
    assert_true(json_has(1, "\"body_length\":0"));
    assert_split_invariant(s, NSTEPS(s));
}

static void test_garbage_stops_with_anomaly(void **state)
{
    (void)state;
    static const struct step s1[] = {
        TS(C_OPEN),
        TS("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
        TS("<message to='a@b'><body>after</body></message>"),
    };
    assert_int_equal(run(s1, NSTEPS(s1)), -1);
    assert_string_equal(anomalies, "xmpp.invalid_data;");
    assert_int_equal(nev, 0);

    static const struct step s2[] = {
        TS(C_OPEN),
        TS("<message to='a@b'><body>x</wrong></body></message></message>"),
    };
    run(s2, NSTEPS(s2));
    /* mismatched names are not checked; the surplus end tag is invalid */
    assert_string_equal(anomalies, "xmpp.invalid_data;");

    static const struct step s3[] = {
        TS(C_OPEN),
        TS("<!DOCTYPE x [<!ENTITY a 'b'>]><message/>"),
    };
    assert_int_equal(run(s3, NSTEPS(s3)), -1);
    assert_string_equal(anomalies, "xmpp.invalid_data;");

    static const struct step s4[] = {TS(C_OPEN), TS("<1message/>")};
    assert_int_equal(run(s4, NSTEPS(s4)), -1);
    assert_string_equal(anomalies, "xmpp.invalid_data;");
}

static void test_oversize_stanza(void **state)
{
    (void)state;
    size_t n = 70 * 1024;
    char *big = malloc(n);
    memset(big, 'A', n);
    memcpy(big, "<message><body>", 15);
    void *st = xmpp_parser.state_new();
    reset();
    assert_int_equal(feed(st, DIR_TOSERVER, C_OPEN, sizeof(C_OPEN) - 1), 0);
    int rc = 0;
    for (size_t off = 0; off < n && rc == 0; off += 1000)
        rc = feed(st, DIR_TOSERVER, big + off, n - off < 1000 ? n - off : 1000);
    assert_int_equal(rc, -1);
    assert_string_equal(anomalies, "xmpp.stanza_too_long;");
    xmpp_parser.state_free(st);
    free(big);
}

/* After a gap, bytes up to the next stanza start are dropped. */
static void test_gap_resyncs(void **state)
{
    (void)state;
    static const char before[] = C_OPEN "<message to='a@b'><body>lost h";
    static const char after[] = "alf</body></message><presence/><mess";
    static const char rest[] = "age to='c@d'><body>found</body></message>";
    void *st = xmpp_parser.state_new();
    reset();
    assert_int_equal(feed(st, DIR_TOSERVER, before, sizeof(before) - 1), 0);
    assert_int_equal(xmpp_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, NULL, 100, true), 0);
    assert_int_equal(feed(st, DIR_TOSERVER, after, sizeof(after) - 1), 0);
    assert_int_equal(feed(st, DIR_TOSERVER, rest, sizeof(rest) - 1), 0);
    assert_int_equal(nev, 1);
    assert_string_equal((char *)evs[0].body, "found");
    assert_string_equal(anomalies, "");
    xmpp_parser.flow_end(NULL, &test_flow, st);
    assert_int_equal(nev, 2);
    assert_true(json_has(1, "\"kind\":\"session\""));
    xmpp_parser.state_free(st);
}

static bool probe(const char *s)
{
    return xmpp_parser.probe((const uint8_t *)s, strlen(s), DIR_TOSERVER, &test_flow);
}

static void test_probe(void **state)
{
    (void)state;
    assert_true(probe(C_OPEN));
    assert_true(probe("<stream:stream to='x'"));
    assert_true(probe("\xef\xbb\xbf <?xml version='1.0'?>\n<stream:stream"));
    assert_true(probe("<stream xmlns='http://etherx.jabber.org/streams' to='x'>"));
    assert_false(probe("<?xml version='1.0'?><soap:Envelope>"));
    assert_false(probe("<stream to='x'>"));
    /* midstream: a stanza with an XMPP namespace, or on the XMPP port */
    assert_true(probe("<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>"));
    assert_false(probe("<message to='a@b'><body>x</body></message>"));
    test_flow.srv_port = 5222;
    assert_true(probe("<message to='a@b'><body>x</body></message>"));
    assert_true(probe("<presence/>"));
    assert_false(probe("<messages>"));
    test_flow.srv_port = 0;
    assert_false(probe("GET / HTTP/1.1\r\n"));
    assert_false(probe("\x16\x03\x01\x00\x30"));
    assert_false(probe(""));
    assert_int_equal(xmpp_parser.ipproto, 6);
    assert_string_equal(xmpp_parser.name, "xmpp");
}

int main(void)
{
    harness_init(&xmpp_parser, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_session_messages),
        cmocka_unit_test(test_secrets_never_in_json),
        cmocka_unit_test(test_plain_split_everywhere),
        cmocka_unit_test(test_starttls_goes_encrypted),
        cmocka_unit_test(test_tls_record_after_starttls),
        cmocka_unit_test(test_digest_md5_mechanism_only),
        cmocka_unit_test(test_plain_in_response),
        cmocka_unit_test(test_attribute_order_and_quotes),
        cmocka_unit_test(test_garbage_stops_with_anomaly),
        cmocka_unit_test(test_oversize_stanza),
        cmocka_unit_test(test_gap_resyncs),
        cmocka_unit_test(test_probe),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    reset();
    return rc;
}
