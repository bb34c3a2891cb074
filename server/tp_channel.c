/*
 * tp_channel.c: master <-> child messages with SCM_RIGHTS.  Used by the
 * master (send) and children (receive).
 */
#include "tp_channel.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

struct channel_wire {
    uint32_t cmd;
    uint32_t arg;
    uint32_t nfds;
};

int
tp_channel_open(int fds[2])
{
    return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK,
        0, fds) == 0 ? TP_OK : TP_ERROR;
}

int
tp_channel_send(int fd, uint32_t cmd, const int *fds, uint32_t nfds)
{
    return tp_channel_send_arg(fd, cmd, 0, fds, nfds);
}

int
tp_channel_send_arg(int fd, uint32_t cmd, uint32_t arg, const int *fds,
    uint32_t nfds)
{
    struct channel_wire w = { cmd, arg, nfds };
    struct iovec iov = { &w, sizeof(w) };
    char cbuf[CMSG_SPACE(sizeof(int) * TP_CHANNEL_MAX_FDS)];
    struct msghdr mh;
    struct cmsghdr *cm;

    memset(&mh, 0, sizeof(mh));
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    if (nfds > 0) {
        if (nfds > TP_CHANNEL_MAX_FDS) {
            return TP_ERROR;
        }
        memset(cbuf, 0, sizeof(cbuf));
        mh.msg_control = cbuf;
        mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
        cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
        memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
    }
    return sendmsg(fd, &mh, MSG_NOSIGNAL) == (ssize_t) sizeof(w)
        ? TP_OK : TP_ERROR;
}

int
tp_channel_recv(int fd, struct tp_channel_msg *msg)
{
    struct channel_wire w;
    struct iovec iov = { &w, sizeof(w) };
    char cbuf[CMSG_SPACE(sizeof(int) * TP_CHANNEL_MAX_FDS)];
    struct msghdr mh;
    struct cmsghdr *cm;
    ssize_t n;

    memset(&mh, 0, sizeof(mh));
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof(cbuf);
    n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
    if (n < 0) {
        return errno == EAGAIN || errno == EINTR ? TP_AGAIN : TP_ERROR;
    }
    if (n == 0) {
        return TP_DONE;
    }
    if (n != (ssize_t) sizeof(w)) {
        return TP_ERROR;
    }
    msg->cmd = w.cmd;
    msg->arg = w.arg;
    msg->nfds = 0;
    for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
            msg->nfds = (uint32_t) ((cm->cmsg_len - CMSG_LEN(0))
                / sizeof(int));
            memcpy(msg->fds, CMSG_DATA(cm), sizeof(int) * msg->nfds);
        }
    }
    return TP_OK;
}
