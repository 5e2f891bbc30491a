/* test-flow.c — the flow table: keys, orientation, counters, timeouts,
 * eviction under the memcap, TCP port reuse, end order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stream/flow.h"

struct ended {
    struct flow flows[64];
    int n;
};

static void on_end(struct flow *f, void *user)
{
    struct ended *e = user;
    if (e->n < 64)
        e->flows[e->n++] = *f;
}

static uint64_t ctr[CTR_COUNT];
static struct ended ended;

static struct flow_table *table(uint64_t memcap)
{
    memset(ctr, 0, sizeof(ctr));
    memset(&ended, 0, sizeof(ended));
    struct flow_config cfg = {.memcap = memcap, .timeout_new = 30, .timeout_established = 600,
                              .timeout_closed = 10, .timeout_udp = 120};
    struct flow_table *t = flow_table_new(&cfg, ctr, on_end, &ended);
    assert_non_null(t);
    return t;
}

/* A packet from 10.0.0.a:sport to 10.0.0.b:dport at time sec. */
struct tp {
    struct ww_packet frame;
    struct pkt pkt;
};

static struct pkt *mk(struct tp *tp, uint8_t proto, uint8_t a, uint16_t sport, uint8_t b,
                      uint16_t dport, uint8_t flags, time_t sec)
{
    memset(tp, 0, sizeof(*tp));
    tp->frame.ts.tv_sec = sec;
    tp->frame.len = 60;
    struct pkt *p = &tp->pkt;
    p->frame = &tp->frame;
    p->ip_version = 4;
    p->src.family = p->dst.family = 4;
    uint8_t sa[4] = {10, 0, 0, a}, da[4] = {10, 0, 0, b};
    memcpy(p->src.a, sa, 4);
    memcpy(p->dst.a, da, 4);
    p->proto = proto;
    p->has_l4 = true;
    p->sport = sport;
    p->dport = dport;
    p->tcp_flags = flags;
    return p;
}

static struct flow *see(struct flow_table *t, struct pkt *p, enum flow_dir *dir)
{
    struct flow *f = flow_lookup(t, p, dir);
    if (f)
        flow_update(t, f, *dir, p);
    return f;
}

static void test_both_directions_one_flow(void **state)
{
    (void)state;
    struct flow_table *t = table(1 << 20);
    struct tp a, b;
    enum flow_dir d1, d2;
    struct flow *f1 = see(t, mk(&a, 6, 1, 40000, 2, 80, TCP_SYN, 100), &d1);
    struct flow *f2 = see(t, mk(&b, 6, 2, 80, 1, 40000, TCP_SYN | TCP_ACK, 100), &d2);
    assert_ptr_equal(f1, f2);
    assert_int_equal(d1, DIR_TOSERVER);
    assert_int_equal(d2, DIR_TOCLIENT);
    assert_int_equal(f1->cli_port, 40000);
    assert_int_equal(f1->pkts[DIR_TOSERVER], 1);
    assert_int_equal(f1->pkts[DIR_TOCLIENT], 1);
    assert_int_equal(f1->bytes[DIR_TOCLIENT], 60);
    assert_int_equal(ctr[CTR_FLOW_TOTAL], 1);
    assert_int_equal(ctr[CTR_FLOW_TCP], 1);
    assert_int_equal(flow_table_count(t), 1);
    assert_string_equal(f1->community_id, f2->community_id);
    flow_table_free(t);
}

static void test_client_orientation(void **state)
{
    (void)state;
    struct flow_table *t = table(1 << 20);
    struct tp a;
    enum flow_dir d;
    /* SYN/ACK first: its receiver is the client. */
    struct flow *f = see(t, mk(&a, 6, 2, 80, 1, 40000, TCP_SYN | TCP_ACK, 1), &d);
    assert_int_equal(f->cli_port, 40000);
    assert_int_equal(d, DIR_TOCLIENT);
    /* No handshake: the higher (ephemeral) port is the client. */
    f = see(t, mk(&a, 6, 3, 8332, 4, 50000, TCP_ACK, 1), &d);
    assert_int_equal(f->cli_port, 50000);
    assert_int_equal(f->srv_port, 8332);
    /* UDP: the first sender. */
    f = see(t, mk(&a, 17, 5, 53, 6, 40000, 0, 1), &d);
    assert_int_equal(f->cli_port, 53);
    assert_int_equal(d, DIR_TOSERVER);
    flow_table_free(t);
}

static void test_states(void **state)
{
    (void)state;
    struct flow_table *t = table(1 << 20);
    struct tp a;
    enum flow_dir d;
    struct flow *f = see(t, mk(&a, 6, 1, 40000, 2, 80, TCP_SYN, 1), &d);
    assert_int_equal(f->state, FLOW_STATE_NEW);
    see(t, mk(&a, 6, 2, 80, 1, 40000, TCP_SYN | TCP_ACK, 1), &d);
    see(t, mk(&a, 6, 1, 40000, 2, 80, TCP_ACK, 1), &d);
    assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
    see(t, mk(&a, 6, 1, 40000, 2, 80, TCP_FIN | TCP_ACK, 2), &d);
    assert_int_equal(f->state, FLOW_STATE_ESTABLISHED);
    see(t, mk(&a, 6, 2, 80, 1, 40000, TCP_FIN | TCP_ACK, 2), &d);
    assert_int_equal(f->state, FLOW_STATE_CLOSED);
    struct flow *g = see(t, mk(&a, 6, 3, 40001, 4, 80, TCP_ACK, 2), &d);
    see(t, mk(&a, 6, 4, 80, 3, 40001, TCP_RST, 2), &d);
    assert_int_equal(g->state, FLOW_STATE_CLOSED);
    flow_table_free(t);
}

static void test_timeouts(void **state)
{
    (void)state;
    struct flow_table *t = table(1 << 20);
    struct tp a;
    enum flow_dir d;
    see(t, mk(&a, 6, 1, 40000, 2, 80, TCP_SYN, 100), &d);          /* new: 30 s */
    see(t, mk(&a, 17, 3, 5000, 4, 53, 0, 100), &d);                /* new: 30 s */
    see(t, mk(&a, 17, 4, 53, 3, 5000, 0, 100), &d);                /* udp established: 120 s */
    struct timeval now = {130, 0};
    flow_expire(t, &now);
    assert_int_equal(ended.n, 0);                                  /* 30 s not yet past */
    now.tv_sec = 131;
    flow_expire(t, &now);
    assert_int_equal(ended.n, 1);
    assert_int_equal(ended.flows[0].proto, 6);
    assert_int_equal(ended.flows[0].end_reason, FLOW_END_TIMEOUT);
    now.tv_sec = 221;
    flow_expire(t, &now);
    assert_int_equal(ended.n, 2);
    assert_int_equal(ended.flows[1].proto, 17);
    assert_int_equal(ctr[CTR_FLOW_MGR_FLOWS_TIMEOUT], 2);
    assert_int_equal(flow_table_count(t), 0);
    flow_table_free(t);
}

static void test_one_way_tcp_with_acks_is_a_session(void **state)
{
    (void)state;
    struct flow_table *t = table(1 << 20);
    struct tp a;
    enum flow_dir d;
    see(t, mk(&a, 6, 2, 5222, 1, 57129, TCP_ACK | TCP_PSH, 100), &d); /* one-sided span */
    struct timeval now = {100 + 300, 0};
    flow_expire(t, &now);
    assert_int_equal(ended.n, 0);
    flow_table_free(t);
}

static void test_tcp_reuse(void **state)
{
    (void)state;
    struct flow_table *t = table(1 << 20);
    struct tp a;
    enum flow_dir d;
    struct flow *f = see(t, mk(&a, 6, 1, 40000, 2, 80, TCP_SYN, 1), &d);
    see(t, mk(&a, 6, 2, 80, 1, 40000, TCP_RST | TCP_ACK, 1), &d);
    uint64_t old_id = f->flow_id;
    struct flow *g = see(t, mk(&a, 6, 1, 40000, 2, 80, TCP_SYN, 2), &d);
    assert_int_equal(ended.n, 1);
    assert_int_equal(ended.flows[0].end_reason, FLOW_END_TCP_REUSE);
    assert_int_equal(ended.flows[0].flow_id, old_id);
    assert_true(g->flow_id != old_id);
    assert_int_equal(ctr[CTR_FLOW_TCP_REUSE], 1);
    flow_table_free(t);
}

static void test_vlan_separates_flows(void **state)
{
    (void)state;
    struct flow_table *t = table(1 << 20);
    struct tp a, b;
    enum flow_dir d;
    struct pkt *p = mk(&a, 17, 1, 5000, 2, 53, 0, 1);
    p->vlan[0] = 10;
    p->vlan_count = 1;
    struct pkt *q = mk(&b, 17, 1, 5000, 2, 53, 0, 1);
    q->vlan[0] = 20;
    q->vlan_count = 1;
    assert_ptr_not_equal(see(t, p, &d), see(t, q, &d));
    assert_int_equal(flow_table_count(t), 2);
    flow_table_free(t);
}

static void test_memcap_evicts_oldest(void **state)
{
    (void)state;
    /* The bucket array takes 1024 pointers; room for about three flows beside it. */
    struct flow_table *t = table(1024 * sizeof(struct flow *) + 3 * sizeof(struct flow) + 8);
    struct tp a;
    enum flow_dir d;
    for (uint8_t i = 1; i <= 10; i++)
        assert_non_null(see(t, mk(&a, 17, i, 5000, 200, 53, 0, i), &d));
    assert_true(flow_table_count(t) <= 3);
    assert_int_equal(ctr[CTR_FLOW_TOTAL], 10);
    assert_int_equal(ctr[CTR_FLOW_MGR_FLOWS_EVICTED], (uint64_t)ended.n);
    assert_true(ended.n >= 7);
    for (int i = 0; i < ended.n; i++) {
        assert_int_equal(ended.flows[i].end_reason, FLOW_END_FORCED);
        assert_int_equal(ended.flows[i].cli.a[3], i + 1); /* least recently seen first */
    }
    assert_true(ctr[CTR_FLOW_MEMUSE] <= ctr[CTR_FLOW_MEMCAP]);
    flow_table_free(t);
}

/* Flows in different timeout lists still end oldest first. */
static void test_end_all_in_last_seen_order(void **state)
{
    (void)state;
    struct flow_table *t = table(1 << 20);
    struct tp a;
    enum flow_dir d;
    see(t, mk(&a, 17, 5, 5000, 6, 53, 0, 2), &d);
    see(t, mk(&a, 17, 6, 53, 5, 5000, 0, 3), &d);              /* UDP, both ways, last 3 */
    see(t, mk(&a, 17, 1, 5000, 2, 53, 0, 5), &d);              /* UDP, one way, last 5 */
    see(t, mk(&a, 6, 3, 40000, 4, 80, TCP_SYN, 4), &d);        /* TCP SYN, last 4 */
    see(t, mk(&a, 17, 7, 5000, 8, 53, 0, 6), &d);              /* UDP, one way, last 6 */
    flow_end_all(t);
    assert_int_equal(ended.n, 4);
    static const uint8_t order[] = {5, 1, 3, 7};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(ended.flows[i].cli.a[3], order[i]);
        assert_int_equal(ended.flows[i].end_reason, FLOW_END_SHUTDOWN);
    }
    assert_int_equal(ctr[CTR_FLOW_ACTIVE], 0);
    flow_table_free(t);
}

static void test_flow_ids_unique_and_deterministic(void **state)
{
    (void)state;
    uint64_t first[20];
    for (int run = 0; run < 2; run++) {
        struct flow_table *t = table(1 << 20);
        struct tp a;
        enum flow_dir d;
        for (uint8_t i = 0; i < 20; i++) {
            struct flow *f = see(t, mk(&a, 17, i, 5000, 200, 53, 0, 1), &d);
            assert_true(f->flow_id > 0 && f->flow_id < (1ULL << 51));
            if (run == 0)
                first[i] = f->flow_id;
            else
                assert_int_equal(first[i], f->flow_id);
            for (uint8_t j = 0; j < i && run == 0; j++)
                assert_true(first[j] != f->flow_id);
        }
        flow_table_free(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_both_directions_one_flow),
        cmocka_unit_test(test_client_orientation),
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_timeouts),
        cmocka_unit_test(test_one_way_tcp_with_acks_is_a_session),
        cmocka_unit_test(test_tcp_reuse),
        cmocka_unit_test(test_vlan_separates_flows),
        cmocka_unit_test(test_memcap_evicts_oldest),
        cmocka_unit_test(test_end_all_in_last_seen_order),
        cmocka_unit_test(test_flow_ids_unique_and_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
