// Carry-less-multiply folding for reflected CRCs (Gopal, Ozturk et al., "Fast CRC Computation for
// Generic Polynomials Using PCLMULQDQ Instruction", Intel 2009). Four 128-bit lanes absorb 64 bytes
// per step; the remainder is folded into one lane whose 16 bytes have the same CRC (from a zero
// register) as everything folded, so the table code finishes the job and no Barrett reduction is
// needed. The constants are bit-reflected x^e mod P; scripts/crc_fold_constants.py derives and checks them.
#include "crc_fold.h"

#if defined(__x86_64__)
#include <immintrin.h>

int cairn_have_clmul(void) {
    static int known = -1;
    int v = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (v < 0) {
        v = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
        __atomic_store_n(&known, v, __ATOMIC_RELAXED);
    }
    return v;
}

// x·K: the low 64 bits of the lane times the low constant, the high times the high, plus `data`.
__attribute__((target("pclmul,sse4.1"), always_inline))
static inline __m128i fold(__m128i x, __m128i k, __m128i data) {
    return _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11)), data);
}

__attribute__((target("pclmul,sse4.1")))
size_t cairn_crc_fold(const uint8_t *p, size_t len, uint64_t reg, const struct cairn_fold_constants *k,
                      uint8_t out[16]) {
    const size_t start = len;
    const __m128i k4 = _mm_set_epi64x((long long)k->fold512_hi, (long long)k->fold512_lo);
    const __m128i k1 = _mm_set_epi64x((long long)k->fold128_hi, (long long)k->fold128_lo);
    __m128i x0 = _mm_loadu_si128((const __m128i *)p);
    __m128i x1 = _mm_loadu_si128((const __m128i *)(p + 16));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(p + 32));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(p + 48));
    // A reflected CRC's running register is XORed into the first bytes of what follows.
    x0 = _mm_xor_si128(x0, _mm_cvtsi64_si128((long long)reg));
    p += 64;
    len -= 64;
    while (len >= 64) {
        x0 = fold(x0, k4, _mm_loadu_si128((const __m128i *)p));
        x1 = fold(x1, k4, _mm_loadu_si128((const __m128i *)(p + 16)));
        x2 = fold(x2, k4, _mm_loadu_si128((const __m128i *)(p + 32)));
        x3 = fold(x3, k4, _mm_loadu_si128((const __m128i *)(p + 48)));
        p += 64;
        len -= 64;
    }
    x1 = fold(x0, k1, x1);
    x2 = fold(x1, k1, x2);
    x3 = fold(x2, k1, x3);
    while (len >= 16) {
        x3 = fold(x3, k1, _mm_loadu_si128((const __m128i *)p));
        p += 16;
        len -= 16;
    }
    _mm_storeu_si128((__m128i *)out, x3);
    return start - len;
}

#else
int cairn_have_clmul(void) { return 0; }
size_t cairn_crc_fold(const uint8_t *p, size_t len, uint64_t reg, const struct cairn_fold_constants *k,
                      uint8_t out[16]) {
    (void)p; (void)len; (void)reg; (void)k; (void)out;
    return 0;
}
#endif
