/*
 * test_tp_uring.c: unit tests of the batched sends (tp_uring.c) on a real
 * io_uring and a socketpair: a send counts as written and reaches the peer
 * once the loop runs; one send per socket in flight (TP_AGAIN, then the
 * owner is called with EPOLLOUT when it completes); a write larger than
 * TP_URING_MAX goes out directly, never before a queued one; a socket that
 * fills up still gets everything, in order; a failed send is the next
 * write's error; a detached send still arrives; shutdown waits for it.
 * Skipped where the kernel refuses io_uring.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_loop.h"
#include "tp_sock.h"
#include "tp_uring.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

struct fixture {
    struct tp_loop loop;
    struct tp_uring ring;
    struct tp_sock sock;
    struct tp_ev owner;
    int peer;
    unsigned woken;
    uint32_t woken_events;
};

static void
owner_handler(struct tp_ev *ev, uint32_t events)
{
    struct fixture *f = TP_CONTAINER_OF(ev, struct fixture, owner);

    f->woken++;
    f->woken_events = events;
}

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    int sv[2];

    assert_non_null(f);
    assert_int_equal(tp_loop_init(&f->loop), TP_OK);
    if (tp_uring_init(&f->ring, &f->loop, 2000) != TP_OK) {
        free(f);
        *state = NULL;
        return 0;
    }
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv),
        0);
    f->sock.fd = sv[0];
    f->sock.ring = &f->ring;
    f->sock.owner = &f->owner;
    f->owner.fd = sv[0];
    f->owner.handler = owner_handler;
    f->peer = sv[1];
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    if (f == NULL) {
        return 0;
    }
    if (f->sock.fd >= 0) {
        tp_sock_close(&f->sock);
    }
    tp_uring_exit(&f->ring, 2000);
    close(f->peer);
    close(f->loop.epfd);
    free(f);
    return 0;
}

#define NEED_RING(f) do { \
        if ((f) == NULL) { skip(); } \
    } while (0)

/* Everything the peer can read within ~2 s, up to <cap> bytes. */
static size_t
peer_read(struct fixture *f, char *buf, size_t cap, size_t want)
{
    size_t got = 0;
    ssize_t n;
    int spins;

    for (spins = 0; got < want && spins < 2000; spins++) {
        (void) tp_uring_run(&f->ring);
        n = read(f->peer, buf + got, cap - got);
        if (n > 0) {
            got += (size_t) n;
            continue;
        }
        usleep(1000);
    }
    return got;
}

static void
test_send_counts_as_written_and_arrives(void **state)
{
    struct fixture *f = *state;
    struct iovec iov[2] = {
        { (void *) "hello, ", 7 }, { (void *) "world", 5 }
    };
    char buf[64];

    NEED_RING(f);
    assert_int_equal(tp_sock_writev(&f->sock, iov, 2), 12);
    /* Queued, not sent: nothing until the loop hands it over. */
    assert_int_equal(read(f->peer, buf, sizeof(buf)), -1);
    assert_int_equal(peer_read(f, buf, sizeof(buf), 12), 12);
    assert_memory_equal(buf, "hello, world", 12);
    assert_null(f->sock.usend);
    assert_int_equal(f->woken, 0);   /* it never waited */
    assert_int_equal(f->ring.inflight, 0);
}

static void
test_one_send_in_flight_then_owner_woken(void **state)
{
    struct fixture *f = *state;
    struct iovec a = { (void *) "first", 5 }, b = { (void *) "second", 6 };
    char buf[64];

    NEED_RING(f);
    assert_int_equal(tp_sock_writev(&f->sock, &a, 1), 5);
    assert_int_equal(tp_sock_writev(&f->sock, &b, 1), TP_AGAIN);
    assert_true(tp_uring_run(&f->ring));   /* completed: owner called */
    assert_int_equal(f->woken, 1);
    assert_int_equal(f->woken_events, EPOLLOUT);
    assert_int_equal(tp_sock_writev(&f->sock, &b, 1), 6);
    assert_int_equal(peer_read(f, buf, sizeof(buf), 11), 11);
    assert_memory_equal(buf, "firstsecond", 11);
}

static void
test_large_write_goes_direct_after_the_queued_one(void **state)
{
    struct fixture *f = *state;
    size_t big = TP_URING_MAX + 1000;
    char *src = malloc(big), *dst = malloc(big + 16);
    struct iovec a = { (void *) "small", 5 }, b = { src, big };

    NEED_RING(f);
    memset(src, 'B', big);
    assert_int_equal(tp_sock_writev(&f->sock, &a, 1), 5);
    /* Direct now would overtake the queued bytes. */
    assert_int_equal(tp_sock_writev(&f->sock, &b, 1), TP_AGAIN);
    assert_true(tp_uring_run(&f->ring));
    assert_int_equal(f->woken, 1);
    /* Nothing in flight: the large write is the socket's own send(). */
    assert_int_equal(tp_sock_writev(&f->sock, &b, 1), (ssize_t) big);
    assert_null(f->sock.usend);
    assert_int_equal(peer_read(f, dst, big + 16, big + 5), big + 5);
    assert_memory_equal(dst, "small", 5);
    assert_memory_equal(dst + 5, src, big);
    free(src);
    free(dst);
}

/* Writes of mixed sizes (queued and direct) into a socket that fills up,
 * the peer reading meanwhile: every byte arrives, in order. */
static void
test_full_socket_gets_everything_in_order(void **state)
{
    struct fixture *f = *state;
    size_t total = 3 * 1000 * 1000, sent = 0, got = 0, i, want;
    char *src = malloc(total), *dst = malloc(total);
    struct iovec iov;
    ssize_t n;
    int spins = 0;

    NEED_RING(f);
    for (i = 0; i < total; i++) {
        src[i] = (char) (i * 7 + i / 251);
    }
    for (i = 0; got < total && spins++ < 400000; i++) {
        if (sent < total) {
            want = i % 3 == 0 ? 20000 : i % 3 == 1 ? 3000 : 100;
            iov.iov_base = src + sent;
            iov.iov_len = TP_MIN(want, total - sent);
            n = tp_sock_writev(&f->sock, &iov, 1);
            assert_true(n > 0 || n == TP_AGAIN);
            if (n > 0) {
                sent += (size_t) n;
            }
        }
        (void) tp_uring_run(&f->ring);
        n = read(f->peer, dst + got, total - got);
        if (n > 0) {
            got += (size_t) n;
        } else {
            usleep(50);
        }
    }
    assert_int_equal(got, total);
    assert_memory_equal(src, dst, total);
    free(src);
    free(dst);
}

static void
test_failed_send_is_next_writes_error(void **state)
{
    struct fixture *f = *state;
    struct iovec iov = { (void *) "lost", 4 };
    int spins;

    NEED_RING(f);
    close(f->peer);
    f->peer = open("/dev/null", O_RDONLY);
    assert_int_equal(tp_sock_writev(&f->sock, &iov, 1), 4);
    for (spins = 0; f->sock.usend != NULL && spins < 2000; spins++) {
        (void) tp_uring_run(&f->ring);
        usleep(1000);
    }
    assert_null(f->sock.usend);
    assert_int_equal(f->woken, 1);   /* told, to find the error */
    errno = 0;
    assert_int_equal(tp_sock_writev(&f->sock, &iov, 1), TP_ERROR);
    assert_int_equal(errno, EPIPE);
}

static void
test_detached_send_still_arrives(void **state)
{
    struct fixture *f = *state;
    struct iovec iov = { (void *) "goodbye", 7 };
    char buf[64];
    size_t got;

    NEED_RING(f);
    assert_int_equal(tp_sock_writev(&f->sock, &iov, 1), 7);
    tp_sock_close(&f->sock);         /* before the loop ever ran */
    got = peer_read(f, buf, sizeof(buf), 7);
    assert_int_equal(got, 7);
    assert_memory_equal(buf, "goodbye", 7);
    assert_int_equal(read(f->peer, buf, sizeof(buf)), 0);   /* then EOF */
    assert_int_equal(f->ring.inflight, 0);
}

static void
test_shutdown_waits_for_the_send(void **state)
{
    struct fixture *f = *state;
    struct iovec iov = { (void *) "last words", 10 };
    char buf[64];

    NEED_RING(f);
    assert_int_equal(tp_sock_writev(&f->sock, &iov, 1), 10);
    tp_sock_shutdown_wr(&f->sock);
    assert_int_equal(peer_read(f, buf, sizeof(buf), 10), 10);
    assert_memory_equal(buf, "last words", 10);
    assert_int_equal(read(f->peer, buf, sizeof(buf)), 0);   /* FIN after */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_send_counts_as_written_and_arrives, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_one_send_in_flight_then_owner_woken, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_large_write_goes_direct_after_the_queued_one, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_full_socket_gets_everything_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_failed_send_is_next_writes_error, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_detached_send_still_arrives, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_shutdown_waits_for_the_send, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
