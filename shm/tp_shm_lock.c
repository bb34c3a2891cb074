/*
 * tp_shm_lock.c: the pid-owned shared mutex.  Every process that takes it
 * is single-threaded, so the pid identifies the holder.
 */
#include "tp_shm_lock.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#define SPINS_BEFORE_YIELD  256
#define YIELDS_BEFORE_CHECK 64      /* then: is the owner still alive? */

void
tp_shm_lock(struct tp_shm_lock *l)
{
    int32_t me = (int32_t) getpid(), cur;
    unsigned spins = 0, yields = 0;

    for (;;) {
        cur = 0;
        if (atomic_compare_exchange_weak_explicit(&l->owner, &cur, me,
                memory_order_acquire, memory_order_relaxed))
        {
            return;
        }
        if (++spins < SPINS_BEFORE_YIELD) {
            continue;
        }
        sched_yield();
        if (++yields < YIELDS_BEFORE_CHECK) {
            continue;
        }
        yields = 0;
        cur = atomic_load_explicit(&l->owner, memory_order_relaxed);
        if (cur != 0 && cur != me && kill(cur, 0) != 0 && errno == ESRCH
            && atomic_compare_exchange_strong_explicit(&l->owner, &cur, me,
                memory_order_acquire, memory_order_relaxed))
        {
            atomic_fetch_add_explicit(&l->stolen, 1, memory_order_relaxed);
            return;
        }
    }
}

void
tp_shm_unlock(struct tp_shm_lock *l)
{
    atomic_store_explicit(&l->owner, 0, memory_order_release);
}
