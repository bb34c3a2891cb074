/*
 * tp_shm.c: creating the segment and carving zones.  The master creates it
 * before forking; every process reads and writes zones afterwards.
 */
#include "tp_shm.h"

#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>

#define TP_SHM_DEFAULT (4u * 1024 * 1024)

struct tp_shm *
tp_shm_create_size(size_t size, char *err, size_t errlen)
{
    struct tp_shm *shm;

    size = TP_ALIGN(TP_MAX(size, sizeof(struct tp_shm) + TP_CACHELINE),
        4096);
    shm = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
        -1, 0);
    if (shm == MAP_FAILED) {
        snprintf(err, errlen, "cannot map %zu bytes of shared memory: %s",
            size, strerror(errno));
        return NULL;
    }
    shm->magic = TP_SHM_MAGIC;
    shm->version = TP_SHM_VERSION;
    shm->size = size;
    shm->used = TP_ALIGN(sizeof(*shm), TP_CACHELINE);
    return shm;
}

struct tp_shm *
tp_shm_create(const struct tp_server_conf *sc, char *err, size_t errlen)
{
    (void) sc;                         /* zones are sized by later features */
    return tp_shm_create_size(TP_SHM_DEFAULT, err, errlen);
}

void *
tp_shm_zone(struct tp_shm *shm, const char *name, size_t size)
{
    struct tp_shm_zone *z;
    uint32_t i;

    tp_assert(shm->magic == TP_SHM_MAGIC);
    if (size > shm->size) {
        return NULL;                 /* also keeps TP_ALIGN from wrapping */
    }
    size = TP_ALIGN(size, TP_CACHELINE);
    for (i = 0; i < shm->nzones; i++) {
        z = &shm->zones[i];
        if (strcmp(z->name, name) == 0) {
            return z->size == size ? (char *) shm + z->offset : NULL;
        }
    }
    if (shm->nzones == TP_SHM_MAX_ZONES || strlen(name) >= sizeof(z->name)
        || size > shm->size - shm->used)
    {
        return NULL;
    }
    z = &shm->zones[shm->nzones++];
    snprintf(z->name, sizeof(z->name), "%s", name);
    z->offset = shm->used;
    z->size = size;
    shm->used += size;
    return (char *) shm + z->offset;
}
