/*
 * tp_cidr.h: IPv4 and IPv6 addresses and CIDR blocks: policy conditions
 * (IpAddress, NotIpAddress) and private listeners' allow lists.  Pure.
 */
#ifndef TP_CIDR_H
#define TP_CIDR_H

#include "tp_core.h"

#include <sys/socket.h>

struct tp_cidr {
    uint8_t family;                  /* 4 or 6 */
    uint8_t bits;                    /* prefix length */
    uint8_t addr[16];
};

/*
 * Parses <s, len>: with <cidr>, "10.0.0.0/8", "2001:db8::/32" or a bare
 * address (/32, /128); without, an address only, and an IPv4-mapped IPv6
 * one (::ffff:a.b.c.d, what a dual-stack socket reports) is taken as the
 * IPv4 address.  TP_OK or TP_ERROR.
 */
int tp_cidr_parse(const char *s, size_t len, bool cidr, struct tp_cidr *out);

/* Whether address <ip> is inside block <net> (same family only). */
bool tp_cidr_contains(const struct tp_cidr *net, const struct tp_cidr *ip);

/* Whether <ip> is inside one of the <n> blocks of <list>. */
bool tp_cidr_list_has(const struct tp_cidr *list, unsigned n,
    const struct tp_cidr *ip);

/* A socket address (AF_INET, AF_INET6; IPv4-mapped taken as IPv4) as a
 * single address; TP_ERROR for other families. */
int tp_cidr_from_sockaddr(const struct sockaddr *sa, struct tp_cidr *out);

#endif /* TP_CIDR_H */
