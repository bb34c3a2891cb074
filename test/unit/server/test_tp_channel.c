/*
 * test_tp_channel.c: unit tests of the master <-> child channel
 * (tp_channel.c): typed messages over the SOCK_SEQPACKET pair, file
 * descriptors passed with SCM_RIGHTS, and EOF when the master is gone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tp_channel.h"

static int ch[2] = { -1, -1 };

static int
setup(void **state)
{
    (void) state;
    return tp_channel_open(ch) == TP_OK ? 0 : -1;
}

static int
teardown(void **state)
{
    (void) state;
    if (ch[0] >= 0) {
        close(ch[0]);
    }
    if (ch[1] >= 0) {
        close(ch[1]);
    }
    ch[0] = ch[1] = -1;
    return 0;
}

/* Two descriptors refer to the same open file. */
static void
assert_same_file(int a, int b)
{
    struct stat sa, sb;

    assert_int_equal(fstat(a, &sa), 0);
    assert_int_equal(fstat(b, &sb), 0);
    assert_true(sa.st_dev == sb.st_dev);
    assert_true(sa.st_ino == sb.st_ino);
}

static void
test_server__tp_channel__open(void **state)
{
    int type, i;
    socklen_t len = sizeof(type);

    (void) state;
    assert_true(ch[0] >= 0);
    assert_true(ch[1] >= 0);
    for (i = 0; i < 2; i++) {
        assert_int_equal(getsockopt(ch[i], SOL_SOCKET, SO_TYPE, &type, &len),
            0);
        assert_int_equal(type, SOCK_SEQPACKET);
        assert_true(fcntl(ch[i], F_GETFL) & O_NONBLOCK);
        assert_true(fcntl(ch[i], F_GETFD) & FD_CLOEXEC);
    }
}

static void
test_server__tp_channel__empty(void **state)
{
    struct tp_channel_msg msg;

    (void) state;
    assert_int_equal(tp_channel_recv(ch[1], &msg), TP_AGAIN);
    assert_int_equal(tp_channel_recv(ch[0], &msg), TP_AGAIN);
}

static void
test_server__tp_channel__commands(void **state)
{
    struct tp_channel_msg msg;

    (void) state;
    assert_int_equal(tp_channel_send(ch[0], TP_CMD_QUIT, NULL, 0), TP_OK);
    assert_int_equal(tp_channel_send(ch[0], TP_CMD_TERMINATE, NULL, 0),
        TP_OK);
    assert_int_equal(tp_channel_send(ch[0], 77, NULL, 0), TP_OK);
    /* One message per receive, in order. */
    memset(&msg, 0x5a, sizeof(msg));
    assert_int_equal(tp_channel_recv(ch[1], &msg), TP_OK);
    assert_int_equal(msg.cmd, TP_CMD_QUIT);
    assert_int_equal(msg.nfds, 0);
    assert_int_equal(tp_channel_recv(ch[1], &msg), TP_OK);
    assert_int_equal(msg.cmd, TP_CMD_TERMINATE);
    assert_int_equal(msg.nfds, 0);
    assert_int_equal(tp_channel_recv(ch[1], &msg), TP_OK);
    assert_int_equal(msg.cmd, 77);
    assert_int_equal(tp_channel_recv(ch[1], &msg), TP_AGAIN);
    /* The pair works both ways. */
    assert_int_equal(tp_channel_send(ch[1], TP_CMD_REOPEN, NULL, 0), TP_OK);
    assert_int_equal(tp_channel_recv(ch[0], &msg), TP_OK);
    assert_int_equal(msg.cmd, TP_CMD_REOPEN);
}

static void
test_server__tp_channel__pass_fd(void **state)
{
    struct tp_channel_msg msg;
    int p[2];
    char buf[16];

    (void) state;
    assert_int_equal(pipe(p), 0);
    assert_int_equal(tp_channel_send(ch[0], TP_CMD_REOPEN, &p[1], 1), TP_OK);
    close(p[1]);                              /* the message holds a ref */
    memset(&msg, 0, sizeof(msg));
    assert_int_equal(tp_channel_recv(ch[1], &msg), TP_OK);
    assert_int_equal(msg.cmd, TP_CMD_REOPEN);
    assert_int_equal(msg.nfds, 1);
    assert_true(msg.fds[0] >= 0);
    assert_int_not_equal(msg.fds[0], p[0]);
    /* Received close-on-exec (MSG_CMSG_CLOEXEC). */
    assert_true(fcntl(msg.fds[0], F_GETFD) & FD_CLOEXEC);
    /* It is the pipe's write end: bytes reach the read end. */
    assert_int_equal(write(msg.fds[0], "log line", 8), 8);
    assert_int_equal(read(p[0], buf, sizeof(buf)), 8);
    assert_memory_equal(buf, "log line", 8);
    close(msg.fds[0]);
    /* Every write end is closed now: EOF on the pipe. */
    assert_int_equal(read(p[0], buf, sizeof(buf)), 0);
    close(p[0]);
}

static void
test_server__tp_channel__pass_many_fds(void **state)
{
    struct tp_channel_msg msg;
    int fds[TP_CHANNEL_MAX_FDS], i;

    (void) state;
    for (i = 0; i < TP_CHANNEL_MAX_FDS; i++) {
        fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
        assert_true(fds[i] >= 0);
    }
    assert_int_equal(tp_channel_send(ch[0], TP_CMD_QUIT, fds, 3), TP_OK);
    assert_int_equal(tp_channel_send(ch[0], TP_CMD_QUIT, fds,
        TP_CHANNEL_MAX_FDS), TP_OK);
    assert_int_equal(tp_channel_send(ch[0], TP_CMD_QUIT, fds,
        TP_CHANNEL_MAX_FDS + 1), TP_ERROR);

    assert_int_equal(tp_channel_recv(ch[1], &msg), TP_OK);
    assert_int_equal(msg.nfds, 3);
    for (i = 0; i < 3; i++) {
        assert_same_file(msg.fds[i], fds[i]);
        close(msg.fds[i]);
    }
    assert_int_equal(tp_channel_recv(ch[1], &msg), TP_OK);
    assert_int_equal(msg.nfds, TP_CHANNEL_MAX_FDS);
    for (i = 0; i < TP_CHANNEL_MAX_FDS; i++) {
        assert_same_file(msg.fds[i], fds[i]);
        close(msg.fds[i]);
    }
    /* The refused message sent nothing. */
    assert_int_equal(tp_channel_recv(ch[1], &msg), TP_AGAIN);
    for (i = 0; i < TP_CHANNEL_MAX_FDS; i++) {
        close(fds[i]);
    }
}

static void
test_server__tp_channel__eof(void **state)
{
    struct tp_channel_msg msg;

    (void) state;
    /* Queued messages are delivered before the EOF. */
    assert_int_equal(tp_channel_send(ch[0], TP_CMD_QUIT, NULL, 0), TP_OK);
    close(ch[0]);
    ch[0] = -1;
    assert_int_equal(tp_channel_recv(ch[1], &msg), TP_OK);
    assert_int_equal(msg.cmd, TP_CMD_QUIT);
    assert_int_equal(tp_channel_recv(ch[1], &msg), TP_DONE);
    assert_int_equal(tp_channel_recv(ch[1], &msg), TP_DONE);
    /* Sending to a closed peer fails (and raises no SIGPIPE). */
    assert_int_equal(tp_channel_send(ch[1], TP_CMD_QUIT, NULL, 0), TP_ERROR);
}

static void
test_server__tp_channel__bad_message(void **state)
{
    struct tp_channel_msg msg;
    uint32_t half = TP_CMD_QUIT;

    (void) state;
    /* A datagram of the wrong size is an error, not a command. */
    assert_int_equal(send(ch[0], &half, sizeof(half), 0), sizeof(half));
    assert_int_equal(tp_channel_recv(ch[1], &msg), TP_ERROR);
    assert_int_equal(tp_channel_recv(ch[1], &msg), TP_AGAIN);
    assert_int_equal(tp_channel_recv(-1, &msg), TP_ERROR);
    assert_int_equal(tp_channel_send(-1, TP_CMD_QUIT, NULL, 0), TP_ERROR);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_server__tp_channel__open),
        T(test_server__tp_channel__empty),
        T(test_server__tp_channel__commands),
        T(test_server__tp_channel__pass_fd),
        T(test_server__tp_channel__pass_many_fds),
        T(test_server__tp_channel__eof),
        T(test_server__tp_channel__bad_message),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
