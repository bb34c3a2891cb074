/*
 * tp_core.h: the small umbrella every turnpike file includes: return codes,
 * the string slice, assertions that stay on in release builds.
 * Used by all processes.
 */
#ifndef TP_CORE_H
#define TP_CORE_H

#include "tp_auto_config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <sys/types.h>

/* Return codes shared by every module (exemplars R9). */
enum tp_rc {
    TP_OK = 0,          /* done, success */
    TP_ERROR = -1,      /* failed; the caller reports or maps it */
    TP_AGAIN = -2,      /* incomplete: call again with more input / later */
    TP_DECLINED = -3,   /* not applicable, not an error */
    TP_BUSY = -4,       /* resource exhausted, try later */
    TP_DONE = -5        /* finished, nothing more to do */
};

/* A byte slice that does not own its memory; not NUL-terminated. */
struct tp_str {
    const char *p;
    size_t len;
};

#define TP_STR(lit)       ((struct tp_str) { (lit), sizeof(lit) - 1 })
#define TP_NULL_STR       ((struct tp_str) { NULL, 0 })
#define TP_NELEM(a)       (sizeof(a) / sizeof((a)[0]))
#define TP_MIN(a, b)      ((a) < (b) ? (a) : (b))
#define TP_MAX(a, b)      ((a) > (b) ? (a) : (b))
#define TP_ALIGN(n, a)    (((n) + ((a) - 1)) & ~((size_t) (a) - 1))
#define TP_CACHELINE      64
#define TP_LIKELY(x)      __builtin_expect(!!(x), 1)
#define TP_UNLIKELY(x)    __builtin_expect(!!(x), 0)
#define TP_CONTAINER_OF(ptr, type, member) \
    ((type *) (void *) ((char *) (ptr) - offsetof(type, member)))

/* Logs file:line and aborts, in every build: impossible states stop. */
#define tp_assert(expr) \
    do { \
        if (TP_UNLIKELY(!(expr))) { \
            tp_assert_fail(#expr, __FILE__, __LINE__); \
        } \
    } while (0)

void tp_assert_fail(const char *expr, const char *file, int line)
    __attribute__((noreturn));

static inline bool
tp_str_eq(struct tp_str a, struct tp_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* ASCII case-insensitive comparison of <a> with the NUL-terminated <lit>. */
bool tp_str_caseeq(struct tp_str a, const char *lit);

#endif /* TP_CORE_H */
