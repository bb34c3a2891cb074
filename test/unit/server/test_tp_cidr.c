/*
 * test_tp_cidr.c: unit tests of addresses and CIDR blocks (tp_cidr.c):
 * parsing (prefix lengths, bare addresses, IPv4-mapped IPv6 taken as
 * IPv4 for addresses but not for blocks), containment on byte and bit
 * boundaries, socket addresses, lists.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "tp_cidr.h"

static struct tp_cidr
net(const char *s)
{
    struct tp_cidr c;

    assert_int_equal(tp_cidr_parse(s, strlen(s), true, &c), TP_OK);
    return c;
}

static struct tp_cidr
addr(const char *s)
{
    struct tp_cidr c;

    assert_int_equal(tp_cidr_parse(s, strlen(s), false, &c), TP_OK);
    return c;
}

static bool
in(const char *block, const char *ip)
{
    struct tp_cidr n = net(block), a = addr(ip);

    return tp_cidr_contains(&n, &a);
}

static void
test_server__tp_cidr__parse(void **state)
{
    static const char *const bad[] = {
        "", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/008", "10.0.0/8",
        "10.0.0.0/8/8", "10.0.0.0 /8", "::1/129", "::1/-1", "host",
        "10.0.0.256", "1.2.3.4/a", "[::1]",
    };
    struct tp_cidr c;
    size_t i;

    (void) state;
    c = net("10.1.2.3/8");
    assert_int_equal(c.family, 4);
    assert_int_equal(c.bits, 8);
    assert_int_equal(net("10.1.2.3").bits, 32);
    assert_int_equal(net("2001:db8::/32").family, 6);
    assert_int_equal(net("::1").bits, 128);
    assert_int_equal(net("0.0.0.0/0").bits, 0);
    for (i = 0; i < TP_NELEM(bad); i++) {
        assert_int_equal(tp_cidr_parse(bad[i], strlen(bad[i]), true, &c),
            TP_ERROR);
    }
    /* addresses take no prefix; an IPv4-mapped one is IPv4 */
    assert_int_equal(tp_cidr_parse("10.0.0.1/32", 11, false, &c), TP_ERROR);
    c = addr("::ffff:192.0.2.1");
    assert_int_equal(c.family, 4);
    assert_int_equal(c.addr[0], 192);
    assert_int_equal(c.addr[3], 1);
    assert_int_equal(net("::ffff:192.0.2.1/128").family, 6);
}

static void
test_server__tp_cidr__contains(void **state)
{
    (void) state;
    assert_true(in("10.0.0.0/8", "10.255.255.255"));
    assert_false(in("10.0.0.0/8", "11.0.0.0"));
    assert_true(in("192.168.4.0/22", "192.168.7.1"));
    assert_false(in("192.168.4.0/22", "192.168.8.1"));
    assert_true(in("10.1.2.3/8", "10.9.9.9"));      /* host bits ignored */
    assert_true(in("0.0.0.0/0", "203.0.113.1"));
    assert_false(in("0.0.0.0/0", "::1"));
    assert_true(in("::/0", "::1"));
    assert_true(in("2001:db8::/33", "2001:db8:7fff::1"));
    assert_false(in("2001:db8::/33", "2001:db8:8000::1"));
    assert_true(in("127.0.0.1", "::ffff:127.0.0.1"));
    assert_false(in("127.0.0.1", "127.0.0.2"));
}

static void
test_server__tp_cidr__sockaddr(void **state)
{
    struct sockaddr_in6 s6;
    struct sockaddr_in s4;
    struct tp_cidr c, list[2];

    (void) state;
    memset(&s4, 0, sizeof(s4));
    s4.sin_family = AF_INET;
    inet_pton(AF_INET, "10.0.0.7", &s4.sin_addr);
    assert_int_equal(tp_cidr_from_sockaddr((struct sockaddr *) &s4, &c),
        TP_OK);
    list[0] = net("192.0.2.0/24");
    list[1] = net("10.0.0.0/29");
    assert_true(tp_cidr_list_has(list, 2, &c));
    assert_false(tp_cidr_list_has(list, 1, &c));
    memset(&s6, 0, sizeof(s6));
    s6.sin6_family = AF_INET6;
    inet_pton(AF_INET6, "::ffff:10.0.0.9", &s6.sin6_addr);
    assert_int_equal(tp_cidr_from_sockaddr((struct sockaddr *) &s6, &c),
        TP_OK);
    assert_int_equal(c.family, 4);
    assert_false(tp_cidr_list_has(list, 2, &c));
    inet_pton(AF_INET6, "2001:db8::1", &s6.sin6_addr);
    assert_int_equal(tp_cidr_from_sockaddr((struct sockaddr *) &s6, &c),
        TP_OK);
    assert_int_equal(c.family, 6);
    s6.sin6_family = AF_UNIX;
    assert_int_equal(tp_cidr_from_sockaddr((struct sockaddr *) &s6, &c),
        TP_ERROR);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server__tp_cidr__parse),
        cmocka_unit_test(test_server__tp_cidr__contains),
        cmocka_unit_test(test_server__tp_cidr__sockaddr),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
