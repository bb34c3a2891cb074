/*
 * tp_cidr.c: IPv4 and IPv6 addresses and CIDR blocks (tp_cidr.h).  Used
 * by the master (listeners' allow lists, policy conditions at load) and
 * workers (the peer against both).
 */
#include "tp_cidr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <ctype.h>

/* The decimal prefix length in <s, n> (1-3 digits), or -1. */
static int
cidr_bits(const char *s, size_t n)
{
    int v = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char) s[i])) {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack
 * socket reports for IPv4 clients) becomes the IPv4 address. */
static void
cidr_unmap(struct tp_cidr *a)
{
    static const uint8_t mapped[12] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
    };

    if (a->family == 6 && a->bits == 128 && memcmp(a->addr, mapped, 12) == 0)
    {
        memmove(a->addr, a->addr + 12, 4);
        memset(a->addr + 4, 0, 12);
        a->family = 4;
        a->bits = 32;
    }
}

int
tp_cidr_parse(const char *s, size_t len, bool cidr, struct tp_cidr *out)
{
    char tmp[INET6_ADDRSTRLEN + 8];
    const char *slash = memchr(s, '/', len);
    size_t alen = slash != NULL ? (size_t) (slash - s) : len;
    int bits = -1, max;

    if (alen == 0 || alen >= sizeof(tmp) || (slash != NULL && !cidr)) {
        return TP_ERROR;
    }
    memcpy(tmp, s, alen);
    tmp[alen] = '\0';
    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, tmp, out->addr) == 1) {
        out->family = 4;
    } else if (inet_pton(AF_INET6, tmp, out->addr) == 1) {
        out->family = 6;
    } else {
        return TP_ERROR;
    }
    max = out->family == 4 ? 32 : 128;
    if (slash != NULL) {
        size_t n = len - alen - 1;

        if (n == 0 || n > 3 || (n > 1 && slash[1] == '0')) {
            return TP_ERROR;
        }
        bits = cidr_bits(slash + 1, n);
        if (bits < 0 || bits > max) {
            return TP_ERROR;
        }
    }
    out->bits = (uint8_t) (bits < 0 ? max : bits);
    if (!cidr) {
        cidr_unmap(out);
    }
    return TP_OK;
}

bool
tp_cidr_contains(const struct tp_cidr *net, const struct tp_cidr *ip)
{
    unsigned full = net->bits / 8u, rest = net->bits % 8u;
    uint8_t mask;

    if (net->family != ip->family) {
        return false;
    }
    if (memcmp(net->addr, ip->addr, full) != 0) {
        return false;
    }
    if (rest == 0) {
        return true;
    }
    mask = (uint8_t) (0xff << (8 - rest));
    return (net->addr[full] & mask) == (ip->addr[full] & mask);
}

int
tp_cidr_from_sockaddr(const struct sockaddr *sa, struct tp_cidr *out)
{
    memset(out, 0, sizeof(*out));
    if (sa->sa_family == AF_INET) {
        memcpy(out->addr, &((const struct sockaddr_in *) sa)->sin_addr, 4);
        out->family = 4;
        out->bits = 32;
        return TP_OK;
    }
    if (sa->sa_family != AF_INET6) {
        return TP_ERROR;
    }
    memcpy(out->addr, &((const struct sockaddr_in6 *) sa)->sin6_addr, 16);
    out->family = 6;
    out->bits = 128;
    cidr_unmap(out);
    return TP_OK;
}

bool
tp_cidr_list_has(const struct tp_cidr *list, unsigned n,
    const struct tp_cidr *ip)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        if (tp_cidr_contains(&list[i], ip)) {
            return true;
        }
    }
    return false;
}
