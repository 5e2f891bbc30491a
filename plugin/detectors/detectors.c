/* detectors.c — the verdict helpers and the dispatch to each detector:
 * wallet calls to the policy (policy.c) and to transfer tampering
 * (tamper.c), cleartext messages and HTTP POST bodies to tampering, new
 * flows to beaconing (beacon.c). */
#include "detectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../app/app-wallet.h"
#include "../detect/detect-buffer.h"
#include "../util/conf.h"
#include "beacon.h"
#include "policy.h"
#include "tamper.h"

struct detectors {
    struct beacon *beacon;
    struct policy *policy; /* NULL: no policy file */
    struct tamper *tamper;
    bool tamper_shared; /* borrowed from the engine's ww_share: not freed here */
    int buf_body, buf_proto, buf_from, buf_method, buf_req_body;
};

void detector_verdict_add(struct detector_verdict *v, const char *name, struct json_object *details)
{
    size_t n = strlen(name);
    if (v->len + n + 1 <= sizeof(v->names)) {
        memcpy(v->names + v->len, name, n);
        v->names[v->len + n] = '\n';
        v->len += n + 1;
    }
    if (!details)
        return;
    if (!v->context)
        v->context = json_object_new_object();
    json_object_object_add(v->context, name, details);
}

void detector_verdict_clear(struct detector_verdict *v)
{
    json_object_put(v->context);
    memset(v, 0, sizeof(*v));
}

/* The wallet-policy file: as configured, else wallet-policy.json beside the
 * first rule path (in it, when it is a directory), else in
 * default-signature-dir; NULL when there is none. */
static const char *policy_path(const ww_config *cfg, const char *const *paths, size_t npaths,
                               char *buf, size_t len)
{
    const char *given = conf_str(cfg, CONF_WALLET_POLICY);
    if (given && *given)
        return given;
    struct stat st;
    if (npaths) {
        const char *first = paths[0], *slash = strrchr(first, '/');
        if (stat(first, &st) == 0 && S_ISDIR(st.st_mode))
            snprintf(buf, len, "%s/%s", first, POLICY_FILE_NAME);
        else if (slash)
            snprintf(buf, len, "%.*s/%s", (int)(slash - first), first, POLICY_FILE_NAME);
        else
            snprintf(buf, len, "%s", POLICY_FILE_NAME);
        if (stat(buf, &st) == 0)
            return buf;
    }
    const char *dir = conf_str(cfg, CONF_DEFAULT_SIGNATURE_DIR);
    if (!dir || !*dir)
        return NULL;
    snprintf(buf, len, "%s/%s", dir, POLICY_FILE_NAME);
    return stat(buf, &st) == 0 ? buf : NULL;
}

struct detectors *detectors_new(const ww_config *cfg, const char *const *rule_paths,
                                size_t npaths, const struct detectors_shared *shared,
                                detectors_report_fn report, void *user, bool *failed)
{
    struct tamper *shared_tamper = shared ? shared->tamper : NULL;
    *failed = false;
    struct detectors *d = calloc(1, sizeof(struct detectors));
    if (!d)
        return NULL;
    d->beacon = beacon_new(cfg, report, user);
    if (!d->beacon)
        *failed = true;
    char buf[4096];
    const char *ppath = policy_path(cfg, rule_paths, npaths, buf, sizeof(buf));
    bool bad = false;
    if (ppath)
        d->policy = policy_load(ppath, conf_str(cfg, CONF_HOME_NET), report, user, &bad);
    if (d->policy && shared && shared->policy)
        policy_share(d->policy, shared->policy);
    d->tamper_shared = shared_tamper != NULL;
    d->tamper = shared_tamper ? shared_tamper : tamper_new(TAMPER_MAX_REQUESTS, TAMPER_WINDOW_SECS);
    if (bad || !d->tamper)
        *failed = true;
    d->buf_body = detect_buffer_id("messaging.body");
    d->buf_proto = detect_buffer_id("messaging.protocol");
    d->buf_from = detect_buffer_id("messaging.from");
    d->buf_method = detect_buffer_id("http.method");
    d->buf_req_body = detect_buffer_id("http.request_body");
    return d;
}

void detectors_free(struct detectors *d)
{
    if (!d)
        return;
    beacon_free(d->beacon);
    policy_free(d->policy);
    if (!d->tamper_shared)
        tamper_free(d->tamper);
    free(d);
}

/* The value of buffer id in tx, or NULL. */
static const struct app_buffer *buf_of(const struct app_tx *tx, int id)
{
    for (size_t i = 0; id >= 0 && i < tx->nbufs; i++)
        if (tx->bufs[i].id == id)
            return &tx->bufs[i];
    return NULL;
}

/* A cleartext message, or an HTTP POST body: transfer requests in it. */
static void on_text(struct detectors *d, const struct flow *f, const struct app_tx *tx,
                    bool http, const struct timeval *now, const struct share_order *o,
                    struct detector_verdict *out)
{
    const struct app_buffer *body = buf_of(tx, http ? d->buf_req_body : d->buf_body);
    if (!body || !body->len)
        return;
    if (http) {
        const struct app_buffer *m = buf_of(tx, d->buf_method);
        if (!m || m->len != 4 || memcmp(m->data, "POST", 4) != 0)
            return;
    }
    const struct app_buffer *proto = http ? NULL : buf_of(tx, d->buf_proto);
    const struct app_buffer *from = http ? NULL : buf_of(tx, d->buf_from);
    char pname[16] = "http";
    if (proto)
        snprintf(pname, sizeof(pname), "%.*s", (int)proto->len, (const char *)proto->data);
    /* HTTP bodies go to the server; a message goes the way it was read. */
    bool from_client = http || tx->dir == DIR_TOSERVER;
    struct tamper_text m = {pname, body->data, body->len, from ? from->data : NULL,
                            from ? from->len : 0, from_client ? f->cli : f->srv, f->community_id};
    tamper_on_text(d->tamper, &m, now, o, out);
}

void detectors_on_tx(struct detectors *d, struct flow *f, const struct app_tx *tx,
                     const struct timeval *now, const struct share_order *o,
                     struct detector_verdict *out)
{
    if (!tx->event_type)
        return;
    if (strcmp(tx->event_type, "wallet") == 0 && tx->tx) {
        const struct wallet_call *c = tx->tx;
        if (d->policy)
            policy_on_call(d->policy, f, c, now, o, out);
        tamper_on_call(d->tamper, c, now, o, out);
    } else if (strcmp(tx->event_type, "messaging") == 0) {
        on_text(d, f, tx, false, now, o, out);
    } else if (strcmp(tx->event_type, "http") == 0) {
        on_text(d, f, tx, true, now, o, out);
    }
}

void detectors_on_flow_start(struct detectors *d, struct flow *f, const struct timeval *now,
                             struct detector_verdict *out)
{
    beacon_on_flow_start(d->beacon, f, now, out);
}
