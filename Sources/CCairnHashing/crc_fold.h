#ifndef CCAIRN_CRC_FOLD_H
#define CCAIRN_CRC_FOLD_H
#include <stdint.h>
#include <stddef.h>

/// Folding constants of one reflected CRC: bit-reflected x^e mod P for folding a 128-bit lane
/// 512 bits and 128 bits forward (low and high 64-bit halves of the lane).
struct cairn_fold_constants {
    uint64_t fold512_lo, fold512_hi, fold128_lo, fold128_hi;
};

/// Whether the CPU has PCLMULQDQ (and SSE4.1), checked once.
int cairn_have_clmul(void);

/// Folds the first whole 16-byte lanes of `p` (`len` >= 64), starting from the raw register `reg`,
/// into 16 bytes `out` whose CRC from a zero register equals the raw CRC of the folded bytes.
/// Returns how many bytes were folded (all but `len` % 16).
size_t cairn_crc_fold(const uint8_t *p, size_t len, uint64_t reg, const struct cairn_fold_constants *k,
                      uint8_t out[16]);
#endif
