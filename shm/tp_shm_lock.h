/*
 * tp_shm_lock.h: a mutex in shared memory for the rare writers of a shared
 * table (inserting an entry, evicting idle ones).  The word holds the
 * owner's pid, so a lock whose owner died (a worker killed while holding
 * it) is taken over instead of blocking every process forever.  Critical
 * sections are a few hundred nanoseconds: waiters spin, then yield.
 */
#ifndef TP_SHM_LOCK_H
#define TP_SHM_LOCK_H

#include "tp_core.h"

#include <stdatomic.h>
#include <sys/types.h>

struct tp_shm_lock {
    _Atomic int32_t owner;           /* pid, 0 when free */
    _Atomic uint32_t stolen;         /* times taken from a dead owner */
};

void tp_shm_lock(struct tp_shm_lock *l);
void tp_shm_unlock(struct tp_shm_lock *l);

#endif /* TP_SHM_LOCK_H */
