/*
 * tp_shm.h: the shared-memory segment.
 *
 * One anonymous MAP_SHARED mapping created by the master before the first
 * fork, so it sits at the same address in every process and survives
 * worker crashes and reloads.  It starts with a header (magic, layout
 * version, size) followed by named zones carved at creation; every zone
 * starts on its own cache line.  Later subsystems (throttles, quotas,
 * metrics) add zones through tp_shm_zone().
 */
#ifndef TP_SHM_H
#define TP_SHM_H

#include "tp_core.h"
#include "tp_model.h"

#define TP_SHM_MAGIC    0x74705348u    /* "tpSH" */
#define TP_SHM_VERSION  1
#define TP_SHM_MAX_ZONES 32

struct tp_shm_zone {
    char name[24];
    uint64_t offset;                   /* from the segment start */
    uint64_t size;
};

struct tp_shm {
    uint32_t magic;
    uint32_t version;
    uint64_t size;                     /* whole segment, bytes */
    uint64_t used;                     /* bytes carved so far */
    uint32_t nzones;
    struct tp_shm_zone zones[TP_SHM_MAX_ZONES];
};

/* Maps a segment sized for <sc> (master, before fork).  NULL + <err>. */
struct tp_shm *tp_shm_create_size(size_t size, char *err, size_t errlen);
struct tp_shm *tp_shm_create(const struct tp_server_conf *sc, char *err,
    size_t errlen);

/*
 * Returns the zone <name>, carving <size> zeroed bytes for it on first use
 * (master only, before fork).  A zone found again with a different size is
 * an error (layout changed: refuse rather than corrupt).  NULL when full.
 */
void *tp_shm_zone(struct tp_shm *shm, const char *name, size_t size);

/*
 * Like tp_shm_zone, but a zone found again keeps the size it was carved
 * with, written back to <*size> (tables sized at first start: a reload
 * cannot resize them).
 */
void *tp_shm_zone_any(struct tp_shm *shm, const char *name, size_t *size);

/* Tables: the power of two >= <entries>, and the power-of-two slot count
 * a zone of <size> bytes holds after a header of <hdr> bytes. */
uint64_t tp_shm_pow2(uint64_t entries);
uint64_t tp_shm_table_cap(size_t size, size_t hdr, size_t slot);

#endif /* TP_SHM_H */
