/*
 * tp_shm.c: creating the segment and carving zones.  The master creates it
 * before forking; every process reads and writes zones afterwards.
 */
#include "tp_shm.h"
#include "tp_quota.h"
#include "tp_throttle.h"

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
    size_t size = TP_SHM_DEFAULT
        + tp_throttle_zone_size(sc->throttle_entries)
        + tp_quota_zone_size(sc->quota_entries) + 2 * TP_CACHELINE;
    struct tp_shm *shm = tp_shm_create_size(size, err, errlen);

    if (shm != NULL && (tp_throttle_zone(shm, sc->throttle_entries) == NULL
            || tp_quota_zone(shm, sc->quota_entries) == NULL))
    {
        snprintf(err, errlen, "cannot carve the throttle and quota tables "
            "from %zu bytes of shared memory", size);
        return NULL;
    }
    return shm;
}

uint64_t
tp_shm_pow2(uint64_t entries)
{
    uint64_t cap = 1;

    while (cap < entries) {
        cap <<= 1;
    }
    return cap;
}

uint64_t
tp_shm_table_cap(size_t size, size_t hdr, size_t slot)
{
    uint64_t cap = 1;

    while (cap * 2 <= (size - hdr) / slot) {
        cap <<= 1;
    }
    return cap;
}

void *
tp_shm_zone_any(struct tp_shm *shm, const char *name, size_t *size)
{
    uint32_t i;

    for (i = 0; i < shm->nzones; i++) {
        if (strcmp(shm->zones[i].name, name) == 0) {
            *size = shm->zones[i].size;
            return (char *) shm + shm->zones[i].offset;
        }
    }
    return tp_shm_zone(shm, name, *size);
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
