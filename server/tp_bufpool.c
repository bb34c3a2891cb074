/*
 * tp_bufpool.c: fixed-size buffer free list.  Workers only.
 */
#include "tp_bufpool.h"

#include <stdlib.h>

void
tp_bufpool_init(struct tp_bufpool *p, uint32_t size, uint32_t max_free)
{
    p->free = NULL;
    p->size = (uint32_t) TP_ALIGN(size, 64);
    p->nfree = 0;
    p->max_free = max_free;
}

char *
tp_bufpool_get(struct tp_bufpool *p)
{
    void *b = p->free;

    if (b != NULL && !TP_SANITIZERS) {
        p->free = *(void **) b;
        p->nfree--;
        return b;
    }
    return malloc(p->size);
}

void
tp_bufpool_put(struct tp_bufpool *p, char *buf)
{
    if (buf == NULL) {
        return;
    }
    if (p->nfree >= p->max_free || TP_SANITIZERS) {
        free(buf);
        return;
    }
    *(void **) (void *) buf = p->free;
    p->free = buf;
    p->nfree++;
}

void
tp_bufpool_free(struct tp_bufpool *p)
{
    while (p->free != NULL) {
        void *next = *(void **) p->free;

        free(p->free);
        p->free = next;
    }
    p->nfree = 0;
}
