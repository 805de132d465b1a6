#define _GNU_SOURCE
#include <fcntl.h>
#include "CCairnPOSIX.h"

int cairn_o_direct(void) {
#ifdef O_DIRECT
    return O_DIRECT;
#else
    return 0;  // no direct I/O on this platform: callers fall back to buffered writes
#endif
}
