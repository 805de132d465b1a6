#ifndef CCAIRN_POSIX_H
#define CCAIRN_POSIX_H
#include <stddef.h>

/// Linux and glibc interfaces Swift's Glibc module does not import (they need _GNU_SOURCE or
/// <malloc.h>), with their values taken from the C headers rather than hard-coded in Swift.

/// open(2)'s O_DIRECT, or 0 where there is none.
int cairn_o_direct(void);

/// mallopt(M_MMAP_THRESHOLD, mmap_threshold) and mallopt(M_TRIM_THRESHOLD, trim_threshold) on glibc;
/// returns 1 when both were applied, 0 elsewhere.
int cairn_malloc_thresholds(size_t mmap_threshold, size_t trim_threshold);

#endif
