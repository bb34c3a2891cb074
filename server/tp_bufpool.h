/*
 * tp_bufpool.h: a per-worker free list of fixed-size I/O buffers.  Workers
 * only.  Connections hold a buffer only while a message is in flight, so an
 * idle keep-alive connection costs no buffer memory.
 */
#ifndef TP_BUFPOOL_H
#define TP_BUFPOOL_H

#include "tp_core.h"

struct tp_bufpool {
    void *free;                      /* singly linked through the first word */
    uint32_t size;                   /* bytes per buffer */
    uint32_t nfree;
    uint32_t max_free;               /* more go back to malloc */
};

void tp_bufpool_init(struct tp_bufpool *p, uint32_t size, uint32_t max_free);
char *tp_bufpool_get(struct tp_bufpool *p);
void tp_bufpool_put(struct tp_bufpool *p, char *buf);
void tp_bufpool_free(struct tp_bufpool *p);

#endif /* TP_BUFPOOL_H */
