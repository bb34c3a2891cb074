/*
 * tp_channel.h: typed messages between the master and each child over a
 * SOCK_SEQPACKET socketpair, optionally carrying file descriptors.
 * The master sends; children receive in their event loop.  A child whose
 * channel reaches EOF knows the master is gone and exits (no orphan serves).
 */
#ifndef TP_CHANNEL_H
#define TP_CHANNEL_H

#include "tp_core.h"

#define TP_CHANNEL_MAX_FDS 64

enum tp_channel_cmd {
    TP_CMD_QUIT = 1,                 /* stop accepting, drain, exit */
    TP_CMD_TERMINATE,                /* exit now */
    TP_CMD_REOPEN,                   /* fresh log files: see below */
    TP_CMD_FNSOCK                    /* function host kept by a reload:
                                        fds[0] is the new generation's
                                        socket to accept on as well */
};

/*
 * TP_CMD_REOPEN: arg = [TP_REOPEN_ERRLOG |] first.  With TP_REOPEN_ERRLOG,
 * fds[0] is the new error log (for fd 2); the other fds are log files:
 * the files number first, first + 1, ... of the receiver's cycle in the
 * order of tp_logfile_fds() (tp_logfile_reopened() applies them).  More
 * files than fit in one message go in several messages (only the first
 * carries the error log).
 */
#define TP_REOPEN_ERRLOG     0x80000000u
#define TP_REOPEN_FIRST(arg) ((arg) & ~TP_REOPEN_ERRLOG)

struct tp_channel_msg {
    uint32_t cmd;
    uint32_t arg;                    /* the command's argument, or 0 */
    uint32_t nfds;
    int fds[TP_CHANNEL_MAX_FDS];
};

/* Creates the pair: fds[0] for the master, fds[1] for the child. */
int tp_channel_open(int fds[2]);

int tp_channel_send(int fd, uint32_t cmd, const int *fds, uint32_t nfds);

/* The same with an argument for the command. */
int tp_channel_send_arg(int fd, uint32_t cmd, uint32_t arg, const int *fds,
    uint32_t nfds);

/* TP_OK with <msg>, TP_AGAIN when empty, TP_DONE on EOF, TP_ERROR. */
int tp_channel_recv(int fd, struct tp_channel_msg *msg);

#endif /* TP_CHANNEL_H */
