/*
 * tp_fuzz.h: what every fuzz target shares: CHECK(), which aborts (a
 * finding for libFuzzer) naming the invariant, and, unless TP_LIBFUZZER
 * (libFuzzer brings its own main()), the corpus replayer: main() feeds
 * LLVMFuzzerTestOneInput() every regular file in the directories (or the
 * files) named on the command line, each in an exact-size heap copy so
 * ASan catches reads past the input (make fuzz-replay).
 */
#ifndef TP_FUZZ_H
#define TP_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(x) \
    do { \
        if (!(x)) { \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, \
                    __LINE__, #x); \
            abort(); \
        } \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef TP_LIBFUZZER

#include <dirent.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

static bool
tp_fuzz_replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL, *nbuf;
    size_t n = 0, cap = 0, got;

    if (f == NULL) {
        perror(path);
        return false;
    }
    do {
        if (n == cap) {
            cap = cap == 0 ? 4096 : cap * 2;
            if ((nbuf = realloc(buf, cap)) == NULL) {
                abort();
            }
            buf = nbuf;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    if ((nbuf = malloc(n > 0 ? n : 1)) == NULL) {
        abort();
    }
    memcpy(nbuf, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput((const uint8_t *) nbuf, n);
    free(nbuf);
    return true;
}

/* Replays the regular files of <dir>; a missing directory is fine. */
static int
tp_fuzz_replay_dir(const char *dir)
{
    char path[4096];
    struct dirent *de;
    struct stat st;
    DIR *dp = opendir(dir);
    int count = 0;

    if (dp == NULL) {
        if (stat(dir, &st) == 0 && S_ISREG(st.st_mode)) {
            return tp_fuzz_replay_file(dir) ? 1 : 0;
        }
        return 0;
    }
    while ((de = readdir(dp)) != NULL) {
        if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name)
            >= (int) sizeof(path))
        {
            continue;
        }
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)
            && tp_fuzz_replay_file(path))
        {
            count++;
        }
    }
    closedir(dp);
    return count;
}

int
main(int argc, char **argv)
{
    int i, count = 0;

    for (i = 1; i < argc; i++) {
        count += tp_fuzz_replay_dir(argv[i]);
    }
    printf("%s: %d files replayed\n", argv[0], count);
    return 0;
}

#endif /* TP_LIBFUZZER */
#endif /* TP_FUZZ_H */
