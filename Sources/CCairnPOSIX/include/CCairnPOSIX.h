#ifndef CCAIRN_POSIX_H
#define CCAIRN_POSIX_H

/// Linux open(2) flags that Swift's Glibc module does not import (they need _GNU_SOURCE), with
/// their per-architecture values taken from the C headers rather than hard-coded in Swift.
int cairn_o_direct(void);

#endif
