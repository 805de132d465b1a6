#define _GNU_SOURCE
#include <fcntl.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include "CCairnPOSIX.h"

int cairn_o_direct(void) {
#ifdef O_DIRECT
    return O_DIRECT;
#else
    return 0;  // no direct I/O on this platform: callers fall back to buffered writes
#endif
}

int cairn_malloc_thresholds(size_t mmap_threshold, size_t trim_threshold) {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold) == 1 && mallopt(M_TRIM_THRESHOLD, (int)trim_threshold) == 1;
#else
    (void)mmap_threshold; (void)trim_threshold;
    return 0;
#endif
}
