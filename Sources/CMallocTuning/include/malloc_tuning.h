#ifndef UNIONCARD_MALLOC_TUNING_H
#define UNIONCARD_MALLOC_TUNING_H
/*
 * glibc's mallopt(3) (<malloc.h> is not part of Swift's Glibc module). Linux only.
 */
#include <malloc.h>

/// Limits glibc to `count` malloc arenas; returns 1 on success.
static inline int cmalloc_limit_arenas(int count) {
    return mallopt(M_ARENA_MAX, count);
}
/// Returns freed heap memory to the system (malloc_trim(0)); returns 1 when some was released.
static inline int cmalloc_trim(void) {
    return malloc_trim(0);
}
#endif
