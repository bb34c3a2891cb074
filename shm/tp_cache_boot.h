/*
 * tp_cache_boot.h: the response cache starts empty after a system crash.
 * It is written without fsync() (MDB_NOSYNC, see tp_cache.c), so after a
 * crash of the system its file may hold pages written out of order; and
 * nothing in it is worth keeping across a boot.  The file "boot" in the
 * cache directory holds the boot id of the last process that opened it;
 * the first to open it in a new boot removes the LMDB files.  No process
 * of an earlier boot can have them open, so this is safe.
 */
#ifndef TP_CACHE_BOOT_H
#define TP_CACHE_BOOT_H

#include "tp_core.h"

#define TP_CACHE_BOOT_FILE  "boot"
#define TP_CACHE_BOOT_ID    "/proc/sys/kernel/random/boot_id"

/*
 * Before opening the environment in <dir>: removes data.mdb and lock.mdb
 * when "boot" names another boot (a missing or empty one is not another
 * boot: the files may be kept), then records this boot.  Without /proc
 * there is nothing to compare and nothing is removed.  TP_ERROR + <err>.
 */
int tp_cache_boot(const char *dir, char *err, size_t errlen);

#endif /* TP_CACHE_BOOT_H */
